"""Dutch inflection expander: a rule author writes a lemma, the scanner matches its forms.

The expander generates the regular forms of Dutch nouns, adjectives and verbs from the
spelling rules of the *Woordenlijst Nederlandse Taal* (open and closed syllables, consonant
doubling, f→v and s→z before a vowel, 't kofschip for weak verbs). It deliberately
*over*-generates where a rule depends on stress it cannot see (``moslimmen`` next to
``moslims``): a form that does not exist never occurs in a letter, so it costs nothing,
while a missing form would be a missed finding. Irregular forms (``verzocht``,
``kinderen``) are listed by the rule author in the rule file (``forms:``).

Examples::

    >>> sorted(noun_forms("allochtoon"))[:3]
    ['allochtonen', 'allochtoon', 'allochtoonen']
    >>> "blanke" in adjective_forms("blank")
    True
    >>> {"verstrekt", "verstrekte", "verstrekken"} <= verb_forms("verstrekken")
    True
"""

from __future__ import annotations

import re

VOWELS = "aeiouyàáâäèéêëïíîìóòôöúùûü"
_DOUBLE_VOWEL = re.compile(r"(aa|ee|oo|uu)([^aeiouy\W\d_])$")
_SHORT_VOWEL = re.compile(r"(?<![aeiouyëïöü])([aeiou])([^aeiouy\W\d_])$")
# Unprefixed verbs take ge- in the past participle; these prefixes block it.
_NO_GE = ("be", "ge", "her", "ont", "ver", "er")
_KOFSCHIP = ("t", "k", "f", "s", "ch", "p", "x", "c")


def _before_vowel(stem: str) -> set[str]:
    """Spellings of ``stem`` when a suffix starting with a vowel (``-en``, ``-e``) follows."""
    out = {stem}
    long_form = None
    m = _DOUBLE_VOWEL.search(stem)
    if m:  # allochtoon → allochton(en): a long vowel in an open syllable is written single
        long_form = stem[: m.start()] + m.group(1)[0] + m.group(2)
        out.add(long_form)
    short = _SHORT_VOWEL.search(stem)
    if short and short.group(2) not in "wjxh":  # man → mann(en); -el/-er keep one letter
        out.add(stem + short.group(2))
    if stem[-1:] in ("f", "s") and not short:  # brief → brieven, grens → grenzen
        for form in (stem, long_form):
            if form:
                out.add(form[:-1] + ("v" if form[-1] == "f" else "z"))
    return out


_S_PLURAL = re.compile(r"(?:[^aeiou]e[lmnr]|[^aeiou]erd|je|ier|eur|[aeiouy])$")


def noun_forms(lemma: str) -> set[str]:
    """Singular, plurals (-en, -s, -'s, -ën) and diminutives (-je/-tje/-pje/-etje, + s).

    A plural in -s is generated only where Dutch spelling makes it regular (an unstressed
    last syllable: -el, -em, -en, -er, -erd, -je; loan endings -ier, -eur; a vowel). Other
    -s plurals (``moslims``, ``expats``) go in the rule's ``forms:``: a blanket -s would turn
    ``Marokkaan`` into the adjective ``Marokkaans``.
    """
    w = lemma
    forms = {w}
    low = w.lower()
    last = low[-1]
    if last == "e":
        forms |= {w + "n", w + "s"}
        if low.endswith(("ie", "ee")):
            forms |= {w + "ën", w[:-1] + "ën"}
    elif last in VOWELS:
        forms |= {w + "'s", w + "s", w + "tje", w + "tjes"}
    else:
        if _S_PLURAL.search(low):
            forms.add(w + "s")
        for stem in _before_vowel(w):
            forms.add(stem + "en")
        forms |= {w + "je", w + "jes", w + "tje", w + "tjes", w + "pje", w + "pjes"}
        for stem in _before_vowel(w):
            if stem != w and stem.endswith(w[-1] * 2):
                forms |= {stem + "etje", stem + "etjes"}
    return forms


