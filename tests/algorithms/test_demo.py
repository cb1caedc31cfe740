"""The demo data: every stage of the register, and a completed audit that finds the bias
planted in the enforcement risk-selection model."""

import pytest

from gelijk.algorithms.models import (
    Algorithm,
    AlgorithmVersion,
    Assessment,
    BiasAudit,
    EnforcementInstrument,
    EnforcementProcess,
)
from gelijk.algorithms.services.register import version_state
from gelijk.core.demo import seed_all

pytestmark = pytest.mark.django_db
HORECA = "risicogestuurde-selectie-horecacontroles"


def counts():
    return [
        m.objects.count()
        for m in (
            Algorithm,
            AlgorithmVersion,
            Assessment,
            BiasAudit,
            EnforcementProcess,
            EnforcementInstrument,
        )
    ]


def test_demo_is_idempotent(demo_data):
    before = counts()
    again = seed_all(2026, only=["core", "algorithms"])["algorithms"]
    assert again == {"algorithms": 0, "signed_assessments": 0, "audits": 0, "processes": 0}
    assert counts() == before
    assert before[0] == 6 and before[4] == 5 and before[5] == 14


def test_demo_covers_every_stage(demo_data):
    states = {a.slug: version_state(a.latest_version) for a in Algorithm.objects.all()}
    assert states["prioritering-afvalhandhaving"] == "concept"
    assert states["drukte-detectie-camerabeelden"] == "aangeboden"
    assert sum(s == "gepubliceerd" for s in states.values()) == 4
    corona = Algorithm.objects.get(slug="toezicht-handhaving-coronamaatregelen")
    assert corona.published_version.record["status"] == "Buiten gebruik"


def test_the_completed_demo_audit_finds_the_planted_bias(demo_data):
    horeca = Algorithm.objects.get(slug=HORECA)
    metrics = BiasAudit.objects.get(algorithm=horeca, kind="metrics")
    assert metrics.status == "klaar"
    flagged = {
        (d["attribute"], d["group"])
        for d in metrics.report["disparities"]
        if d["metric"] == "selection_rate"
        and d["verdict"] == "outside_band"
        and d["significant"]
        and d["ratio"] > 1.25
    }
    assert flagged == {
        ("wijk", "Overvecht"),
        ("wijk", "Zuidwest"),
        ("wijk", "Noordwest"),
        ("nationaliteit_eigenaar", "buiten EU"),
    }
    scan = BiasAudit.objects.get(algorithm=horeca, kind="scan")
    assert scan.status == "klaar" and scan.summary["significant"] is True
    assert scan.summary["cluster_value"] > scan.summary["rest_value"]
    assert metrics.assessment.template.key == "bias-algoritmekader"
    assert metrics.assessment.answers["uitkomst-analyse"] == "verschil"


def test_the_demo_model_is_published_as_out_of_use_after_the_bias_finding(demo_data):
    horeca = Algorithm.objects.get(slug=HORECA)
    record = horeca.published_version.record
    assert record["status"] == "Buiten gebruik" and record["end_date"] == "2026-06"
    listed = record["impact_assessments"].split(", ")
    assert "Utrecht Uthiek Assessment" in listed and "Pre-scan DPIA" in listed
    assert record["impact_assessment_link"].endswith(f"/algoritmeregister/{HORECA}/toetsen/")
    releaser, publisher = (
        horeca.events.filter(version=horeca.published_version, action=a).get().actor.username
        for a in ("release", "publish")
    )
    assert (releaser, publisher) == ("algoritme-eigenaar", "privacy")


def test_one_demo_assessment_is_due_for_renewal(demo_data):
    from gelijk.algorithms.services.reminders import reassessment_due

    due = reassessment_due()
    assert [(a.algorithm.slug, a.template.key) for a, _when in due] == [
        ("parkeercontrole-scanauto", "uthiek")
    ]
