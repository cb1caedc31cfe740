"""Rule files: the shipped rule sets, and clear errors (file, line, field) for broken ones."""

from __future__ import annotations

import pickle

import pytest

from gelijk.engines.errors import InputError
from gelijk.engines.language import RuleFileError, load_rules, parse_rules
from gelijk.engines.language.rules import SEVERITIES, builtin_rule_files

GOOD = """\
category: test
severity: warning
source: Gelijk (test)
reason: Een reden.
rules:
  - id: test-woord
    terms: [woord]
    pos: noun
"""


def _error(text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        parse_rules(text, "mijn-regels.yaml")
    return info.value


def test_good_file_parses_with_inflected_forms():
    rules, disabled = parse_rules(GOOD, "mijn-regels.yaml")
    assert disabled == []
    assert rules[0].id == "test-woord"
    assert {"woord", "woorden"} <= rules[0].forms
    assert rules[0].line == 6


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (GOOD.replace("severity: warning", "severity: eror"), 2, "severity", "must be one of"),
        (GOOD.replace("    pos: noun", "    pos: noun\n    severty: error"), 9, "severty",
         "did you mean 'severity'"),
        (GOOD.replace("    terms: [woord]", "    patterns: ['(onaf']"), 7, "patterns",
         "invalid regular expression"),
        (GOOD.replace("    terms: [woord]", "    patterns: ['{onbekend} woord']"), 7,
         "patterns", "unknown list {onbekend}"),
        (GOOD.replace("  - id: test-woord", "  - id: Test Woord"), 6, "id", "lower-case"),
        (GOOD.replace("reason: Een reden.\n", ""), 5, "reason", "missing"),
        (GOOD.replace("    terms: [woord]\n    pos: noun\n", ""), 6, "terms",
         "needs 'terms' or 'patterns'"),
        (GOOD.replace("    pos: noun", "    pos: noun\n    compounds: misschien"), 9,
         "compounds", "true or false"),
        (GOOD.replace("    terms: [woord]", "    terms: [woord\n    pos: x"), None, None,
         "YAML syntax error"),
    ],
)  # fmt: skip
def test_broken_rule_file_names_file_line_and_field(text, line, field, message):
    err = _error(text)
    assert err.path == "mijn-regels.yaml"
    assert message in str(err)
    assert str(err).startswith("mijn-regels.yaml")
    if line is not None:
        assert err.line == line
        assert f"line {line}" in str(err)
    assert err.field == field
    assert isinstance(err, InputError)


def test_yaml_syntax_error_has_a_line():
    err = _error("rules:\n  - id: a\n    terms: [woord\n  - id: b\n")
    assert err.line is not None and err.line >= 3


def test_duplicate_ids_across_files_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(RuleFileError, match=r"already used in .*a\.yaml, line 6"):
        load_rules([tmp_path], builtin=False)


def test_a_local_file_can_disable_builtin_rules(tmp_path):
    (tmp_path / "lokaal.yaml").write_text("disable: [ambtelijk-echter]\n")
    ids = {r.id for r in load_rules([tmp_path])}
    assert "ambtelijk-echter" not in ids
    assert "ambtelijk-indien" in ids


def test_yaml_booleans_stay_text():
    rules, _ = parse_rules(GOOD.replace("terms: [woord]", "terms: [nee, no, on]"), "x.yaml")
    assert {"nee", "no", "on"} <= rules[0].forms


def test_missing_rule_folder_is_an_input_error(tmp_path):
    with pytest.raises(RuleFileError, match="no such rule file or folder"):
        load_rules([tmp_path / "bestaat-niet"])


def test_rule_file_error_survives_pickling():
    err = _error(GOOD.replace("severity: warning", "severity: eror"))
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.path, copy.line, copy.field, str(copy)) == (
        err.path,
        err.line,
        err.field,
        str(err),
    )


# --- the shipped rule sets ------------------------------------------------------------------


def test_shipped_rules_cover_the_issue(rules):
    categories = rules.categories()
    for name in ("herkomst", "gender", "beperking", "leeftijd", "religie", "handhaving",
                 "ambtelijk", "vacature", "leesbaarheid"):  # fmt: skip
        assert name in categories
    officialese = [r for r in rules if r.category == "ambtelijk"]
    assert len(officialese) >= 80
    assert all(r.alternatives for r in officialese)


def test_every_rule_has_reason_source_and_valid_severity(rules):
    for rule in rules:
        assert rule.reason and rule.source, rule.id
        assert rule.severity in SEVERITIES
        assert rule.contexts


def test_shipped_rule_files_are_listed():
    names = [name for name, _ in builtin_rule_files()]
    assert "rules/herkomst.yaml" in names and "rules/ambtelijk.yaml" in names


def _examples(rules):
    for rule in rules:
        for text in rule.examples_flag:
            yield pytest.param(rule.id, text, True, id=f"{rule.id}-flag")
        for text in rule.examples_ok:
            yield pytest.param(rule.id, text, False, id=f"{rule.id}-ok")


def test_every_rule_has_an_example(rules):
    missing = [r.id for r in rules if r.type == "term" and not r.examples_flag]
    assert missing == []


def test_rule_examples(rules, scanner):
    """Each rule flags its own 'flag' examples and leaves its 'ok' examples alone."""
    failures = []
    for rule in rules:
        kind = "vacancy" if rule.contexts == ("vacancy",) else "letter"
        for text in rule.examples_flag:
            if not any(f.rule_id == rule.id for f in scanner.scan_text(text, kind=kind).findings):
                failures.append(f"{rule.id} misses {text!r}")
        for text in rule.examples_ok:
            if any(f.rule_id == rule.id for f in scanner.scan_text(text, kind=kind).findings):
                failures.append(f"{rule.id} wrongly flags {text!r}")
    assert failures == []
