"""Back-office and public pages through the Django test client: access per role, forms with
specific messages (4xx, nothing stored), the four-eyes flow in the pages, audit of views."""

import io

import pytest
from django.urls import reverse

from gelijk.algorithms.models import Algorithm, AlgorithmVersion, BiasAudit
from gelijk.algorithms.services import register
from gelijk.core.models import AuditEntry
from tests.algorithms.conftest import complete_record
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client, people):
    def login(key):
        verified_client(client, people[key])
        return client

    return login


def form_data(record: dict, **extra) -> dict:
    data = {k: v for k, v in record.items() if k not in ("language", "schema")}
    data.update(extra)
    return data


ROLE_PAGES = [
    # (url name, kwargs-maker, {role: expected status})
    ("algorithms:list", None, {"owner": 200, "auditor": 200, "handhaver": 403}),
    ("algorithms:create", None, {"owner": 200, "privacy": 200, "auditor": 403, "beheerder": 403}),
    ("algorithms:import", None, {"owner": 200, "analist": 403}),
    ("algorithms:assessment-list", None, {"auditor": 200, "handhaver": 403}),
    ("algorithms:pilot", None, {"handhaver": 200, "analist": 200}),
    ("algorithms:process-create", None, {"owner": 200, "handhaver": 403}),
    ("algorithms:edit", "algorithm", {"owner": 200, "auditor": 403}),
    ("algorithms:audits", "algorithm", {"analist": 200, "handhaver": 403, "beheerder": 403}),
    ("algorithms:dataset-upload", "algorithm", {"analist": 200, "auditor": 403}),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), ROLE_PAGES)
