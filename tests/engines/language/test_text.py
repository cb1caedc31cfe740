"""Sentence splitting, tokens, placeholders and line mapping."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines.language.text import (
    MASK_CHAR,
    LineIndex,
    mask,
    protected_spans,
    split_sentences,
    tokenize,
)


def sentences(text: str, **kw) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, **kw)]


@pytest.mark.parametrize(
    "text",
    [
        "De controle was om 10.22 uur voorbij.",
        "Volgens art. 2 lid 1 van de APV is dat verboden.",
        "Dat geldt o.a. voor fietsen en scooters.",
        "Denk bijv. aan een terras of een reclamebord.",
        "Betaal z.s.m. de boete aan de gemeente.",
        "Dat is te laat, d.w.z. na zes weken.",
        "Zie nr. 3 in de bijlage bij deze brief.",
        "Onze collega J. de Vries belde u op maandag.",
        "Collega J.P. Jansen komt langs.",
        "Het bedrag is € 1.250,00 en moet binnen zes weken betaald zijn.",
        "Kijk op https://www.utrecht.nl/a.b/c voor meer informatie.",
        "Mail naar info@utrecht.nl als u vragen heeft.",
        "Ga naar utrecht.nl/parkeren en vraag de vergunning aan.",
        "Dhr. en mevr. kregen allebei een brief van de gemeente.",
        "De brief van 3 mei jl. is nog niet beantwoord.",
        "Dit geldt ca. twee weken lang.",
    ],
)
def test_splitter_does_not_break_inside(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dat mag niet. U krijgt een boete.", ["Dat mag niet.", "U krijgt een boete."]),
        ("Heeft u vragen? Bel ons!", ["Heeft u vragen?", "Bel ons!"]),
        ("Dat is alles enz. Daarna volgt de rest.", ["Dat is alles enz.", "Daarna volgt de rest."]),
        (
            "Wij kwamen om 10.22 uur. Toen was u weg.",
            ["Wij kwamen om 10.22 uur.", "Toen was u weg."],
        ),
        ("Zie art. 2. Daar staat het.", ["Zie art. 2.", "Daar staat het."]),
        ("Geachte heer,\nOp 3 maart zagen wij u.", ["Geachte heer,", "Op 3 maart zagen wij u."]),
        ("Eerste alinea\n\nTweede alinea", ["Eerste alinea", "Tweede alinea"]),
        (
            "Wij vragen u de boete\nbinnen zes weken te betalen.",
            ["Wij vragen u de boete\nbinnen zes weken te betalen."],
        ),
        (
            "Volgens artikel\n2 van de APV mag dat niet.",
            ["Volgens artikel\n2 van de APV mag dat niet."],
        ),
    ],
)
def test_splitter_breaks_between_sentences(text, expected):
    assert sentences(text) == expected


def test_enumeration_markers_do_not_end_sentences_and_are_not_words():
    text = "Wij vragen u:\n1. de boete te betalen;\n2. het formulier in te vullen."
    found = split_sentences(text)
    assert [text[s.start : s.end] for s in found] == [
        "Wij vragen u:",
        "1. de boete te betalen;",
        "2. het formulier in te vullen.",
    ]
    assert [s.n_words for s in found] == [3, 4, 5]
    assert found[1].tokens[0].kind == "marker"


def test_hard_line_breaks_split_every_line():
    text = "Geachte bewoner\nwij zagen uw fiets."
    assert sentences(text) == [text]
    assert sentences(text, hard_line_breaks=True) == ["Geachte bewoner", "wij zagen uw fiets."]


def test_fragments_are_short_lines_without_final_punctuation():
    found = split_sentences("Gemeente Utrecht\nPostbus 16200\n\nGeachte heer,\n\nDat mag niet.")
    assert [s.is_fragment for s in found] == [True, True, True, False]


PLACEHOLDERS = [
    "{{ naam }}",
    "{{naam}}",
    "[NAAM]",
    "[voornaam achternaam]",
    "«naam»",
    "<<naam>>",
    "%s",
    "%(naam)s",
    "{0}",
    "{naam}",
    "$naam$",
    "${naam}",
]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_placeholder_is_one_word_and_masked(placeholder):
    text = f"Beste {placeholder}, u krijgt een boete."
    spans = protected_spans(text)
    assert [(s.kind, text[s.start : s.end]) for s in spans] == [("placeholder", placeholder)]
    masked = mask(text, spans)
    assert len(masked) == len(text)
    assert masked[text.index(placeholder) :].startswith(MASK_CHAR * len(placeholder))
    found = split_sentences(text)
    assert len(found) == 1
    assert found[0].n_words == 6  # Beste, placeholder, u, krijgt, een, boete


def test_template_statements_are_not_words():
    text = "{% if brief %}U krijgt een boete.{% endif %}"
    spans = protected_spans(text)
    assert [s.kind for s in spans] == ["silent", "silent"]
    assert [t.text for t in tokenize(text, spans)] == ["U", "krijgt", "een", "boete"]


def test_urls_and_email_addresses_are_one_token():
    text = "Mail info@utrecht.nl of kijk op www.utrecht.nl/parkeren."
    kinds = [(t.kind, t.text) for t in tokenize(text)]
    assert ("email", "info@utrecht.nl") in kinds
    assert ("url", "www.utrecht.nl/parkeren") in kinds


def test_word_tokens_keep_compounds_and_abbreviations_together():
    words = [t.text for t in tokenize("Hij/zij is niet-westers; auto's o.a. (m/v/x) B1 3e 10.22")]
    assert words == ["Hij/zij", "is", "niet-westers", "auto's", "o.a", "m/v/x", "B1", "3e", "10.22"]


def test_line_index_counts_lines_and_columns():
    text = "ab\r\ncd\nef"
    index = LineIndex(text)
    assert index.locate(0) == (1, 1)
    assert index.locate(1) == (1, 2)
    assert index.locate(4) == (2, 1)
    assert index.locate(8) == (3, 2)


ALPHABET = st.sampled_from([*"ab .,?!\n\t{}[]%$@:/-'0123456789AZéë«»<>", "art.", "J.", " uur"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_segmentation_invariants(text):
    spans = protected_spans(text)
    masked = mask(text, spans)
    assert len(masked) == len(text)
    protected = set()
    for s in spans:
        protected.update(range(s.start, s.end))
    assert all(masked[i] == text[i] for i in range(len(text)) if i not in protected)
    tokens = tokenize(text, spans)
    assert all(a.end <= b.start for a, b in pairwise(tokens))
    found = split_sentences(text, spans=spans, tokens=tokens)
    last_end = 0
    for s in found:
        assert last_end <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip()
        assert all(s.start <= t.start and t.end <= s.end for t in s.tokens)
        last_end = s.end
    # every token lies in exactly one sentence
    assert sum(len(s.tokens) for s in found) == len(tokens)
