"""Assessment frameworks (toetskaders) as data: one YAML file per framework in this folder.

A file holds sections of questions (``text``, ``choice``, ``multichoice``), which question is
required or required only after certain answers (``required_if``), which answers are shown on
the public page (``public``), the outcome question, and rules between answers ("when the
analysis found a difference, the conclusion cannot be 'inzetten'"). ``template.schema.json``
describes the format; ``parse`` checks a file against it and for consistency (unique ids,
rules and conditions that point at existing questions and options), with messages that name
the file and the place. A new framework, or a new version of one, is a new file: the
``post_migrate`` sync loads it into ``AssessmentTemplate`` rows; no code changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

HERE = Path(__file__).resolve().parent
NON_FIELD = "__all__"
MAX_TEXT = 10_000


class FrameworkError(Exception):
    """A framework file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    section: str
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    required_if: tuple[str, tuple[str, ...]] | None = None
    public: bool = False
    evidence_hint: str = ""

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)

    def display(self, answer) -> str:
        """An answer as text for people: option labels instead of codes."""
        if answer in (None, "", []):
            return ""
        if self.type == "choice":
            return self.option_label(answer)
        if self.type == "multichoice":
            return "; ".join(self.option_label(v) for v in answer)
        return str(answer)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Rule:
    when: tuple[tuple[str, tuple[str, ...]], ...]
    require: tuple[str, tuple[str, ...]]
    message: str