def test_pages_per_role(as_user, draft, name, kwargs, expected):
    url = reverse(name, kwargs={"pk": draft.algorithm_id} if kwargs else None)
    for role, status in expected.items():
        assert as_user(role).get(url).status_code == status, (role, url)


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("algorithms:detail", args=[draft.algorithm_id]))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_create_with_bad_input_shows_messages_and_stores_nothing(as_user):
    c = as_user("owner")
    data = form_data(
        complete_record(name="x" * 120, status="Ooit", considerations="<script>x</script>"),
        theme=["Werk", "Recht", "Economie", "Verkeer"],
    )
    response = c.post(reverse("algorithms:create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er ging iets mis bij het invullen" in html
    assert "Dit veld mag hoogstens 99 tekens hebben; het heeft er nu 120." in html
    assert "Selecteer een geldige keuze. Ooit is geen beschikbare keuze." in html
    assert "Deze opmaak is niet toegestaan: &lt;script&gt;" in html
    assert "Kies hoogstens 3; u koos er 4." in html
    assert Algorithm.objects.count() == 0


def test_create_edit_and_history_in_the_pages(as_user, people):
    c = as_user("owner")
    response = c.post(
        reverse("algorithms:create"),
        form_data(complete_record(), note="eerste versie", **{"meta-owner": people["owner"].pk}),
    )
    algorithm = Algorithm.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{algorithm.pk}/")
    assert algorithm.owner == people["owner"]
    edit_url = reverse("algorithms:edit", args=[algorithm.pk])
    form = c.get(edit_url).context["form"]
    assert form.initial["name"] == "Testalgoritme voor afvalroutes"
    data = form_data(algorithm.latest_version.record, name="Afvalroutes plannen", base_number=1)
    assert c.post(edit_url, data).status_code == 302
    stale = c.post(
        edit_url, form_data(algorithm.latest_version.record, name="Nog anders", base_number=1)
    )
    assert stale.status_code == 409
    assert "intussen versie 2 opgeslagen" in stale.content.decode()
    page = c.get(reverse("algorithms:version", args=[algorithm.pk, 2])).content.decode()
    assert "Testalgoritme voor afvalroutes" in page and "Afvalroutes plannen" in page  # the diff
    assert AlgorithmVersion.objects.filter(algorithm=algorithm).count() == 2


def test_four_eyes_in_the_pages(as_user, draft):
    url = reverse("algorithms:transition", args=[draft.algorithm_id])
    c = as_user("privacy")
    assert c.post(url, {"action": "release"}).status_code == 302
    own = c.post(url, {"action": "publish"})
    assert own.status_code == 409
    assert "Vier ogen: u heeft deze versie zelf aangeboden" in own.content.decode()
    redacteur = as_user("owner").post(url, {"action": "publish"})
    assert redacteur.status_code == 403
    assert "Alleen een goedkeurder" in redacteur.content.decode()
    assert as_user("beheerder").post(url, {"action": "publish"}).status_code == 302
    public = as_user("handhaver").get(
        reverse("algorithms:public-detail", args=[draft.algorithm.slug])
    )
    assert public.status_code == 200


def test_detail_lists_what_blocks_publication(as_user, people):
    version = register.algorithm_create(user=people["owner"], record={"name": "Onaf"})
    html = (
        as_user("owner")
        .get(reverse("algorithms:detail", args=[version.algorithm_id]))
        .content.decode()
    )
    assert "Wat ontbreekt nog voor publicatie" in html
    assert "‘Korte omschrijving’ is nog leeg." in html


def test_import_page_with_the_amsterdam_file(as_user):
    c = as_user("owner")
    with open(
        "tests/data/algoritmeregister/sample-template-gemeente-amsterdam-v1_0.json", "rb"
    ) as fh:
        response = c.post(reverse("algorithms:import"), {"file": fh})
    assert response.status_code == 200
    assert "Geïmporteerd: 1 nieuw" in response.content.decode()
    bad = c.post(reverse("algorithms:import"), {"text": '[{"name": "x", "status": "Soms"}]'})
    assert bad.status_code == 400
    assert "Record 1 (x) – Status: ‘Soms’ is geen toegestane waarde" in bad.content.decode()
    broken = c.post(reverse("algorithms:import"), {"text": "{niet json"})
    assert broken.status_code == 400 and "Dit is geen geldige JSON" in broken.content.decode()
    assert Algorithm.objects.count() == 1


def test_assessment_flow_in_the_pages(as_user, people, draft):
    from gelijk.algorithms.models import Assessment, AssessmentTemplate
    from tests.algorithms.test_assessments import answers_for

    c = as_user("owner")
    template = AssessmentTemplate.objects.get(key="privacy-prescan", is_current=True)
    create = reverse("algorithms:assessment-create") + f"?algoritme={draft.algorithm_id}"
    assert "Toets starten voor" in c.get(create).content.decode()
    response = c.post(create, {"template": template.pk, "algoritme": draft.algorithm_id})
    assessment = Assessment.objects.get()
    assert response["Location"].endswith(f"/toetsen/{assessment.pk}/")
    answers = answers_for("privacy-prescan")
    for section in template.framework.sections:
        data = {q.id: answers[q.id] for q in section.questions if q.id in answers}
        saved = c.post(
            reverse("algorithms:assessment-section", args=[assessment.pk, section.id]), data
        )
        assert saved.status_code == 302, saved.content.decode()[:2000]
    wrong = c.post(
        reverse("algorithms:assessment-section", args=[assessment.pk, "gegevens"]),
        {"grondslag": "gevoel"},
    )
    assert wrong.status_code == 400
    step = reverse("algorithms:assessment-transition", args=[assessment.pk])
    assert c.post(step, {"action": "submit"}).status_code == 302
    sign = reverse("algorithms:assessment-sign", args=[assessment.pk])
    assert c.get(sign).status_code == 403  # the owner cannot sign
    a = as_user("auditor")
    short = a.post(sign, {"public_summary": "Te kort"})
    assert short.status_code == 400
    done = a.post(
        sign,
        {"public_summary": "De privacy officer keek mee; een DPIA is niet nodig."},
        secure=True,
        HTTP_HOST="gelijk.utrecht.example",
    )
    assert done.status_code == 302, done.content.decode()[-3000:]
    assessment.refresh_from_db()
    assert assessment.status == "ondertekend"
    draft.algorithm.refresh_from_db()
    link = draft.algorithm.latest_version.record["impact_assessment_link"]
    assert (
        link == f"https://gelijk.utrecht.example/algoritmeregister/{draft.algorithm.slug}/toetsen/"
    )


def test_evidence_download_is_an_audited_export(as_user, people, draft):
    from gelijk.algorithms.models import AssessmentTemplate
    from gelijk.algorithms.services import assessments as services

    a = services.assessment_create(
        user=people["owner"],
        template=AssessmentTemplate.objects.get(key="uthiek", is_current=True),
        subject=draft.algorithm,
    )
    c = as_user("owner")
    upload = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    upload.name = "verslag.pdf"
    assert (
        c.post(reverse("algorithms:evidence-add", args=[a.pk]), {"file": upload}).status_code == 302
    )
    fake = io.BytesIO(b"MZ\x90\x00" * 10)
    fake.name = "verslag2.pdf"
    refused = c.post(reverse("algorithms:evidence-add", args=[a.pk]), {"file": fake})
    assert refused.status_code == 400 and "geen toegestaan bestand" in refused.content.decode()
    evidence = a.evidence.get()
    response = as_user("auditor").get(reverse("algorithms:evidence-download", args=[evidence.pk]))
    assert response.content == b"%PDF-1.4\n%%EOF\n"
    assert response["Content-Disposition"] == 'attachment; filename="verslag.pdf"'
    export = AuditEntry.objects.filter(
        action="export", object_type="algorithms.EvidenceAttachment"
    ).get()
    assert export.actor == "auditor1"


def test_audit_pages_from_upload_to_report(as_user, people, draft):
    from gelijk.algorithms import demo_data

    frame = demo_data.horeca_selection(seed=3, n=800)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = "selectie.csv"
    c = as_user("analist")
    response = c.post(
        reverse("algorithms:dataset-upload", args=[draft.algorithm_id]), {"file": upload}
    )
    dataset = draft.algorithm.datasets.get()
    assert response["Location"].endswith(f"/audits/gegevens/{dataset.pk}/")
    url = reverse("algorithms:audit-create", args=[dataset.pk])
    missing = c.post(url, {"soort": "metrics", "label": "overtreding", "decision": "prediction"})
    assert missing.status_code == 400
    assert BiasAudit.objects.count() == 0
    ok = c.post(
        url,
        {
            "soort": "metrics",
            "label": "overtreding",
            "decision": "prediction",
            "prediction": "geselecteerd",
            "groups": ["wijk"],
            "ref__wijk": "Binnenstad",
        },
    )
    audit = BiasAudit.objects.get()
    assert ok["Location"].endswith(f"/audits/{audit.pk}/")
    page = c.get(ok["Location"]).content.decode()
    assert "Groepen naar wijk" in page and "buiten de band" in page
    report = c.get(reverse("algorithms:audit-json", args=[audit.pk]))
    assert report.json()["kind"] == "bias-metrics"
    html = c.get(reverse("algorithms:audit-html", args=[audit.pk]))
    assert html["Content-Disposition"] == f'attachment; filename="bias-audit-{audit.pk}.html"'
    assert b"<svg" in html.content
    exports = AuditEntry.objects.filter(action="export", object_type="algorithms.BiasAudit")
    assert exports.count() == 2
    assert as_user("handhaver").get(ok["Location"]).status_code == 403


def test_pilot_page_shows_what_is_assessed(as_user, demo_data):
    html = as_user("handhaver").get(reverse("algorithms:pilot")).content.decode()
    assert "Horecacontroles" in html and "Afvalhandhaving" in html
    assert "van de 19 processen en instrumenten hebben een ondertekende Uthiek-toets" in html
    assert "Niet getoetst" in html and "Concept" in html and "Ondertekend" in html
    assert "Toets starten" not in html  # a handhaver sees, but does not assess


def test_pilot_processes_are_managed_by_owners(as_user):
    from gelijk.algorithms.models import EnforcementProcess

    c = as_user("owner")
    response = c.post(reverse("algorithms:process-create"), {"name": "Bouwtoezicht", "position": 6})
    assert response.status_code == 302
    process = EnforcementProcess.objects.get(name="Bouwtoezicht")
    assert process.slug == "bouwtoezicht"
    url = reverse("algorithms:instrument-create", args=[process.pk])
    assert c.post(url, {"name": "Steekproef", "kind": "selectie", "position": 1}).status_code == 302
    assert process.instruments.get().name == "Steekproef"
    assert c.post(url, {"name": "", "kind": "onbekend", "position": 1}).status_code == 400


def test_views_of_the_back_office_are_audited(as_user, draft):
    as_user("auditor").get(reverse("algorithms:detail", args=[draft.algorithm_id]))
    entry = AuditEntry.objects.filter(action="view", object_type="algorithms.Algorithm").last()
    assert entry.object_id == str(draft.algorithm_id) and entry.actor == "auditor1"
