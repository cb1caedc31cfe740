"""Rule files: loading, validation with file/line/field errors, and the :class:`Rule` record.

The rule format is documented in ``docs/language/rule-format.md``. A rule file is YAML; it is
read through PyYAML's *node* layer so that every value keeps the line it came from, and every
scalar is read as text (no YAML 1.1 surprises such as ``nee``/``no`` turning into ``False``).
Types are converted here, field by field, so a mistake is reported as

    rules/herkomst.yaml, line 12, field 'severity': must be one of error, warning, suggestion
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gelijk.engines.errors import InputError

from ._regex import trie_regex
from .inflect import expand
from .text import MASK_CHAR

SEVERITIES = ("error", "warning", "suggestion")
SEVERITY_RANK = {s: i for i, s in enumerate(reversed(SEVERITIES))}  # suggestion 0 … error 2
CONTEXTS = ("letter", "vacancy", "any")
RULE_TYPES = ("term", "missing", "heuristic")
POS_VALUES = ("none", "noun", "adjective", "verb", "noun+adjective", "adjective+noun")
DETECTORS = ("long_sentence", "passive", "nominalisation")

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# A pattern that starts with a word list (after look-behinds) and ends it at a word boundary:
# one of the list's words must then be a word (or hyphen part) of the text.
_LEADING_LIST = re.compile(r"^(?:\(\?<!?[^()]*\))*\\b\{([a-z_][a-z0-9_]*)\}(?:\\b|\\s|\(\?:-)")


class RuleFileError(InputError):
    """A rule file that cannot be used; names the file, the line and the field."""

    def __init__(self, path: str, line: int | None, field_name: str | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.field = field_name
        where = path
        if line is not None:
            where += f", line {line}"
        if field_name:
            where += f", field {field_name!r}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.field, self.message.split(": ", 1)[-1]))


# --- YAML with line numbers ---------------------------------------------------------------


class _Str(str):
    line: int


class _Map(dict):
    line: int
    key_lines: dict[str, int]


class _Seq(list):
    line: int


def _from_node(node: yaml.Node, path: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        value = _Str(node.value)
        value.line = line
        return value
    if isinstance(node, yaml.SequenceNode):
        seq = _Seq(_from_node(n, path) for n in node.value)
        seq.line = line
        return seq
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise RuleFileError(path, key_node.start_mark.line + 1, None, "keys must be text")
            key = key_node.value
            if key in out:
                raise RuleFileError(path, key_node.start_mark.line + 1, key, "appears twice")
            out[key] = _from_node(value_node, path)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    raise RuleFileError(path, line, None, "unsupported YAML node")  # pragma: no cover


def _parse_yaml(text: str, path: str) -> Any:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        raise RuleFileError(path, line, None, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, None, None, f"YAML syntax error: {exc}") from None
    if node is None:
        raise RuleFileError(path, None, None, "the file is empty")
    return _from_node(node, path)


# --- the rule record -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exception_:
    """Suppresses a hit: ``kind`` is ``pattern`` (a match covering the hit), ``sentence`` (a
    match anywhere in the hit's sentence) or ``document`` (a match anywhere in the text)."""

    kind: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Antecedent:
    """The "unknown person" heuristic for pronouns (see ``docs/language/rule-format.md``)."""

    generic: re.Pattern[str]
    specific: re.Pattern[str] | None
    names: bool
    sentences: int


@dataclass(frozen=True)
class Rule:
    """One rule, with its forms already expanded and its patterns compiled."""

    id: str
    category: str
    severity: str
    type: str
    contexts: tuple[str, ...]
    alternatives: tuple[str, ...]
    reason: str
    source: str
    file: str
    line: int
    forms: frozenset[str] = frozenset()
    compound_forms: frozenset[str] = frozenset()
    case_sensitive: bool = False
    patterns: tuple[re.Pattern[str], ...] = ()
    #: per pattern: words of which one must be in the text (from a leading ``\b{list}``)
    pattern_anchors: tuple[frozenset[str] | None, ...] = ()
    exceptions: tuple[Exception_, ...] = ()
    antecedent: Antecedent | None = None
    detector: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    examples_flag: tuple[str, ...] = ()
    examples_ok: tuple[str, ...] = ()
    form_alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def alternatives_for(self, form: str) -> tuple[str, ...]:
        """Alternatives for a matched form: the term's own, else the rule's."""
        key = " ".join(form.split()) if self.case_sensitive else " ".join(form.lower().split())
        return self.form_alternatives.get(key) or self.alternatives

    def applies_to(self, kind: str) -> bool:
        return "any" in self.contexts or kind in self.contexts

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "type": self.type,
            "contexts": list(self.contexts),
            "alternatives": list(self.alternatives),
            "reason": self.reason,
            "source": self.source,
            "file": self.file,
            "line": self.line,
            "forms": sorted(self.forms),
        }