@dataclass(frozen=True)
class Framework:
    key: str
    version: int
    title: str
    register_title: str
    summary: str
    renew_after_months: int
    required_for_categories: tuple[str, ...]
    applies_to: tuple[str, ...]
    sources: tuple[str, ...]
    outcome: str
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    source_file: str
    content_hash: str
    definition: dict

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def section(self, sid: str) -> Section:
        for s in self.sections:
            if s.id == sid:
                return s
        raise KeyError(sid)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft7Validator

    schema = json.loads((HERE / "template.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema)


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _condition(raw: dict) -> tuple[str, tuple[str, ...]]:
    return raw["question"], tuple(raw["in"])


def parse(data, source: str) -> Framework:
    """Check a framework definition (parsed YAML) and build it; FrameworkError on any fault."""
    if not isinstance(data, dict):
        raise FrameworkError(f"{source}: the file must hold a mapping (key: value), not a list")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        place = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise FrameworkError(f"{source}: at {place}: {first.message}")
    sections = []
    seen: dict[str, Question] = {}
    for s in data["sections"]:
        questions = []
        for q in s["questions"]:
            if q["id"] in seen:
                raise FrameworkError(f"{source}: question id {q['id']!r} is used twice")
            if q["type"] != "text" and not q.get("options"):
                raise FrameworkError(f"{source}: question {q['id']!r} ({q['type']}) needs options")
            if q["type"] == "text" and q.get("options"):
                raise FrameworkError(f"{source}: question {q['id']!r} is text but has options")
            question = Question(
                id=q["id"],
                label=q["label"],
                type=q["type"],
                section=s["id"],
                help=q.get("help", ""),
                options=tuple((o["value"], o["label"]) for o in q.get("options") or ()),
                required=bool(q.get("required")),
                required_if=_condition(q["required_if"]) if q.get("required_if") else None,
                public=bool(q.get("public")),
                evidence_hint=q.get("evidence_hint", ""),
            )
            seen[question.id] = question
            questions.append(question)
        sections.append(Section(s["id"], s["title"], s.get("intro", ""), tuple(questions)))
    if len({s.id for s in sections}) != len(sections):
        raise FrameworkError(f"{source}: two sections have the same id")
    rules = tuple(
        Rule(tuple(_condition(c) for c in r["when"]), _condition(r["require"]), r["message"])
        for r in data.get("rules") or ()
    )

    def check_condition(where: str, condition: tuple[str, tuple[str, ...]]) -> None:
        qid, values = condition
        if qid not in seen:
            raise FrameworkError(f"{source}: {where} refers to unknown question {qid!r}")
        question = seen[qid]
        if question.type == "text":
            raise FrameworkError(f"{source}: {where} refers to text question {qid!r}")
        unknown = [v for v in values if v not in dict(question.options)]
        if unknown:
            raise FrameworkError(
                f"{source}: {where} uses {unknown} which question {qid!r} does not offer"
            )

    for q in seen.values():
        if q.required_if:
            check_condition(f"required_if of {q.id!r}", q.required_if)
    for n, rule in enumerate(rules, start=1):
        for c in rule.when:
            check_condition(f"rule {n} (when)", c)
        check_condition(f"rule {n} (require)", rule.require)
    outcome = seen.get(data["outcome"])
    if outcome is None or outcome.type != "choice":
        raise FrameworkError(f"{source}: outcome {data['outcome']!r} must be a choice question")
    return Framework(
        key=data["key"],
        version=data["version"],
        title=data["title"],
        register_title=data["register_title"],
        summary=data["summary"],
        renew_after_months=data.get("renew_after_months", 12),
        required_for_categories=tuple(data.get("required_for_categories") or ()),
        applies_to=tuple(data.get("applies_to") or ("algorithm",)),
        sources=tuple(data.get("sources") or ()),
        outcome=data["outcome"],
        sections=tuple(sections),
        rules=rules,
        source_file=source,
        content_hash=content_hash(data),
        definition=data,
    )


def read_file(path: Path) -> Framework:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise FrameworkError(f"{path.name}:{where} is not valid YAML ({exc})") from None
    return parse(data, path.name)


def discover(folder: Path = HERE) -> list[Framework]:
    """Every framework file of ``folder``; FrameworkError for the first broken one."""
    found = [read_file(p) for p in sorted(folder.glob("*.yaml"))]
    keys = [(f.key, f.version) for f in found]
    doubles = sorted({k for k in keys if keys.count(k) > 1})
    if doubles:
        raise FrameworkError(f"{folder}: framework {doubles[0]} is defined in two files")
    return found


@lru_cache(maxsize=64)
def _cached(content: str, source: str) -> Framework:
    return parse(json.loads(content), source)


def from_definition(definition: dict, source: str) -> Framework:
    return _cached(json.dumps(definition, sort_keys=True), source)


# --------------------------------------------------------------------------- answers


def _holds(answers: dict, condition: tuple[str, tuple[str, ...]]) -> bool:
    qid, values = condition
    answer = answers.get(qid)
    if isinstance(answer, list):
        return any(a in values for a in answer)
    return answer in values


def _answered(answer) -> bool:
    return answer not in (None, "", [])


def clean_answers(fw: Framework, raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """Normalise and type-check answers (partial answers are fine). Returns (answers, errors)."""
    errors: dict[str, list[str]] = {}
    answers: dict = {}
    for qid, value in raw.items():
        try:
            q = fw.question(qid)
        except KeyError:
            errors.setdefault(NON_FIELD, []).append(
                _("Vraag ‘%(q)s’ hoort niet bij %(fw)s.") % {"q": qid, "fw": fw.title}
            )
            continue
        if not _answered(value):
            continue
        if q.type == "text":
            if not isinstance(value, str):
                errors.setdefault(qid, []).append(_("Het antwoord moet tekst zijn."))
                continue
            value = value.strip()
            if len(value) > MAX_TEXT:
                errors.setdefault(qid, []).append(
                    _("Het antwoord mag hoogstens %(max)s tekens hebben.") % {"max": MAX_TEXT}
                )
                continue
        elif q.type == "choice":
            if value not in dict(q.options):
                errors.setdefault(qid, []).append(
                    _("‘%(v)s’ is geen keuze bij deze vraag.") % {"v": str(value)[:50]}
                )
                continue
        else:
            values = value if isinstance(value, list) else [value]
            wrong = [str(v)[:50] for v in values if v not in dict(q.options)]
            if wrong:
                errors.setdefault(qid, []).append(
                    _("‘%(v)s’ is geen keuze bij deze vraag.") % {"v": "’, ‘".join(wrong)}
                )
                continue
            order = [o for o, _label in q.options]
            value = sorted(set(values), key=order.index)
        if _answered(value):
            answers[qid] = value
    return answers, errors


def is_required(q: Question, answers: dict) -> bool:
    return q.required or bool(q.required_if and _holds(answers, q.required_if))


def completeness_errors(fw: Framework, answers: dict) -> dict[str, list[str]]:
    """Missing required answers and broken rules, per question."""
    errors: dict[str, list[str]] = {}
    for q in fw.questions:
        if is_required(q, answers) and not _answered(answers.get(q.id)):
            errors.setdefault(q.id, []).append(_("Beantwoord deze vraag."))
    for rule in fw.rules:
        target = rule.require[0]
        if (
            all(_holds(answers, c) for c in rule.when)
            and _answered(answers.get(target))
            and not _holds(answers, rule.require)
        ):
            errors.setdefault(target, []).append(rule.message)
    return errors


def outcome_label(fw: Framework, answers: dict) -> str:
    return fw.question(fw.outcome).display(answers.get(fw.outcome))
