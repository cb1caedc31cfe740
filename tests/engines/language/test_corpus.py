"""Validation on corpora written for the tests: precision and recall per category.

A predicted finding is a true positive when an expected finding has the same rule id and an
overlapping span (document-level findings: the same rule id); each expected finding can be
matched once. The long-sentence check is left out (see corpus.yaml). Precision and recall are
printed in the terminal summary (conftest.py).

* ``corpus.yaml`` (the main corpus, used while writing the rules): at least 0.9 per category
  and overall.
* ``holdout.yaml`` (written after the rules, never used to change them): at least 0.9
  overall; per category it is too small to hold a bar, the numbers are printed for reading and
  quoted in docs/language/README.md, which must show the current figures.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from .conftest import VALIDATION_KEY, rate_with_interval

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "language"
README = ROOT / "docs" / "language" / "README.md"
CORPUS = DATA / "corpus.yaml"
HOLDOUT = DATA / "holdout.yaml"
NOT_EVALUATED = {"leesbaarheid-lange-zin"}
MIN_SCORE = 0.9


def _expected_spans(item: dict) -> list[tuple[str, int, int]]:
    out = []
    for exp in item.get("expect") or []:
        span = exp.get("span")
        if span is None:
            out.append((exp["rule"], 0, 0))
            continue
        pos = -1
        for _ in range(int(exp.get("n", 1))):
            pos = item["text"].find(span, pos + 1)
            assert pos >= 0, f"{item['id']}: span {span!r} not in the text"
        out.append((exp["rule"], pos, pos + len(span)))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a == (0, 0) or b == (0, 0):
        return a == b
    return a[0] < b[1] and b[0] < a[1]


def _evaluate(scanner, corpus):
    rows = []
    for item in corpus["items"]:
        report = scanner.scan_text(item["text"], kind=item.get("kind", "letter"))
        predicted = [
            (f.rule_id, f.start, f.end) for f in report.findings if f.rule_id not in NOT_EVALUATED
        ]
        expected = _expected_spans(item)
        unmatched = list(expected)
        for rule_id, start, end in predicted:
            hit = next(
                (e for e in unmatched if e[0] == rule_id and _overlap((start, end), e[1:])), None
            )
            if hit is not None:
                unmatched.remove(hit)
                rows.append(("tp", rule_id, item["id"], item["text"][start:end]))
            else:
                rows.append(("fp", rule_id, item["id"], item["text"][start:end]))
        for rule_id, start, end in unmatched:
            rows.append(("fn", rule_id, item["id"], item["text"][start:end]))
    return rows


@pytest.fixture(scope="module")
def corpus():
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def holdout():
    return yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))


def _outcome(scanner, corpus, rules):
    category = {r.id: r.category for r in rules}
    rows = _evaluate(scanner, corpus)
    return [(kind, category[rule_id], rule_id, item, text) for kind, rule_id, item, text in rows]


@pytest.fixture(scope="module")
def outcome(scanner, corpus, rules):
    return _outcome(scanner, corpus, rules)


def _table(outcome):
    counts: dict[str, Counter] = {}
    for kind, cat, *_ in outcome:
        counts.setdefault(cat, Counter())[kind] += 1
        counts.setdefault("overall", Counter())[kind] += 1
    table = []
    for name in sorted(counts, key=lambda c: (c == "overall", c)):
        c = counts[name]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        table.append((name, c["tp"], c["fp"], c["fn"], precision, recall))
    return table


def _publish(request, name, table):
    request.config.stash.setdefault(VALIDATION_KEY, {})[name] = table
    for category, _, _, _, precision, recall in table:
        request.node.user_properties.append((f"{name}:{category}_precision", round(precision, 3)))
        request.node.user_properties.append((f"{name}:{category}_recall", round(recall, 3)))


def _mistakes(outcome) -> str:
    return "\n".join(
        f"{kind.upper()} {rule} in {item}: {text!r}"
        for kind, _, rule, item, text in outcome
        if kind != "tp"
    )


def test_corpus_is_large_enough(corpus):
    items = corpus["items"]
    sentences = [i for i in items if i["id"].startswith("s")]
    letters = [i for i in items if i["id"].startswith("l")]
    vacancies = [i for i in items if i.get("kind") == "vacancy"]
    assert len(sentences) >= 40
    assert len(letters) >= 10
    assert len(vacancies) >= 3
    negatives = [i for i in items if not i.get("expect")]
    assert len(negatives) >= 15, "precision needs clean texts and traps too"


def test_expected_rules_exist(corpus, rules):
    known = {r.id for r in rules}
    for item in corpus["items"]:
        for exp in item.get("expect") or []:
            assert exp["rule"] in known, f"{item['id']}: unknown rule {exp['rule']}"


def test_precision_and_recall_per_category(outcome, request):
    table = _table(outcome)
    _publish(request, "corpus.yaml (in-sample)", table)
    failing = [row for row in table if row[4] < MIN_SCORE or row[5] < MIN_SCORE]
    assert not failing, f"below {MIN_SCORE}: {failing}\n" + _mistakes(outcome)
    # every category of the shipped rules is exercised by the corpus
    assert {row[0] for row in table} >= {
        "herkomst", "gender", "beperking", "leeftijd", "religie", "handhaving", "ambtelijk",
        "vacature", "leesbaarheid",
    }  # fmt: skip


def test_precision_and_recall_on_held_out_texts(scanner, holdout, rules, request):
    outcome = _outcome(scanner, holdout, rules)
    table = _table(outcome)
    _publish(request, "holdout.yaml (held out)", table)
    overall = table[-1]
    assert overall[0] == "overall"
    assert overall[4] >= MIN_SCORE and overall[5] >= MIN_SCORE, _mistakes(outcome)


def test_readme_quotes_the_current_held_out_figures_per_category(scanner, holdout, rules):
    """The docs must not show a rosier (or older) picture than the held-out set gives."""
    table = _table(_outcome(scanner, holdout, rules))
    expected = [
        f"| {name} | {tp} | {fp} | {fn} | {rate_with_interval(tp, tp + fp, precision)} "
        f"| {rate_with_interval(tp, tp + fn, recall)} |"
        for name, tp, fp, fn, precision, recall in table
    ]
    text = README.read_text(encoding="utf-8")
    marker = "<!-- held-out table: test_corpus.py checks it against the current rules -->"
    assert marker in text
    lines = text.split(marker, 1)[1].strip().splitlines()
    body = lines[2:]
    rows = body[: next((i for i, line in enumerate(body) if not line.startswith("|")), len(body))]
    assert rows == expected


def test_every_category_has_true_positives(outcome):
    per_category = Counter(cat for kind, cat, *_ in outcome if kind == "tp")
    assert all(n >= 3 for n in per_category.values()), per_category


def test_wilson_interval_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    from .conftest import wilson

    for k, n in [(35, 37), (4, 6), (0, 5), (10, 10)]:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson(k, n) == pytest.approx((lo, hi), abs=1e-6)


def test_source_md_lists_the_current_checksums():
    import hashlib
    import re

    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    for name in ("corpus.yaml", "holdout.yaml"):
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert re.search(rf"\| {re.escape(name)} \|.*\| {digest} \|", source), name
