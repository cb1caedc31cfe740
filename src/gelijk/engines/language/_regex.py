"""Regex helpers: a trie-shaped alternation and a literal prefilter for patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]


def trie_regex(forms: Iterable[str]) -> str:
    """A regex matching exactly the given strings, factored as a trie (longest first).

    A space in a form matches any run of whitespace, so phrases may wrap over lines.
    """
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def esc(ch: str) -> str:
        return r"\s+" if ch == " " else re.escape(ch)

    def build(node: dict) -> str:
        ends = "" in node
        keys = sorted(k for k in node if k)
        if not keys:
            return ""
        branches = [esc(k) + build(node[k]) for k in keys]
        singles = [k for k in keys if node[k].keys() == {""} and k != " "]
        if len(singles) == len(keys) and len(keys) > 1:
            body = "[" + "".join(re.escape(k) for k in keys) + "]"
        elif len(branches) == 1:
            body = branches[0]
            if ends:
                return "(?:" + body + ")?"
            return body
        else:
            body = "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body

    return build(trie)


_MAX_SET = 40
_MIN_LEN = 3


def _runs(items) -> list[set[str]]:
    """Candidate literal sets from a parsed sequence: each set holds strings of which at least
    one must occur in every match."""
    out: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is _c.SUBPATTERN:
            out.extend(_runs(av[-1]))
        elif op is _c.BRANCH:
            options: set[str] = set()
            for branch in av[1]:
                best = _best(_runs(branch))
                if best is None:
                    options = set()
                    break
                options |= best
            if options and len(options) <= _MAX_SET:
                out.append(options)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            out.extend(_runs(av[2]))
    flush()
    return out


def _best(sets: list[set[str]]) -> set[str] | None:
    good = [s for s in sets if s and min(len(x) for x in s) >= _MIN_LEN]
    if not good:
        return None
    return max(good, key=lambda s: (min(len(x) for x in s), -len(s)))


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case strings of which at least one occurs in every match of ``pattern``.

    Used as a prefilter: when none of them is in the (lower-cased) text, the pattern cannot
    match and is not run. None when no such set of strings of 3+ characters can be derived.
    """
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unusual construct: no prefilter, the regex still runs
        return None
    best = _best(_runs(list(parsed)))
    if best is None:
        return None
    return tuple(sorted(x.lower() for x in best))
