"""Free text in the register: the standard's small HTML subset, checked and sanitised.

Choice (docs/algorithms.md): disallowed HTML is **refused with a message that names it**, not
silently removed, so an editor never publishes something other than what they wrote. What
passes the check is then sanitised with nh3 with the same allow-list (no attributes, no
comments), which only normalises (closes open tags, escapes a stray ``<``); the public pages
sanitise again when they render.

A ``<`` followed by a letter, ``/``, ``!`` or ``?`` that the parser did not turn into a
complete tag (typically a tag cut off at the end, ``x <img src=x onerror=…``) counts as markup
too: browsers and nh3 read it as the start of a tag, so nh3 would silently drop it. Any other
``<`` (``a < b``, ``3<4``, ``<3``, ``x <= y``) is ordinary text.

Plain text typed without any tags keeps its paragraphs: a blank line starts a new ``<p>``, a
single line break becomes ``<br>``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

# What HTML (and nh3) reads as the opening of a tag, comment or declaration; ASCII letters
# only, as in the HTML tokenizer, so '<é' stays text.
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
_FRAGMENT_LENGTH = 30


class _Scanner(HTMLParser):
    """Collects every tag, attribute and comment of a fragment, and where its text lies."""

    def __init__(self):
        # Raw text (no charref conversion), so that text segments keep their length and a
        # '<' in them can be found again in the input.
        super().__init__(convert_charrefs=False)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.comments = 0
        self.declarations = 0
        self.text_spans: list[tuple[tuple[int, int], int]] = []

    def handle_data(self, data):
        # Inside <script>/<style> everything is text to the parser; those elements are
        # refused anyway, so their content needs no second message.
        if not self.cdata_elem:
            self.text_spans.append((self.getpos(), len(data)))

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name) for name, _value in attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append(tag)

    def handle_comment(self, data):
        self.comments += 1

    def handle_decl(self, decl):
        self.declarations += 1

    def handle_pi(self, data):
        self.declarations += 1

    def unknown_decl(self, data):
        self.declarations += 1


def _scan(value: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(value)
    scanner.close()
    return scanner


def _offsets(value: str):
    """(line, column) as HTMLParser counts them -> offset in ``value``."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", value))
    return lambda pos: starts[pos[0] - 1] + pos[1]


def unfinished(value: str) -> list[str]:
    """Every opening of a tag that the parser left as text (no closing '>'), as a short
    fragment of the input ('<img src=x onerror=alert(1)')."""
    if not _TAG_OPEN.search(value):
        return []
    scanner = _scan(value)
    offset = _offsets(value)
    spans = [(offset(pos), length) for pos, length in scanner.text_spans]
    # Whatever the parser did not consume at all (newer Pythons drop a tag cut off at the
    # end instead of reporting it as text) is checked as text too.
    end = offset(scanner.getpos())
    if end < len(value):
        spans.append((end, len(value) - end))
    found: list[str] = []
    for start, length in spans:
        for index in range(start, start + length):
            if value[index] == "<" and _TAG_OPEN.match(value, index):
                fragment = value[index:].split("\n", 1)[0].rstrip()
                if len(fragment) > _FRAGMENT_LENGTH:
                    fragment = fragment[: _FRAGMENT_LENGTH - 1] + "…"
                if fragment not in found:
                    found.append(fragment)
    return found


def problems(value: str, allowed: frozenset[str] | set[str]) -> list[str]:
    """What in ``value`` is not allowed, as short Dutch phrases ('<a>', 'attribuut style')."""
    scanner = _scan(value)
    found: list[str] = []
    for tag in scanner.tags:
        shown = f"<{tag}>"
        if tag not in allowed and shown not in found:
            found.append(shown)
    for tag, name in scanner.attributes:
        shown = f"attribuut {name} (in <{tag}>)"
        if shown not in found:
            found.append(shown)
    if scanner.comments:
        found.append("HTML-commentaar <!-- -->")
    if scanner.declarations:
        found.append("HTML-declaratie <!...>")
    return found


def has_markup(value: str) -> bool:
    """Any tag, comment or declaration, finished or not."""
    scanner = _scan(value)
    return bool(scanner.tags or scanner.comments or scanner.declarations or unfinished(value))


def sanitise(value: str, allowed: frozenset[str] | set[str]) -> str:
    return nh3.clean(
        value, tags=set(allowed), attributes={}, strip_comments=True, link_rel=None
    ).strip()


def paragraphs(text: str) -> str:
    """Plain text with line breaks -> <p> per paragraph and <br> per single break."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    parts = []
    for block in blocks:
        if block:
            lines = [html.escape(line.strip(), quote=False) for line in block.split("\n")]
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(parts)


def to_plain(value: str) -> str:
    """Visible text of a fragment (for search and list excerpts)."""
    # Tags become spaces first, so that two paragraphs do not run into one word.
    text = re.sub(r"<[^>]*>", " ", nh3.clean(value, tags=set(_BLOCK), attributes={}, link_rel=None))
    return " ".join(html.unescape(text).split())


_BLOCK = frozenset({"div", "br", "p", "ul", "ol", "li"})
