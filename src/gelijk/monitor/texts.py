"""Dutch wording for what the engine says in English (error messages, row problems, notes).

The engine speaks English to developers and the command line; the web app speaks Dutch (B1)
to its users. Known messages are translated here; an unknown one is shown with a Dutch lead-in
and the engine's own words, so nothing is lost.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gelijk.core import messages

_PROBLEMS = {
    "not an ISO 8601 date and time (e.g. 2024-05-03T21:15:00+02:00) in 2000 or later": gettext_lazy(
        "geen datum en tijd in ISO 8601 (bijvoorbeeld 2024-05-03T21:15:00+02:00) vanaf het "
        "jaar 2000"
    ),
    "not a CBS wijk code of Utrecht (WK034401 ... WK034410)": gettext_lazy(
        "geen CBS-wijkcode van Utrecht (WK034401 tot en met WK034410)"
    ),
    "not a CBS buurt code of Utrecht (BU0344xxxx)": gettext_lazy(
        "geen CBS-buurtcode van Utrecht (BU0344…)"
    ),
    "not 0/1 (or true/false, ja/nee)": gettext_lazy("niet 0 of 1 (of ja/nee, true/false)"),
    "not a positive number": gettext_lazy("geen positief getal"),
    "not a whole number": gettext_lazy("geen geheel getal"),
    "longer than 200 characters": gettext_lazy("langer dan 200 tekens"),
    "buurt is not inside the wijk in district_code": gettext_lazy(
        "de buurt ligt niet in de wijk van district_code"
    ),
    "missing (this field may not be empty)": gettext_lazy("leeg, maar dit veld is verplicht"),
    "occurs more than once": gettext_lazy("komt meer dan één keer voor in het bestand"),
}
_NOT_ONE_OF = re.compile(r"^not one of (?P<values>.+)$")


def problem(text: str) -> str:
    """Dutch for one row problem of the engine's validation report."""
    if text in _PROBLEMS:
        return str(_PROBLEMS[text])
    m = _NOT_ONE_OF.match(text)
    if m:
        return _("niet een van de toegestane waarden: %(values)s") % {"values": m["values"]}
    return text


_PILOT_OFF = "perceived_origin is not read: the stop-form pilot is off (special-category data)"
_NOTES = {
    _PILOT_OFF: gettext_lazy(
        "De kolom perceived_origin is niet gelezen en niet bewaard: de pilot met het "
        "stopformulier staat uit (bijzondere persoonsgegevens)."
    ),
}


def note(text: str) -> str:
    return str(_NOTES[text]) if text in _NOTES else text


def report(report: dict) -> dict:
    """The engine's ``ValidationReport.to_dict()`` in Dutch, ready for the error table."""
    problems = [
        {"column": p["column"], "problem": problem(p["problem"]), "rows": p["rows"]}
        for p in report.get("problem_counts", [])
    ]
    rows = [
        {
            "row": e["row"],
            "column": e["column"],
            "value": e["value"],
            "problem": problem(e["problem"]),
        }
        for e in report.get("errors", [])
    ]
    source = report.get("source", {})
    return {
        "rows_read": report.get("rows_read"),
        "invalid_rows": report.get("invalid_rows"),
        "problems": problems,
        "rows": rows,
        "listed": len(rows),
        "row_numbering": row_numbering(source.get("row_numbering", "")),
        "encoding": source.get("encoding"),
        "delimiter": {",": "komma", ";": "puntkomma", "\t": "tab"}.get(
            source.get("delimiter") or "", ""
        ),
        "ignored_columns": report.get("ignored_columns", []),
        "notes": [note(n) for n in report.get("notes", [])],
    }


def row_numbering(text: str) -> str:
    if text.startswith("line in the file"):
        return _("regelnummer in het bestand; de kopregel is regel 1")
    if text.startswith("row in the sheet"):
        return _("rijnummer in het werkblad; de kopregel is rij 1")
    if text.startswith("record position"):
        return _("positie van de regel; de eerste regel is 1")
    return text


# --------------------------------------------------------------------------- input errors

