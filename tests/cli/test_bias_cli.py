"""``gelijk bias metrics`` and ``gelijk bias scan`` end to end: files in, report.json (valid
against its schema) and report.html out; user errors as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from gelijk.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMPAS = ROOT / "tests" / "data" / "compas" / "compas-two-years-subset.csv"
SCHEMAS = ROOT / "docs" / "report-schemas"


def _valid(report: Path, name: str) -> dict:
    data = json.loads(report.read_text())
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    return data


def test_metrics_command_writes_json_and_html(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "bias",
            "metrics",
            str(COMPAS),
            "--label",
            "two_year_recid",
            "--score",
            "decile_score",
            "--threshold",
            "5",
            "--group",
            "race,sex",
            "--reference",
            "Caucasian,Male",
            "--allow-undefined",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    data = _valid(out / "report.json", "bias-metrics")
    black = next(g for g in data["groups"] if g["group"] == "African-American")
    assert (black["tn"], black["fp"], black["fn"], black["tp"]) == (990, 805, 532, 1369)
    fpr = next(
        d for d in data["disparities"] if d["group"] == "African-American" and d["metric"] == "fpr"
    )
    for key in (
        "group",
        "reference",
        "metric",
        "ratio",
        "difference",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "verdict",
    ):
        assert key in fpr
    assert fpr["verdict"] == "outside_band"
    html = (out / "report.html").read_text()
    assert '<html lang="nl">' in html and "<svg" in html
    assert "wrote" in capsys.readouterr().out


def test_metrics_command_reads_semicolon_csv_and_parquet(tmp_path):
    df = pd.read_csv(COMPAS)
    df["pred"] = df["score_text"].isin(["Medium", "High"]).astype(int)
    semi = tmp_path / "data.csv"
    df.to_csv(semi, sep=";", index=False)
    parquet = tmp_path / "data.parquet"
    df.to_parquet(parquet)
    results = []
    for path in (semi, parquet):
        out = tmp_path / path.suffix.strip(".")
        assert (
            main(
                [
                    "bias",
                    "metrics",
                    str(path),
                    "--label",
                    "two_year_recid",
                    "--prediction",
                    "pred",
                    "--group",
                    "race",
                    "--reference",
                    "Caucasian",
                    "--out",
                    str(out),
                    "--quiet",
                ]
            )
            == 0
        )
        results.append(json.loads((out / "report.json").read_text())["disparities"])
    assert results[0] == results[1]


def test_scan_command_reproduces_the_compas_notebook(tmp_path):
    df = pd.read_csv(COMPAS)
    df["score_text"] = (df["score_text"] == "High").astype(int)
    df["false_positive"] = ((df["is_recid"] == 0) & (df["score_text"] == 1)).astype(int)
    data_path = tmp_path / "fp.csv"
    df.to_csv(data_path, index=False)
    out = tmp_path / "scan"
    code = main(
        [
            "bias",
            "scan",
            str(data_path),
            "--bias",
            "false_positive",
            "--features",
            "age_cat,sex,race,c_charge_degree,is_recid,score_text",
            "--categorical",
            "age_cat,sex,race,c_charge_degree,is_recid,score_text",
            "--seed",
            "42",
            "--k",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    data = _valid(out / "report.json", "bias-scan")
    assert [round(c["score"], 8) for c in data["clusters"]] == [
        0.05290941,
        -0.02457072,
        -0.05428006,
    ]
    assert (data["bias_test"]["cluster_events"], data["bias_test"]["cluster_n"]) == (83, 1169)
    assert "<svg" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--label", "race", "--prediction", "is_recid"], "must be binary"),
        (
            ["--label", "two_year_recid", "--prediction", "is_recid", "--reference", "Martian"],
            "does not occur in column 'race'",
        ),
        (
            ["--label", "two_year_recid", "--score", "decile_score", "--threshold", "0"],
            "outside the score range",
        ),
        (["--label", "two_year_recid", "--score", "decile_score"], "--score needs --threshold"),
        (["--label", "days_b_screening_arrest", "--prediction", "is_recid"], "missing values"),
    ],
)
def test_metrics_user_errors_exit_2_without_traceback(tmp_path, capsys, args, message):
    code = main(
        [
            "bias",
            "metrics",
            str(COMPAS),
            "--group",
            "race",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
            *args,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("gelijk: error: ") and message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_scan_user_errors_exit_2(tmp_path, capsys):
    df = pd.DataFrame({"a": ["x"] * 50, "b": list("yz") * 25, "bias": [0, 1] * 25})
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    code = main(
        [
            "bias",
            "scan",
            str(path),
            "--bias",
            "bias",
            "--features",
            "a,b",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "feature 'a' has the same value in every row" in err
    code = main(
        [
            "bias",
            "scan",
            str(tmp_path / "missing.csv"),
            "--bias",
            "bias",
            "--features",
            "a",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2 and "no such file" in capsys.readouterr().err
