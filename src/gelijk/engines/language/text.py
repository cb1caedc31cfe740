"""Segmentation of Dutch letter text without a parser: protected spans, words, sentences, lines.

Three layers, each working on character offsets into the original text so that every finding
and every statistic can point back to the exact place in the source:

1. *Protected spans*: template placeholders (``{{ naam }}``, ``{% if %}``, ``[NAAM]``,
   ``«naam»``, ``<<naam>>``, ``%s``, ``%(naam)s``, ``{0}``, ``$naam$``), URLs and e-mail
   addresses. Rules never match inside them and the sentence splitter never breaks inside them.
   A placeholder, URL or e-mail address counts as one word; template *statements*
   (``{% ... %}``, ``{# ... #}``) count as no word at all, because a reader never sees them.
2. *Tokens*: words (letters, with internal hyphens, apostrophes, slashes and dots, so that
   ``niet-westerse``, ``auto's``, ``hij/zij`` and ``o.a`` are one word each), numbers
   (``10.22``, ``€ 1.250,00`` → ``1.250,00``) and the protected spans.
3. *Sentences*: a rule-based splitter (see :func:`split_sentences`) that knows Dutch
   abbreviations, initials, numbers with dots, enumeration markers and line layout of letters.

Nothing here is statistical; the rules are documented in ``docs/methods/readability.md``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple


def word_set(words: str) -> frozenset[str]:
    """A set from white-space separated words (keeps long word lists readable)."""
    return frozenset(words.split())


#: Character used to blank out protected spans before rule matching. It is neither a word
#: character nor whitespace, so ``\b`` and ``\s`` in rule patterns never see through a mask.
MASK_CHAR = "\ue000"

# Order matters: at one position the first alternative wins, so ``{{ x }}`` is taken as a
# Jinja variable before the single-brace format placeholder could match inside it.
_SILENT = r"(?P<silent>\{%.{0,500}?%\}|\{\#.{0,500}?\#\})"
_PLACEHOLDER = r"""(?P<placeholder>
        \{\{.{0,200}?\}\}
      | «[^»\n]{1,80}»
      | <<[^<>\n]{1,80}>>
      | \[[^\W\d][^\[\]\n]{0,80}\]
      | %\([A-Za-z_]\w*\)[sdifr]
      | %[sdifr](?![^\W\d_])
      | \{(?:\d+|[A-Za-z_][\w.]*)\}
      | \$\{[A-Za-z_][\w.]*\}
      | \$[A-Za-z_]\w*\$
    )"""
_EMAIL = r"(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
_TLDS = ("nl", "com", "org", "net", "eu", "be", "info", "gov", "nu")
_URL = (
    r"""(?P<url>
        (?:\bhttps?://|\bwww\.)[^\s<>"]*[^\s<>".,;:!?)\]'”]
      | \b[\w-]+(?:\.[\w-]+)*\.(?:"""
    + "|".join(_TLDS)
    + r""")\b(?:/[^\s<>"]*[^\s<>".,;:!?)\]'”])?
    )"""
)
_PROTECTED_VARIANTS = {
    (email, url): re.compile(
        "|".join([_SILENT, _PLACEHOLDER] + [_EMAIL] * email + [_URL] * url),
        re.VERBOSE | re.DOTALL,
    )
    for email in (False, True)
    for url in (False, True)
}
_DOT_LETTER = re.compile(r"\.[^\W\d_]")


def _protected_regex(text: str) -> re.Pattern[str]:
    """The span regex, without the (slow, word-by-word) e-mail and URL parts when the text
    has no ``@`` or no dot followed by a letter: a cheap test that keeps results identical."""
    return _PROTECTED_VARIANTS[("@" in text, _DOT_LETTER.search(text) is not None)]


_TOKEN = re.compile(
    r"""
    (?P<number>\d+(?:[.,:/-]\d+)*[^\W\d_]*)
  | (?P<word>['’]?[^\W\d_][^\W_]*(?:[-/.'’][^\W_]+)*)
    """,
    re.VERBOSE,
)


class Span(NamedTuple):
    """A protected span: ``kind`` is placeholder, silent, url or email."""

    start: int
    end: int
    kind: str


class Token(NamedTuple):
    """A word-like token; ``kind``: word, number, placeholder, url, email or marker.

    A named tuple rather than a dataclass: a scan makes hundreds per letter.

    A *marker* is an enumeration label at the start of a line ("1.", "a)"); it is not a word.
    """

    start: int
    end: int
    kind: str
    text: str

    @property
    def is_word(self) -> bool:
        return self.kind != "marker"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a text fragment such as a salutation or an address line).

    ``terminal`` is True when the sentence ends with ``.``, ``!``, ``?`` or ``…``.
    ``tokens`` are the word-like tokens inside it, markers included; ``words`` leaves the
    enumeration markers out. Build one with :meth:`build`.
    """

    start: int
    end: int
    tokens: tuple[Token, ...]
    terminal: bool
    words: tuple[Token, ...]
    n_words: int

    @classmethod
    def build(cls, start: int, end: int, tokens: tuple[Token, ...], terminal: bool) -> Sentence:
        words = tuple(t for t in tokens if t.kind != "marker")
        return cls(start, end, tokens, terminal, words, len(words))

    @property
    def is_fragment(self) -> bool:
        """A heading, salutation or address line: no final punctuation and at most 3 words.

        Fragments are scanned by the rules but left out of sentence statistics, because a
        letterhead of ten two-word lines would otherwise make any letter look easy.
        """
        return not self.terminal and self.n_words <= 3


