"""The scanner: applies a rule set to a text and measures its readability.

Matching
--------
All term forms of all rules (after inflection) are compiled into *one* regular expression
shaped as a character trie (``trie_regex``), so the regex engine walks shared prefixes once
instead of trying thousands of alternatives at each position. The trie sits inside a
lookahead, ``(?<!\\w)(?=(trie)(?!\\w))``, so matches of different forms may overlap (a phrase
and a word inside it are both seen). A matched form is looked up in a table that lists the
rules using it. Forms of rules with ``compounds: true`` may be followed by more letters
(``allochtonenbeleid``).

Regex ``patterns`` are run one rule at a time, and only near the words they need: a pattern
that starts with a word list runs around the text's words from that list, and any other
pattern around the literal strings every match must contain (derived from the parsed regex,
``_regex.required_literals``). A pattern whose anchors are absent is skipped. The windows reach
:data:`WINDOW` characters either way and are merged, which gives the same matches as a scan of
the whole text (tested on the validation corpora).

Rules never match inside placeholders, URLs or e-mail addresses: those are masked first
(:func:`gelijk.engines.language.text.mask`), with a character that is neither a letter nor
a space, so offsets stay the same.

A hit is dropped when an exception of its rule applies, or, for rules with an
``antecedent``, when the nearest person mentioned before the pronoun is not a generic one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ._regex import required_literals, trie_regex
from .readability import (
    B1Thresholds,
    SyllableCounter,
    WordFrequencies,
    WordStats,
    b1_verdict,
    long_sentence_spans,
    measure,
    nominalisation_spans,
    passive_spans,
)
from .report import Finding, ScanReport
from .rules import Rule
from .text import LineIndex, Sentence, mask, protected_spans, split_sentences, tokenize

KINDS = ("letter", "vacancy", "auto")

# Signals of a vacancy text; two or more different ones make ``kind="auto"`` choose vacancy.
_VACANCY_SIGNALS = re.compile(
    r"\b(?P<a>vacature)|\b(?P<b>solliciteer|sollicitatie|solliciteren)|(?P<c>\([mvx]/[mvx](?:/[mvx])?\))"
    r"|\b(?P<d>wij zoeken|we zoeken|wie zoeken wij|wat vragen wij|wat bieden wij|wat ga je doen)"
    r"|\b(?P<e>functie-eisen|functieschaal|salarisschaal|schaal \d+|uur per week|fte)\b"
    r"|\b(?P<f>jouw profiel|je profiel|functieomschrijving|arbeidsvoorwaarden)",
    re.IGNORECASE,
)


def detect_kind(text: str) -> str:
    """``vacancy`` when at least two different vacancy signals occur, else ``letter``."""
    seen = {m.lastgroup for m in _VACANCY_SIGNALS.finditer(text)}
    return "vacancy" if len(seen) >= 2 else "letter"


class _Hit(NamedTuple):
    rule: Rule
    start: int
    end: int


class _TermMatcher:
    """One combined regex over the forms of many rules (one case mode)."""

    def __init__(self, rules: Sequence[Rule], case_sensitive: bool) -> None:
        self.table: dict[str, list[Rule]] = {}
        self.compound_table: dict[str, list[Rule]] = {}
        for rule in rules:
            for form in rule.forms:
                self.table.setdefault(form, []).append(rule)
            for form in rule.compound_forms:
                self.compound_table.setdefault(form, []).append(rule)
        self.regex: re.Pattern[str] | None = None
        if not self.table:
            return
        flags = 0 if case_sensitive else re.IGNORECASE
        parts = [r"(?P<t>" + trie_regex(self.table) + r")(?!\w)"]
        if self.compound_table:
            parts.append(r"(?P<c>" + trie_regex(self.compound_table) + r")[^\W\d_]{3,}(?!\w)")
        self.regex = re.compile(r"(?<!\w)(?=" + "|".join(parts) + ")", flags)
        self.normalise: Callable[[str], str] = (
            (lambda s: " ".join(s.split()))
            if case_sensitive
            else (lambda s: " ".join(s.lower().split()))
        )
        # a shorter form that is a prefix of a longer one at a word boundary also matches
        self.prefixes: dict[str, list[str]] = {}
        by_first: dict[str, list[str]] = {}
        for form in self.table:
            by_first.setdefault(form.split(" ", 1)[0], []).append(form)
        for form in self.table:
            if " " in form:
                head = form.split(" ", 1)[0]
                self.prefixes[form] = [
                    f for f in by_first.get(head, []) if f != form and form.startswith(f + " ")
                ]

    def hits(self, masked: str, kind: str) -> list[_Hit]:
        out: list[_Hit] = []
        if self.regex is None:
            return out
        for m in self.regex.finditer(masked):
            if m.group("t") is not None:
                start, end = m.start("t"), m.end("t")
                form = self.normalise(m.group("t"))
                for rule in self.table.get(form, ()):
                    if rule.applies_to(kind):
                        out.append(_Hit(rule, start, end))
                for shorter in self.prefixes.get(form, ()):
                    n_words = len(shorter.split())
                    sub = re.match(rf"\S+(?:\s+\S+){{{n_words - 1}}}", masked[start:end])
                    if sub:
                        for rule in self.table[shorter]:
                            if rule.applies_to(kind):
                                out.append(_Hit(rule, start, start + sub.end()))
            else:
                start = m.start("c")
                word_end = re.compile(r"[^\W\d_]*").match(masked, m.end("c")).end()
                form = self.normalise(m.group("c"))
                for rule in self.compound_table.get(form, ()):
                    if rule.applies_to(kind):
                        out.append(_Hit(rule, start, word_end))
        return out


_JOINERS = re.compile(r"[-/.'’]")

#: How far (in characters) a pattern match may reach from the word or literal that anchors
#: it; see ``Scanner._raw_hits`` and docs/language/rule-format.md.
WINDOW = 300


def _find_all(hay: str, needle: str) -> list[int]:
    out = []
    pos = hay.find(needle)
    while pos >= 0:
        out.append(pos)
        pos = hay.find(needle, pos + 1)
    return out


def _windows(offsets: list[int] | None, length: int) -> list[tuple[int, int]]:
    """Merged ``[offset - WINDOW, offset + WINDOW]`` intervals; the whole text when None."""
    if offsets is None:
        return [(0, length)]
    out: list[tuple[int, int]] = []
    for offset in sorted(offsets):
        lo, hi = max(0, offset - WINDOW), min(length, offset + WINDOW)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


_NAME = re.compile(r"(?<![\w.])[A-Z][a-zà-ÿ]+(?:[-'][A-Za-zà-ÿ]+)*")


class Scanner:
    """A compiled rule set plus readability settings. Build once, scan many texts.

    Parameters
    ----------
    rules:
        The rules (see :func:`gelijk.engines.language.load_rules`).
    thresholds:
        Limits for the indicative B1 verdict.
    syllable_method:
        ``nuclei`` (default) or ``pyphen`` (textstat's count); see ``readability``.
    long_word_min_syllables, infrequent_zipf_below:
        Definitions of a long and of an infrequent word.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        thresholds: B1Thresholds | None = None,
        syllable_method: str = "nuclei",
        long_word_min_syllables: int = 4,
        infrequent_zipf_below: float = 3.0,
    ) -> None:
        self.rules = tuple(rules)
        self.thresholds = thresholds or B1Thresholds()
        self.long_word_min_syllables = long_word_min_syllables
        self.infrequent_zipf_below = infrequent_zipf_below
        self.syllables = SyllableCounter(syllable_method)
        self.frequencies = WordFrequencies()
        self.words = WordStats(
            self.syllables, self.frequencies, long_word_min_syllables, infrequent_zipf_below
        )
        terms = [r for r in self.rules if r.type == "term"]
        self._ci = _TermMatcher([r for r in terms if not r.case_sensitive], False)
        self._cs = _TermMatcher([r for r in terms if r.case_sensitive], True)
        self._pattern_rules = [
            (
                r,
                [
                    (p, required_literals(p), a)
                    for p, a in zip(r.patterns, r.pattern_anchors, strict=True)
                ],
            )
            for r in terms
            if r.patterns
        ]
        self._missing = [r for r in self.rules if r.type == "missing"]
        self._heuristics = [r for r in self.rules if r.type == "heuristic"]

    # -- matching ---------------------------------------------------------------------------

    def _raw_hits(self, masked: str, kind: str, word_offsets: dict[str, list[int]]) -> list[_Hit]:
        """Hits of all term and pattern rules.

        A pattern is run only near the places where it can match: around the words of a
        leading word list, or around the literal strings every match contains (see
        :func:`~gelijk.engines.language._regex.required_literals`). ``word_offsets`` maps the
        text's words (and hyphen parts), lower case, to their offsets. A window reaches
        :data:`WINDOW` characters on both sides, so a match may extend that far from its
        literal; windows are merged, so results equal a scan of the whole text.
        """
        hits = self._ci.hits(masked, kind) + self._cs.hits(masked, kind)
        hay = masked.lower()
        for rule, patterns in self._pattern_rules:
            if not rule.applies_to(kind):
                continue
            for regex, literals, anchors in patterns:
                offsets: list[int] | None = None
                if anchors is not None:
                    offsets = [
                        o for w in anchors.intersection(word_offsets) for o in word_offsets[w]
                    ]
                elif literals is not None:
                    strings, whole_words = literals
                    if whole_words:
                        offsets = [o for w in strings if w in word_offsets for o in word_offsets[w]]
                    else:
                        offsets = [o for lit in strings for o in _find_all(hay, lit)]
                if offsets is not None and not offsets:
                    continue  # cannot match: nothing it needs is in the text
                use_group = "hit" in regex.groupindex
                for lo, hi in _windows(offsets, len(masked)):
                    for m in regex.finditer(masked, lo, hi):
                        start, end = m.span("hit") if use_group else m.span()
                        if start < end and start >= 0:
                            hits.append(_Hit(rule, start, end))
        return hits

    @staticmethod
    def _sentence_of(sentences: Sequence[Sentence], starts: list[int], pos: int) -> int:
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    def _keep(
        self, hit: _Hit, masked: str, sentences: Sequence[Sentence], starts: list[int]
    ) -> bool:
        rule = hit.rule
        if not rule.exceptions and rule.antecedent is None:
            return True
        i = self._sentence_of(sentences, starts, hit.start)
        s_start = sentences[i].start if sentences else 0
        s_end = sentences[i].end if sentences else len(masked)
        s_start, s_end = min(s_start, hit.start), max(s_end, hit.end)
        for exc in rule.exceptions:
            if exc.kind == "document":
                if exc.regex.search(masked):
                    return False
            elif exc.kind == "sentence":
                if exc.regex.search(masked, s_start, s_end):
                    return False
            else:
                for m in exc.regex.finditer(
                    masked, max(0, s_start - 40), min(len(masked), s_end + 40)
                ):
                    if m.start() <= hit.start and m.end() >= hit.end:
                        return False
        if rule.antecedent is not None:
            return self._generic_antecedent(hit, masked, sentences, i)
        return True

    @staticmethod
    def _generic_antecedent(
        hit: _Hit, masked: str, sentences: Sequence[Sentence], index: int
    ) -> bool:
        """True when the nearest person mentioned before the pronoun is a generic one."""
        ante = hit.rule.antecedent
        assert ante is not None
        first = max(index - ante.sentences, 0)
        candidates: list[tuple[int, str]] = []
        for sentence in sentences[first : index + 1]:
            lo, hi = sentence.start, min(sentence.end, hit.start)
            if lo >= hi:
                continue
            for m in ante.generic.finditer(masked, lo, hi):
                candidates.append((m.end(), "generic"))
            if ante.specific is not None:
                for m in ante.specific.finditer(masked, lo, hi):
                    candidates.append((m.end(), "specific"))
            if ante.names:
                first_word = sentence.words[0].start if sentence.words else lo
                for m in _NAME.finditer(masked, lo, hi):
                    if m.start() != first_word and m.group() not in ("U", "Uw"):
                        candidates.append((m.end(), "specific"))
        if not candidates:
            return False
        # the latest mention wins; at equal ends a specific mention wins (conservative)
        candidates.sort(key=lambda c: (c[0], c[1] == "specific"))
        return candidates[-1][1] == "generic"

    # -- scanning ---------------------------------------------------------------------------

    def scan_text(
        self,
        text: str,
        *,
        kind: str = "auto",
        filename: str | None = None,
        hard_line_breaks: bool = False,
        locate: Callable[[int], tuple[int, int]] | None = None,
        encoding: str | None = None,
        notes: Sequence[str] = (),
    ) -> ScanReport:
        """Scan one text. ``locate`` maps an offset to the (line, column) in the source file;
        by default lines and columns of ``text`` itself."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        detected = kind == "auto"
        if detected:
            kind = detect_kind(text)
        spans = protected_spans(text)
        masked = mask(text, spans)
        tokens = tokenize(text, spans)
        sentences = split_sentences(
            text, spans=spans, tokens=tokens, hard_line_breaks=hard_line_breaks
        )
        starts = [s.start for s in sentences]
        if locate is None:
            locate = LineIndex(text).locate

        word_offsets: dict[str, list[int]] = {}
        for t in tokens:
            if t.kind in ("word", "number"):
                low = t.text.lower()
                word_offsets.setdefault(low, []).append(t.start)
                if _JOINERS.search(low):
                    for part in _JOINERS.split(low):
                        word_offsets.setdefault(part, []).append(t.start)
        hits = [
            h
            for h in self._raw_hits(masked, kind, word_offsets)
            if self._keep(h, masked, sentences, starts)
        ]

        for rule in self._missing:
            if rule.applies_to(kind) and not any(p.search(masked) for p in rule.patterns):
                hits.append(_Hit(rule, 0, 0))

        passive = passive_spans(text, sentences)
        nominal = nominalisation_spans(masked)
        for rule in self._heuristics:
            if not rule.applies_to(kind):
                continue
            if rule.detector == "passive":
                found = passive
            elif rule.detector == "nominalisation":
                found = nominal
            else:
                found = long_sentence_spans(sentences, rule.params.get("max_words", 20))
            hits.extend(_Hit(rule, a, b) for a, b in found)

        findings = self._to_findings(hits, text, locate, filename)
        officialese = sum(1 for f in findings if f.category == "ambtelijk")
        readability = measure(
            text,
            sentences,
            words=self.words,
            passive=passive,
            nominalisations=len(nominal),
            officialese=officialese,
        )
        return ScanReport(
            file=filename,
            kind=kind,
            kind_detected=detected,
            findings=findings,
            readability=readability,
            b1=b1_verdict(readability, self.thresholds),
            text=text,
            encoding=encoding,
            notes=tuple(notes),
        )

    @staticmethod
    def _to_findings(
        hits: list[_Hit], text: str, locate: Callable[[int], tuple[int, int]], filename: str | None
    ) -> tuple[Finding, ...]:
        # one finding per rule and place: overlapping hits of the same rule are merged
        best: dict[str, list[_Hit]] = {}
        for hit in sorted(hits, key=lambda h: (h.rule.id, h.start, -(h.end - h.start))):
            kept = best.setdefault(hit.rule.id, [])
            if kept and hit.start == hit.end and kept[-1].start == kept[-1].end:
                continue  # a document-level finding is reported once
            if kept and kept[-1].start < kept[-1].end and hit.start < kept[-1].end:
                if hit.end > kept[-1].end:
                    kept[-1] = _Hit(hit.rule, kept[-1].start, hit.end)
                continue
            kept.append(hit)
        out = []
        for hit in (h for group in best.values() for h in group):
            line, column = locate(hit.start)
            r = hit.rule
            out.append(
                Finding(
                    rule_id=r.id,
                    category=r.category,
                    severity=r.severity,
                    start=hit.start,
                    end=hit.end,
                    line=line,
                    column=column,
                    text=text[hit.start : hit.end],
                    alternatives=r.alternatives_for(text[hit.start : hit.end]),
                    reason=r.reason,
                    source=r.source,
                    file=filename,
                )
            )
        out.sort(key=lambda f: (f.start, f.end, f.rule_id))
        return tuple(out)


class RuleSet:
    """A loaded set of rules; compiles its :class:`Scanner` once, on first use."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._scanner: Scanner | None = None

    @property
    def scanner(self) -> Scanner:
        if self._scanner is None:
            self._scanner = Scanner(self.rules)
        return self._scanner

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def categories(self) -> list[str]:
        return sorted({r.category for r in self.rules})
