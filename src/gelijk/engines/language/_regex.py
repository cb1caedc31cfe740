"""Regex helpers: a trie-shaped alternation and a literal prefilter for patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable

import wordfreq

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
_WORD = re.compile(r"\w+")
_BOUNDARY_AT = {_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END,
                _c.AT_END_STRING}  # fmt: skip


def _is_space_class(av) -> bool:
    return any(op is _c.CATEGORY and arg is _c.CATEGORY_SPACE for op, arg in av)


def _is_boundary(op, av) -> bool:
    """Whether this element guarantees a word boundary next to a literal run."""
    if op is _c.AT:
        return av in _BOUNDARY_AT
    if op is _c.IN:
        return _is_space_class(av)
    if op is _c.LITERAL:
        return chr(av).isspace()
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        items = list(av[2])
        return len(items) == 1 and _is_boundary(*items[0])
    return False


# A candidate: (strings of which one occurs in every match, whether they are whole words)
Candidate = tuple[set[str], bool]


def _runs(items, left: bool, right: bool) -> list[Candidate]:
    """Literal runs of a parsed sequence. ``left``/``right``: a word boundary is guaranteed
    just before / after the sequence."""
    items = list(items)
    out: list[Candidate] = []
    run: list[str] = []
    run_left = False
    prev_boundary = left

    def flush(right_bounded: bool) -> None:
        if run:
            text = "".join(run)
            whole = run_left and right_bounded and _WORD.fullmatch(text) is not None
            out.append(({text}, whole))
            run.clear()

    for i, (op, av) in enumerate(items):
        if op is _c.LITERAL and not chr(av).isspace():
            if not run:
                run_left = prev_boundary
            run.append(chr(av))
            prev_boundary = False
            continue
        boundary = _is_boundary(op, av)
        flush(boundary)
        next_boundary = _is_boundary(*items[i + 1]) if i + 1 < len(items) else right
        if op is _c.SUBPATTERN:
            out.extend(_runs(av[-1], prev_boundary, next_boundary))
        elif op is _c.BRANCH:
            options: set[str] = set()
            whole = True
            for branch in av[1]:
                best = _best(_runs(branch, prev_boundary, next_boundary))
                if best is None:
                    options = set()
                    break
                options |= best[0]
                whole = whole and best[1]
            if options and len(options) <= _MAX_SET:
                out.append((options, whole))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            out.extend(_runs(av[2], False, False))
        prev_boundary = boundary
    flush(right)
    return out


def _best(candidates: list[Candidate]) -> Candidate | None:
    good = [c for c in candidates if c[0] and min(len(x) for x in c[0]) >= _MIN_LEN]
    if not good:
        return None

    # whole words are checked exactly; among them the rarest Dutch words filter best
    # (wordfreq Zipf of the most frequent member); then longer strings and smaller sets
    def key(c: Candidate):
        rarity = -max(wordfreq.zipf_frequency(x.lower(), "nl") for x in c[0]) if c[1] else 0.0
        return (c[1], rarity, min(len(x) for x in c[0]), -len(c[0]))

    return max(good, key=key)


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """Lower-case strings of which at least one occurs in every match of ``pattern``, and
    whether they occur as whole words (between word boundaries).

    Used as a prefilter: when none of them is in the text (as a word, or as a substring),
    the pattern cannot match and is not run. None when no set of strings of 3+ characters
    can be derived.
    """
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except Exception:  # an unusual construct: no prefilter, the regex still runs
        return None
    best = _best(_runs(list(parsed), False, False))
    if best is None:
        return None
    return tuple(sorted(x.lower() for x in best[0])), best[1]
