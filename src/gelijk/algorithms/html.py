"""Free text in the register: the standard's small HTML subset, checked and sanitised.

Choice (docs/algorithms.md): disallowed HTML is **refused with a message that names it**, not
silently removed, so an editor never publishes something other than what they wrote. What
passes the check is then sanitised with nh3 with the same allow-list (no attributes, no
comments), which only normalises (closes open tags, escapes a stray ``<``); the public pages
sanitise again when they render.

Plain text typed without any tags keeps its paragraphs: a blank line starts a new ``<p>``, a
single line break becomes ``<br>``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3


class _Scanner(HTMLParser):
    """Collects every tag, attribute and comment of a fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.comments = 0
        self.declarations = 0

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
    scanner = _scan(value)
    return bool(scanner.tags or scanner.comments or scanner.declarations)


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
