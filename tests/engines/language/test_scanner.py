"""The scanner: matching, contexts, exceptions, antecedents, offsets and the public API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines.errors import InputError
from gelijk.engines.language import (
    RuleSet,
    detect_kind,
    load_rules,
    parse_rules,
    scan_text,
)
from gelijk.engines.language._regex import required_literals, trie_regex
from gelijk.engines.language.text import LineIndex


def ids(report) -> list[str]:
    return [f.rule_id for f in report.findings]


def test_finding_carries_offsets_line_column_and_advice(scanner):
    text = "Beste bewoner,\n\nIn uw straat wonen veel allochtonen."
    report = scanner.scan_text(text, kind="letter")
    (finding,) = [f for f in report.findings if f.rule_id == "herkomst-allochtoon"]
    assert text[finding.start : finding.end] == finding.text == "allochtonen"
    assert (finding.line, finding.column) == (3, 25)
    assert finding.severity == "error" and finding.category == "herkomst"
    assert finding.alternatives and finding.reason and "WRR" in finding.source


def test_matching_ignores_case_and_follows_line_breaks(scanner):
    report = scanner.scan_text("WELKOM, DAMES EN\nHEREN.", kind="letter")
    assert ids(report) == ["gender-dames-en-heren"]
    assert report.findings[0].text == "DAMES EN\nHEREN"


def test_compounds_only_where_the_rule_allows_them(scanner):
    assert "herkomst-allochtoon" in ids(scanner.scan_text("Het allochtonenbeleid stopte."))
    assert "herkomst-ras" not in ids(scanner.scan_text("Dat hondenras is verboden."))
    assert "herkomst-ras" not in ids(scanner.scan_text("Hij is een rasechte Utrechter."))


@pytest.mark.parametrize(
    "template",
    [
        "Beste {{ allochtoon }},",
        "Beste [ALLOCHTOON],",
        "Beste «allochtoon»,",
        "Beste <<allochtoon>>,",
        "Beste %(allochtoon)s,",
        "Beste {allochtoon},",
        "Beste $allochtoon$,",
        "{% if allochtoon %}Beste bewoner,{% endif %}",
        "Zie www.utrecht.nl/allochtonen voor meer.",
    ],
)
def test_placeholders_are_not_flagged(scanner, template):
    assert "herkomst-allochtoon" not in ids(scanner.scan_text(template, kind="letter"))


def test_text_around_template_statements_is_still_scanned(scanner):
    text = "{% if man %}Geachte heer/mevrouw,{% else %}Beste bewoner,{% endif %}"
    assert "gender-aanhef-heer-mevrouw" in ids(scanner.scan_text(text, kind="letter"))


def test_letter_rules_do_not_apply_to_vacancies_and_back(scanner):
    text = "Een man van Turkse afkomst. Je bent maximaal 35 jaar."
    letter = ids(scanner.scan_text(text, kind="letter"))
    vacancy = ids(scanner.scan_text(text, kind="vacancy"))
    assert "handhaving-nationaliteit" in letter and "vacature-leeftijd" not in letter
    assert "vacature-leeftijd" in vacancy and "handhaving-nationaliteit" not in vacancy


def test_kind_detection():
    assert detect_kind("Vacature: handhaver (m/v/x). Solliciteer voor 1 mei.") == "vacancy"
    assert detect_kind("Geachte bewoner, u krijgt een boete. Solliciteren kan niet.") == "letter"


def test_auto_kind_is_reported(scanner):
    report = scanner.scan_text("Vacature: handhaver (m/v/x). Wat bieden wij? Solliciteer nu.")
    assert report.kind == "vacancy" and report.kind_detected
    assert scanner.scan_text("U krijgt een boete.", kind="letter").kind_detected is False


def test_missing_checks_are_document_level(scanner):
    report = scanner.scan_text("Wij zoeken een handhaver (m/v/x).", kind="vacancy")
    missing = [f for f in report.findings if f.is_document_level]
    assert {f.rule_id for f in missing} == {
        "vacature-diversiteitsverklaring",
        "vacature-gestructureerde-selectie",
    }
    assert all((f.start, f.end, f.line, f.column, f.text) == (0, 0, 1, 1, "") for f in missing)


def test_pronoun_heuristic_needs_a_generic_antecedent(scanner):
    flagged = "Als de aanvrager te laat is, krijgt hij een boete."
    named = "Als de heer Jansen te laat is, krijgt hij een boete."
    unknown = "Hij krijgt een boete."
    placeholder = "Als {{ naam }} te laat is, krijgt hij een boete."
    assert "gender-hij-onbekend" in ids(scanner.scan_text(flagged, kind="letter"))
    for text in (named, unknown, placeholder):
        assert "gender-hij-onbekend" not in ids(scanner.scan_text(text, kind="letter")), text


def test_generic_hij_die_is_reported_once_with_a_neutral_alternative(scanner):
    cases = {
        "Hij die de boete niet betaalt, krijgt een aanmaning.": "Hij",
        "Iemand belde ons. Hij die de melding deed, hoort binnen een week meer.": "Hij",
        "De gemeente helpt, maar hij die de regels niet volgt, krijgt een boete.": "hij",
        "Wij geven een vergunning aan hem die een volledige aanvraag indient.": "hem",
        "Geachte bewoner,\n\nHij die zijn afval te vroeg buiten zet, krijgt een boete.": "Hij",
    }
    for text, word in cases.items():
        report = scanner.scan_text(text, kind="letter")
        pronouns = [f for f in report.findings if f.category == "gender"]
        assert [(f.rule_id, f.text) for f in pronouns] == [("gender-hij-die", word)], text
        assert any(a.startswith("Wie") for a in pronouns[0].alternatives)


def test_hij_die_is_not_reported_for_a_named_person_or_a_demonstrative(scanner):
    for text in (
        "Jan, hij die de melding deed, kreeg een bedankbrief.",
        "De heer Jansen, hij die de melding deed, kreeg een brief.",
        "{{ naam }}, hij die de melding deed, kreeg een brief.",
        "Als hij die boete niet betaalt, volgt een aanmaning.",
        "Wij hebben hem die brief gisteren gestuurd.",
        "Heeft hij die vergunning al?",
    ):
        assert "gender-hij-die" not in ids(scanner.scan_text(text, kind="letter")), text


def test_overlapping_hits_of_one_rule_become_one_finding(scanner):
    report = scanner.scan_text("Een donker getinte man fietste door.", kind="letter")
    found = [f for f in report.findings if f.rule_id == "handhaving-huidskleur"]
    assert [f.text for f in found] == ["donker getinte man"]


def test_per_term_alternatives(scanner):
    report = scanner.scan_text("Wij zoeken een verpleegster.", kind="vacancy")
    (title,) = [f for f in report.findings if f.rule_id == "vacature-functietitel"]
    assert title.alternatives == ("verpleegkundige",)


def test_custom_rules_and_rule_sets(tmp_path):
    (tmp_path / "eigen.yaml").write_text(
        "category: eigen\nsource: test\nreason: Zeg het gewoon.\nrules:\n"
        "  - id: eigen-pand\n    terms: [perceel]\n    pos: noun\n    severity: error\n"
        "    alternatives: [huis, grond]\n",
        encoding="utf-8",
    )
    only_own = load_rules([tmp_path], builtin=False)
    assert [r.id for r in only_own] == ["eigen-pand"]
    report = scan_text("De percelen aan de gracht.", rules=only_own, kind="letter")
    assert [(f.rule_id, f.text) for f in report.findings] == [("eigen-pand", "percelen")]
    assert report.has_errors
    rules, _ = parse_rules((tmp_path / "eigen.yaml").read_text(), "eigen.yaml")
    assert ids(scan_text("Het perceel.", rules=rules, kind="letter")) == ["eigen-pand"]


def test_report_to_dict_is_json(scanner):
    report = scanner.scan_text("Geachte heer/mevrouw,\n\nIndien u niet betaalt, volgt een boete.")
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert "text" not in data
    assert report.to_dict(include_text=True)["text"] == report.text
    assert data["counts"]["error"] == 1 and data["has_errors"] is True


def test_filtering_by_severity(scanner):
    report = scanner.scan_text("Geachte heer/mevrouw,\n\nIndien u niet betaalt, volgt een boete.")
    assert {f.severity for f in report.filtered("error").findings} == {"error"}
    assert len(report.filtered("suggestion").findings) == len(report.findings)
    assert report.filtered("error").filtered("suggestion").findings == report.findings


def test_filtering_does_not_make_a_letter_clean(scanner):
    text = (
        "Beste bewoner,\n\nWij sturen u deze brief omdat uw fiets op de stoep staat. Dat mag "
        "niet. Mensen met een kinderwagen kunnen er dan niet langs. Een man van Turkse afkomst "
        "zag het. Wilt u de fiets binnen twee dagen weghalen?"
    )
    report = scanner.scan_text(text, kind="letter")
    assert report.b1.code == "likely_b1"
    assert not report.is_b1_and_clean  # a warning about origin
    only_errors = report.filtered("error")
    assert only_errors.findings == ()
    assert not only_errors.is_b1_and_clean
    assert only_errors.to_dict()["hidden_by_severity_filter"] == len(report.findings)


def test_bad_arguments():
    with pytest.raises(InputError):
        scan_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        scan_text("tekst", kind="memo")


def test_rule_set_is_reusable_and_compiled_once(rules):
    assert isinstance(rules, RuleSet)
    assert rules.scanner is rules.scanner
    assert rules.get("herkomst-allochtoon") is not None and rules.get("bestaat-niet") is None


# --- invariants ----------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "allochtonen", "blanke", "vla", "hij", "de", "aanvrager", "Geachte", "heer/mevrouw,",
        "{{ naam }}", ".", "\n", "indien", "dames", "en", "heren", "wordt", "betaald", "door",
        "art.", "2", "10.22", "uur", "moslim", "Turkse", "man", "hondenras", "ras", "[NAAM]",
        "uiterlijk", "op", "het",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join), st.sampled_from(["letter", "vacancy"]))
def test_findings_point_at_their_text(scanner, text, kind):
    report = scanner.scan_text(text, kind=kind)
    index = LineIndex(text)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text
        assert index.locate(f.start) == (f.line, f.column)
    keys = [(f.rule_id, f.start) for f in report.findings]
    assert len(keys) == len(set(keys))


@settings(max_examples=100, deadline=None)
@given(st.sets(st.text("abcé ", min_size=1, max_size=8), min_size=1, max_size=25))
def test_trie_regex_matches_exactly_its_forms(forms):
    forms = {" ".join(f.split()) for f in forms if f.split()}
    if not forms:
        return
    regex = re.compile(trie_regex(forms))
    for form in forms:
        assert regex.fullmatch(form)
    for other in ("zzz", "abcx", "é é é é é é é é é"):
        if other not in forms:
            assert not regex.fullmatch(other)


def test_literal_prefilter_is_sound_on_the_shipped_rules(scanner, rules):
    """Every match of a pattern contains one of its required literals — as a whole word when
    the prefilter says so — else skipping texts without them would lose findings."""
    texts = [ex for r in rules for ex in r.examples_flag]
    for rule in rules:
        for pattern in rule.patterns:
            literals = required_literals(pattern)
            if literals is None:
                continue
            strings, whole_words = literals
            for text in texts:
                low = text.lower()
                for m in pattern.finditer(text):
                    inside = [
                        lit
                        for lit in strings
                        for w in re.finditer(
                            (r"(?<!\w)" + re.escape(lit) + r"(?!\w)")
                            if whole_words
                            else re.escape(lit),
                            low,
                        )
                        if m.start() <= w.start() and w.end() <= m.end()
                    ]
                    assert inside, (rule.id, m.group(), strings, whole_words)


def test_windowed_pattern_search_equals_a_full_scan(scanner, rules):
    """Patterns run only near their anchors; on real texts that must find exactly what a
    scan of the whole text finds."""
    import yaml

    from gelijk.engines.language.scanner import _JOINERS
    from gelijk.engines.language.text import mask, protected_spans, tokenize

    data = Path(__file__).resolve().parents[2] / "data" / "language"
    texts = [
        item["text"]
        for name in ("corpus.yaml", "holdout.yaml")
        for item in yaml.safe_load((data / name).read_text(encoding="utf-8"))["items"]
    ]
    texts.append("\n\n".join(texts))  # one long text: windows far apart
    pattern_rules = {r.id for r in rules if r.patterns}
    for text in texts:
        spans = protected_spans(text)
        masked = mask(text, spans)
        offsets: dict[str, list[int]] = {}
        for t in tokenize(text, spans):
            if t.kind in ("word", "number"):
                low = t.text.lower()
                offsets.setdefault(low, []).append(t.start)
                for part in _JOINERS.split(low):
                    offsets.setdefault(part, []).append(t.start)
        for kind in ("letter", "vacancy"):
            got = {
                (h.rule.id, h.start, h.end)
                for h in scanner._raw_hits(masked, kind, offsets)
                if h.rule.id in pattern_rules and h.rule.patterns
            }
            full = set()
            for rule in rules:
                if rule.type != "term" or not rule.patterns or not rule.applies_to(kind):
                    continue
                for regex in rule.patterns:
                    for m in regex.finditer(masked):
                        a, b = m.span("hit") if "hit" in regex.groupindex else m.span()
                        if a < b:
                            full.add((rule.id, a, b))
            term_only = {g for g in got if g not in full}
            # a term rule with patterns also matches through its term forms
            assert all(rules.get(g[0]).forms for g in term_only), term_only
            assert full <= got
