"""What the page walk needs to visit every URL of the URL configuration.

- ``SAMPLES``: for a URL with parameters, a function that creates (or finds) an object
  and returns the URL's kwargs. Each app adds its own; a URL without a sample fails the
  walk, so no page can be forgotten.
- ``NOT_PAGES``: URLs that are not HTML pages for a GET (POST-only actions, JSON), with
  the reason. Their own tests cover them.
"""

from __future__ import annotations

from collections.abc import Callable

SAMPLES: dict[str, Callable[[], dict]] = {}

NOT_PAGES: dict[str, str] = {
    "set_language": "POST-only language switch",
    "core:logout": "POST-only",
    "core:auditlog-verify": "POST-only action",
    "api-schema": "OpenAPI document (YAML/JSON), not a page",
    "core:staff-reset-2fa": "POST-only action",
    "core:staff-toggle-active": "POST-only action",
    # reporting (tests/reporting cover these)
    "reporting:status-add": "POST-only (resident adds information)",
    "reporting:status-leave": "POST-only",
    "reporting:case-action": "POST-only case actions",
    "reporting:case-export": "CSV download",
    "reporting:annual-report-pdf": "PDF download",
    "reporting:attachment": "file download",
    "reporting:handoff-download": "JSON/PDF download",
    "reporting:api-submit": "JSON API (POST)",
    "reporting:api-case-list": "JSON API",
    "reporting:api-case-detail": "JSON API",
    "reporting:api-case-history": "JSON API",
    "reporting:api-case-transition": "JSON API (POST)",
    "reporting:api-statistics": "JSON API",
    "reporting:api-learning-signals": "JSON API",
    # algorithms (tests/algorithms cover these)
    "algorithms:public-export": "open-data JSON (Publicatiestandaard records)",
    "algorithms:public-detail-export": "open-data JSON of one algorithm",
    "algorithms:transition": "POST-only workflow step",
    "algorithms:version-restore": "POST-only action",
    "algorithms:version-export": "JSON download",
    "algorithms:assessment-transition": "POST-only workflow step",
    "algorithms:assessment-renew": "POST-only action",
    "algorithms:evidence-download": "file download",
    "algorithms:evidence-remove": "POST-only action",
    "algorithms:audit-html": "file download (the engine's HTML report)",
    "algorithms:audit-json": "JSON download",
    "algorithms:audit-retry": "POST-only action",
    "algorithms:api-list": "JSON API",
    "algorithms:api-import": "JSON API",
    "algorithms:api-detail": "JSON API",
    "algorithms:api-versions": "JSON API",
    "algorithms:api-transition": "JSON API",
    # language (tests/language cover these)
    "language:version-scan": "POST-only action",
    "language:batch-start": "POST-only action",
    "language:rule-deactivate": "POST-only action",
    # monitor (tests/monitor cover these)
    "monitor:export-pdf": "PDF download",
    "monitor:export-csv": "CSV download",
    "monitor:export-engine": "HTML/JSON download (the engine's report)",
    "monitor:api-imports": "JSON API (GET list, POST multipart)",
    "monitor:api-import": "JSON API",
}


def sample(name: str):
    def decorator(func: Callable[[], dict]):
        SAMPLES[name] = func
        return func

    return decorator


@sample("core:staff-edit")
def _staff_member() -> dict:
    from gelijk.core.services.organisation import organisation_ensure, staff_user_ensure

    organisation_ensure()
    user = staff_user_ensure("walk-member", roles=["handhaver"], department="vth", team="thor")
    return {"pk": user.pk}


@sample("core:password-reset-confirm")
def _reset_link() -> dict:
    # An invalid link shows the "link no longer works" state, which must be accessible too.
    return {"uidb64": "MQ", "token": "set-password"}


@sample("reporting:case-detail")
def _reporting_case() -> dict:
    import uuid
    from datetime import date

    from gelijk.reporting.services.cases import Submission, case_submit

    result = case_submit(
        Submission(
            description="Voorbeeldmelding voor de toegankelijkheidstest.",
            occurred_on=date(2026, 1, 5),
            service="thor",
            contact_kinds=["stopped"],
            grounds=["origin"],
            consents={"sensitive": True},
        ),
        submission_key=uuid.uuid4(),
        notify_reporter=False,
    )
    return {"reference": result.case.reference}


# --- algorithms: the demo data holds an object for every page --------------------------------


def _algorithms_demo():
    from gelijk.algorithms.models import Algorithm, Assessment, BiasAudit, EnforcementProcess
    from gelijk.core.demo import seed_all

    if not Algorithm.objects.filter(slug="risicogestuurde-selectie-horecacontroles").exists():
        seed_all(2026, only=["core", "algorithms"])
    horeca = Algorithm.objects.get(slug="risicogestuurde-selectie-horecacontroles")
    return {
        "algorithm": horeca,
        "assessment": Assessment.objects.filter(algorithm=horeca).order_by("pk").first(),
        "concept": Assessment.objects.filter(status="concept").order_by("pk").first(),
        "audit": BiasAudit.objects.filter(algorithm=horeca, kind="metrics").get(),
        "scan": BiasAudit.objects.filter(algorithm=horeca, kind="scan").get(),
        "process": EnforcementProcess.objects.get(slug="horecacontroles"),
    }


@sample("algorithms:public-detail")
def _algorithm_public() -> dict:
    return {"ref": _algorithms_demo()["algorithm"].slug}


