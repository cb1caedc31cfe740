"""Readability of Dutch text: Flesch-Douma, Brouwer, word statistics and B1 heuristics.

Formulas (sources in ``docs/methods/readability.md``)
-----------------------------------------------------
With ZL = words per sentence and WL = syllables per 100 words:

* **Flesch-Douma** (Douma 1960; as given in *Tijdschrift voor Taalbeheersing* 1977 and in
  the research note): ``206.835 − 0.93·ZL − 0.77·WL``, i.e. ``206.835 − 0.93·ASL − 77·ASW``.
  Dutch sources print the constant rounded (206.84 or 206.8); we keep Flesch's 206.835, so
  the score equals textstat's ``nl`` score when the counts agree.
  Bands (Douma): <30 zeer moeilijk, 30–45 moeilijk, 45–60 tamelijk moeilijk, 60–70 normaal,
  70–80 tamelijk gemakkelijk, 80–90 gemakkelijk, ≥90 zeer gemakkelijk.
* **Leesindex A, Brouwer** (1963): ``195 − 2·ZL − (2/3)·WL``.

Counting
--------
* Sentences: :func:`gelijk.engines.language.text.split_sentences`; fragments (no final
  punctuation, ≤ 3 words: salutations, address lines) are left out of the statistics.
* Words: letters-and-digits tokens; a placeholder, URL, e-mail address or number is one word
  of one syllable (a reader does not read a template variable as syllables, and textstat also
  gives a number one syllable).
* Syllables: the ``nl_NL`` hyphenation dictionary (pyphen) splits the word; each part counts
  its vowel nuclei (``aa, ee, ie, oe, ui, ij, ei, eu, ou, au, …`` are one nucleus; a diaeresis
  starts a new one). Dutch hyphenation never splits off a single letter (``idee``, ``over``),
  so plain pyphen counts ``idee`` as one syllable; the nucleus count fixes that.
  ``syllables="pyphen"`` gives textstat's count (hyphenation points + 1) instead.
* Long words: ≥ 4 syllables. Infrequent words: Zipf frequency < 3.0 in wordfreq's Dutch
  list (fewer than 1 in a million words), names (a capital inside a sentence) left out.

Heuristics without a parser (research note §2.5): *passive voice* is a form of ``worden``
with a past participle in the same clause, or a form of ``zijn`` with a participle and
``door`` (a clause ends at ``, ; : ( )`` and before a subordinator such as ``dat``,
``omdat``); *nominalisation* is ``de/het … -ing/-atie van`` or ``het`` + infinitive +
``van``. Both are indications, reported as suggestions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pyphen
import wordfreq

from .text import Sentence, Token, word_set

FLESCH_DOUMA_CONSTANT = 206.835

_NUCLEUS = re.compile(
    r"ieuw|eeuw|aai|ooi|oei|eau|ieu|aa|ee|oo|uu|ie|oe|eu|ui|ij|ei|ou|au|y(?![aeiou])|[aeiouàáâèéêíîóôúû]"
)
_DIAERESIS = str.maketrans("ëïöüä", "eioua")
_SPLIT_PARTS = re.compile(r"[-/.'’]+")
_DIAERESIS_BREAK = re.compile(r"(?=[ëïöüä])")


def flesch_douma(words: int, sentences: int, syllables: int) -> float:
    """206.835 − 0.93·(words/sentences) − 77·(syllables/words)."""
    return FLESCH_DOUMA_CONSTANT - 0.93 * (words / sentences) - 77.0 * (syllables / words)


def brouwer(words: int, sentences: int, syllables: int) -> float:
    """Leesindex A = 195 − 2·(words/sentences) − (2/3)·(syllables per 100 words)."""
    return 195.0 - 2.0 * (words / sentences) - (2.0 / 3.0) * (100.0 * syllables / words)


FLESCH_DOUMA_BANDS = (
    (90.0, "zeer gemakkelijk"),
    (80.0, "gemakkelijk"),
    (70.0, "tamelijk gemakkelijk"),
    (60.0, "normaal"),
    (45.0, "tamelijk moeilijk"),
    (30.0, "moeilijk"),
    (-math.inf, "zeer moeilijk"),
)


def flesch_douma_band(score: float) -> str:
    """Douma's label for a score (lower bounds inclusive)."""
    return next(label for low, label in FLESCH_DOUMA_BANDS if score >= low)


