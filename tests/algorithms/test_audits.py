"""Bias audits: uploads checked by content, columns checked before anything is stored, the
fairness engine run as a background task (immediate in the test settings), reports kept."""

import io
import re

import pandas as pd
import pytest

from gelijk.algorithms import demo_data
from gelijk.algorithms.models import AuditDataset, BiasAudit
from gelijk.algorithms.services import audits
from gelijk.algorithms.workflow import Refused, WorkflowError
from gelijk.core.models import AuditEntry, ProcessingRecord
from gelijk.engines import fairness

pytestmark = pytest.mark.django_db

METRICS = {
    "label": "overtreding",
    "prediction": "geselecteerd",
    "score": "",
    "threshold": None,
    "groups": ["wijk", "nationaliteit_eigenaar"],
    "reference": {"wijk": "Binnenstad", "nationaliteit_eigenaar": "Nederlands"},
    "random_sample": "",
    "intersections": False,
}


def csv_bytes(frame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


@pytest.fixture
def frame():
    return demo_data.horeca_selection(seed=7, n=1500)


@pytest.fixture
def dataset(people, draft, frame):
    return audits.dataset_upload(
        draft.algorithm, user=people["analist"], name="selectie.csv", data=csv_bytes(frame)
    )


def test_csv_upload_is_stored_encrypted_with_its_columns(dataset, frame):
    assert dataset.n_rows == 1500 and dataset.format == "csv"
    kinds = {c["name"]: c["kind"] for c in dataset.columns}
    assert kinds["geselecteerd"] == "binair"
    assert kinds["wijk"] == "categorie"
    assert kinds["risicoscore"] == "getal"
    assert kinds["bedrijf"] == "tekst"
    wijk = next(c for c in dataset.columns if c["name"] == "wijk")
    assert "Overvecht" in wijk["values"]
    with dataset.file.open("rb") as fh:
        assert b"Overvecht" not in fh.read()
    assert audits.load_frame(dataset).shape == frame.shape
    assert ProcessingRecord.objects.filter(activity="algorithm_bias_audit_data").count() == 1


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_parquet_and_excel_are_read_too(people, draft, frame, fmt):
    buffer = io.BytesIO()
    small = frame.head(200)
    if fmt == "parquet":
        small.to_parquet(buffer, index=False)
    else:
        small.to_excel(buffer, index=False)
    dataset = audits.dataset_upload(
        draft.algorithm, user=people["analist"], name=f"data.{fmt}", data=buffer.getvalue()
    )
    assert dataset.format == fmt and dataset.n_rows == 200
    pd.testing.assert_frame_equal(
        audits.load_frame(dataset)[["wijk", "geselecteerd"]],
        small[["wijk", "geselecteerd"]].reset_index(drop=True),
        check_dtype=False,
    )


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("data.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "geen CSV (UTF-8), Parquet of Excel"),
        ("data.xlsx", b"a,b\n1,2\n", "is een CSV-bestand, maar de naam eindigt niet op .csv"),
        ("data.csv", b"", "is leeg"),
        ("data.csv", b"a,a\n1,2\n", "kolommen met dezelfde naam: a"),
        ("data.csv", b"a,\n1,2\n", "kolommen zonder naam"),
        ("data.parquet", b"PAR1 kapot PAR1", "beschadigd of kan niet worden gelezen"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(people, draft, name, data, needle):
    with pytest.raises(WorkflowError, match=re.escape(needle)):
        audits.dataset_upload(draft.algorithm, user=people["analist"], name=name, data=data)
    assert AuditDataset.objects.count() == 0


def test_missing_columns_are_named_and_nothing_is_stored(people, dataset):
    params = {**METRICS, "label": "hit", "groups": ["wijk", "afkomst"]}
    with pytest.raises(audits.AuditInputError) as exc:
        audits.audit_create(dataset, user=people["analist"], kind="metrics", params=params)
    assert exc.value.errors["label"] == ["De kolom ‘hit’ (uitkomst) staat niet in het bestand."]
    assert exc.value.errors["groups"] == ["De kolom ‘afkomst’ (groep) staat niet in het bestand."]
    assert exc.value.errors["__all__"][0].startswith("Kolommen in het bestand: bedrijf, wijk,")
    assert BiasAudit.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "key", "needle"),
    [
        ({"label": "wijk"}, "label", "‘wijk’ moet 0/1 of waar/onwaar zijn"),
        (
            {"prediction": "", "score": "risicoscore", "threshold": 3.0},
            "threshold",
            "De drempel 3.0 ligt buiten de scores",
        ),
        (
            {"prediction": "", "score": "risicoscore", "threshold": None},
            "threshold",
            "Geef de drempel",
        ),
        ({"prediction": "", "score": "wijk", "threshold": 0.5}, "score", "moet een getal zijn"),
        ({"prediction": "geselecteerd", "score": "risicoscore"}, "prediction", "Kies óf een kolom"),
        (
            {"reference": {"wijk": "Amsterdam-Noord"}},
            "reference",
            "‘Amsterdam-Noord’ komt niet voor in ‘wijk’",
        ),
        ({"groups": ["bedrijf"]}, "groups", "een groepskolom mag er hoogstens 50 hebben"),
        ({"groups": []}, "groups", "Kies minstens één kolom met groepen"),
    ],
)
def test_columns_that_do_not_fit_get_a_specific_message(people, dataset, change, key, needle):
    with pytest.raises(audits.AuditInputError) as exc:
        audits.audit_create(
            dataset, user=people["analist"], kind="metrics", params={**METRICS, **change}
        )
    assert any(needle in m for m in exc.value.errors.get(key, [])), exc.value.errors
    assert BiasAudit.objects.count() == 0


def test_missing_values_are_reported_with_rows(people, draft, frame):
    holes = frame.copy()
    holes.loc[[3, 8], "overtreding"] = None
    dataset = audits.dataset_upload(
        draft.algorithm, user=people["analist"], name="gaten.csv", data=csv_bytes(holes)
    )
    with pytest.raises(audits.AuditInputError) as exc:
        audits.audit_create(dataset, user=people["analist"], kind="metrics", params=METRICS)
    assert "‘overtreding’ heeft 2 lege cellen (regels 5, 10)." in exc.value.errors["label"]


def test_metrics_audit_runs_the_engine_and_keeps_its_report(people, dataset, frame, settings):
    row = audits.audit_create(dataset, user=people["analist"], kind="metrics", params=METRICS)
    row.refresh_from_db()
    assert row.status == "klaar" and row.task_id and row.finished_at
    expected = fairness.group_metrics(
        frame,
        label="overtreding",
        groups=["wijk", "nationaliteit_eigenaar"],
        prediction="geselecteerd",
        reference={"wijk": "Binnenstad", "nationaliteit_eigenaar": "Nederlands"},
        intersections=False,
        allow_undefined=True,
        k=settings.GELIJK_SMALL_CELL_K,
    ).to_dict()
    assert row.report == expected
    assert row.report_html.startswith("<!DOCTYPE html>") and "Overvecht" in row.report_html
    assert row.summary["disparities"] == len(expected["disparities"])
    entry = AuditEntry.objects.filter(object_type="algorithms.BiasAudit", action="change").last()
    assert entry.detail["status"] == "klaar" and entry.actor == "system"


def _selection_ratio(report, attribute, group):
    return next(
        d
        for d in report["disparities"]
        if d["attribute"] == attribute and d["group"] == group and d["metric"] == "selection_rate"
    )


def test_the_planted_bias_is_found_and_its_absence_is_not_flagged(people, draft):
    def run(bump, name):
        data = demo_data.horeca_selection(seed=11, n=5000, bump=bump)
        ds = audits.dataset_upload(
            draft.algorithm, user=people["analist"], name=name, data=csv_bytes(data)
        )
        return audits.audit_create(ds, user=people["analist"], kind="metrics", params=METRICS)

    biased = run(demo_data.BUMP, "met-bias.csv")
    for wijk in demo_data.PROXY_WIJKEN:
        d = _selection_ratio(biased.report, "wijk", wijk)
        assert d["verdict"] == "outside_band" and d["ci_low"] > 1.25 and d["significant"]
    origin = _selection_ratio(biased.report, "nationaliteit_eigenaar", "buiten EU")
    assert origin["verdict"] == "outside_band" and origin["significant"]

    fair = run(0.0, "zonder-bias.csv")
    for wijk in demo_data.PROXY_WIJKEN:
        d = _selection_ratio(fair.report, "wijk", wijk)
        assert d["ci_low"] < 1.25 and not d["significant"], d
    assert not _selection_ratio(fair.report, "nationaliteit_eigenaar", "buiten EU")["significant"]


def test_small_groups_are_suppressed(people, draft, frame):
    tiny = frame.copy()
    tiny.loc[:4, "wijk"] = "Rivierenwijk"  # 5 businesses: below k = 10
    ds = audits.dataset_upload(
        draft.algorithm, user=people["analist"], name="klein.csv", data=csv_bytes(tiny)
    )
    row = audits.audit_create(ds, user=people["analist"], kind="metrics", params=METRICS)
    group = next(g for g in row.report["groups"] if g["group"] == "Rivierenwijk")
    assert group["n"] is None and group["rates"]["selection_rate"]["value"] is None


def test_scan_audit_describes_the_clusters(people, draft, frame):
    negatives = frame[frame["overtreding"] == 0]
    ds = audits.dataset_upload(
        draft.algorithm, user=people["analist"], name="neg.csv", data=csv_bytes(negatives)
    )
    params = {
        "bias": "geselecteerd",
        "higher_is_better": False,
        "features": ["branche", "omvang", "eerdere_overtredingen", "wijk"],
        "categorical": ["eerdere_overtredingen"],
        "protected": ["nationaliteit_eigenaar"],
        "seed": 2026,
    }
    row = audits.audit_create(ds, user=people["analist"], kind="scan", params=params)
    assert row.status == "klaar", row.error
    report = row.report
    assert report["kind"] == "bias-scan" and report["method"] == "kmodes"
    assert report["n_clusters"] == len(report["clusters"]) >= 1
    assert {f["feature"] for f in report["composition"]} == {"nationaliteit_eigenaar"}
    assert row.summary["n_clusters"] == report["n_clusters"]


def test_scan_parameters_are_checked(people, dataset):
    params = {"bias": "wijk", "features": ["wijk", "bestaat-niet"], "protected": [], "seed": 1}
    with pytest.raises(audits.AuditInputError) as exc:
        audits.audit_create(dataset, user=people["analist"], kind="scan", params=params)
    assert exc.value.errors["features"] == [
        "De kolom ‘bestaat-niet’ (kenmerk) staat niet in het bestand."
    ]
    params = {"bias": "wijk", "features": ["wijk"], "categorical": ["omvang"], "seed": 1}
    with pytest.raises(audits.AuditInputError) as exc:
        audits.audit_create(dataset, user=people["analist"], kind="scan", params=params)
    assert "moet 0/1 of een getal zijn" in exc.value.errors["bias"][0]
    assert "kan niet tegelijk kenmerk en biasvariabele" in exc.value.errors["features"][0]
    assert "omvang is geen gekozen kenmerk" in exc.value.errors["categorical"][0]


def test_an_engine_input_error_marks_the_audit_failed_and_retry_works(people, draft, frame):
    flat = frame.assign(overtreding=0)  # the bias variable of the scan is constant
    ds = audits.dataset_upload(
        draft.algorithm, user=people["analist"], name="vlak.csv", data=csv_bytes(flat)
    )
    params = {"bias": "overtreding", "features": ["branche", "omvang"], "protected": [], "seed": 1}
    row = audits.audit_create(ds, user=people["analist"], kind="scan", params=params)
    assert row.status == "mislukt"
    assert row.error.startswith("De gegevens passen niet bij de analyse:")
    assert row.report is None
    again = audits.audit_retry(row, user=people["analist"])
    assert again.status == "mislukt"
    done = audits.audit_create(
        draft.algorithm.datasets.get(name="vlak.csv"),
        user=people["analist"],
        kind="metrics",
        params={**METRICS, "label": "geselecteerd", "prediction": "geselecteerd"},
    )
    with pytest.raises(WorkflowError, match="Alleen een mislukte audit"):
        audits.audit_retry(done, user=people["analist"])


def test_only_auditing_roles_upload_and_run(people, draft, frame):
    for role in ("auditor", "handhaver", "beheerder"):
        with pytest.raises(Refused):
            audits.dataset_upload(
                draft.algorithm, user=people[role], name="x.csv", data=csv_bytes(frame)
            )
    assert AuditEntry.objects.filter(action="access_denied").count() == 3