# --- validation helpers --------------------------------------------------------------------

_FILE_KEYS = {"category", "severity", "contexts", "source", "reason", "lists", "rules", "disable"}
_RULE_KEYS = {
    "id", "type", "category", "severity", "contexts", "terms", "pos", "forms", "separable",
    "compounds", "case_sensitive", "patterns", "exceptions", "antecedent", "alternatives",
    "reason", "source", "detector", "max_words", "examples",
}  # fmt: skip
_LIST_KEYS = {"terms", "pos", "forms"}


class _Ctx:
    """Carries the path so that every check can raise a located error."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Any, field_name: str | None, problem: str) -> None:
        raise RuleFileError(self.path, getattr(node, "line", None), field_name, problem)

    def check_keys(self, mapping: _Map, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise RuleFileError(
                    self.path, mapping.key_lines[key], key, f"unknown field in {what}{hint}"
                )

    def text(self, mapping: _Map, key: str, default: str | None = None) -> str | None:
        if key not in mapping:
            return default
        value = mapping[key]
        if not isinstance(value, _Str) or not value.strip():
            self.fail(value, key, "must be a non-empty text")
        return str(value).strip()

    def texts(self, mapping: _Map, key: str) -> list[_Str]:
        if key not in mapping:
            return []
        value = mapping[key]
        if isinstance(value, _Str):
            return [value]
        if not isinstance(value, _Seq) or not all(isinstance(v, _Str) for v in value):
            self.fail(value, key, "must be a text or a list of texts")
        for v in value:
            if not v.strip():
                self.fail(v, key, "contains an empty text")
        return list(value)

    def flag(self, mapping: _Map, key: str, default: bool) -> bool:
        if key not in mapping:
            return default
        value = str(mapping[key]).strip().lower()
        if value in ("true", "yes", "ja"):
            return True
        if value in ("false", "no", "nee"):
            return False
        self.fail(mapping[key], key, "must be true or false")
        return default  # pragma: no cover

    def integer(self, mapping: _Map, key: str, default: int, low: int, high: int) -> int:
        if key not in mapping:
            return default
        value = mapping[key]
        try:
            number = int(str(value))
        except ValueError:
            self.fail(value, key, "must be a whole number")
        if not low <= number <= high:
            self.fail(value, key, f"must be between {low} and {high}")
        return number

    def choice(self, mapping: _Map, key: str, options: tuple[str, ...], default: str | None):
        value = self.text(mapping, key, default)
        if value not in options:
            self.fail(mapping.get(key, mapping), key, f"must be one of {', '.join(options)}")
        return value

    def regex(self, node: _Str, key: str, macros: dict[str, str], case_sensitive: bool):
        def replace(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in macros:
                known = ", ".join(sorted(macros)) or "none defined"
                self.fail(node, key, f"unknown list {{{name}}} in pattern (lists: {known})")
            return macros[name]

        source = _MACRO.sub(replace, str(node))
        flags = 0 if case_sensitive else re.IGNORECASE
        try:
            return re.compile(source, flags)
        except re.error as exc:
            self.fail(node, key, f"invalid regular expression: {exc.msg} (at position {exc.pos})")
        return None  # pragma: no cover


def _term_entries(ctx: _Ctx, entry: _Map, key: str) -> list[tuple[_Str, tuple[str, ...]]]:
    """``terms`` as a list, or as a mapping ``term: [alternatives]`` (per-term advice)."""
    raw = entry.get(key)
    if isinstance(raw, _Map):
        out = []
        for term, alts in raw.items():
            node = _Str(term)
            node.line = raw.key_lines[term]
            holder = _Map({key: alts})
            holder.line = node.line
            holder.key_lines = {key: node.line}
            out.append((node, tuple(str(a) for a in ctx.texts(holder, key))))
        return out
    return [(t, ()) for t in ctx.texts(entry, key)]


def _term_forms(ctx: _Ctx, entry: _Map, key_terms: str = "terms") -> dict[str, tuple[str, ...]]:
    """Every form of every term, mapped to the term's own alternatives (may be empty)."""
    pos = ctx.choice(entry, "pos", POS_VALUES, "none")
    separable = ctx.text(entry, "separable")
    if separable and pos != "verb":
        ctx.fail(entry["separable"], "separable", "only allowed with pos: verb")
    forms: dict[str, tuple[str, ...]] = {}
    for term, alts in _term_entries(ctx, entry, key_terms):
        try:
            expanded = expand(" ".join(term.split()), pos, separable=separable)
        except ValueError as exc:
            ctx.fail(term, key_terms, str(exc))
        for form in expanded:
            forms.setdefault(form, alts)
    for f in ctx.texts(entry, "forms"):
        forms.setdefault(" ".join(f.split()), ())
    return forms


