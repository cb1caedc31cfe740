"""Bad input to the register gets a specific Dutch message; good input is cleaned."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gelijk.algorithms import html as register_html
from gelijk.algorithms import records
from gelijk.algorithms.models import Algorithm
from gelijk.algorithms.services import register
from gelijk.algorithms.standard import load
from gelijk.algorithms.validation import clean_record, publication_gaps
from tests.algorithms.conftest import complete_record

S = load()


def errors(**fields):
    return clean_record(complete_record(**fields), S).errors


def test_complete_record_passes_and_gets_the_constants():
    checked = clean_record(complete_record(), S)
    assert checked.ok
    assert checked.record["language"] == "nld"
    assert checked.record["schema"] == "1.0.0"
    assert list(checked.record) == [k for k in S.keys if k in checked.record]
    assert publication_gaps(checked.record, S) == []


def test_each_missing_required_field_is_named_for_publication():
    checked = clean_record({"name": "Alleen een naam"}, S)
    assert checked.ok  # a concept may be incomplete
    gaps = publication_gaps(checked.record, S)
    missing = {key for key, _m in gaps}
    assert missing == set(S.required_keys) - {"name", "language", "schema"}
    message = dict(gaps)["contact"]
    assert "‘Contactgegevens’ is nog leeg" in message and "verplicht voor publicatie" in message


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("status", "Experimenteel", "‘Experimenteel’ is geen toegestane waarde"),
        ("publication_category", "Categorie D", "Kies uit: Hoog-risico AI-systeem (Categorie A)"),
        ("theme", ["Sport"], "‘Sport’ staat niet in de lijst van de standaard"),
        ("theme", ["Werk", "Werk"], "Werk staat er meer dan eens in"),
        ("theme", ["Werk", "Recht", "Economie", "Verkeer"], "Kies hoogstens 3; u koos er 4"),
        ("start_date", "2024-13", "Schrijf de maand als JJJJ-MM"),
        ("start_date", "januari 2024", "U schreef: ‘januari 2024’"),
        ("link", "http://www.utrecht.nl/", "begint met https://"),
        ("link", "www.utrecht.nl", "begint met https://"),
        ("contact", "bel de gemeente", "Geef een e-mailadres"),
        ("name", "<b>Vet</b>", "mag geen HTML bevatten. Gevonden: <b>"),
        ("name", 12, "Dit veld moet tekst zijn"),
        ("language", "eng", "Dit veld is altijd ‘nld’"),
    ],
)
def test_values_outside_the_rules_get_a_specific_message(field, value, needle):
    found = errors(**{field: value})
    assert field in found, found
    assert any(needle in m for m in found[field]), found[field]


def test_length_limit_is_exact():
    assert not errors(name="x" * 99)
    message = errors(name="x" * 100)["name"][0]
    assert message == "Dit veld mag hoogstens 99 tekens hebben; het heeft er nu 100."


def test_length_of_html_fields_counts_the_markup():
    body = "<p>" + "x" * 2492 + "</p>"  # 2499 characters with the tags
    assert not errors(considerations=body)
    message = errors(considerations="<p>" + "x" * 2493 + "</p>")["considerations"][0]
    assert "(opmaak telt mee)" in message and "2500" in message


def test_disallowed_html_is_refused_and_named_not_removed():
    found = errors(
        risk_management='<p style="color:red">Let op</p><script>alert(1)</script><a href="x">x</a>'
    )["risk_management"][0]
    for part in ("<script>", "<a>", "attribuut style (in <p>)", "attribuut href (in <a>)"):
        assert part in found
    assert "<div>, <li>, <ol>, <p>, <ul>" in found


def test_html_comment_is_refused():
    assert "HTML-commentaar" in errors(data="<p>x</p><!-- geheim -->")["data"][0]


UNFINISHED = [
    ("x <img src=x onerror=alert(1)", "‘<img src=x onerror=alert(1)’"),
    ("<p>ok</p><p", "‘<p’"),
    ("<p>Zie</p>\n<ul", "‘<ul’"),
    ("a<b", "‘<b’"),
    ("x </", "‘</’"),
    ("x <!-- geheim", "‘<!-- geheim’"),
    ("x <?php", "‘<?php’"),
]


@pytest.mark.parametrize(("value", "fragment"), UNFINISHED)
def test_unfinished_tag_in_html_field_is_refused_not_removed(value, fragment):
    checked = clean_record(complete_record(risk_management=value), S)
    assert "risk_management" not in checked.record
    [message] = checked.errors["risk_management"]
    assert message.startswith(f"Hier is een tag niet afgemaakt: {fragment}.")
    assert "zoals in ‘a < b’" in message
    assert any(
        m.startswith("Risicobeheer: Hier is een tag niet afgemaakt") for m in checked.messages(S)
    )


@pytest.mark.parametrize(("value", "fragment"), UNFINISHED)
def test_unfinished_tag_in_plain_text_field_is_refused(value, fragment):
    checked = clean_record(complete_record(name=value), S)
    assert "name" not in checked.record
    [message] = checked.errors["name"]
    assert message.startswith("Dit veld is gewone tekst en mag geen HTML bevatten. Gevonden: ")
    assert f"een tag zonder afsluitende > ({fragment})." in message
    assert message.endswith("zoals in ‘a < b’.")


def test_long_unfinished_tag_is_shown_shortened():
    [message] = errors(name='Route <img src="https://x.example/' + "a" * 200)["name"]
    assert '(‘<img src="https://x.example/a…’)' in message
    assert "a" * 30 not in message


def test_finished_and_unfinished_tags_both_get_a_message():
    found = errors(data="<p>x</p><a href=y>z</a><p")["data"]
    assert len(found) == 2
    assert "<a>, attribuut href (in <a>)" in found[0]
    assert "‘<p’" in found[1]


@pytest.mark.parametrize("value", ["a < b", "3<4", "<3", "x <= y", "a <é", "10 < 20 > 5"])
def test_less_than_as_text_is_accepted(value):
    checked = clean_record(complete_record(name=value, data=value), S)
    assert checked.ok, checked.errors
    assert checked.record["name"] == value  # plain text is stored as typed
    # free text is stored as HTML, so the '<' is escaped there, not dropped
    assert register_html.to_plain(checked.record["data"]) == value


def test_import_with_an_unfinished_tag_is_refused_per_field():
    payload = [
        complete_record(),
        complete_record(name="Route <img src=x onerror=alert(1)", data="<p>ok</p><p"),
    ]
    first, second = records.read_payload(payload, S)
    assert first.ok and not second.ok
    messages = second.checked.messages(S)
    assert messages[0].startswith("Naam: Dit veld is gewone tekst")
    assert "‘<img src=x onerror=alert(1)’" in messages[0]
    assert messages[1].startswith("Gegevens: Hier is een tag niet afgemaakt: ‘<p’.")


@pytest.mark.django_db
def test_import_with_an_unfinished_tag_stores_nothing(people):
    payload = [complete_record(), complete_record(name="Tweede <img src=x onerror=alert(1)")]
    with pytest.raises(register.ImportRejected) as exc:
        register.register_import(user=people["owner"], payload=payload, source="x.json")
    [message] = exc.value.messages
    assert message.startswith("Record 2 (Tweede <img src=x onerror=alert(1)) – Naam: Dit veld")
    assert Algorithm.objects.count() == 0


def test_end_date_before_start_date():
    assert (
        "ligt vóór de begindatum" in errors(start_date="2024-05", end_date="2024-01")["end_date"][0]
    )


def test_unknown_fields_are_refused():
    checked = clean_record({**complete_record(), "geheim": "x"}, S)
    assert checked.errors["__all__"] == ["Onbekende velden voor Publicatiestandaard 1.0.0: geheim."]


def test_plain_text_with_line_breaks_becomes_paragraphs():
    checked = clean_record(complete_record(considerations="Eerste regel\nnog\n\nTweede & derde"), S)
    assert checked.record["considerations"] == "<p>Eerste regel<br>nog</p><p>Tweede &amp; derde</p>"


def test_empty_values_are_left_out():
    checked = clean_record(complete_record(link="  ", end_date=None, theme=[]), S)
    assert "link" not in checked.record and "end_date" not in checked.record
    assert "theme" not in checked.record


allowed_html = st.lists(
    st.tuples(
        st.sampled_from(["p", "div", "li", "ul", "ol"]),
        st.text(alphabet=string.ascii_letters + " .,&<>'\"éü", max_size=20),
    ),
    max_size=6,
).map(lambda parts: "".join(f"<{t}>{txt}</{t}>" for t, txt in parts))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(allowed_html)
def test_cleaning_is_idempotent(value):
    """What the register stores passes again unchanged (so export -> import is stable)."""
    first = clean_record(complete_record(data=value), S)
    if not first.ok or "data" not in first.record:
        return
    second = clean_record(first.record, S)
    assert second.ok
    assert second.record == first.record


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_sanitised_text_never_holds_a_tag_outside_the_subset(value):
    tags = {"div", "br", "p", "ul", "ol", "li"}
    cleaned = register_html.sanitise(value, tags)
    assert register_html.problems(cleaned, tags) == []
    assert register_html.unfinished(cleaned) == []