@sample("algorithms:public-assessments")
def _algorithm_public_assessments() -> dict:
    return {"ref": _algorithms_demo()["algorithm"].slug}


@sample("algorithms:detail")
def _algorithm_detail() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk}


@sample("algorithms:edit")
def _algorithm_edit() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk}


@sample("algorithms:owner")
def _algorithm_owner() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk}


@sample("algorithms:version")
def _algorithm_version() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk, "number": 2}


@sample("algorithms:assessment-detail")
def _assessment_detail() -> dict:
    return {"pk": _algorithms_demo()["assessment"].pk}


@sample("algorithms:assessment-section")
def _assessment_section() -> dict:
    demo = _algorithms_demo()
    return {"pk": demo["concept"].pk, "section": "waarden"}


@sample("algorithms:assessment-sign")
def _assessment_sign() -> dict:
    return {"pk": _algorithms_demo()["assessment"].pk}


@sample("algorithms:assessment-reviewers")
def _assessment_reviewers() -> dict:
    return {"pk": _algorithms_demo()["concept"].pk}


@sample("algorithms:evidence-add")
def _evidence_add() -> dict:
    return {"pk": _algorithms_demo()["concept"].pk}


@sample("algorithms:audits")
def _audits() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk}


@sample("algorithms:dataset-upload")
def _dataset_upload() -> dict:
    return {"pk": _algorithms_demo()["algorithm"].pk}


@sample("algorithms:audit-create")
def _audit_create() -> dict:
    return {"dataset": _algorithms_demo()["audit"].dataset_id}


@sample("algorithms:audit-detail")
def _audit_detail() -> dict:
    return {"pk": _algorithms_demo()["audit"].pk}


@sample("algorithms:process-edit")
def _process_edit() -> dict:
    return {"pk": _algorithms_demo()["process"].pk}


@sample("algorithms:instrument-create")
def _instrument_create() -> dict:
    return {"process": _algorithms_demo()["process"].pk}


@sample("algorithms:instrument-edit")
def _instrument_edit() -> dict:
    return {"pk": _algorithms_demo()["process"].instruments.first().pk}


# --- language: the demo library holds a letter with two versions and finished batch scans ----


def _language_demo():
    from gelijk.core.demo import seed_all
    from gelijk.language.models import Letter, ScanBatch

    title = "Laatste waarschuwing grofvuil naast de container"
    if not Letter.objects.filter(title=title).exists():
        seed_all(2026, only=["core", "language"])
    return {"letter": Letter.objects.get(title=title), "batch": ScanBatch.objects.first()}


@sample("language:letter")
def _language_letter() -> dict:
    return {"pk": _language_demo()["letter"].pk}


@sample("language:version-new")
def _language_version_new() -> dict:
    return {"pk": _language_demo()["letter"].pk}


@sample("language:diff")
def _language_diff() -> dict:
    return {"pk": _language_demo()["letter"].pk}


@sample("language:version")
def _language_version() -> dict:
    return {"pk": _language_demo()["letter"].pk, "number": 1}


@sample("language:batch")
def _language_batch() -> dict:
    return {"pk": _language_demo()["batch"].pk}


# --- monitor: a small simulated import, a survey and one finished analysis run --------------


def _monitor_demo():
    import datetime as dt
    import io
    import tempfile
    from pathlib import Path

    from gelijk.core.services.organisation import organisation_ensure, staff_user_ensure
    from gelijk.core.services.refdata import refdata_load
    from gelijk.engines.monitor import (
        BiasKnobs,
        SimulationConfig,
        SurveyConfig,
        simulate_survey,
        write_actions,
    )
    from gelijk.monitor.models import AnalysisRun, DataImport
    from gelijk.monitor.services import imports, runs

    run = AnalysisRun.objects.filter(status="done").order_by("-pk").first()
    if run is not None:
        return {"run": run, "import": run.imports.first()}
    organisation_ensure()
    refdata_load()
    user = staff_user_ensure("walk-analist", roles=["analist"], department="beleid", team="analyse")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "walk-acties.csv"
        write_actions(
            SimulationConfig(
                n_actions=2500,
                seed=5,
                start=dt.date(2025, 1, 1),
                days=365,
                n_officers=20,
                include_perceived_origin=False,
                knobs=BiasKnobs(target_column="age_band", target_value="15-24", stop_rate_ratio=2),
            ),
            path,
        )
        survey = simulate_survey(SurveyConfig(respondents=300, waves=2, seed=5)).to_csv(index=False)
        for kind, name, data in (
            ("actions", path.name, path.read_bytes()),
            ("survey", "walk-enquete.csv", survey.encode()),
        ):
            imp = imports.import_start(
                user=user,
                kind=kind,
                upload=imports.Upload(name, io.BytesIO(data), len(data)),
                source=DataImport.Source.DEMO,
                enqueue=False,
            )
            imports.import_run(imp.pk)
    actions = DataImport.objects.get(file_name="walk-acties.csv")
    run = runs.run_create(
        user=user, start=actions.period_start, end=actions.period_end, group="age_band"
    )
    return {"run": runs.run_execute(run.pk), "import": actions}


@sample("monitor:method")
def _monitor_method() -> dict:
    return {"slug": "kanttekeningen"}


@sample("monitor:import")
def _monitor_import() -> dict:
    return {"pk": _monitor_demo()["import"].pk}


@sample("monitor:run")
def _monitor_run() -> dict:
    return {"pk": _monitor_demo()["run"].pk}
