"""Plain Dutch (B1) wording for the report: numbers, group labels, wijk names."""

from __future__ import annotations

import math
from functools import lru_cache

GROUP_COLUMN_NL = {
    "age_band": "leeftijdsgroep",
    "sex": "geslacht",
    "perceived_origin": "waargenomen herkomst",
    "nationality_group": "nationaliteit",
    "resident": "inwoner van Utrecht",
    "team": "team",
}
LEVEL_NL = {
    ("sex", "male"): "mannen",
    ("sex", "female"): "vrouwen",
    ("sex", "other"): "anders (X)",
    ("resident", "1"): "inwoners van Utrecht",
    ("resident", "0"): "niet-inwoners",
    ("perceived_origin", "nl"): "Nederlandse herkomst",
    ("perceived_origin", "europe"): "Europese herkomst",
    ("perceived_origin", "outside_europe"): "herkomst buiten Europa",
}
ACTION_NL = {
    "control": "controle",
    "id_check": "ID-controle",
    "warning": "waarschuwing",
    "fine": "boete",
    "report": "proces-verbaal",
    "search": "fouillering",
    "seizure": "inbeslagname",
    "other": "overig",
}


AREA_SHARE_NL = {
    "herkomst_outside_europe": "aandeel inwoners met herkomst buiten Europa",
    "herkomst_europe": "aandeel inwoners met Europese herkomst",
    "all_districts": "alle wijken",
    "without_binnenstad": "wijken zonder Binnenstad",
}


def level(column: str, value: object) -> str:
    """Dutch label for a level of a group column."""
    v = str(value)
    if v in AREA_SHARE_NL:
        return AREA_SHARE_NL[v]
    if column == "age_band":
        return f"mensen van {v} jaar" if v != "65+" else "mensen van 65 jaar en ouder"
    return LEVEL_NL.get((column, v), v)


def column(name: str) -> str:
    return GROUP_COLUMN_NL.get(name, name)


def num(x: float | None, digits: int = 2) -> str:
    """A number the Dutch way: decimal comma, dot for thousands (1.234,5)."""
    if x is None or not math.isfinite(x):
        return "onbekend"
    text = f"{x:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct(x: float | None, digits: int = 1) -> str:
    if x is None or not math.isfinite(x):
        return "onbekend"
    return num(100 * x, digits) + "%"


def interval(lo: float | None, hi: float | None, digits: int = 2, percent: bool = False) -> str:
    f = pct if percent else num
    d = 1 if percent else digits
    return f"(95%-interval {f(lo, d)} tot {f(hi, d)})"


@lru_cache(maxsize=4)
def _wijk_names(year: int) -> dict[str, str]:
    from gelijk.engines import refdata

    names = {}
    for a in refdata.districts(year=year):
        # CBS names read "Wijk 06 Binnenstad"; people say "Binnenstad".
        parts = a.name.split(" ", 2)
        names[a.code] = parts[2] if len(parts) == 3 and parts[0] == "Wijk" else a.name
    return names


def wijk(code: str | None, year: int = 2024) -> str:
    if code is None:
        return "heel Utrecht"
    return _wijk_names(year).get(code, code)


def significance(p: float | None) -> str:
    if p is None:
        return ""
    if p < 0.05:
        return " Dit verschil is statistisch significant (p < 0,05), maar let op de q-waarde."
    return " Dit verschil kan ook door toeval komen (p ≥ 0,05)."