def _parse_file(text: str, path: str) -> tuple[list[Rule], list[str]]:
    ctx = _Ctx(path)
    root = _parse_yaml(text, path)
    if not isinstance(root, _Map):
        ctx.fail(root, None, "the file must be a mapping with a 'rules' list")
    ctx.check_keys(root, _FILE_KEYS, "the file")
    defaults = {
        "category": ctx.text(root, "category"),
        "severity": ctx.choice(root, "severity", SEVERITIES, "warning"),
        "source": ctx.text(root, "source"),
        "reason": ctx.text(root, "reason"),
        "contexts": [str(c) for c in ctx.texts(root, "contexts")] or ["any"],
    }
    for c in ctx.texts(root, "contexts"):
        if c not in CONTEXTS:
            ctx.fail(c, "contexts", f"must be one of {', '.join(CONTEXTS)}")

    macros: dict[str, str] = {"placeholder": MASK_CHAR + "+"}
    list_words: dict[str, frozenset[str]] = {}
    lists = root.get("lists", _Map())
    if "lists" in root:
        if not isinstance(lists, _Map):
            ctx.fail(lists, "lists", "must be a mapping of list names to term lists")
        for name, entry in lists.items():
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name == "placeholder":
                ctx.fail(
                    entry, f"lists.{name}", "list names use a-z, 0-9 and _ (not 'placeholder')"
                )
            if not isinstance(entry, _Map):
                ctx.fail(entry, f"lists.{name}", "must be a mapping with 'terms'")
            ctx.check_keys(entry, _LIST_KEYS, f"list {name!r}")
            forms = _term_forms(ctx, entry)
            if not forms:
                ctx.fail(entry, f"lists.{name}", "needs at least one term")
            macros[name] = "(?:" + trie_regex(forms) + ")"
            list_words[name] = frozenset(f.split()[0].lower() for f in forms)

    disable = [str(d) for d in ctx.texts(root, "disable")]
    raw_rules = root.get("rules")
    if raw_rules is None:
        if disable:
            return [], disable
        ctx.fail(root, "rules", "missing: a rule file needs a 'rules' list")
    if not isinstance(raw_rules, _Seq):
        ctx.fail(raw_rules, "rules", "must be a list of rules")
    rules = [_parse_rule(ctx, entry, defaults, macros, list_words) for entry in raw_rules]
    return rules, disable


def _anchors(node: _Str, list_words: dict[str, frozenset[str]]) -> frozenset[str] | None:
    m = _LEADING_LIST.match(str(node))
    return list_words.get(m.group(1)) if m else None


