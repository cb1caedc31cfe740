"""Records in and out: import in the standard's format or the national register's own file
format, and export in the Publicatiestandaard format.

Import accepts one record (a JSON object) or a list of them. A record is read as

- **standard format** when it uses the schema's field names (``purpose_and_impact``,
  ``theme``, ``schema``, ...);
- **register format** when it uses the national register's form names (``goal``,
  ``category``, ``standard_version``, ...), as in the register's downloads and templates. The
  profile maps each standard field to its register name; groupings (``impacttoetsen_grouping``
  and the like) become the standard's single title/link pair, and publication categories get
  their "(Categorie X)" suffix back.

``null`` and empty strings mean "not filled in". Keys of older register versions that carry no
field of the standard (``id``, ``type``, ``uuid``, ...) are ignored; ``id`` becomes the
algorithm's slug. Other unknown keys are reported and not stored.

Export writes the stored record in the schema's field order, leaving out empty optional fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.text import slugify
from django.utils.translation import gettext as _

from gelijk.algorithms.standard import Standard
from gelijk.algorithms.validation import Checked, clean_record


@dataclass
class ImportItem:
    index: int  # 1-based position in the file
    name: str
    slug_hint: str
    checked: Checked
    warnings: list[str] = field(default_factory=list)
    fmt: str = "standard"

    @property
    def ok(self) -> bool:
        return self.checked.ok


class ImportFormatError(ValueError):
    """The payload as a whole cannot be read (not JSON, not an object or list, empty)."""


def _backend_names(standard: Standard) -> dict[str, str]:
    """Register-format top-level name -> standard key (groupings excluded)."""
    return {f.backend: f.key for f in standard.fields if "." not in f.backend}


def _groupings(standard: Standard) -> set[str]:
    return {f.backend.split(".")[0] for f in standard.fields if "." in f.backend}


def detect_format(raw: Mapping, standard: Standard) -> str:
    standard_only = set(standard.keys) - set(_backend_names(standard))
    backend_only = (set(_backend_names(standard)) | _groupings(standard)) - set(standard.keys)
    keys = set(raw)
    if keys & backend_only and keys & standard_only:
        return "mixed"
    if keys & backend_only:
        return "backend"
    return "standard"


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _from_backend(raw: Mapping, standard: Standard, warnings: list[str]) -> tuple[dict, list]:
    """Register format -> standard keys. Returns the record and (key, message) errors."""
    record: dict = {}
    errors: list[tuple[str, str]] = []
    for f in standard.fields:
        group, _sep, part = f.backend.partition(".")
        if f.kind == "const":
            const = standard.constants.get(f.key, {})
            value = raw.get(group)
            accepted = {str(const.get("value", f.const)).lower()}
            if const.get("backend_value"):
                accepted.add(str(const["backend_value"]).lower())
            if not _blank(value) and str(value).lower() not in accepted:
                errors.append(
                    (
                        f.key,
                        _("‘%(v)s’ past niet bij Publicatiestandaard %(s)s (verwacht: %(e)s).")
                        % {"v": value, "s": standard.version, "e": " of ".join(sorted(accepted))},
                    )
                )
            continue
        if not part:
            value = raw.get(group)
            if f.key == "publication_category" and isinstance(value, str):
                value = standard.category_from_backend.get(value, value)
            if not _blank(value):
                record[f.key] = value
            continue
        items = raw.get(group)
        if _blank(items):
            continue
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            errors.append(
                (f.key, _("‘%(g)s’ moet een lijst van {title, link} zijn.") % {"g": group})
            )
            continue
        values = [i.get(part) for i in items if not _blank(i.get(part))]
        if not values:
            continue
        if f.join:
            record[f.key] = f.join.join(str(v) for v in values)
        else:
            record[f.key] = values[0]
            if len(values) > 1:
                warnings.append(
                    _(
                        "%(label)s: standaard %(s)s heeft plaats voor één waarde; alleen de "
                        "eerste is overgenomen. Niet overgenomen: %(rest)s."
                    )
                    % {
                        "label": f.label,
                        "s": standard.version,
                        "rest": ", ".join(str(v) for v in values[1:]),
                    }
                )
    return record, errors


def read_item(raw: Mapping, index: int, standard: Standard) -> ImportItem:
    warnings: list[str] = []
    fmt = detect_format(raw, standard)
    known = set(standard.keys) | standard.legacy_keys
    if fmt == "backend":
        known |= set(_backend_names(standard)) | _groupings(standard)
    unknown = sorted(k for k in raw if k not in known)
    extra_errors: list[tuple[str, str]] = []
    if fmt == "mixed":
        record = {}
        extra_errors.append(
            (
                "__all__",
                _(
                    "Dit record mengt de veldnamen van de standaard met die van het landelijke "
                    "register. Gebruik één van beide."
                ),
            )
        )
    elif fmt == "backend":
        record, extra_errors = _from_backend(raw, standard, warnings)
    else:
        record = {k: raw[k] for k in standard.keys if k in raw}
        version = raw.get("schema")
        if not _blank(version) and version != standard.version:
            extra_errors.append(
                (
                    "schema",
                    _("Dit record is voor standaard ‘%(v)s’; Gelijk gebruikt %(s)s.")
                    % {"v": version, "s": standard.version},
                )
            )
        if isinstance(record.get("language"), str):
            record["language"] = record["language"].lower()
    if unknown:
        shown = [k for k in unknown if not _blank(raw.get(k))]
        if shown:
            warnings.append(
                _("Deze velden horen niet bij de standaard en zijn niet overgenomen: %(k)s.")
                % {"k": ", ".join(shown)}
            )
    checked = clean_record(record, standard)
    for key, message in extra_errors:
        checked.add(key, message)
    name = str(record.get("name") or "")
    hint = raw.get("id") or raw.get("slug") or record.get("source_id") or name
    return ImportItem(
        index=index,
        name=name,
        slug_hint=slugify(str(hint))[:100] if hint else "",
        checked=checked,
        warnings=warnings,
        fmt=fmt,
    )


def read_payload(payload, standard: Standard) -> list[ImportItem]:
    """Parsed JSON (object or list of objects) -> one ImportItem per record."""
    if isinstance(payload, Mapping):
        payload = [payload]
    if not isinstance(payload, list):
        raise ImportFormatError(
            _("Het bestand moet één record (een JSON-object) of een lijst van records bevatten.")
        )
    if not payload:
        raise ImportFormatError(_("Het bestand bevat geen records."))
    items = []
    for index, raw in enumerate(payload, start=1):
        if not isinstance(raw, Mapping):
            raise ImportFormatError(
                _("Record %(n)s is geen JSON-object maar %(t)s.")
                % {"n": index, "t": type(raw).__name__}
            )
        items.append(read_item(raw, index, standard))
    return items


def export_record(record: Mapping, standard: Standard) -> dict:
    """The record in the schema's field order, without empty values."""
    out = {}
    for f in standard.fields:
        value = f.const if f.kind == "const" else record.get(f.key)
        if not _blank(value):
            out[f.key] = list(value) if isinstance(value, list | tuple) else value
    return out
