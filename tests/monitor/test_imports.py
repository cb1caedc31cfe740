"""Imports: all or nothing, a Dutch row-level report, one at a time, pseudonymised officers,
no action counted twice, clear refusals of wrong files."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow.csv as pacsv
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gelijk.core.models import AuditEntry, ProcessingRecord
from gelijk.engines.monitor import simulate_actions
from gelijk.engines.pseudonym import pseudonymise
from gelijk.monitor.models import Action, DataImport, SurveyResponses
from gelijk.monitor.services.imports import MonitorError, Upload, import_run, import_start
from tests.monitor.conftest import simulation, upload

pytestmark = pytest.mark.django_db


def _raw(name: str, data: bytes) -> Upload:
    return Upload(name, io.BytesIO(data), len(data))


def test_valid_file_is_stored_completely_with_pseudonymised_officers(imported, settings):
    config = simulation(1500, seed=21)
    table = simulate_actions(config)
    imp = imported()
    assert imp.status == "done" and imp.busy is None
    assert imp.rows_read == imp.rows_stored == Action.objects.filter(data_import=imp).count()
    assert len(imp.sha256) == 64 and imp.upload_path == ""
    stored = set(Action.objects.values_list("officer_id", flat=True))
    raw = {f"BOA-{i:04d}" for i in range(1, 21)}
    assert not stored & raw, "a raw officer number was stored"
    key = settings.GELIJK_PSEUDONYMISATION_KEY
    assert stored <= {pseudonymise(r, key) for r in raw}
    first = Action.objects.filter(data_import=imp).order_by("id").first()
    assert first.occurred_at.tzinfo is not None and first.local_minute >= 0
    assert imp.period_start >= dt.date(2025, 1, 1) and imp.period_end <= dt.date(2025, 12, 31)
    assert table.num_rows == 1500  # the fixture's default file has its own size


def test_every_row_keeps_its_values(imported, actions_file):
    path = actions_file(400, seed=3)
    imp = imported(path)
    source = pacsv.read_csv(path).to_pandas()
    rows = {a.action_id: a for a in Action.objects.filter(data_import=imp)}
    assert len(rows) == 400
    for rec in source.sample(25, random_state=1).itertuples():
        a = rows[rec.action_id]
        assert (a.district_code, a.initiative, a.action_type, a.age_band, a.sex) == (
            rec.district_code,
            rec.initiative,
            rec.action_type,
            rec.age_band,
            rec.sex,
        )
        assert a.hit == rec.hit and a.team == rec.team
        assert a.occurred_at == rec.occurred_at.to_pydatetime()
        local = timezone.localtime(a.occurred_at)
        assert a.local_date == local.date() and a.local_minute == local.hour * 60 + local.minute


def test_import_is_audited_and_logged_per_officer(imported):
    imp = imported()
    entries = AuditEntry.objects.filter(object_type="monitor.DataImport", object_id=str(imp.pk))
    assert {e.detail.get("status") for e in entries} >= {"done"}
    officers = set(Action.objects.values_list("officer_id", flat=True))
    logged = set(
        ProcessingRecord.objects.filter(activity="monitor_import_actions").values_list(
            "subject", flat=True
        )
    )
    assert logged == officers


def test_dutch_excel_export_in_latin1_with_semicolons(imported, tmp_path):
    from gelijk.engines.monitor import write_actions

    path = tmp_path / "export-excel.csv"
    write_actions(simulation(300, seed=4), path, dialect="excel-nl")
    assert b";" in path.read_bytes()[:200]
    imp = imported(path)
    assert imp.status == "done" and imp.rows_stored == 300


def test_invalid_rows_fail_the_whole_file_with_a_dutch_row_report(imported, tmp_path):
    lines = [
        "action_id,occurred_at,district_code,team,officer_id,initiative,action_type,outcome,"
        "hit,age_band,sex",
        "A1,2025-03-01T21:15:00+01:00,WK034401,THOR,BOA-1,proactive,control,x,0,15-24,male",
        "A2,2025-03-01 22:00,WK039999,THOR,BOA-1,proactive,control,x,0,15-24,male",
        "A3,gisteren,WK034401,THOR,BOA-1,misschien,control,x,2,15-24,male",
        "A1,2025-03-02T10:00:00+01:00,WK034401,THOR,BOA-2,reactive,boete,x,1,25-44,v",
    ]
    path = tmp_path / "fouten.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imp = imported(path)
    assert imp.status == "failed" and imp.busy is None
    assert Action.objects.count() == 0
    assert "4 van de 4 regels" in imp.error_message and "niets opgeslagen" in imp.error_message
    report = imp.error_report
    by_cell = {(e["row"], e["column"]): e["problem"] for e in report["rows"]}
    assert "CBS-wijkcode" in by_cell[(3, "district_code")]
    assert "ISO 8601" in by_cell[(4, "occurred_at")]
    assert "toegestane waarden" in by_cell[(4, "initiative")]
    assert "0 of 1" in by_cell[(4, "hit")]
    assert "meer dan één keer" in by_cell[(2, "action_id")]
    assert "meer dan één keer" in by_cell[(5, "action_id")]
    assert report["row_numbering"].startswith("regelnummer in het bestand")


def test_missing_columns_are_named_in_dutch(imported, tmp_path):
    path = tmp_path / "kolommen.csv"
    path.write_text("action_id,occurred_at\nA1,2025-01-01T10:00:00+01:00\n", encoding="utf-8")
    imp = imported(path)
    assert imp.status == "failed"
    assert "ontbreken verplichte kolommen" in imp.error_message
    assert "district_code" in imp.error_message


def test_header_only_file_is_refused(imported, tmp_path, actions_file):
    header = actions_file(10).read_text().splitlines()[0]
    path = tmp_path / "leeg.csv"
    path.write_text(header + "\n", encoding="utf-8")
    imp = imported(path)
    assert imp.status == "failed" and "geen acties" in imp.error_message


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("acties.docx", b"PK\x03\x04 word", "geen bestand dat Gelijk kan lezen"),
        ("acties.xlsx", b"action_id,occurred_at\n", "de inhoud is geen Excel-bestand"),
        ("acties.parquet", b"not parquet at all", "de inhoud is geen Parquet-bestand"),
        ("acties.csv", b"%PDF-1.7\x00\x00binary", "de inhoud is geen tekst"),
        ("acties.csv", b"", "is leeg"),
    ],
)
def test_wrong_file_types_are_refused_before_anything_is_queued(
    refdata, analist, name, data, expected
):
    with pytest.raises(MonitorError) as refused:
        import_start(user=analist, kind="actions", upload=_raw(name, data))
    assert expected in refused.value.message
    assert DataImport.objects.count() == 0
    assert AuditEntry.objects.filter(result="failed", detail__refused__isnull=False).exists()


def test_a_survey_file_offered_as_actions_is_recognised(imported, survey_file):
    imp = imported(survey_file())
    assert imp.status == "failed"
    assert "ervaringsenquête" in imp.error_message and "Soort gegevens" in imp.error_message


def test_an_actions_file_offered_as_survey_is_recognised(refdata, analist, actions_file):
    imp = import_start(user=analist, kind="survey", upload=upload(actions_file(50)))
    assert imp.status == "failed"
    assert "handhavingsacties" in imp.error_message
    assert not SurveyResponses.objects.exists()


def test_survey_is_stored_encrypted(refdata, analist, survey_file):
    imp = import_start(user=analist, kind="survey", upload=upload(survey_file(200)))
    assert imp.status == "done" and imp.rows_stored == 400
    responses = imp.survey_responses
    assert responses.waves == [1, 2] and "q_unfair_treatment" in responses.answers
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows FROM monitor_surveyresponses")
        raw = cursor.fetchone()[0]
    assert "outside_europe" not in raw and "respondent_id" not in raw


def test_the_same_file_twice_is_refused(imported, actions_file):
    path = actions_file(200)
    assert imported(path).status == "done"
    with pytest.raises(MonitorError) as refused:
        imported(path)
    assert "al geïmporteerd" in refused.value.message
    assert Action.objects.count() == 200


def test_overlapping_action_ids_fail_unless_the_file_replaces_the_earlier_one(
    imported, actions_file
):
    first = imported(actions_file(300, seed=1, name="jan.csv"))
    # Same simulated ids (A000000001...), other content: a corrected re-delivery.
    second = imported(actions_file(300, seed=2, name="jan-correctie.csv"))
    assert second.status == "failed"
    assert "al zijn geïmporteerd" in second.error_message
    assert f"import {first.pk}" in second.error_message
    assert Action.objects.count() == 300
    third = imported(actions_file(300, seed=3, name="jan-v3.csv"), replace_overlapping=True)
    assert third.status == "done"
    first.refresh_from_db()
    assert first.status == "replaced" and first.replaced_by_id == third.pk
    assert Action.objects.filter(data_import=third).count() == 300


def test_one_import_at_a_time(refdata, analist, actions_file):
    running = DataImport.objects.create(
        kind="actions",
        source="upload",
        file_name="groot.csv",
        file_format="csv",
        sha256="0" * 64,
        created_at=timezone.now(),
        heartbeat_at=timezone.now(),
        status="running",
    )
    with pytest.raises(MonitorError) as refused:
        import_start(user=analist, kind="actions", upload=upload(actions_file(20)))
    assert refused.value.busy and "groot.csv" in refused.value.message
    assert DataImport.objects.count() == 1
    # The lock is the database's: a second busy row cannot exist even without the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        DataImport.objects.create(
            kind="survey",
            source="api",
            file_name="x.csv",
            file_format="csv",
            sha256="1" * 64,
            created_at=timezone.now(),
        )
    running.delete()


def test_a_stale_import_no_longer_blocks(refdata, analist, actions_file, settings):
    long_ago = timezone.now() - dt.timedelta(minutes=settings.GELIJK_MONITOR_STALE_MINUTES + 5)
    stale = DataImport.objects.create(
        kind="actions",
        source="upload",
        file_name="vastgelopen.csv",
        file_format="csv",
        sha256="2" * 64,
        created_at=long_ago,
        heartbeat_at=long_ago,
        status="running",
    )
    imp = import_start(user=analist, kind="actions", upload=upload(actions_file(30)))
    assert imp.status == "done"
    stale.refresh_from_db()
    assert stale.status == "failed" and stale.busy is None
    assert "afgebroken" in stale.error_message


def test_a_failure_while_storing_leaves_nothing_behind(imported, monkeypatch):
    from gelijk.monitor.services import imports as service

    def broken(imp):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_overlapping", broken)
    imp = imported()
    assert imp.status == "failed" and imp.busy is None
    assert "fout in Gelijk" in imp.error_message
    assert Action.objects.count() == 0


def test_perceived_origin_is_not_read_without_the_pilot(imported, tmp_path):
    from gelijk.engines.monitor import write_actions

    config = simulation(200, seed=8)
    config = type(config)(**{**config.__dict__, "include_perceived_origin": True})
    path = tmp_path / "met-herkomst.csv"
    write_actions(config, path)
    imp = imported(path)
    assert imp.status == "done" and not imp.stopform_pilot
    assert not Action.objects.exclude(perceived_origin=None).exists()
    assert any("pilot" in note for note in imp.notes)


def test_perceived_origin_is_stored_encrypted_in_the_pilot(imported, tmp_path, settings):
    from gelijk.engines.monitor import write_actions

    settings.GELIJK_STOPFORM_PILOT = "DPIA stopformulier 2026-01"
    config = simulation(200, seed=8)
    config = type(config)(**{**config.__dict__, "include_perceived_origin": True})
    path = tmp_path / "pilot.csv"
    write_actions(config, path)
    imp = imported(path)
    assert imp.status == "done" and imp.stopform_pilot
    values = set(Action.objects.values_list("perceived_origin", flat=True))
    assert values <= {"nl", "europe", "outside_europe"} and len(values) > 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT perceived_origin FROM monitor_action LIMIT 20")
        raw = [r[0] for r in cursor.fetchall()]
    assert all(r not in {"nl", "europe", "outside_europe"} for r in raw)


def test_queued_import_runs_once(imported):
    imp = imported()
    again = import_run(imp.pk)
    assert again.status == "done" and Action.objects.count() == imp.rows_stored


def test_import_needs_the_permission(refdata, make_staff, actions_file):
    from django.core.exceptions import PermissionDenied

    leader = make_staff("teamleider", department="vth", team="thor")
    with pytest.raises(PermissionDenied):
        import_start(user=leader, kind="actions", upload=upload(actions_file(20)))
    assert DataImport.objects.count() == 0
