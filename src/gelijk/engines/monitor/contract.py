"""Data contracts: enforcement actions and experience-survey microdata.

The human-readable contracts are ``docs/data-contracts/enforcement-actions.md`` and
``docs/data-contracts/experience-survey.md``; this module is their executable form. Each
:class:`Field` says whether the column must be present, whether a value may be empty, how a
value is normalised and which spellings are accepted.

Two kinds of problem are distinguished:

* **invalid** values (unparseable timestamp, unknown wijk code, ``initiative = "maybe"``,
  duplicate ``action_id``) make an import fail as a whole (or, with ``skip_invalid``, exclude
  the row and list it);
* **missing** values in fields that may be empty (``hit``, ``age_band``, ``sex``, ``officer_id``,
  ...) are kept as NULL; the ``data_quality`` analysis measures their completeness per month and
  excludes months below the threshold from the analyses that need the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Strictest action taken in the encounter (one row per encounter).
ACTION_TYPES = ("control", "id_check", "warning", "fine", "report", "search", "seizure", "other")
INITIATIVES = ("proactive", "reactive")
#: CBS age bands (Kerncijfers wijken en buurten), so population denominators exist.
AGE_BANDS = ("0-14", "15-24", "25-44", "45-64", "65+")
SEXES = ("male", "female", "other")
#: Group columns for which CBS publishes residents per wijk (population denominators).
POPULATION_GROUPS = ("age_band", "sex")

TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Field:
    """One column of a contract."""

    name: str
    kind: str  # id, timestamp, district, neighbourhood, enum, text, binary, number, integer
    required: bool  # the column must be present in the file
    nullable: bool  # a value may be empty (missing)
    description: str
    values: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)
    analysis: bool = True  # completeness is reported by data_quality


_ACTION_SYNONYMS = {
    "controle": "control",
    "staandehouding": "control",
    "id-controle": "id_check",
    "id_controle": "id_check",
    "identiteitscontrole": "id_check",
    "id-check": "id_check",
    "id check": "id_check",
    "waarschuwing": "warning",
    "boete": "fine",
    "bestuurlijke strafbeschikking": "fine",
    "bsb": "fine",
    "proces-verbaal": "report",
    "pv": "report",
    "fouillering": "search",
    "onderzoek aan kleding": "search",
    "inbeslagname": "seizure",
    "overig": "other",
}
_INITIATIVE_SYNONYMS = {"proactief": "proactive", "reactief": "reactive"}
_AGE_SYNONYMS = {
    "0 tot 15": "0-14",
    "15 tot 25": "15-24",
    "25 tot 45": "25-44",
    "45 tot 65": "45-64",
    "65 of ouder": "65+",
    "65-": "65+",
    "65 plus": "65+",
}
_SEX_SYNONYMS = {
    "m": "male",
    "man": "male",
    "v": "female",
    "f": "female",
    "vrouw": "female",
    "x": "other",
    "anders": "other",
}

ACTION_FIELDS: tuple[Field, ...] = (
    Field("action_id", "id", True, False, "Unique id of the action in the source system."),
    Field(
        "occurred_at",
        "timestamp",
        True,
        False,
        "ISO 8601 date and time; without an offset it is local time in Europe/Amsterdam.",
    ),
    Field("district_code", "district", True, False, "CBS wijk code WK0344xx."),
    Field(
        "neighbourhood_code",
        "neighbourhood",
        False,
        True,
        "CBS buurt code BU0344xxxx inside the wijk.",
    ),
    Field("team", "text", True, True, "Team (e.g. THOR, THBO)."),
    Field(
        "officer_id",
        "text",
        True,
        True,
        "Officer identifier; pseudonymised on import with a keyed hash.",
    ),
    Field(
        "initiative",
        "enum",
        True,
        False,
        "proactive (own observation) or reactive (call or report).",
        INITIATIVES,
        _INITIATIVE_SYNONYMS,
    ),
    Field(
        "action_type",
        "enum",
        True,
        False,
        "Strictest action taken in the encounter.",
        ACTION_TYPES,
        _ACTION_SYNONYMS,
    ),
    Field("outcome", "text", True, True, "Result code as the source system records it."),
    Field("hit", "binary", True, True, "1 when an offence was established, 0 when not."),
    Field("age_band", "enum", True, True, "CBS age band of the person.", AGE_BANDS, _AGE_SYNONYMS),
    Field("sex", "enum", True, True, "Sex of the person.", SEXES, _SEX_SYNONYMS),
    Field(
        "nationality_group",
        "text",
        False,
        True,
        "Nationality group where a fine records it (e.g. NL, EU, non-EU).",
    ),
    Field("resident", "binary", False, True, "1 when the person lives in Utrecht."),
    Field(
        "perceived_origin",
        "text",
        False,
        True,
        "Perceived origin from a stop form; kept only when the stop-form pilot is on.",
    ),
)

SURVEY_FIELDS: tuple[Field, ...] = (
    Field("respondent_id", "id", True, False, "Unique id of the respondent within the file."),
    Field("wave", "integer", True, False, "Wave number (1, 2, ...), in time order."),
    Field("weight", "number", True, False, "Survey weight (> 0); decimal comma allowed."),
    Field(
        "self_reported_group",
        "text",
        True,
        True,
        "Group the respondent reports (e.g. herkomst as self-identified).",
    ),
    Field("district_code", "district", False, True, "CBS wijk code of the respondent."),
    Field("age_band", "enum", False, True, "CBS age band.", AGE_BANDS, _AGE_SYNONYMS),
    Field("sex", "enum", False, True, "Sex.", SEXES, _SEX_SYNONYMS),
)

#: Survey answer columns start with this prefix; values are whole numbers (0/1 or a scale).
ANSWER_PREFIX = "q_"


def action_field(name: str) -> Field:
    for f in ACTION_FIELDS:
        if f.name == name:
            return f
    raise KeyError(name)


#: Columns of the normalised action table (output of :func:`gelijk.engines.monitor.load_actions`).
NORMALISED_ACTION_COLUMNS = (
    "action_id",
    "occurred_at",  # TIMESTAMP WITH TIME ZONE (an instant)
    "local_date",  # DATE in Europe/Amsterdam
    "local_minute",  # SMALLINT, minutes after local midnight
    "district_code",
    "neighbourhood_code",
    "team",
    "officer_id",
    "initiative",
    "action_type",
    "outcome",
    "hit",  # TINYINT 0/1 or NULL
    "age_band",
    "sex",
    "nationality_group",
    "resident",  # TINYINT 0/1 or NULL
)
