"""The Dutch inflection expander: forms a rule author does not have to write."""

from __future__ import annotations

import pytest

from gelijk.engines.language.inflect import adjective_forms, expand, noun_forms, verb_forms


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("allochtoon", {"allochtonen"}),
        ("man", {"mannen"}),
        ("ras", {"rassen"}),
        ("Marokkaan", {"Marokkanen"}),
        ("brief", {"brieven"}),
        ("huis", {"huizen"}),
        ("grens", {"grenzen"}),
        ("gehandicapte", {"gehandicapten"}),
        ("Surinamer", {"Surinamers"}),
        ("industrie", {"industrieën"}),
        ("auto", {"auto's"}),
        ("hondje", {"hondjes"}),
    ],
)
def test_noun_plurals(lemma, forms):
    assert forms <= noun_forms(lemma)


def test_noun_forms_do_not_turn_into_adjectives():
    # a blanket -s plural would make the adjective 'Marokkaans' a form of 'Marokkaan'
    assert "Marokkaans" not in noun_forms("Marokkaan")
    assert "Turks" not in noun_forms("Turk")


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("blank", {"blanke", "blanker", "blankst"}),
        ("westers", {"westerse"}),
        ("groot", {"grote", "groter", "grootste"}),
        ("wit", {"witte"}),
        ("doof", {"dove"}),
        ("grijs", {"grijze"}),
        ("allochtoon", {"allochtone"}),
        ("adequaat", {"adequate"}),
        ("bicultureel", {"biculturele"}),
    ],
)
def test_adjective_forms(lemma, forms):
    assert forms <= adjective_forms(lemma)


@pytest.mark.parametrize(
    ("infinitive", "forms"),
    [
        ("verstrekken", {"verstrek", "verstrekt", "verstrekte", "verstrekten", "verstrekkend"}),
        ("maken", {"maak", "maakt", "maakte", "gemaakt"}),
        ("retourneren", {"retourneer", "retourneert", "retourneerde", "geretourneerd"}),
        ("beëindigen", {"beëindigt", "beëindigd", "beëindigde"}),
        ("leven", {"leef", "leeft", "leefde", "geleefd"}),
        ("trachten", {"tracht", "trachtte", "getracht"}),
        ("constateren", {"constateert", "geconstateerd"}),
    ],
)
def test_weak_verb_forms(infinitive, forms):
    assert forms <= verb_forms(infinitive)


def test_separable_verbs_keep_the_prefix_joined():
    forms = verb_forms("mededelen", separable="mede")
    assert {"mededelen", "medegedeeld", "mede te delen", "mededeelt"} <= forms


def test_multi_word_terms_inflect_the_last_word():
    assert "tweede generaties" in expand("tweede generatie", "noun")
    assert expand("in het kader van", "none") == {"in het kader van"}


def test_unknown_part_of_speech_is_refused():
    with pytest.raises(ValueError, match="part of speech"):
        expand("woord", "bijwoord")