def adjective_forms(lemma: str) -> set[str]:
    """Base, inflected (-e), comparative (-er, -ere), superlative (-st, -ste), partitive (-s)."""
    w = lemma
    forms = {w}
    if w.endswith("e"):
        forms |= {w + "r", w + "re", w + "st", w + "ste", w + "s"}
        return forms
    stems = _before_vowel(w)
    for stem in stems:
        forms |= {stem + "e", stem + "er", stem + "ere", stem + "en"}
    sup = w if w.endswith("s") else w + "s"
    forms |= {sup + "t", sup + "te"}
    if not w.endswith("s"):
        forms.add(w + "s")
    if w.endswith("r"):  # duur → duurder
        forms |= {w + "der", w + "dere"}
    return forms


def _verb_stems(infinitive: str) -> set[tuple[str, str]]:
    """Possible (written stem, stem-final sound) pairs, e.g. leven → (leef, v).

    Whether a single vowel before the last consonant is long (maken → maak) or an unstressed
    schwa (wandelen → wandel) depends on stress, which spelling does not show; both stems are
    returned (see the module docstring on over-generation).
    """
    base = infinitive[:-2] if infinitive.endswith("en") else infinitive[:-1]
    if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in VOWELS:
        return {(base[:-1], base[-1])}  # zetten → zet
    sound = base[-1:]
    stems = {base}
    m = re.search(r"(?<![aeiouy])([aeou])([^aeiouy\W\d_])$", base)
    if m:
        stems.add(base[: m.start()] + m.group(1) * 2 + m.group(2))
    devoiced = {st[:-1] + {"v": "f", "z": "s"}[st[-1]] if st[-1:] in "vz" else st for st in stems}
    return {(st, sound) for st in devoiced}


def verb_forms(infinitive: str, separable: str | None = None) -> set[str]:
    """Forms of a weak verb given its infinitive; ``separable`` is a separable prefix.

    For a separable verb (``aanvangen``, prefix ``aan``) the joined forms are generated
    (``aanvangen``, ``aangevangen``, ``aan te vangen``); split main-clause forms
    (``vangt … aan``) need a sentence parser and are not matched.
    """
    verb = infinitive
    if separable:
        if not infinitive.startswith(separable):
            raise ValueError(f"{infinitive!r} does not start with separable prefix {separable!r}")
        verb = infinitive[len(separable) :]
    stems = _verb_stems(verb)
    forms = {verb, verb + "d", verb + "de"}
    for stem, sound in stems:
        voiceless = sound in _KOFSCHIP or stem.endswith("ch")
        suffix = "t" if voiceless else "d"
        forms.add(stem)
        forms.add(stem if stem.endswith("t") else stem + "t")
        forms |= {stem + suffix + "e", stem + suffix + "en"}
        ge = "" if verb.startswith(_NO_GE) else "ge"
        participle = ge + stem + ("" if stem.endswith(suffix) else suffix)
        forms |= {participle, participle + "e"}
    if separable:
        joined = {separable + f for f in forms}
        joined.add(f"{separable} te {verb}")
        return joined
    return forms


def expand(term: str, pos: str, *, separable: str | None = None) -> set[str]:
    """All forms of ``term`` for part of speech ``pos``.

    ``pos`` is ``noun``, ``adjective``, ``verb``, ``noun+adjective`` or ``none`` (the term as
    written). In a multi-word term only the *last* word is inflected (``tweede generatie`` →
    ``tweede generaties``), except for adjectives before a noun, which the author writes as
    separate terms.
    """
    if pos == "none":
        return {term}
    head, sep, last = term.rpartition(" ")
    prefix = head + sep
    out: set[str] = set()
    for part in pos.split("+"):
        if part == "noun":
            out |= {prefix + f for f in noun_forms(last)}
        elif part == "adjective":
            out |= {prefix + f for f in adjective_forms(last)}
        elif part == "verb":
            out |= {prefix + f for f in verb_forms(last, separable)}
        else:
            raise ValueError(f"unknown part of speech {part!r}")
    return out