class SyllableCounter:
    """Counts syllables of Dutch words; caches per word (one instance per scanner)."""

    def __init__(self, method: str = "nuclei") -> None:
        if method not in ("nuclei", "pyphen"):
            raise ValueError("method must be 'nuclei' or 'pyphen'")
        self.method = method
        self._dic = pyphen.Pyphen(lang="nl_NL")
        self._cache: dict[str, int] = {}

    def __call__(self, word: str) -> int:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        low = word.lower()
        if self.method == "pyphen":
            # textstat: punctuation removed, then hyphenation points + 1
            plain = re.sub(r"[^\w\s]", "", low)
            count = len(self._dic.positions(plain)) + 1
        else:
            count = 0
            for part in _SPLIT_PARTS.split(low):
                if not part:
                    continue
                for piece in self._dic.inserted(part).split("-"):
                    for sub in _DIAERESIS_BREAK.split(piece):
                        count += len(_NUCLEUS.findall(sub.translate(_DIAERESIS)))
            count = max(count, 1)
        self._cache[word] = count
        return count


class WordFrequencies:
    """Zipf frequencies from wordfreq's Dutch list (shipped in the wheel; works offline)."""

    def __init__(self) -> None:
        self._cache: dict[str, float] = {}

    def zipf(self, word: str) -> float:
        low = word.lower()
        value = self._cache.get(low)
        if value is None:
            value = wordfreq.zipf_frequency(low, "nl")
            self._cache[low] = value
        return value


class WordStats:
    """Per-word figures for the statistics, cached per word form (one instance per scanner):
    (syllables, is long, counts for the frequency share, is infrequent)."""

    def __init__(
        self,
        syllables: SyllableCounter,
        frequencies: WordFrequencies,
        long_word_min_syllables: int = 4,
        infrequent_zipf_below: float = 3.0,
    ) -> None:
        self.syllables = syllables
        self.frequencies = frequencies
        self.long_word_min_syllables = long_word_min_syllables
        self.infrequent_zipf_below = infrequent_zipf_below
        self._cache: dict[str, tuple[int, bool, bool, bool]] = {}

    def __call__(self, word: str) -> tuple[int, bool, bool, bool]:
        info = self._cache.get(word)
        if info is None:
            count = self.syllables(word)
            countable = word.isalpha() and not word.isupper()
            rare = countable and self.frequencies.zipf(word) < self.infrequent_zipf_below
            info = (count, count >= self.long_word_min_syllables, countable, rare)
            self._cache[word] = info
        return info


# --- heuristics ----------------------------------------------------------------------------

_WORDEN = word_set("word wordt worden werd werden geworden")
_ZIJN = word_set("is zijn was waren ben bent geweest")
_SEPARABLE = word_set(
    """
    aan af bij door in mee na om op over toe uit vast voor weg terug neer samen tegen onder
    vrij kwijt plaats tot waar mede teweeg gade stil thuis schoon klaar los dicht open
    """
)
_GE_PARTICIPLE = re.compile(r"^(?:" + "|".join(sorted(_SEPARABLE)) + r")?ge[^\W\d_]{2,}(?:d|t|en)$")
_PREFIX_PARTICIPLE = re.compile(r"^(?:be|ver|ont|her|er)[^\W\d_]{3,}[dt]$")
_STRONG_PARTICIPLES = word_set(
    """
    ontvangen verkregen bevonden ontnomen vergeten verboden ontslagen verworven verzonden
    vertrokken besproken bevolen ontbonden verschenen bedreven beschreven verstrekt
    """
)
_NOT_PARTICIPLES = word_set(
    """
    gebied gebieden gezond geld gelden gezicht gedicht gerecht gewicht gevecht gebouwen
    gemeenten gedeelten gesprekken gezinnen gebruiken geven geloven genieten gebeuren
    geleden gelegen getuigen gebreken gedachten gewesten gevolgen geheten besluit bericht
    bezit beleid bestand verbod verband verstand betekent bedient behoort ervaren gewend
    """
)
_CLAUSE_BREAK = re.compile(r"[,;:()]")
# A subordinate clause starts a new clause: "Het wordt tijd | dat u de rekening betaalt".
_SUBORDINATORS = word_set(
    """
    dat omdat als wanneer die wat zodat nadat voordat terwijl doordat indien tenzij hoewel
    waardoor waarin waarop waarmee waarna welke zodra totdat
    """
)


