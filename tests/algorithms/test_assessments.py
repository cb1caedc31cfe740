"""Assessments: frameworks as data, answers and rules, evidence, reviewers, four-eyes sign-off,
and the register fields a signed assessment fills."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from gelijk.algorithms import frameworks
from gelijk.algorithms.demo import ANSWERS
from gelijk.algorithms.models import Assessment, AssessmentTemplate, EvidenceAttachment
from gelijk.algorithms.services import assessments as services
from gelijk.algorithms.services import register
from gelijk.algorithms.workflow import Refused, WorkflowError
from gelijk.core.models import AuditEntry
from tests.algorithms.conftest import complete_record

pytestmark = pytest.mark.django_db
FRAMEWORKS = Path(frameworks.__file__).resolve().parent
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n"


def template(key):
    return AssessmentTemplate.objects.get(key=key, is_current=True)


def answers_for(key):
    return {
        k: v.replace("{name}", "Test") if isinstance(v, str) else v for k, v in ANSWERS[key].items()
    }


def submitted(people, algorithm, key="uthiek", answers=None):
    a = services.assessment_create(user=people["owner"], template=template(key), subject=algorithm)
    services.assessment_answers_save(a, user=people["owner"], answers=answers or answers_for(key))
    return services.assessment_transition(a, user=people["owner"], action="submit")


def test_the_four_frameworks_are_loaded_from_files():
    keys = set(AssessmentTemplate.objects.filter(is_current=True).values_list("key", flat=True))
    assert keys == {"uthiek", "iama", "privacy-prescan", "bias-algoritmekader"}
    uthiek = template("uthiek").framework
    values = [q.id for q in uthiek.section("waarden").questions if not q.id.endswith("toelichting")]
    assert values == [
        "machtsverhoudingen",
        "autonomie",
        "veiligheid",
        "gezondheid",
        "rechtvaardigheid",
        "menselijke-waardigheid",
        "privacy",
        "controle-over-technologie",
    ]
    iama = template("iama").framework
    assert [s.id for s in iama.sections][:5] == ["deel-1", "deel-2a", "deel-2b", "deel-3", "deel-4"]
    bias = template("bias-algoritmekader").framework
    assert [s.id for s in bias.sections][:4] == [
        "stap-1-direct",
        "stap-1-indirect",
        "stap-2",
        "stap-3",
    ]


def test_a_new_framework_is_a_new_file(tmp_path, monkeypatch):
    for path in FRAMEWORKS.glob("*.*"):
        shutil.copy(path, tmp_path / path.name)
    data = yaml.safe_load((tmp_path / "uthiek.yaml").read_text())
    data.update(
        key="deda",
        title="De Ethische Data Assistent",
        register_title="De Ethische Data Assistant (DEDA)",
    )
    (tmp_path / "deda.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    monkeypatch.setattr(frameworks, "HERE", tmp_path)
    monkeypatch.setattr(frameworks.discover, "__defaults__", (tmp_path,))
    counts = services.assessment_templates_sync()
    assert counts["added"] == 1
    assert template("deda").register_title == "De Ethische Data Assistant (DEDA)"


def test_a_new_version_becomes_current_and_old_assessments_keep_theirs(
    tmp_path, monkeypatch, people, draft
):
    old = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    for path in FRAMEWORKS.glob("*.*"):
        shutil.copy(path, tmp_path / path.name)
    data = yaml.safe_load((tmp_path / "uthiek.yaml").read_text())
    data["version"] = 2
    data["sections"][0]["questions"][0]["label"] = "Welk probleem lost het op, in één zin?"
    (tmp_path / "uthiek-v2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    monkeypatch.setattr(frameworks.discover, "__defaults__", (tmp_path,))
    services.assessment_templates_sync()
    assert template("uthiek").version == 2
    old.refresh_from_db()
    assert old.template.version == 1 and not old.template.is_current
    assert old.template.framework.question("doel").label.startswith("Welk probleem lost")
    with pytest.raises(WorkflowError, match="nieuwere versie"):
        services.assessment_create(
            user=people["owner"], template=old.template, subject=draft.algorithm
        )


def test_changing_a_used_file_without_a_version_number_is_refused(
    tmp_path, monkeypatch, people, draft
):
    services.assessment_create(
        user=people["owner"], template=template("iama"), subject=draft.algorithm
    )
    for path in FRAMEWORKS.glob("*.*"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "iama.yaml").read_text().replace("Deel 1 – Waarom?", "Deel 1 – Waarom nu?")
    (tmp_path / "iama.yaml").write_text(text)
    monkeypatch.setattr(frameworks.discover, "__defaults__", (tmp_path,))
    with pytest.raises(
        frameworks.FrameworkError, match="give the changed file a new version number"
    ):
        services.assessment_templates_sync()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.pop("outcome"), "at (top): 'outcome' is a required property"),
        (
            lambda d: d["sections"][0]["questions"].append(dict(d["sections"][0]["questions"][0])),
            "is used twice",
        ),
        (
            lambda d: d["rules"][0]["require"].update(question="bestaat-niet"),
            "unknown question 'bestaat-niet'",
        ),
        (lambda d: d["rules"][0]["when"][0].update({"in": ["misschien"]}), "does not offer"),
        (lambda d: d["sections"][0]["questions"][2].update(type="text"), "is text but has options"),
    ],
)
def test_broken_framework_files_name_the_file_and_place(change, needle):
    data = yaml.safe_load((FRAMEWORKS / "uthiek.yaml").read_text())
    change(data)
    with pytest.raises(frameworks.FrameworkError) as exc:
        frameworks.parse(data, "uthiek.yaml")
    assert str(exc.value).startswith("uthiek.yaml: ") and needle in str(exc.value)


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "kapot.yaml").write_text("key: x\nsections: [\n  - a\n")
    with pytest.raises(frameworks.FrameworkError, match=r"kapot.yaml: line \d+ is not valid YAML"):
        frameworks.read_file(tmp_path / "kapot.yaml")


def test_answers_are_checked_against_the_framework(people, draft):
    a = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    with pytest.raises(services.AnswersInvalid) as exc:
        services.assessment_answers_save(
            a, user=people["owner"], answers={"rol": "twijfelt", "bestaat": "x", "doel": ["lijst"]}
        )
    assert exc.value.errors == {
        "rol": ["‘twijfelt’ is geen keuze bij deze vraag."],
        "__all__": ["Vraag ‘bestaat’ hoort niet bij Uthiek-toets."],
        "doel": ["Het antwoord moet tekst zijn."],
    }
    a.refresh_from_db()
    assert a.answers == {}


def test_submit_is_refused_while_questions_are_open(people, draft):
    a = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    services.assessment_answers_save(
        a, user=people["owner"], answers={"doel": "Beter werk", "veiligheid": "dient"}
    )
    with pytest.raises(services.AnswersInvalid) as exc:
        services.assessment_transition(a, user=people["owner"], action="submit")
    assert "betrokkenen" in exc.value.errors
    assert exc.value.errors["veiligheid-toelichting"] == ["Beantwoord deze vraag."]  # required_if
    assert "Toelichting bij veiligheid: Beantwoord deze vraag." in exc.value.messages
    a.refresh_from_db()
    assert a.status == "concept"


def test_rules_of_the_bias_measure(people, draft):
    """Algoritmekader ver-03 / CRM: an unjustified distinction means the algorithm is not used."""
    wrong = {
        **answers_for("bias-algoritmekader"),
        "conclusie": "inzetten-met-maatregelen",
        "maatregelen": "x",
    }
    fw = template("bias-algoritmekader").framework
    errors = frameworks.completeness_errors(fw, wrong)
    assert errors["conclusie"] == [
        r.message for r in fw.rules if r.when[0][0] in ("oordeel-rechtvaardiging", "wenselijk")
    ]
    assert frameworks.completeness_errors(fw, answers_for("bias-algoritmekader")) == {}
    race = {
        **answers_for("bias-algoritmekader"),
        "beschermde-kenmerken": "ja",
        "welke-kenmerken": "Geboorteland van de eigenaar.",
        "ras": "ja",
        "oordeel-rechtvaardiging": "gerechtvaardigd",
        "wenselijk": "ja",
        "conclusie": "inzetten-met-maatregelen",
        "maatregelen": "Extra controle.",
    }
    assert frameworks.completeness_errors(fw, race) == {
        "conclusie": [
            "Het algoritme gebruikt ras of afkomst als invoer. Dat is vrijwel nooit toegestaan: "
            "kies 'niet inzetten' en haal het kenmerk eruit."
        ]
    }
    no_difference = {
        **race,
        "ras": "nee",
        "uitkomst-analyse": "binnen-band",
        "conclusie": "inzetten",
    }
    no_difference.pop("oorzaak")
    no_difference["oordeel-rechtvaardiging"] = "geen-onderscheid"
    assert frameworks.completeness_errors(fw, no_difference) == {}


def test_four_eyes_on_signing(people, draft):
    a = submitted(people, draft.algorithm)
    with pytest.raises(Refused):
        services.assessment_transition(
            a, user=people["owner2"], action="sign", public_summary="x" * 50
        )
    privacy_submitted = submitted(people, draft.algorithm, key="privacy-prescan")
    privacy_submitted.submitted_by = people["privacy"]
    privacy_submitted.save(update_fields=["submitted_by"])
    with pytest.raises(WorkflowError, match="Vier ogen: u heeft deze toets zelf ingediend"):
        services.assessment_transition(
            privacy_submitted, user=people["privacy"], action="sign", public_summary="x" * 50
        )


def test_only_chosen_reviewers_sign(people, draft):
    a = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    with pytest.raises(WorkflowError, match="mag geen toetsen ondertekenen"):
        services.assessment_reviewers_set(a, user=people["owner"], reviewers=[people["analist"]])
    services.assessment_reviewers_set(a, user=people["owner"], reviewers=[people["auditor"]])
    services.assessment_answers_save(a, user=people["owner"], answers=answers_for("uthiek"))
    services.assessment_transition(a, user=people["owner"], action="submit")
    with pytest.raises(WorkflowError, match="Alleen de gekozen beoordelaars"):
        services.assessment_transition(
            a, user=people["privacy"], action="sign", public_summary="x" * 50
        )
    with pytest.raises(WorkflowError, match="publieke samenvatting"):
        services.assessment_transition(
            a, user=people["auditor"], action="sign", public_summary="kort"
        )
    signed = services.assessment_transition(
        a,
        user=people["auditor"],
        action="sign",
        public_summary="Getoetst en goed bevonden, met maatregelen.",
    )
    assert signed.status == "ondertekend" and signed.signed_by == people["auditor"]
    assert [e.action for e in signed.events.order_by("pk")] == ["create", "submit", "sign"]


def test_return_needs_a_reason_and_reopens_the_concept(people, draft):
    a = submitted(people, draft.algorithm)
    with pytest.raises(WorkflowError, match="Schrijf op wat er beter moet"):
        services.assessment_transition(a, user=people["auditor"], action="return")
    services.assessment_transition(
        a, user=people["auditor"], action="return", reason="Privacy beter uitleggen."
    )
    a.refresh_from_db()
    assert a.status == "concept"
    assert a.events.order_by("pk").last().reason == "Privacy beter uitleggen."


def test_signing_fills_the_register_in_a_new_version(people, draft):
    algorithm = draft.algorithm
    a = submitted(people, algorithm)
    services.assessment_transition(
        a,
        user=people["auditor"],
        action="sign",
        public_summary="De Uthiek-toets is gedaan; het algoritme dient veiligheid.",
        public_link="https://gelijk.example/algoritmeregister/x/toetsen/",
    )
    algorithm.refresh_from_db()
    latest = algorithm.latest_version
    assert latest.number == 2 and latest.origin == "assessment"
    assert latest.created_by == people["auditor"]
    assert latest.record["impact_assessments"] == (
        "Data Protection Impact Assessment (DPIA), Utrecht Uthiek Assessment"
    )
    assert (
        latest.record["impact_assessment_link"]
        == "https://gelijk.example/algoritmeregister/x/toetsen/"
    )
    assert register.version_state(draft) == "vervangen"
    gaps = register.publication_gaps(algorithm, latest)
    assert gaps == []  # the listed Uthiek assessment is now linked and signed


def test_a_link_without_https_is_left_out_not_failing_the_signature(people, draft):
    a = submitted(people, draft.algorithm)
    services.assessment_transition(
        a,
        user=people["auditor"],
        action="sign",
        public_summary="De Uthiek-toets is gedaan; het algoritme dient veiligheid.",
        public_link="http://127.0.0.1:8000/algoritmeregister/x/toetsen/",
    )
    draft.algorithm.refresh_from_db()
    record = draft.algorithm.latest_version.record
    assert "impact_assessment_link" not in record
    assert record["impact_assessments"].endswith("Utrecht Uthiek Assessment")


def test_category_b_becomes_publishable_after_both_assessments(people):
    version = register.algorithm_create(
        user=people["owner"],
        record=complete_record(publication_category="Impactvolle algoritmes (Categorie B)"),
    )
    for key in ("uthiek", "privacy-prescan"):
        a = submitted(people, version.algorithm, key=key)
        services.assessment_transition(
            a, user=people["auditor"], action="sign", public_summary="y" * 45
        )
    version.algorithm.refresh_from_db()
    register.publication_transition(version.algorithm, user=people["owner"], action="release")
    register.publication_transition(version.algorithm, user=people["privacy"], action="publish")
    version.algorithm.refresh_from_db()
    assert version.algorithm.published_version.record["impact_assessments"].endswith(
        "Utrecht Uthiek Assessment, Pre-scan DPIA"
    )


def test_a_signed_do_not_use_blocks_publication_as_in_use(people, draft):
    a = submitted(
        people,
        draft.algorithm,
        key="bias-algoritmekader",
        answers=answers_for("bias-algoritmekader"),
    )
    services.assessment_transition(
        a, user=people["auditor"], action="sign", public_summary="z" * 45
    )
    draft.algorithm.refresh_from_db()
    gaps = register.publication_gaps(draft.algorithm, draft.algorithm.latest_version)
    assert any("concludeerde ‘niet inzetten’" in m for _k, m in gaps)


def test_evidence_is_checked_by_content_and_stored_encrypted(people, draft):
    a = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    pdf = services.evidence_add(
        a, user=people["owner"], name="audit.pdf", data=PDF, question="rechtvaardigheid"
    )
    assert pdf.content_type == "application/pdf" and pdf.question == "rechtvaardigheid"
    with pdf.file.open("rb") as fh:
        stored = fh.read()
    assert stored != PDF and b"%PDF" not in stored
    from gelijk.algorithms import files

    assert files.decrypted(pdf.file) == PDF
    csv = services.evidence_add(
        a, user=people["owner"], name="cijfers.csv", data=b"wijk;n\nWest;10\n"
    )
    assert csv.content_type == "text/csv"


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 100, "geen toegestaan bestand"),
        ("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "naam die niet past bij de inhoud (png)"),
        ("notities.txt", b"\xff\xfe\x00t\x00e", "geen leesbare tekst"),
        ("data.json", b"{niet: json", "geen geldige JSON"),
        ("leeg.pdf", b"", "is leeg"),
    ],
)
def test_evidence_that_lies_about_its_type_is_refused(people, draft, name, data, needle):
    a = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=draft.algorithm
    )
    with pytest.raises(WorkflowError, match=re.escape(needle)) as exc:
        services.evidence_add(a, user=people["owner"], name=name, data=data)
    assert exc.value.field == "file"
    assert EvidenceAttachment.objects.count() == 0


def test_evidence_only_while_concept(people, draft):
    a = submitted(people, draft.algorithm)
    with pytest.raises(WorkflowError, match="zolang de toets een concept is"):
        services.evidence_add(a, user=people["owner"], name="a.pdf", data=PDF)


def test_assessment_changes_are_audited(people, draft):
    a = submitted(people, draft.algorithm)
    entries = AuditEntry.objects.filter(object_type="algorithms.Assessment", object_id=str(a.pk))
    assert [e.action for e in entries.order_by("position")] == ["create", "change", "change"]
    assert entries.order_by("position").last().detail["workflow"] == "submit"


def test_assessment_subject_must_fit_the_framework(people, demo_data):
    from gelijk.algorithms.models import EnforcementProcess

    process = EnforcementProcess.objects.get(slug="afvalhandhaving")
    with pytest.raises(WorkflowError, match="niet bedoeld voor dit soort onderwerp"):
        services.assessment_create(user=people["owner"], template=template("iama"), subject=process)
    made = services.assessment_create(
        user=people["owner"], template=template("uthiek"), subject=process
    )
    assert made.process == process and made.algorithm is None
    assert Assessment.objects.filter(process=process).count() == 1
