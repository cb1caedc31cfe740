"""Checks of a register record (Publicatiestandaard field names) against the standard's data.

Two levels:

- ``clean_record``: what every save must satisfy — known fields, the right type, values from
  the lists, at most 3 themes, length limits, dates as YYYY-MM, https links, an e-mail address
  or https link as contact, and only the allowed HTML. A concept may still be incomplete.
- ``publication_gaps``: what publication needs on top — every required field filled, and the
  record valid against the standard's JSON schema (the export must validate).

Every message is Dutch, names the field by its label, and says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from gelijk.algorithms import html as register_html
from gelijk.algorithms.standard import FieldDef, Standard

NON_FIELD = "__all__"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_https = URLValidator(schemes=["https"])
_email = EmailValidator()


@dataclass
class Checked:
    record: dict
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def messages(self, standard: Standard) -> list[str]:
        """Flat list '<label>: <message>' in field order."""
        out = []
        for key in (NON_FIELD, *standard.keys):
            for message in self.errors.get(key, []):
                if key == NON_FIELD:
                    out.append(message)
                else:
                    out.append(f"{standard.field(key).label}: {message}")
        return out


def is_https(value: str) -> bool:
    try:
        _https(value)
    except ValidationError:
        return False
    return True


def _is_email(value: str) -> bool:
    try:
        _email(value)
    except ValidationError:
        return False
    return True


def _length(f: FieldDef, value: str, checked: Checked) -> None:
    if f.max_length and len(value) > f.max_length:
        extra = _(" (opmaak telt mee)") if f.kind == "html" else ""
        checked.add(
            f.key,
            _("Dit veld mag hoogstens %(max)s tekens hebben%(extra)s; het heeft er nu %(n)s.")
            % {"max": f.max_length, "n": len(value), "extra": extra},
        )


def _less_than_hint() -> str:
    return _("Bedoelt u het teken ‘kleiner dan’? Zet er dan een spatie achter, zoals in ‘a < b’.")


def _quoted(fragments: list[str]) -> str:
    return ", ".join(f"‘{fragment}’" for fragment in fragments)


def _clean_text(f: FieldDef, value: str, checked: Checked) -> str | None:
    if register_html.has_markup(value):
        found = register_html.problems(value, frozenset())
        fragments = register_html.unfinished(value)
        if fragments:
            found.append(
                _("een tag zonder afsluitende > (%(fragments)s)")
                % {"fragments": _quoted(fragments)}
            )
        message = _("Dit veld is gewone tekst en mag geen HTML bevatten. Gevonden: %(found)s.") % {
            "found": ", ".join(found)
        }
        if fragments:
            message += " " + _less_than_hint()
        checked.add(f.key, message)
        return None
    _length(f, value, checked)
    return value


def _clean_html(f: FieldDef, value: str, checked: Checked) -> str | None:
    found = register_html.problems(value, f.allowed_tags)
    if found:
        checked.add(
            f.key,
            _(
                "Deze opmaak is niet toegestaan: %(found)s. Toegestaan zijn alleen de HTML-"
                "elementen %(allowed)s, zonder attributen. Haal de rest weg en sla opnieuw op."
            )
            % {
                "found": ", ".join(found),
                "allowed": ", ".join(f"<{t}>" for t in sorted(f.allowed_tags)),
            },
        )
    fragments = register_html.unfinished(value)
    if fragments:
        checked.add(
            f.key,
            _(
                "Hier is een tag niet afgemaakt: %(found)s. Maak de tag af met > of haal hem "
                "weg en sla opnieuw op."
            )
            % {"found": _quoted(fragments)}
            + " "
            + _less_than_hint(),
        )
    if found or fragments:
        return None
    if not register_html.has_markup(value) and "\n" in value:
        value = register_html.paragraphs(value)
    value = register_html.sanitise(value, f.allowed_tags)
    _length(f, value, checked)
    return value


def _clean_month(f: FieldDef, value: str, checked: Checked) -> str | None:
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        checked.add(
            f.key,
            _("Schrijf de maand als JJJJ-MM, bijvoorbeeld 2023-01. U schreef: ‘%(v)s’.")
            % {"v": value[:20]},
        )
        return None
    if f.pattern and not re.match(f.pattern, value):
        checked.add(f.key, _("Deze datum past niet bij het patroon van de standaard."))
        return None
    return value


def _clean_enum(f: FieldDef, value: str, checked: Checked) -> str | None:
    if value not in f.choices:
        checked.add(
            f.key,
            _("‘%(v)s’ is geen toegestane waarde. Kies uit: %(options)s.")
            % {"v": value[:100], "options": "; ".join(f.choices)},
        )
        return None
    return value


def _clean_list(f: FieldDef, value, checked: Checked) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        checked.add(f.key, _("Geef een lijst met teksten."))
        return None
    items = [v.strip() for v in value if v.strip()]
    wrong = [v for v in items if f.choices and v not in f.choices]
    if wrong:
        checked.add(
            f.key,
            _("%(wrong)s staat niet in de lijst van de standaard. Kies uit: %(options)s.")
            % {
                "wrong": ", ".join(f"‘{w[:100]}’" for w in wrong),
                "options": "; ".join(f.choices),
            },
        )
        return None
    doubles = sorted({v for v in items if items.count(v) > 1})
    if doubles:
        checked.add(f.key, _("%(v)s staat er meer dan eens in.") % {"v": ", ".join(doubles)})
        return None
    if f.max_items and len(items) > f.max_items:
        checked.add(
            f.key,
            _("Kies hoogstens %(max)s; u koos er %(n)s.") % {"max": f.max_items, "n": len(items)},
        )
        return None
    return items or None


def _clean_url(f: FieldDef, value: str, checked: Checked) -> str | None:
    if not is_https(value):
        checked.add(
            f.key,
            _("Geef een volledige link die begint met https://, bijvoorbeeld %(example)s.")
            % {"example": "https://www.utrecht.nl/"},
        )
        return None
    _length(f, value, checked)
    return value


def _clean_contact(f: FieldDef, value: str, checked: Checked) -> str | None:
    if not (_is_email(value) or is_https(value)):
        checked.add(
            f.key,
            _(
                "Geef een e-mailadres (bijvoorbeeld algoritmes@utrecht.nl) of een link naar "
                "een contactformulier die begint met https://."
            ),
        )
        return None
    _length(f, value, checked)
    return value


_CLEANERS = {
    "text": _clean_text,
    "html": _clean_html,
    "month": _clean_month,
    "enum": _clean_enum,
    "url": _clean_url,
    "contact": _clean_contact,
}


def clean_record(raw: Mapping, standard: Standard) -> Checked:
    """Clean and check ``raw`` (standard field names). Empty values are left out; the
    constants (language, schema version) are set. The record keeps the schema's order."""
    checked = Checked(record={})
    unknown = [k for k in raw if k not in standard.keys]
    if unknown:
        checked.add(
            NON_FIELD,
            _("Onbekende velden voor Publicatiestandaard %(v)s: %(keys)s.")
            % {"v": standard.version, "keys": ", ".join(sorted(map(str, unknown)))},
        )
    for f in standard.fields:
        value = raw.get(f.key)
        if f.kind == "const":
            if value not in (None, "", f.const):
                checked.add(
                    f.key,
                    _("Dit veld is altijd ‘%(c)s’, niet ‘%(v)s’.") % {"c": f.const, "v": value},
                )
            checked.record[f.key] = f.const
            continue
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        if f.kind == "list":
            cleaned = _clean_list(f, value, checked)
        elif not isinstance(value, str):
            checked.add(f.key, _("Dit veld moet tekst zijn."))
            continue
        else:
            cleaned = _CLEANERS[f.kind](f, value.strip(), checked)
        if cleaned:
            checked.record[f.key] = cleaned
    start, end = checked.record.get("start_date"), checked.record.get("end_date")
    if start and end and end < start:
        checked.add(
            "end_date",
            _("De einddatum (%(end)s) ligt vóór de begindatum (%(start)s).")
            % {"end": end, "start": start},
        )
    return checked


def schema_errors(record: Mapping, standard: Standard) -> list[tuple[str, str]]:
    """(field, message) for every way ``record`` fails the standard's JSON schema."""
    from jsonschema import Draft7Validator

    validator = Draft7Validator(standard.schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    found = []
    for error in sorted(validator.iter_errors(dict(record)), key=lambda e: list(e.path)):
        key = str(error.path[0]) if error.path else NON_FIELD
        if error.validator == "required":
            continue  # reported by publication_gaps with the field's label
        found.append((key, error.message))
    return found


def publication_gaps(record: Mapping, standard: Standard) -> list[tuple[str, str]]:
    """(field, message) for each required field that is empty, then schema violations."""
    gaps = [
        (
            f.key,
            _("‘%(label)s’ is nog leeg. Dit veld is verplicht voor publicatie.")
            % {"label": f.label},
        )
        for f in standard.fields
        if f.required and f.kind != "const" and not record.get(f.key)
    ]
    return gaps + [
        (key, _("Voldoet niet aan de standaard: %(m)s") % {"m": message})
        for key, message in schema_errors(record, standard)
    ]