_PATTERNS: list[tuple[re.Pattern, object]] = [
    (
        re.compile(
            r"^(?P<f>.+?): required column\(s\) missing: (?P<cols>.+?) \(found: (?P<found>.*)\)$"
        ),
        gettext_lazy(
            "In %(f)s ontbreken verplichte kolommen: %(cols)s. Gevonden kolommen: %(found)s."
        ),
    ),
    (
        re.compile(r"^(?P<f>.+?): the file is empty or has no header line$"),
        gettext_lazy("%(f)s is leeg of heeft geen kopregel met kolomnamen."),
    ),
    (
        re.compile(r"^cannot find the column separator in the first line"),
        gettext_lazy(
            "In de eerste regel staat geen scheidingsteken tussen kolommen (komma, puntkomma of "
            "tab). Is dit wel een CSV-bestand?"
        ),
    ),
    (
        re.compile(r"^(?P<f>.+?): cannot read as CSV: (?P<detail>.*)$"),
        gettext_lazy("%(f)s kan niet als CSV-bestand worden gelezen (%(detail)s)."),
    ),
    (
        re.compile(r"^(?P<f>.+?): cannot read as Parquet: (?P<detail>.*)$", re.S),
        gettext_lazy("%(f)s kan niet als Parquet-bestand worden gelezen."),
    ),
    (
        re.compile(r"^(?P<f>.+?): cannot read as an Excel workbook: (?P<detail>.*)$", re.S),
        gettext_lazy("%(f)s kan niet als Excel-werkmap (.xlsx) worden gelezen."),
    ),
    (
        re.compile(r"^(?P<f>.+?): the first sheet is empty$"),
        gettext_lazy("Het eerste werkblad van %(f)s is leeg."),
    ),
    (
        re.compile(r"^(?P<f>.+?): column\(s\) appear more than once: (?P<cols>.+)$"),
        gettext_lazy("In %(f)s komen deze kolommen meer dan één keer voor: %(cols)s."),
    ),
    (
        re.compile(r"^(?P<f>.+?): the column name '__row' is reserved$"),
        gettext_lazy(
            "%(f)s heeft een kolom '__row'; die naam is gereserveerd. Geef de kolom een "
            "andere naam."
        ),
    ),
    (
        re.compile(r"^(?P<f>.+?): unsupported file type"),
        gettext_lazy(
            "%(f)s heeft een bestandstype dat Gelijk niet kan lezen. Gebruik CSV (.csv), Excel "
            "(.xlsx) of Parquet (.parquet)."
        ),
    ),
    (
        re.compile(r"^(?P<f>.+?): no answer columns \(names starting with 'q_'\) found$"),
        gettext_lazy(
            "In %(f)s staan geen antwoordkolommen. De namen van antwoordkolommen beginnen met q_ "
            "(bijvoorbeeld q_unfair_treatment)."
        ),
    ),
    (
        re.compile(r"^the group column '(?P<g>[^']+)' has no values$"),
        gettext_lazy(
            "Het groepskenmerk %(g)s is in deze periode nergens ingevuld. Kies een ander kenmerk."
        ),
    ),
    (
        re.compile(r"^the group column '(?P<g>[^']+)' has only one level \((?P<lv>.*)\)"),
        gettext_lazy(
            "Het groepskenmerk %(g)s heeft in deze periode maar één waarde (%(lv)s): er valt niets "
            "te vergelijken. Kies een ander kenmerk of een langere periode."
        ),
    ),
    (
        re.compile(
            r"^reference level '(?P<r>[^']+)' does not occur in '(?P<g>[^']+)' "
            r"\(levels: (?P<lv>.*)\)$"
        ),
        gettext_lazy(
            "De referentiegroep %(r)s komt in deze periode niet voor bij %(g)s. Kies een van: "
            "%(lv)s."
        ),
    ),
    (
        re.compile(r"^the group column '(?P<g>[^']+)' is not in the data"),
        gettext_lazy("Het groepskenmerk %(g)s staat niet in de gegevens van deze periode."),
    ),
]


def input_error(message: str) -> str:
    """Dutch for an ``InputError`` message of the engine."""
    found = messages.from_patterns(_PATTERNS, message)
    if found is not None:
        return found
    return _("De gegevens kunnen niet worden verwerkt: %(detail)s") % {"detail": message}
