#!/usr/bin/env python3
"""Build Gelijk's Utrecht reference data (data/reference/) from the CBS source files.

Inputs (the team's shared data folder, not part of a clone; see data/reference/SOURCE.md):
  <source>/cbs-kwb-utrecht/CBS-Utrecht-kwb-2023.csv, CBS-Utrecht-kwb-2024.csv
  <source>/cbs-wijken-2024-geojson/wijken_2024.geojson
Outputs:
  data/reference/cbs-kwb-utrecht-2023.csv, cbs-kwb-utrecht-2024.csv, utrecht-wijken-2024.geojson

The conversion only selects and renames: CBS's "." (unknown, unreliable or secret) becomes an
empty field — never 0 — and values are copied as CBS published them (already randomly rounded
to multiples of 5 at wijk and buurt level). Inputs are checked against the sha256 recorded in the
shared SOURCE.md files; the script prints the sha256 of every output for data/reference/SOURCE.md.
Standard library only, so it runs with any Python >= 3.11.

Usage: python3 scripts/build-refdata.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "external"
DEFAULT_OUT = REPO / "data" / "reference"
MUNICIPALITY = "GM0344"

INPUT_SHA256 = {
    "cbs-kwb-utrecht/CBS-Utrecht-kwb-2023.csv": (
        "877d2a333277aad8ceebd09eea6ed562550349a4da54cd2e97ba55f120f33ca9"
    ),
    "cbs-kwb-utrecht/CBS-Utrecht-kwb-2024.csv": (
        "d32493cbe723a4ced8fcf25afcba0ae50eeea940ccb37dc08907c3a4ebc29a22"
    ),
    "cbs-wijken-2024-geojson/wijken_2024.geojson": (
        "475cde506f94f4438875ef3bb1540411280e7de2a8bae7ac50f429a783222379"
    ),
}

# output column <- (CBS KWB variable, is a decimal) (Toelichting variabelen KWB 2023/2024)
COLUMNS = {
    "population": ("a_inw", False),
    "men": ("a_man", False),
    "women": ("a_vrouw", False),
    "age_0_14": ("a_00_14", False),
    "age_15_24": ("a_15_24", False),
    "age_25_44": ("a_25_44", False),
    "age_45_64": ("a_45_64", False),
    "age_65_plus": ("a_65_oo", False),
    "herkomst_nl": ("a_nl_all", False),
    "herkomst_europe": ("a_eur_al", False),
    "herkomst_outside_europe": ("a_neu_al", False),
    "born_nl_herkomst_nl": ("a_geb_nl", False),
    "born_nl_herkomst_europe": ("a_geb_eu", False),
    "born_nl_herkomst_outside_europe": ("a_geb_ne", False),
    "born_abroad_europe": ("a_gbl_eu", False),
    "born_abroad_outside_europe": ("a_gbl_ne", False),
    "households": ("a_hh", False),
    "household_size": ("g_hhgro", True),
    "density_per_km2": ("bev_dich", False),
    "land_area_ha": ("a_lan_ha", False),
}
HEADER = ["code", "name", "name_cbs", "level", "parent_code", *COLUMNS]
LEVELS = {"Gemeente": "gemeente", "Wijk": "wijk", "Buurt": "buurt"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_inputs(source: Path) -> None:
    for rel, expected in INPUT_SHA256.items():
        path = source / rel
        if not path.is_file():
            sys.exit(f"build-refdata: missing input {path}")
        if sha256(path) != expected:
            sys.exit(f"build-refdata: {path} differs from the recorded source (sha256)")


def cbs_value(raw: str, code: str, var: str, decimal: bool) -> str:
    """CBS text → output text: '.' becomes '' (unknown); anything else must be a number."""
    raw = raw.strip()
    if raw == ".":
        return ""
    try:
        number = float(raw) if decimal else int(raw)
    except ValueError:
        sys.exit(f"build-refdata: {code} {var}={raw!r} is not a number or '.'")
    if number < 0:
        sys.exit(f"build-refdata: {code} {var}={raw!r} is negative")
    return raw


def short_name(regio: str, level: str) -> str:
    # CBS names wijken "Wijk 01 West"; the number is already in the code.
    if level == "wijk" and regio.startswith("Wijk "):
        return regio.split(" ", 2)[2]
    return regio


def parent_of(code: str, level: str) -> str:
    if level == "buurt":
        return "WK" + code[2:8]  # BU0344wwbb lies in WK0344ww
    if level == "wijk":
        return MUNICIPALITY
    return ""


def convert_kwb(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out_rows = []
    for row in rows:
        code = row["gwb_code_10"].strip()
        level = LEVELS[row["recs"].strip()]
        out = {
            "code": code,
            "name": short_name(row["regio"].strip(), level),
            "name_cbs": row["regio"].strip(),
            "level": level,
            "parent_code": parent_of(code, level),
        }
        for col, (var, decimal) in COLUMNS.items():
            out[col] = cbs_value(row[var], code, var, decimal)
        out_rows.append(out)
    order = {"gemeente": 0, "wijk": 1, "buurt": 2}
    out_rows.sort(key=lambda r: (order[r["level"]], r["code"]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(out_rows)
    return buf.getvalue()


def convert_boundaries(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for f in data["features"]:
        p = f["properties"]
        if p.get("gemeentecode") != MUNICIPALITY:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": p["wijkcode"],
                    "name": short_name(p["wijknaam"], "wijk"),
                    "population": p["aantal_inwoners"],
                },
                "geometry": f["geometry"],
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    collection = {
        "type": "FeatureCollection",
        "name": "utrecht-wijken-2024",
        "attribution": "Bron: CBS, Wijk- en buurtkaart 2024 (via PDOK), CC BY 4.0",
        "features": features,
    }
    # One feature per line keeps diffs readable.
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    head = json.dumps({k: v for k, v in collection.items() if k != "features"}, ensure_ascii=False)
    return head[:-1] + ', "features": [\n' + body + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    check_inputs(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {
        f"cbs-kwb-utrecht-{year}.csv": convert_kwb(
            args.source / "cbs-kwb-utrecht" / f"CBS-Utrecht-kwb-{year}.csv"
        )
        for year in (2023, 2024)
    }
    outputs["utrecht-wijken-2024.geojson"] = convert_boundaries(
        args.source / "cbs-wijken-2024-geojson" / "wijken_2024.geojson"
    )
    for name, text in outputs.items():
        target = args.out / name
        target.write_text(text, encoding="utf-8", newline="\n")
        print(f"{sha256(target)}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
