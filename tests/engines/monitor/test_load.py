"""Readers and validation: encodings, delimiters, formats, row numbers, all-or-nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import ValidationFailed, load_actions, load_survey
from gelijk.engines.monitor.load import local_time_sql
from gelijk.engines.pseudonym import pseudonymise

from .conftest import KEY

HEADER = (
    "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
    "hit,age_band,sex"
)


def _rows(n=4):
    return [
        f"A{i},2024-03-0{i + 1}T21:15:00+01:00,WK034406,THOR,boa-{i % 2},proactive,control,"
        f"geen,0,25-44,male"
        for i in range(n)
    ]


def _write(path, lines, encoding="utf-8", sep=","):
    text = "\n".join(line.replace(",", sep) for line in lines) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_comma_csv_loads_and_normalises(tmp_path):
    f = _write(tmp_path / "a.csv", [HEADER, *_rows()])
    loaded = load_actions(f, pseudonymisation_key=KEY)
    v = loaded.validation
    assert (v.source.encoding, v.source.delimiter, v.rows_valid) == ("utf-8", ",", 4)
    frame = loaded.to_pandas()
    assert list(frame["local_minute"]) == [21 * 60 + 15] * 4
    assert frame["local_date"].iloc[0].date() == dt.date(2024, 3, 1)
    assert set(frame["officer_id"]) == {pseudonymise("boa-0", KEY), pseudonymise("boa-1", KEY)}


def test_windows_1252_semicolon_csv_from_dutch_excel_is_detected(tmp_path):
    lines = [HEADER, *(r.replace(",geen,", ",geëscaleerd,") for r in _rows())]
    f = _write(tmp_path / "nl.csv", lines, encoding="cp1252", sep=";")
    loaded = load_actions(f, pseudonymisation_key=KEY)
    assert loaded.validation.source.encoding == "windows-1252"
    assert loaded.validation.source.delimiter == ";"
    assert set(loaded.to_pandas()["outcome"]) == {"geëscaleerd"}


def test_invalid_rows_are_reported_with_file_row_numbers_and_nothing_loads(tmp_path):
    rows = _rows(5)
    rows[1] = rows[1].replace("WK034406", "WK999999")
    rows[3] = rows[3].replace("2024-03-04T21:15:00+01:00", "gisteren")
    f = _write(tmp_path / "bad.csv", [HEADER, *rows])
    with pytest.raises(ValidationFailed) as info:
        load_actions(f, pseudonymisation_key=KEY)
    report = info.value.report
    # Header is row 1, so data rows 2 and 4 (0-based) are file rows 3 and 5.
    assert [(e.row, e.column) for e in report.errors] == [(3, "district_code"), (5, "occurred_at")]
    assert report.invalid_rows == 2
    assert "row 3" in str(info.value) or "rows 3, 5" in str(info.value)


def test_skip_invalid_loads_the_valid_rows_and_lists_the_rest(tmp_path):
    rows = _rows(5)
    rows[2] = rows[2].replace("proactive", "misschien")
    f = _write(tmp_path / "some.csv", [HEADER, *rows])
    loaded = load_actions(f, pseudonymisation_key=KEY, skip_invalid=True)
    assert loaded.n_rows == 4
    assert [e.row for e in loaded.validation.errors] == [4]
    assert loaded.validation.errors[0].value == "misschien"


def test_duplicate_action_ids_invalidate_every_copy(tmp_path):
    rows = [*_rows(3), _rows(3)[0]]
    f = _write(tmp_path / "dup.csv", [HEADER, *rows])
    with pytest.raises(ValidationFailed) as info:
        load_actions(f, pseudonymisation_key=KEY)
    assert sorted(e.row for e in info.value.report.errors) == [2, 5]


def test_missing_required_column_is_named(tmp_path):
    f = _write(
        tmp_path / "m.csv", [HEADER.replace(",sex", ""), *(r.rsplit(",", 1)[0] for r in _rows())]
    )
    with pytest.raises(InputError, match=r"required column.*sex"):
        load_actions(f, pseudonymisation_key=KEY)


def test_pseudonymisation_key_is_required_unless_ids_are_declared_pseudonyms(tmp_path, monkeypatch):
    monkeypatch.delenv("GELIJK_PSEUDONYMISATION_KEY", raising=False)
    f = _write(tmp_path / "a.csv", [HEADER, *_rows()])
    with pytest.raises(InputError, match="pseudonymised"):
        load_actions(f)
    kept = load_actions(f, officer_id_is_pseudonym=True)
    assert set(kept.to_pandas()["officer_id"]) == {"boa-0", "boa-1"}
    monkeypatch.setenv("GELIJK_PSEUDONYMISATION_KEY", "from-env")
    hashed = load_actions(f)
    assert pseudonymise("boa-0", "from-env") in set(hashed.to_pandas()["officer_id"])


def test_perceived_origin_is_dropped_unless_the_pilot_is_on(tmp_path):
    lines = [HEADER + ",perceived_origin", *(r + ",outside_europe" for r in _rows())]
    f = _write(tmp_path / "p.csv", lines)
    off = load_actions(f, pseudonymisation_key=KEY)
    assert "perceived_origin" not in off.columns
    assert any("pilot" in n for n in off.validation.notes)
    with pytest.raises(InputError, match="legal basis"):
        load_actions(f, pseudonymisation_key=KEY, stopform_pilot=True)
    on = load_actions(
        f, pseudonymisation_key=KEY, stopform_pilot=True, stopform_legal_basis="DPIA 2025-07"
    )
    assert set(on.to_pandas()["perceived_origin"]) == {"outside_europe"}


def test_dutch_synonyms_and_summer_time_are_normalised(tmp_path):
    lines = [HEADER, "A1,2024-07-01 23:30,WK034401,THBO,b,proactief,boete,x,ja,65 of ouder,v"]
    loaded = load_actions(_write(tmp_path / "s.csv", lines), pseudonymisation_key=KEY)
    row = loaded.to_pandas().iloc[0]
    assert (row.initiative, row.action_type, row.hit, row.age_band, row.sex) == (
        "proactive",
        "fine",
        1,
        "65+",
        "female",
    )
    # Naive times are Amsterdam local time; the instant is 21:30 UTC in summer.
    assert row.occurred_at.tz_convert("UTC").hour == 21
    assert row.local_minute == 23 * 60 + 30


def test_buurt_outside_its_wijk_is_invalid(tmp_path):
    lines = [
        HEADER + ",neighbourhood_code",
        _rows(1)[0] + ",BU03440111",
        _rows(2)[1] + ",BU03440613",
    ]
    with pytest.raises(ValidationFailed) as info:
        load_actions(_write(tmp_path / "b.csv", lines), pseudonymisation_key=KEY)
    assert [(e.row, e.column) for e in info.value.report.errors] == [(2, "neighbourhood_code")]


def test_parquet_and_excel_are_read_with_their_row_numbering(tmp_path):
    frame = pd.DataFrame([r.split(",") for r in _rows()], columns=HEADER.split(","))
    frame.loc[2, "hit"] = "7"
    frame.to_parquet(tmp_path / "a.parquet")
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    with pytest.raises(ValidationFailed) as pq_info:
        load_actions(tmp_path / "a.parquet", pseudonymisation_key=KEY)
    assert pq_info.value.report.errors[0].row == 3  # third record, no header in Parquet
    with pytest.raises(ValidationFailed) as xl_info:
        load_actions(tmp_path / "a.xlsx", pseudonymisation_key=KEY)
    assert xl_info.value.report.errors[0].row == 4  # header is row 1 in the sheet


def test_survey_loader_accepts_decimal_commas_and_finds_answer_columns(tmp_path):
    text = (
        "respondent_id;wave;weight;self_reported_group;q_unfair;q_trust\n"
        "r1;1;1,5;nl;0;4\nr2;1;0,75;outside_europe;1;\nr3;2;1;nl;0;5\n"
    )
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    survey = load_survey(tmp_path / "s.csv")
    assert survey.answers == ("q_trust", "q_unfair")
    assert list(survey.frame["weight"]) == [1.5, 0.75, 1.0]
    assert survey.frame["q_trust"].isna().sum() == 1


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(dt.date.today().year + 1, 12, 31, 23, 59),  # contract range
        timezones=st.just(dt.UTC),
    )
)
@settings(max_examples=200, deadline=None)
def test_local_date_and_minute_arithmetic_equals_the_time_zone_database(instant):
    import duckdb

    date_sql, minute_sql = local_time_sql("ts")
    con = duckdb.connect()
    got = con.execute(
        f"SELECT {date_sql}, {minute_sql} FROM (SELECT ?::TIMESTAMPTZ AS ts)", [instant]
    ).fetchone()
    local = instant.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert got == (local.date(), local.hour * 60 + local.minute)


def test_typed_timestamps_are_checked_without_formatting_them_as_text(tmp_path):
    # A Parquet/Arrow timestamp column is validated on its values: a missing one is "missing",
    # one before 2000 is implausible, the others load unchanged.
    frame = pd.read_csv(pd.io.common.StringIO("\n".join([HEADER, *_rows(4)])))
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    frame.loc[1, "occurred_at"] = pd.NaT
    frame.loc[2, "occurred_at"] = pd.Timestamp("1999-12-31T12:00:00Z")
    frame.to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ValidationFailed) as info:
        load_actions(tmp_path / "a.parquet", pseudonymisation_key=KEY)
    problems = {(e.row, e.column, e.problem[:7]) for e in info.value.report.errors}
    assert problems == {(2, "occurred_at", "missing"), (3, "occurred_at", "not an ")}
    loaded = load_actions(tmp_path / "a.parquet", pseudonymisation_key=KEY, skip_invalid=True)
    assert loaded.n_rows == 2
    assert list(loaded.to_pandas()["local_minute"]) == [21 * 60 + 15] * 2


def test_the_normalised_table_keeps_the_file_order(tmp_path):
    # Several row groups are validated in parallel; the table must still be in file order (a
    # join in the validating query used to let DuckDB store row groups in any order).
    import pyarrow.parquet as pq

    from gelijk.engines.monitor import SimulationConfig, simulate_actions

    table = simulate_actions(SimulationConfig(n_actions=160_000, seed=3, n_officers=20))
    pq.write_table(table, tmp_path / "a.parquet", row_group_size=20_000)
    loaded = load_actions(tmp_path / "a.parquet", pseudonymisation_key=KEY)
    got = loaded.connection.execute("SELECT action_id FROM actions ORDER BY rowid").fetchall()
    assert [r[0] for r in got] == table.column("action_id").to_pylist()