def _parse_rule(
    ctx: _Ctx,
    entry: Any,
    defaults: dict[str, Any],
    macros: dict[str, str],
    list_words: dict[str, frozenset[str]],
) -> Rule:
    if not isinstance(entry, _Map):
        ctx.fail(entry, "rules", "each rule must be a mapping")
    ctx.check_keys(entry, _RULE_KEYS, "a rule")
    if "id" not in entry:
        ctx.fail(entry, "id", "missing: every rule needs an id")
    rule_id = ctx.text(entry, "id")
    if not _ID.match(rule_id or ""):
        ctx.fail(entry["id"], "id", "use lower-case letters, digits and single hyphens")
    rtype = ctx.choice(entry, "type", RULE_TYPES, "term")
    category = ctx.text(entry, "category", defaults["category"])
    if category is None:
        ctx.fail(entry, "category", "missing (set it on the rule or at the top of the file)")
    severity = ctx.choice(entry, "severity", SEVERITIES, defaults["severity"])
    contexts = [str(c) for c in ctx.texts(entry, "contexts")] or defaults["contexts"]
    for c in contexts:
        if c not in CONTEXTS:
            ctx.fail(entry.get("contexts"), "contexts", f"must be one of {', '.join(CONTEXTS)}")
    reason = ctx.text(entry, "reason", defaults["reason"])
    if reason is None:
        ctx.fail(entry, "reason", "missing: say in a sentence why the text should change")
    source = ctx.text(entry, "source", defaults["source"])
    if source is None:
        ctx.fail(entry, "source", "missing: name the source as a fact, or 'Gelijk (eigen advies)'")
    case_sensitive = ctx.flag(entry, "case_sensitive", False)
    alternatives = tuple(str(a) for a in ctx.texts(entry, "alternatives"))

    forms: dict[str, tuple[str, ...]] = {}
    compound_forms: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    detector = None
    params: dict[str, Any] = {}
    if rtype == "term":
        forms = _term_forms(ctx, entry)
        patterns = [
            ctx.regex(p, "patterns", macros, case_sensitive) for p in ctx.texts(entry, "patterns")
        ]
        if not forms and not patterns:
            ctx.fail(entry, "terms", "a term rule needs 'terms' or 'patterns'")
        if ctx.flag(entry, "compounds", False):
            compound_forms = {f for f in forms if " " not in f}
        if not case_sensitive:
            forms = {f.lower(): a for f, a in forms.items()}
            compound_forms = {f.lower() for f in compound_forms}
    elif rtype == "missing":
        for key in ("terms", "forms", "compounds", "antecedent"):
            if key in entry:
                ctx.fail(entry[key], key, "not used by a 'missing' rule (use 'patterns')")
        patterns = [
            ctx.regex(p, "patterns", macros, case_sensitive) for p in ctx.texts(entry, "patterns")
        ]
        if not patterns:
            ctx.fail(entry, "patterns", "a 'missing' rule needs the patterns that count as present")
    else:
        detector = ctx.choice(entry, "detector", DETECTORS, None)
        if "max_words" in entry:
            params["max_words"] = ctx.integer(entry, "max_words", 20, 5, 200)

    exceptions: list[Exception_] = []
    if "exceptions" in entry:
        raw = entry["exceptions"]
        if not isinstance(raw, _Seq):
            ctx.fail(raw, "exceptions", "must be a list")
        for item in raw:
            if not isinstance(item, _Map) or len(item) != 1:
                ctx.fail(
                    item, "exceptions", "each exception is one of pattern:, sentence:, document:"
                )
            ((kind, value),) = item.items()
            if kind not in ("pattern", "sentence", "document"):
                ctx.fail(item, f"exceptions.{kind}", "use pattern:, sentence: or document:")
            if not isinstance(value, _Str):
                ctx.fail(item, f"exceptions.{kind}", "must be a regular expression")
            exceptions.append(
                Exception_(kind, ctx.regex(value, f"exceptions.{kind}", macros, case_sensitive))
            )

    antecedent = None
    if "antecedent" in entry:
        raw = entry["antecedent"]
        if not isinstance(raw, _Map):
            ctx.fail(
                raw, "antecedent", "must be a mapping with generic:, specific:, names:, sentences:"
            )
        ctx.check_keys(raw, {"generic", "specific", "names", "sentences"}, "antecedent")
        if "generic" not in raw:
            ctx.fail(raw, "antecedent.generic", "missing: the pattern for a generic person")
        antecedent = Antecedent(
            generic=ctx.regex(raw["generic"], "antecedent.generic", macros, False),
            specific=(
                ctx.regex(raw["specific"], "antecedent.specific", macros, False)
                if "specific" in raw
                else None
            ),
            names=ctx.flag(raw, "names", True),
            sentences=ctx.integer(raw, "sentences", 1, 0, 5),
        )

    flag_examples: list[str] = []
    ok_examples: list[str] = []
    if "examples" in entry:
        raw = entry["examples"]
        if not isinstance(raw, _Map):
            ctx.fail(raw, "examples", "must be a mapping with flag: and ok: lists")
        ctx.check_keys(raw, {"flag", "ok"}, "examples")
        flag_examples = [str(x) for x in ctx.texts(raw, "flag")]
        ok_examples = [str(x) for x in ctx.texts(raw, "ok")]

    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        type=rtype,
        contexts=tuple(contexts),
        alternatives=alternatives,
        reason=reason,
        source=source,
        file=ctx.path,
        line=entry.line,
        forms=frozenset(forms),
        compound_forms=frozenset(compound_forms),
        form_alternatives={f: a for f, a in forms.items() if a},
        case_sensitive=case_sensitive,
        patterns=tuple(patterns),
        pattern_anchors=tuple(_anchors(p, list_words) for p in ctx.texts(entry, "patterns")),
        exceptions=tuple(exceptions),
        antecedent=antecedent,
        detector=detector,
        params=params,
        examples_flag=tuple(flag_examples),
        examples_ok=tuple(ok_examples),
    )


