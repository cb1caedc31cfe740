"""``gelijk monitor``: simulate -> analyse writes report.json and report.html; bad input gives
exit status 2 with one clear line and no stack trace."""

import json
import subprocess
import sys

import pytest

from gelijk.cli import main

KEY_ENV = "GELIJK_PSEUDONYMISATION_KEY"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    actions = folder / "actions.csv"
    survey = folder / "survey.csv"
    assert (
        main(
            [
                "monitor",
                "simulate",
                "--actions",
                "6000",
                "--seed",
                "4",
                "--officers",
                "20",
                "--out",
                str(actions),
                "--csv-dialect",
                "excel-nl",
                "--stop-rate-ratio",
                "2",
                "--survey-out",
                str(survey),
                "--respondents",
                "300",
                "--waves",
                "2",
            ]
        )
        == 0
    )
    return actions, survey


def test_simulate_then_analyse_writes_both_reports(simulated, tmp_path, capsys):
    actions, survey = simulated
    out = tmp_path / "out"
    code = main(
        [
            "monitor",
            "analyse",
            str(actions),
            "--survey",
            str(survey),
            "--out",
            str(out),
            "--group",
            "perceived_origin",
            "--reference",
            "nl",
            "--stopform-pilot",
            "DPIA-test",
            "--pseudonymisation-key",
            "k",
            "--analyses",
            "data_quality,population_rates,action_rates,outcome_test,survey",
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["config"]["group"] == "perceived_origin"
    assert report["input"]["stopform_pilot"] is True
    assert {a["name"] for a in report["analyses"]} == {
        "data_quality",
        "population_rates",
        "action_rates",
        "outcome_test",
        "survey",
    }
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html and "Enquête" in html
    assert "wrote" in capsys.readouterr().out


def test_validate_reports_the_encoding_and_separator(simulated, capsys, monkeypatch):
    actions, _ = simulated
    monkeypatch.setenv(KEY_ENV, "k")
    assert main(["monitor", "validate", str(actions)]) == 0
    out = capsys.readouterr().out
    assert "delimiter semicolon" in out and "all valid" in out


def test_invalid_rows_give_exit_2_with_the_rows_listed(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
        "hit,age_band,sex\n"
        "A1,2024-01-05T10:00:00+01:00,WK034401,THOR,b1,proactive,control,x,0,25-44,male\n"
        "A2,2024-13-05T10:00:00+01:00,WK034401,THOR,b1,proactive,control,x,0,25-44,male\n",
        encoding="utf-8",
    )
    code = main(
        [
            "monitor",
            "analyse",
            str(bad),
            "--out",
            str(tmp_path / "o"),
            "--pseudonymisation-key",
            "k",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "gelijk: error:" in err and "row 3" in err and "occurred_at" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_missing_key_is_a_clear_error(simulated, capsys, monkeypatch, tmp_path):
    actions, _ = simulated
    monkeypatch.delenv(KEY_ENV, raising=False)
    code = main(["monitor", "analyse", str(actions), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2
    assert "pseudonymis" in capsys.readouterr().err


def test_bad_knob_is_a_clear_error(tmp_path, capsys):
    code = main(
        [
            "monitor",
            "simulate",
            "--actions",
            "10",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "x.parquet"),
            "--bias-value",
            "martian",
        ]
    )
    assert code == 2
    assert "gelijk: error:" in capsys.readouterr().err


def test_the_installed_command_runs_without_a_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gelijk",
            "monitor",
            "analyse",
            str(tmp_path / "none.csv"),
            "--out",
            str(tmp_path / "o"),
            "--pseudonymisation-key",
            "k",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("gelijk: error: input file not found")