def protected_spans(text: str) -> list[Span]:
    """Placeholders, template statements, URLs and e-mail addresses, in text order."""
    regex = _protected_regex(text)
    return [Span(m.start(), m.end(), m.lastgroup or "placeholder") for m in regex.finditer(text)]


def mask(text: str, spans: list[Span]) -> str:
    """``text`` with every protected span replaced by :data:`MASK_CHAR` (same length)."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for span in spans:
        parts.append(text[pos : span.start])
        parts.append(MASK_CHAR * (span.end - span.start))
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def tokenize(text: str, spans: list[Span] | None = None) -> list[Token]:
    """Words, numbers and protected spans (silent template statements excluded), in order."""
    if spans is None:
        spans = protected_spans(text)
    tokens: list[Token] = []
    pos = 0
    for span in [*spans, Span(len(text), len(text), "end")]:
        for m in _TOKEN.finditer(text, pos, span.start):
            tokens.append(Token(m.start(), m.end(), m.lastgroup or "word", m.group()))
        if span.kind not in ("silent", "end"):
            tokens.append(Token(span.start, span.end, span.kind, text[span.start : span.end]))
        pos = span.end
    return tokens


# Abbreviations after which a period never ends a sentence (lower case, without final dot).
NEVER_FINAL = word_set(
    """
    a.s a.u.b art arts blz b.v bijv bv c.a c.q ca d.d d.i d.w.z dhr dr drs e.e.a e.v fa
    gem i.c i.o i.p.v i.s.m i.v.m ing ir jhr jr lid m.a.w m.b.t m.i.v m.u.v mevr mej mr mw
    n.a.v n.v.t nl nr o.a o.b.v o.i o.l.v p.a p.p prof resp s.v.p sr st t.a.v t.b.v t.g.v
    t.h.v t.o.v t.w t.z.t tel v.a vgl w.o z.o.z z.s.m zgn mln mld max min ca excl incl evt
    pag hfst afd str tav ivm mbt
    """
)
# Abbreviations that often close a sentence: a break when the next word starts a new one.
MAY_BE_FINAL = word_set("enz etc e.d e.a jl j.l e.v.a")

# A line ending with one of these words continues on the next line (wrapped text).
_CONTINUES = word_set(
    """
    de het een en of van voor in op aan met bij naar om tot door over uit te dat die
    artikel art lid nr nummer €
    """
)

_TERMINAL = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_BLANK_AFTER = re.compile(r"[ \t]*\r?\n[ \t\r\f\v]*\n")
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$", re.IGNORECASE)


_NON_SPACE = re.compile(r"\S")
_NEWLINE = re.compile(r"\n")
_ENDS_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_STRONG = re.compile(r"[!?…]|\.\.")
_INITIALS = re.compile(r"^[A-Z](?:\.[A-Z])*$")
_DOTTED = re.compile(r"^[^\W\d_]{1,3}(?:\.[^\W\d_]{1,3})+$")


def _period_may_end(text: str, tok: Token, nxt: str, after: int) -> bool:
    """Whether a single period right after ``tok`` may end the sentence (see split_sentences)."""
    low = tok.text.lower().strip("'’")
    if tok.kind == "word" and _INITIALS.match(tok.text):
        return nxt == "" or bool(_BLANK_AFTER.match(text, after))
    if low in NEVER_FINAL:
        return False
    if low in MAY_BE_FINAL or (tok.kind == "word" and _DOTTED.match(low)):
        return nxt[:1].isupper()
    return not _is_marker(text, tok)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _is_marker(text: str, token: Token) -> bool:
    """An enumeration label: first token on its line, followed directly by ``.`` or ``)``."""
    if token.end >= len(text) or text[token.end] not in ".)":
        return False
    if text[_line_start(text, token.start) : token.start].strip(" \t(") != "":
        return False
    t = token.text
    if token.kind == "number":
        return t.isdigit() and len(t) <= 3
    return token.kind == "word" and (len(t) == 1 or bool(_ROMAN.match(t)))


def split_sentences(
    text: str,
    *,
    spans: list[Span] | None = None,
    tokens: list[Token] | None = None,
    hard_line_breaks: bool = False,
) -> list[Sentence]:
    """Split ``text`` into sentences with offsets.

    A period ends a sentence only when it is followed by whitespace (so ``10.22 uur``,
    ``€ 1.250,00``, URLs and e-mail addresses never break) and

    * the word before it is not an abbreviation from :data:`NEVER_FINAL` (``art. 2``,
      ``nr. 3``, ``o.a.``, ``bijv.``, ``z.s.m.``, ``d.w.z.``, ``dhr.``, …);
    * it is not an initial (a single capital: ``J. de Vries``, ``J.P. Jansen``);
    * it is not an enumeration label at the start of a line (``1.``, ``a.``, ``iv.``);
    * the next word does not start with a lower-case letter (unknown abbreviations);
    * after an abbreviation from :data:`MAY_BE_FINAL` (``enz.``, ``etc.``) the next word must
      start with a capital.

    ``!``, ``?`` and ``…`` followed by whitespace always end a sentence. A blank line always
    ends one. A single line break ends one when ``hard_line_breaks`` is set (documents whose
    lines are paragraphs: .docx, .odt) or when the next line does not start with a lower-case
    letter and the line does not end with a word that needs a continuation (``de``,
    ``artikel``, ``van``, …) — so salutations, address lines and list items stand alone while
    wrapped lines stay together.
    """
    if spans is None:
        spans = protected_spans(text)
    if tokens is None:
        tokens = tokenize(text, spans)
    starts = [s.start for s in spans]

    def protected(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and spans[i].start <= pos < spans[i].end

    token_ends = [t.end for t in tokens]

    def token_before(pos: int) -> Token | None:
        i = bisect.bisect_right(token_ends, pos) - 1
        if i >= 0 and tokens[i].end == pos:
            return tokens[i]
        return None

    def next_char(pos: int) -> str:
        m = _NON_SPACE.search(text, pos)
        return m.group() if m else ""

    breaks: set[int] = set()  # offsets where a new sentence may start (after the break)
    terminal_at: set[int] = set()  # break offsets that follow final punctuation

    for m in _TERMINAL.finditer(text):
        if protected(m.start()):
            continue
        nxt = next_char(m.end())
        if m.group()[0] == "." and not _STRONG.search(m.group()):
            tok = token_before(m.start())
            if tok is not None and not _period_may_end(text, tok, nxt, m.end()):
                continue
            if nxt[:1].islower():
                continue
        breaks.add(m.end())
        terminal_at.add(m.end())

    line_start = 0
    for m in _NEWLINE.finditer(text):
        pos = m.start()
        before = text[line_start:pos].strip()
        line_start = m.end()
        if not before or protected(pos):
            continue  # a blank line is handled by the segment loop
        line_end = text.find("\n", m.end())
        nxt_line = text[m.end() : line_end if line_end >= 0 else len(text)].strip()
        if not nxt_line:
            breaks.add(m.end())
            continue
        if hard_line_breaks:
            breaks.add(m.end())
            continue
        last_word = before.split()[-1].lower().rstrip(",")
        if nxt_line[0].islower() or last_word in _CONTINUES:
            continue
        breaks.add(m.end())

    sentences: list[Sentence] = []
    bounds = sorted(breaks | {len(text)})
    token_starts = [t.start for t in tokens]
    n = len(text)
    pos = 0
    for b in bounds:
        seg_start, seg_end = pos, b
        pos = b
        while seg_start < seg_end and text[seg_start].isspace():
            seg_start += 1
        while seg_end > seg_start and text[seg_end - 1].isspace():
            seg_end -= 1
        if seg_start >= seg_end:
            continue
        first = bisect.bisect_left(token_starts, seg_start)
        last = bisect.bisect_left(token_starts, seg_end)
        toks = tokens[first:last]
        # enumeration labels ("1.", "a)") are the first token on a line: check only those
        for k, tok in enumerate(toks):
            if tok.end < n and text[tok.end] in ".)" and _is_marker(text, tok):
                toks[k] = Token(tok.start, tok.end, "marker", tok.text)
        terminal = b in terminal_at or _ENDS_TERMINAL.search(text, seg_start, seg_end) is not None
        sentences.append(Sentence.build(seg_start, seg_end, tuple(toks), terminal))
    return sentences


class LineIndex:
    """Maps character offsets to 1-based (line, column) in a text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def locate(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1
