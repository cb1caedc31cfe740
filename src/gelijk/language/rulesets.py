"""The rules a scan uses: the engine's built-in rules plus the active custom rule files.

Custom files are applied after the built-in ones, oldest first, with the same meaning as
``gelijk language scan --rules``: rule ids must be unique over all files, and a file's
``disable:`` list switches off rules loaded before it. A compiled rule set is kept per process
for each combination of files (its fingerprint), so a scan compiles nothing twice.

Rule-file errors come from the engine with file, line and field; ``dutch_rule_error`` puts
them into Dutch for the page and keeps the engine's own words next to them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gelijk.core import messages
from gelijk.engines.errors import InputError
from gelijk.engines.language import Rule, RuleFileError, RuleSet, default_rules, parse_rules
from gelijk.engines.language.rules import builtin_rule_files


@dataclass(frozen=True)
class CustomFile:
    name: str
    content: str
    sha256: str


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _builtin_fingerprint() -> str:
    digest = hashlib.sha256()
    for name, text in builtin_rule_files():
        digest.update(name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def fingerprint(files: Sequence[CustomFile]) -> str:
    """Identifies the rules of a scan: the built-in files and the custom files, in order."""
    digest = hashlib.sha256(_builtin_fingerprint().encode())
    for f in files:
        digest.update(f"|{f.name}:{f.sha256}".encode())
    return digest.hexdigest()


def merge(files: Sequence[CustomFile]) -> RuleSet:
    """Built-in rules plus ``files``; raises ``RuleFileError`` naming file, line and field."""
    rules: dict[str, Rule] = {r.id: r for r in default_rules().rules}
    for f in files:
        parsed, disable = parse_rules(f.content, f.name)
        for rule in parsed:
            if rule.id in rules:
                first = rules[rule.id]
                raise RuleFileError(
                    f.name,
                    rule.line,
                    "id",
                    f"rule id {rule.id!r} is already used in {first.file}, line {first.line}",
                )
            rules[rule.id] = rule
        for rule_id in disable:
            rules.pop(rule_id, None)
    if not rules:
        raise InputError("no rules left: the custom files switch off every rule")
    return RuleSet(list(rules.values()))


_cache: dict[str, RuleSet] = {}
_cache_lock = Lock()
_CACHE_SIZE = 4


def ruleset_for(files: Sequence[CustomFile]) -> tuple[RuleSet, str]:
    """(compiled rule set, fingerprint) for the built-in rules plus ``files``."""
    key = fingerprint(files)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached, key
    ruleset = merge(files) if files else default_rules()
    _ = ruleset.scanner  # compile now, outside any request that waits for a lock
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = ruleset
    return ruleset, key


def active_files() -> list[CustomFile]:
    from gelijk.language.models import RuleFile

    rows = RuleFile.objects.filter(active=True).order_by("uploaded_at", "pk")
    return [CustomFile(r.name, r.content, r.sha256) for r in rows]


def active_ruleset() -> tuple[RuleSet, str]:
    """The rules every scan uses now, and their fingerprint."""
    return ruleset_for(active_files())


def failed_examples(ruleset: RuleSet, rule_ids: Sequence[str]) -> list[str]:
    """The examples of these rules that do not behave as the file says (in Dutch)."""
    scanner = ruleset.scanner
    problems = []
    for rule_id in rule_ids:
        rule = ruleset.get(rule_id)
        if rule is None:
            continue
        kind = "vacancy" if rule.contexts == ("vacancy",) else "letter"
        for text in rule.examples_flag:
            if not any(f.rule_id == rule.id for f in scanner.scan_text(text, kind=kind).findings):
                problems.append(
                    _(
                        "%(file)s, regel %(line)s: regel ‘%(id)s’ vindt het voorbeeld "
                        "„%(text)s” niet."
                    )
                    % {"file": rule.file, "line": rule.line, "id": rule.id, "text": text}
                )
        for text in rule.examples_ok:
            if any(f.rule_id == rule.id for f in scanner.scan_text(text, kind=kind).findings):
                problems.append(
                    _(
                        "%(file)s, regel %(line)s: regel ‘%(id)s’ meldt het goede voorbeeld "
                        "„%(text)s” toch."
                    )
                    % {"file": rule.file, "line": rule.line, "id": rule.id, "text": text}
                )
    return problems


# The engine's rule-file problems (English, after "file, line N, field 'x': "), in Dutch.
_RULE_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^must be one of (?P<v>.+)$"),
        gettext_noop("moet een van deze waarden zijn: %(v)s"),
    ),
    (
        re.compile(r"^unknown field in .+? \(did you mean '(?P<v>[^']+)'\?\)$"),
        gettext_noop("dit veld bestaat niet (bedoelt u ‘%(v)s’?)"),
    ),
    (re.compile(r"^unknown field in "), gettext_noop("dit veld bestaat niet")),
    (
        re.compile(r"^invalid regular expression: (?P<v>.+)$"),
        gettext_noop("ongeldige reguliere expressie: %(v)s"),
    ),
    (re.compile(r"^YAML syntax error: (?P<v>.+)$"), gettext_noop("fout in de YAML-opbouw: %(v)s")),
    (re.compile(r"^the file is empty$"), gettext_noop("het bestand is leeg")),
    (
        re.compile(r"^rule id '(?P<v>[^']+)' is already used in (?P<w>.+)$"),
        gettext_noop("de regel-id ‘%(v)s’ bestaat al (in %(w)s)"),
    ),
    (re.compile(r"^appears twice$"), gettext_noop("dit veld staat er twee keer")),
    (re.compile(r"^must be a non-empty text$"), gettext_noop("vul hier tekst in")),
    (
        re.compile(r"^must be a text or a list of texts$"),
        gettext_noop("moet een tekst of een lijst teksten zijn"),
    ),
    (re.compile(r"^must be true or false$"), gettext_noop("moet true of false zijn")),
    (re.compile(r"^missing"), gettext_noop("dit verplichte veld ontbreekt")),
    (
        re.compile(r"^use lower-case letters, digits and single hyphens$"),
        gettext_noop("gebruik kleine letters, cijfers en losse streepjes"),
    ),
    (
        re.compile(r"^the file must be a mapping"),
        gettext_noop("het bestand moet een lijst ‘rules’ hebben"),
    ),
    (
        re.compile(r"^rule files must be UTF-8$"),
        gettext_noop("een regelbestand moet in UTF-8 zijn opgeslagen"),
    ),
]


def dutch_rule_problem(problem: str) -> str:
    found = messages.from_patterns(_RULE_PROBLEMS, problem)
    return problem if found is None else found


def dutch_rule_error(exc: InputError) -> str:
    """One Dutch sentence naming the file, line and field of a broken rule file."""
    if not isinstance(exc, RuleFileError):
        return _("De regels zijn niet te gebruiken: %(m)s") % {"m": exc}
    problem = str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
    where = _("Regelbestand ‘%(file)s’") % {"file": exc.path}
    if exc.line is not None:
        where += ", " + _("regel %(n)s") % {"n": exc.line}
    if exc.field:
        where += ", " + _("veld ‘%(f)s’") % {"f": exc.field}
    return f"{where}: {dutch_rule_problem(problem)}."