def _is_participle(word: str) -> bool:
    w = word.lower()
    if w in _NOT_PARTICIPLES or len(w) < 5:
        return False
    return w in _STRONG_PARTICIPLES or bool(_GE_PARTICIPLE.match(w) or _PREFIX_PARTICIPLE.match(w))


def passive_spans(text: str, sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Spans (auxiliary … participle) of likely passive clauses; see the module docstring."""
    out: list[tuple[int, int]] = []
    for sentence in sentences:
        lows = [t.text.lower() for t in sentence.words]
        if not any(w in _WORDEN or w in _ZIJN for w in lows):
            continue  # no auxiliary, no passive: most sentences stop here
        clause: list[Token] = []
        clauses: list[list[Token]] = []
        prev_end = sentence.start
        for tok in sentence.words:
            if clause and (
                _CLAUSE_BREAK.search(text, prev_end, tok.start)
                or tok.text.lower() in _SUBORDINATORS
            ):
                clauses.append(clause)
                clause = []
            clause.append(tok)
            prev_end = tok.end
        if clause:
            clauses.append(clause)
        for words in clauses:
            lows = [t.text.lower() for t in words if t.kind == "word"]
            word_toks = [t for t in words if t.kind == "word"]
            aux = [t for t, w in zip(word_toks, lows, strict=True) if w in _WORDEN]
            parts = [t for t, w in zip(word_toks, lows, strict=True) if _is_participle(w)]
            if not aux:
                if "door" in lows:
                    aux = [t for t, w in zip(word_toks, lows, strict=True) if w in _ZIJN]
                if not aux:
                    continue
            parts = [p for p in parts if p.text.lower() not in _WORDEN]
            if parts:
                start = min(aux[0].start, parts[0].start)
                end = max(aux[0].end, parts[0].end)
                out.append((start, end))
    return out


_NOMINAL_ING = re.compile(
    r"\b(?:de|het|een|deze|die|uw|onze|hun)\s+(?P<noun>[^\W\d_]+(?:ing|ingen|atie|aties))"
    r"\s+(?:van|door|tot)\b",
    re.IGNORECASE,
)
_NOMINAL_INF = re.compile(r"\bhet\s+(?P<noun>[^\W\d_]{3,}en)\s+van\b", re.IGNORECASE)
_CONCRETE_NOUNS = word_set(
    """
    woning woningen vergadering vergaderingen afdeling afdelingen rekening rekeningen
    vereniging verenigingen omgeving verzekering verzekeringen opleiding opleidingen richting
    leiding kring ding koning tekening uitkering uitkeringen instelling instellingen stichting
    stichtingen verlichting kleding regering informatie situatie organisatie organisaties
    locatie locaties relatie relaties natie naties stage ervaring woonomgeving
    teken wapen laken examen verleden wezen leven eten open ijzeren gebruiken mensen
    """
)


def nominalisation_spans(masked: str) -> list[tuple[int, int]]:
    """Spans of ``de behandeling van``-style and ``het betalen van``-style phrases."""
    out = []
    for regex in (_NOMINAL_ING, _NOMINAL_INF):
        for m in regex.finditer(masked):
            if m.group("noun").lower() not in _CONCRETE_NOUNS:
                out.append((m.start(), m.end()))
    return sorted(out)


def long_sentence_spans(sentences: Sequence[Sentence], max_words: int) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in sentences if not s.is_fragment and s.n_words > max_words]


# --- statistics and the B1 verdict ---------------------------------------------------------


@dataclass(frozen=True)
class Readability:
    """Readability figures of one text. Scores are None when the text has no sentences.

    ``note`` says why figures are missing. Shares are fractions (0–1).
    """

    sentences: int
    words: int
    syllables: int
    words_per_sentence: float | None
    syllables_per_word: float | None
    flesch_douma: float | None
    flesch_douma_band: str | None
    brouwer: float | None
    long_words: int
    long_word_share: float | None
    infrequent_words: int
    infrequent_word_share: float | None
    long_sentences: int
    long_sentence_share: float | None
    passive_sentences: int
    passive_share: float | None
    nominalisations: int
    officialese: int
    officialese_per_100_words: float | None
    syllable_method: str
    long_word_min_syllables: int
    infrequent_zipf_below: float
    long_sentence_over_words: int
    note: str | None = None

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def measure(
    text: str,
    sentences: Sequence[Sentence],
    *,
    words: WordStats,
    passive: Sequence[tuple[int, int]],
    nominalisations: int,
    officialese: int,
    long_sentence_over_words: int = 20,
) -> Readability:
    """Readability figures over the non-fragment sentences of ``text``."""
    counted = [s for s in sentences if not s.is_fragment and s.n_words > 0]
    n_sent = len(counted)
    n_words = n_syll = n_long = n_rare = n_rare_base = 0
    for sentence in counted:
        first = True
        for tok in sentence.words:
            if tok.kind == "word":
                count, is_long, countable, rare = words(tok.text)
                n_long += is_long
                # a capital inside a sentence marks a name: left out of the frequency share
                if countable and (first or not tok.text[0].isupper()):
                    n_rare_base += 1
                    n_rare += rare
            else:
                count = 1
            n_words += 1
            n_syll += count
            first = False
    passive_sentences = sum(1 for s in counted if any(s.start <= a < s.end for a, _ in passive))
    n_long_sent = sum(1 for s in counted if s.n_words > long_sentence_over_words)
    common = {
        "sentences": n_sent,
        "words": n_words,
        "syllables": n_syll,
        "long_words": n_long,
        "infrequent_words": n_rare,
        "long_sentences": n_long_sent,
        "passive_sentences": passive_sentences,
        "nominalisations": nominalisations,
        "officialese": officialese,
        "syllable_method": words.syllables.method,
        "long_word_min_syllables": words.long_word_min_syllables,
        "infrequent_zipf_below": words.infrequent_zipf_below,
        "long_sentence_over_words": long_sentence_over_words,
    }
    if n_sent == 0 or n_words == 0:
        return Readability(
            **common,
            words_per_sentence=None,
            syllables_per_word=None,
            flesch_douma=None,
            flesch_douma_band=None,
            brouwer=None,
            long_word_share=None,
            infrequent_word_share=None,
            long_sentence_share=None,
            passive_share=None,
            officialese_per_100_words=None,
            note="no sentences to measure (only headings, salutations or placeholders)",
        )
    fd = flesch_douma(n_words, n_sent, n_syll)
    return Readability(
        **common,
        words_per_sentence=n_words / n_sent,
        syllables_per_word=n_syll / n_words,
        flesch_douma=fd,
        flesch_douma_band=flesch_douma_band(fd),
        brouwer=brouwer(n_words, n_sent, n_syll),
        long_word_share=_share(n_long, n_words),
        infrequent_word_share=_share(n_rare, n_rare_base),
        long_sentence_share=_share(n_long_sent, n_sent),
        passive_share=_share(passive_sentences, n_sent),
        officialese_per_100_words=100.0 * officialese / n_words,
    )


@dataclass(frozen=True)
class B1Thresholds:
    """Indicative limits for B1 text. None of them is official: B1 has no text formula.

    Defaults follow common plain-language advice collected in the research note (§2.2):
    average sentences around 10–15 words, few sentences over 20 words, Flesch-Douma at least
    "normaal", mostly frequent words, active voice, no officialese.
    """

    max_words_per_sentence: float = 15.0
    max_long_sentence_share: float = 0.10
    min_flesch_douma: float = 60.0
    max_infrequent_word_share: float = 0.10
    max_passive_share: float = 0.20
    max_officialese_per_100_words: float = 1.0
    min_sentences: int = 3
    min_words: int = 30


@dataclass(frozen=True)
class Criterion:
    name: str
    label: str
    value: float
    limit: float
    direction: str  # "max" or "min"
    met: bool

    def to_dict(self) -> dict:
        d = asdict(self)
        d["value"] = round(self.value, 4)
        return d


B1_DISCLAIMER = (
    "B1 is een taalniveau voor lezers, geen meetbare eigenschap van een tekst. Er is geen "
    "officiële formule voor B1. Deze uitkomst is een indicatie op basis van zinslengte, "
    "woordlengte, bekende woorden, lijdende vorm en ambtelijke woorden. Laat een tekst ook "
    "lezen door mensen uit de doelgroep."
)


@dataclass(frozen=True)
class B1Verdict:
    """Indicative B1 verdict. ``code``: likely_b1, possibly_above_b1, likely_above_b1 or
    insufficient_text; ``label`` and ``explanation`` are Dutch text for readers."""

    code: str
    label: str
    criteria: tuple[Criterion, ...]
    explanation: str
    disclaimer: str = B1_DISCLAIMER

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "criteria": [c.to_dict() for c in self.criteria],
            "explanation": self.explanation,
            "disclaimer": self.disclaimer,
            "official": False,
        }


def _fmt(value: float, percent: bool = False) -> str:
    if percent:
        return f"{100 * value:.0f}%"
    return f"{value:.1f}".replace(".", ",")


def b1_verdict(r: Readability, thresholds: B1Thresholds | None = None) -> B1Verdict:
    """Combine the figures into an indicative verdict that lists every criterion."""
    t = thresholds or B1Thresholds()
    if r.flesch_douma is None or r.sentences < t.min_sentences or r.words < t.min_words:
        return B1Verdict(
            code="insufficient_text",
            label="te weinig tekst voor een indicatie",
            criteria=(),
            explanation=(
                f"De tekst heeft {r.sentences} zinnen en {r.words} woorden. Voor een indicatie "
                f"zijn minstens {t.min_sentences} zinnen en {t.min_words} woorden nodig."
            ),
        )
    rows = [
        ("words_per_sentence", "gemiddeld aantal woorden per zin", r.words_per_sentence,
         t.max_words_per_sentence, "max", False),
        ("long_sentence_share", f"deel van de zinnen langer dan {r.long_sentence_over_words} "
         "woorden", r.long_sentence_share, t.max_long_sentence_share, "max", True),
        ("flesch_douma", "Flesch-Douma-score", r.flesch_douma, t.min_flesch_douma, "min", False),
        ("infrequent_word_share", "deel van de woorden dat weinig voorkomt",
         r.infrequent_word_share or 0.0, t.max_infrequent_word_share, "max", True),
        ("passive_share", "deel van de zinnen in de lijdende vorm", r.passive_share,
         t.max_passive_share, "max", True),
        ("officialese_per_100_words", "ambtelijke woorden per 100 woorden",
         r.officialese_per_100_words, t.max_officialese_per_100_words, "max", False),
    ]  # fmt: skip
    criteria = []
    lines = []
    for name, label, value, limit, direction, percent in rows:
        met = value <= limit if direction == "max" else value >= limit
        criteria.append(Criterion(name, label, float(value), float(limit), direction, met))
        word = "hoogstens" if direction == "max" else "minstens"
        verdict = "goed" if met else "te hoog" if direction == "max" else "te laag"
        lines.append(
            f"- {label}: {_fmt(value, percent)} ({word} {_fmt(limit, percent)}): {verdict}"
        )
    failing = sum(not c.met for c in criteria)
    if failing == 0:
        code, label = "likely_b1", "waarschijnlijk B1"
    elif failing <= 2:
        code, label = "possibly_above_b1", "mogelijk moeilijker dan B1"
    else:
        code, label = "likely_above_b1", "waarschijnlijk moeilijker dan B1"
    head = (
        f"{len(criteria) - failing} van de {len(criteria)} punten zijn goed."
        if failing
        else "Alle punten zijn goed."
    )
    return B1Verdict(
        code=code, label=label, criteria=tuple(criteria), explanation="\n".join([head, *lines])
    )