def parse_rules(text: str, path: str = "<rules>") -> tuple[list[Rule], list[str]]:
    """Rules and disabled rule ids from the YAML ``text`` of one rule file."""
    return _parse_file(text, path)


def builtin_rule_files() -> list[tuple[str, str]]:
    """(name, text) of the rule files shipped in ``gelijk.engines.language/rules``."""
    folder = resources.files("gelijk.engines.language") / "rules"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            out.append((f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
    return out


def _read_rule_paths(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    files: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise RuleFileError(str(path), None, None, "no .yaml rule files in this folder")
        elif path.is_file():
            found = [path]
        else:
            raise RuleFileError(str(path), None, None, "no such rule file or folder")
        for p in found:
            try:
                files.append((str(p), p.read_text(encoding="utf-8-sig")))
            except UnicodeDecodeError:
                raise RuleFileError(str(p), None, None, "rule files must be UTF-8") from None
            except OSError as exc:
                raise RuleFileError(str(p), None, None, f"cannot read: {exc.strerror}") from None
    return files


def load_rule_list(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> list[Rule]:
    """Rules from the shipped files (when ``builtin``) and from ``paths`` (files or folders).

    Later files may switch off earlier rules with a top-level ``disable:`` list. Rule ids must
    be unique over all files that are loaded.
    """
    sources = (builtin_rule_files() if builtin else []) + _read_rule_paths(paths)
    rules: dict[str, Rule] = {}
    for name, text in sources:
        parsed, disable = _parse_file(text, name)
        for rule in parsed:
            if rule.id in rules:
                first = rules[rule.id]
                raise RuleFileError(
                    name, rule.line, "id",
                    f"rule id {rule.id!r} is already used in {first.file}, line {first.line}",
                )  # fmt: skip
            rules[rule.id] = rule
        for rule_id in disable:
            rules.pop(rule_id, None)
    if not rules:
        raise InputError("no rules loaded: give a rule folder or keep the built-in rules")
    return list(rules.values())
