"""The Algoritmeregister Publicatiestandaard as data.

Each ``profile-*.yaml`` in this folder names a standard version, its JSON schema and the
national register's form config (both copied unchanged, see SOURCE.md), and adds what neither
states. ``load(version)`` turns them into field definitions: label, category, whether the field
is required for publication, its kind (text, html, enum, list, month, url, contact, const), the
length limit, the allowed values and HTML tags, and a B1 explanation. Validation, forms, import,
export and the public pages all read these definitions, so a new standard version is a data
change: add its files and a profile.

Length limit: the smaller of the schema's ``maxLength`` and the config's ``max_length``, because
an exported record must validate against the schema. It counts the stored text, HTML included.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
_CATEGORY_CODE = re.compile(r"\(Categorie ([A-Z])\)\s*$")


class StandardError(Exception):
    """A profile or schema file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    category: str
    display: str  # mandatory | optional | hidden (the schema's word)
    required: bool
    kind: str  # text | html | enum | list | month | url | contact | const
    max_length: int | None
    choices: tuple[str, ...]
    max_items: int | None
    pattern: str | None
    description: str
    instructions: str
    example: str
    explain: str
    backend: str
    allowed_tags: frozenset[str] = frozenset()
    const: str | None = None
    join: str | None = None

    @property
    def long(self) -> bool:
        """Shown as a text area: HTML fields and long plain text."""
        return self.kind == "html" or (self.max_length or 0) >= 1000

    @property
    def editable(self) -> bool:
        return self.kind != "const"


@dataclass(frozen=True)
class Standard:
    version: str
    title: str
    schema: dict
    config: dict
    fields: tuple[FieldDef, ...]
    constants: dict[str, dict]
    legacy_keys: frozenset[str]
    recommended_assessments: tuple[str, ...]
    # publication category: short code (A/B/C) -> standard value, and config value -> standard
    category_codes: dict[str, str] = field(default_factory=dict)
    category_from_backend: dict[str, str] = field(default_factory=dict)

    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)

    @property
    def editable_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.editable)

    @property
    def categories(self) -> tuple[str, ...]:
        seen: list[str] = []
        for f in self.fields:
            if f.category not in seen:
                seen.append(f.category)
        return tuple(seen)

    def category_code(self, value: str) -> str:
        """'Impactvolle algoritmes (Categorie B)' -> 'B'; '' when unknown."""
        for code, full in self.category_codes.items():
            if full == value:
                return code
        return ""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StandardError(f"{path.name}: cannot read JSON ({exc})") from None


def _kind(key: str, prop: dict, extra: dict, tags: frozenset[str]) -> str:
    if "const" in prop:
        return "const"
    if "enum" in prop:
        return "enum"
    if prop.get("type") == "array":
        return "list"
    if prop.get("pattern"):
        return "month"
    if extra.get("format") == "email-or-https":
        return "contact"
    if prop.get("format") == "uri" or extra.get("format") == "https":
        return "url"
    if tags:
        return "html"
    return "text"


def _build(profile_path: Path) -> Standard:
    try:
        profile = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StandardError(f"{profile_path.name}: cannot read YAML ({exc})") from None
    schema = _read_json(HERE / profile["schema"])
    config = _read_json(HERE / profile["config"])
    props = schema.get("properties", {})
    cfg = config.get("properties", {})
    extra_all = profile.get("fields") or {}
    unknown = sorted(set(extra_all) - set(props))
    missing = sorted(set(props) - set(extra_all))
    if unknown or missing:
        raise StandardError(
            f"{profile_path.name}: fields do not match the schema "
            f"(not in the schema: {unknown or '-'}; not in the profile: {missing or '-'})"
        )
    required = set(schema.get("required", []))
    fields = []
    for key, prop in props.items():
        extra = extra_all[key] or {}
        backend = extra.get("backend", key)
        group, _, part = backend.partition(".")
        backend_def = cfg.get(group, {})
        if part:
            backend_def = (backend_def.get("items") or {}).get(part, {})
        tags = frozenset(backend_def.get("allowed_html_tags") or ())
        limits = [n for n in (prop.get("maxLength"), backend_def.get("max_length")) if n]
        if not limits and extra.get("max_length"):
            limits = [extra["max_length"]]
        choices: tuple[str, ...] = tuple(prop.get("enum") or ())
        if extra.get("permitted_from"):
            choices = tuple(cfg[extra["permitted_from"]].get("permitted_values") or ())
        example = prop.get("example", "")
        fields.append(
            FieldDef(
                key=key,
                label=prop.get("name", key),
                category=prop.get("category", ""),
                display=prop.get("display", "optional"),
                required=key in required,
                kind=_kind(key, prop, extra, tags),
                max_length=min(limits) if limits else None,
                choices=choices,
                max_items=extra.get("max_items"),
                pattern=prop.get("pattern"),
                description=prop.get("description", ""),
                instructions=prop.get("instructions", ""),
                example=example if isinstance(example, str) else json.dumps(example),
                explain=extra.get("explain", ""),
                backend=backend,
                allowed_tags=tags,
                const=prop.get("const"),
                join=extra.get("join"),
            )
        )
    category_values = props.get("publication_category", {}).get("enum") or []
    codes = {}
    for value in category_values:
        match = _CATEGORY_CODE.search(value)
        if match:
            codes[match.group(1)] = value
    backend_categories = cfg.get("publication_category", {}).get("permitted_values") or []
    if len(backend_categories) != len(category_values):
        raise StandardError(
            f"{profile_path.name}: the config lists {len(backend_categories)} publication "
            f"categories, the schema {len(category_values)}"
        )
    recommended = (cfg.get("impacttoetsen_grouping", {}).get("items") or {}).get("title", {}).get(
        "recommended_items"
    ) or ()
    return Standard(
        version=str(profile["standard"]),
        title=schema.get("title", ""),
        schema=schema,
        config=config,
        fields=tuple(fields),
        constants=profile.get("constants") or {},
        legacy_keys=frozenset(profile.get("legacy_keys") or ()),
        recommended_assessments=tuple(recommended),
        category_codes=codes,
        category_from_backend=dict(zip(backend_categories, category_values, strict=True)),
    )


@cache
def available() -> dict[str, Path]:
    """Standard version -> its profile file."""
    found = {}
    for path in sorted(HERE.glob("profile-*.yaml")):
        version = str((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("standard"))
        found[version] = path
    return found


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


CURRENT = max(available(), key=_version_key) if available() else "1.0.0"


@cache
def load(version: str = CURRENT) -> Standard:
    try:
        return _build(available()[version])
    except KeyError:
        raise StandardError(
            f"unknown standard version {version!r}; known: {', '.join(available())}"
        ) from None
