"""An algorithm goes from draft through assessment, bias audit and four-eyes publication to
the public register, in the browser; axe-core checks every page on the way."""

from __future__ import annotations

import pytest

from tests.browser.conftest import describe

pytestmark = pytest.mark.django_db(transaction=True)


def checked(page, label: str) -> None:
    violations = page.axe()
    assert not violations, f"{label}:\n{describe(violations)}"


@pytest.fixture
def people(make_staff):
    return {
        "owner": make_staff("algoritme-eigenaar", department="beleid", username="eigenaar"),
        "privacy": make_staff("privacy-officer", department="privacy", username="privacy1"),
        "auditor": make_staff("auditor", department="privacy", username="auditor1"),
        "analist": make_staff("analist", department="beleid", username="analist1"),
    }


def _create(page) -> str:
    page.goto("/backoffice/algoritmes/nieuw/")
    checked(page, "new algorithm form")
    p = page.page
    p.fill("#id_name", "Routes voor afvalinzameling plannen")
    p.fill("#id_description_short", "Een algoritme plant de route van de vuilniswagen.")
    p.check("input[name=theme][value='Natuur en milieu']")
    p.select_option("#id_status", "In gebruik")
    p.fill("#id_start_date", "2025-02")
    p.fill("#id_contact", "algoritmes@utrecht.example")
    p.select_option("#id_publication_category", "Overige algoritmes (Categorie C)")
    p.fill("#id_purpose_and_impact", "Kortere routes en minder uitstoot.")
    p.fill("#id_considerations", "Sneller dan met de hand plannen.\n\nDe planner blijft beslissen.")
    p.fill("#id_human_intervention", "Een planner controleert en past elke route aan.")
    p.fill("#id_risk_management", "Een verkeerde route kost tijd; de planner ziet dat.")
    p.fill("#id_impact_assessments", "Data Protection Impact Assessment (DPIA)")
    p.fill("#id_data", "Adressen van containers en hoe vol ze zijn.")
    p.fill("#id_technical_operation", "Een kortste-routealgoritme; het is niet zelflerend.")
    p.click("button:has-text('Opslaan als concept')")
    p.wait_for_selector("text=is opgeslagen als concept")
    checked(page, "algorithm detail")
    return p.url.rsplit("/backoffice/algoritmes/", 1)[1].strip("/")


def _assess(page, pk: str) -> str:
    p = page.page
    page.goto(f"/backoffice/toetsen/nieuw/?algoritme={pk}")
    checked(page, "choose framework")
    p.get_by_label("Privacy-prescan en DPIA-check").check()
    p.click("button:has-text('Toets starten')")
    p.wait_for_selector("text=De toets is aangemaakt")
    checked(page, "assessment detail")
    assessment = p.url.rstrip("/").rsplit("/", 1)[1]
    answers = {
        "gegevens": {
            "persoonsgegevens": "ja",
            "bijzonder": "nee",
            "grondslag": "publieke-taak",
            "welke-gegevens": "Adressen van containers; geen namen.",
            "minimalisatie": "Alleen adressen; een jaar bewaard.",
        },
        "criteria": dict.fromkeys(
            [
                "profilering",
                "geautomatiseerd",
                "stelselmatig",
                "grootschalig",
                "koppelen",
                "kwetsbaar",
                "nieuwe-technologie",
            ],
            "nee",
        ),
        "afronding": {"conclusie": "geen-dpia-nodig"},
    }
    for section, values in answers.items():
        page.goto(f"/backoffice/toetsen/{assessment}/deel/{section}/")
        if section == "gegevens":
            checked(page, "assessment section")
        for name, value in values.items():
            if p.locator(f"input[type=radio][name='{name}']").count():
                p.check(f"input[name='{name}'][value='{value}']")
            else:
                p.fill(f"#id_{name}", value)
        p.click("button:has-text('Opslaan en terug')")
        p.wait_for_selector("text=zijn opgeslagen")
    p.click("button:has-text('Indienen voor beoordeling')")
    p.wait_for_selector("text=De toets is ingediend")
    return assessment


def _sign(page, assessment: str) -> None:
    p = page.page
    page.goto(f"/backoffice/toetsen/{assessment}/ondertekenen/")
    checked(page, "sign page")
    p.fill(
        "#id_public_summary",
        "De privacy officer heeft gekeken: geen bijzondere gegevens, geen DPIA nodig.",
    )
    p.click("button:has-text('Ondertekenen')")
    p.wait_for_selector("text=De toets is ondertekend")


def _audit(page, pk: str, tmp_path) -> None:
    from gelijk.algorithms import demo_data

    path = tmp_path / "selectie.csv"
    demo_data.horeca_selection(seed=5, n=1200).to_csv(path, index=False)
    p = page.page
    page.goto(f"/backoffice/algoritmes/{pk}/audits/gegevens/")
    checked(page, "dataset upload")
    p.set_input_files("#id_file", str(path))
    p.click("button:has-text('Uploaden en verder')")
    p.wait_for_selector("text=is ingelezen")
    checked(page, "audit form")
    p.select_option("#id_label", "overtreding")
    p.check("input[name=decision][value=prediction]")
    p.select_option("#id_prediction", "geselecteerd")
    p.check("input[name=groups][value=wijk]")
    p.uncheck("#id_intersections")
    p.select_option("#id_ref__wijk", "Binnenstad")
    p.click("button:has-text('Audit starten')")
    p.wait_for_selector("text=Groepen naar wijk")
    assert p.locator("text=buiten de band").count() > 0
    checked(page, "audit report")


def test_draft_to_public_page_through_assessment_audit_and_four_eyes(new_page, people, tmp_path):
    owner = new_page(people["owner"])
    pk = _create(owner)
    assessment = _assess(owner, pk)
    _sign(new_page(people["auditor"]), assessment)
    _audit(new_page(people["analist"]), pk, tmp_path)

    owner.goto(f"/backoffice/algoritmes/{pk}/")
    assert owner.page.locator("text=Alle verplichte velden en toetsen zijn er").count() == 1
    assert owner.page.locator("button:has-text('Publiceren')").count() == 0  # a Redacteur
    owner.page.click("button:has-text('Aanbieden voor publicatie')")
    owner.page.wait_for_selector("text=De versie is aangeboden voor publicatie")

    approver = new_page(people["privacy"])
    approver.goto(f"/backoffice/algoritmes/{pk}/")
    checked(approver, "detail for the Goedkeurder")
    approver.page.click("button:has-text('Publiceren')")
    approver.page.wait_for_selector(
        "text=Gepubliceerd. De beschrijving staat nu in het openbare register"
    )

    public = new_page()
    public.goto("/algoritmeregister/")
    checked(public, "public list")
    public.page.click("text=Routes voor afvalinzameling plannen")
    public.page.wait_for_selector("h1:has-text('Routes voor afvalinzameling plannen')")
    assert public.page.locator("text=Pre-scan DPIA").count() >= 1  # filled in by the signature
    checked(public, "public detail")
    public.page.click("text=Lees de uitkomsten van de toetsen")
    public.page.wait_for_selector("text=Geen DPIA nodig")
    checked(public, "public assessments")
    assert not public.console_errors and not owner.console_errors and not approver.console_errors
