"""Demo data of the algorithms app (order 30, after the core's users).

Six algorithms in every stage: published ones (with signed assessments, passed through the
four-eyes flow by the demo users), one waiting for approval, one concept that is not complete,
one out of use. Among them the enforcement risk-selection model for horeca controls with a
planted proxy bias (demo_data.py): its metrics audit finds the selection rate outside the band
for three wijken and for owners from outside the EU, and its bias-measure assessment concludes
'inzetten met maatregelen'. Also the Uthiek pilot's VTH processes and instruments.

Idempotent: an algorithm, process or instrument that exists (by slug) is left alone.
Deterministic for a seed. Everything is invented.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gelijk.algorithms import demo_data
from gelijk.algorithms.models import (
    Algorithm,
    Assessment,
    AssessmentTemplate,
    EnforcementProcess,
)
from gelijk.algorithms.services import assessments, audits, pilot, register
from gelijk.core import demo
from gelijk.core.models import Department, Team

ORG = "Gemeente Utrecht"
CONTACT = "algoritmes@utrecht.example"
HORECA = "risicogestuurde-selectie-horecacontroles"


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _record(**fields) -> dict:
    base = {
        "organization": ORG,
        "contact": CONTACT,
        "supplier": "Intern ontwikkeld",
        "theme": ["Openbare orde en veiligheid"],
        "publication_category": "Impactvolle algoritmes (Categorie B)",
        "legal_basis_title": "Gemeentewet",
        "legal_basis_link": "https://wetten.overheid.nl/BWBR0005416",
    }
    base.update(fields)
    return base


ALGORITHMS = [
    {
        "slug": HORECA,
        "state": "published",
        "assess": ["uthiek", "privacy-prescan", "bias-algoritmekader", "iama"],
        "record": _record(
            name="Risicogestuurde selectie van horecacontroles",
            description_short=(
                "Een rekenmodel geeft elk horecabedrijf een risicoscore. Handhavers van THBO "
                "controleren eerst de bedrijven met de hoogste score. Een medewerker beslist "
                "altijd of een controle doorgaat."
            ),
            theme=["Openbare orde en veiligheid", "Economie"],
            status="In gebruik",
            start_date="2024-03",
            purpose_and_impact=_p(
                "Het doel is om de controles te richten op bedrijven waar de kans op een "
                "overtreding het grootst is, zoals te veel bezoekers of geen vergunning.",
                "Horecaondernemers met een hoge score krijgen vaker een controle. Als het goed "
                "werkt, krijgen bedrijven die zich aan de regels houden minder vaak bezoek.",
            ),
            considerations=_p(
                "Resultaten Uthiek-toets: het model dient veiligheid, maar zet "
                "rechtvaardigheid onder druk. De bias-audit van 2026 liet zien dat bedrijven "
                "in Overvecht, Zuidwest en Noordwest veel vaker werden geselecteerd, terwijl "
                "daar niet vaker overtredingen zijn. De wijk werkt als vervanger van afkomst.",
                "Daarom haalt de gemeente de wijk uit het model, doet zij naast de selectie "
                "een aselecte steekproef en herhaalt zij de audit elk half jaar. Het "
                "alternatief, controleren zonder model, is bekeken: dat vindt minder "
                "overtredingen met dezelfde inzet.",
            ),
            human_intervention=_p(
                "Het model geeft alleen advies. De teamleider van THBO stelt de "
                "controlelijst vast en kan bedrijven toevoegen of schrappen. Een handhaver "
                "ziet bij een controle niet of een bedrijf uit de steekproef of uit het "
                "model komt."
            ),
            risk_management=_p(
                "Het grootste risico is discriminatie via kenmerken die samenhangen met "
                "afkomst. Elk half jaar doet de gemeente een bias-audit met Gelijk. Een "
                "verschil buiten de band 0,8 tot 1,25 wordt besproken met de privacy officer "
                "en het antidiscriminatiebureau."
            ),
            legal_basis=_p(
                "Toezicht op de Alcoholwet en de Algemene Plaatselijke Verordening (APV) van "
                "Utrecht. De burgemeester ziet toe op de openbare orde."
            ),
            legal_basis_title="Alcoholwet",
            legal_basis_link="https://wetten.overheid.nl/BWBR0002458",
            data=_p(
                "Gegevens uit het vergunningenregister (soort bedrijf, omvang), eerdere "
                "controles en overtredingen. Er worden geen gegevens over de afkomst of "
                "nationaliteit van ondernemers gebruikt. Voor de bias-audit gebruikt de "
                "gemeente de nationaliteit alleen achteraf, in een apart beveiligd bestand."
            ),
            technical_operation=_p(
                "Een logistische regressie (niet zelflerend: het model wordt eens per jaar "
                "opnieuw vastgesteld). Invoer: soort bedrijf, omvang, aantal eerdere "
                "overtredingen en tot 2026 de wijk. Uitvoer: een score van 0 tot 1. Bedrijven "
                "met een score van 0,5 of hoger komen op de controlelijst."
            ),
            impact_assessments="",
            search_terms="horeca, handhaving, THBO, risicomodel, controle",
        ),
    },
    {
        "slug": "meldingen-openbare-ruimte-categoriseren",
        "state": "published",
        "assess": ["uthiek", "privacy-prescan"],
        "record": _record(
            name="Meldingen openbare ruimte automatisch indelen",
            description_short=(
                "Als u iets meldt over de straat, zoals afval of een kapotte lamp, leest een "
                "algoritme de tekst en stuurt de melding naar de juiste afdeling."
            ),
            theme=["Ruimte en infrastructuur"],
            status="In gebruik",
            start_date="2022-09",
            purpose_and_impact=_p(
                "Het doel is dat een melding sneller bij de juiste afdeling komt. U hoeft zelf "
                "geen categorie te kiezen."
            ),
            considerations=_p(
                "Resultaten Uthiek-toets: het algoritme dient autonomie en veiligheid. Het "
                "neemt geen besluiten over personen. Zonder algoritme kozen melders vaak de "
                "verkeerde categorie, wat vertraging gaf."
            ),
            human_intervention=_p(
                "Meldingen waarover het algoritme twijfelt, gaan naar een medewerker die ze "
                "met de hand indeelt. Medewerkers kunnen elke indeling aanpassen."
            ),
            risk_management=_p(
                "Een verkeerde indeling betekent dat een melding iets later wordt opgepakt. "
                "Het team bekijkt elke maand een steekproef van de indelingen."
            ),
            data=_p(
                "De tekst van eerdere meldingen. Namen en telefoonnummers worden niet door "
                "het algoritme gebruikt."
            ),
            technical_operation=_p(
                "Tekstclassificatie met TF-IDF en logistische regressie. Het model wordt elk "
                "kwartaal opnieuw getraind met gecorrigeerde meldingen."
            ),
            search_terms="meldingen, Signalen, openbare ruimte",
        ),
    },
    {
        "slug": "parkeercontrole-scanauto",
        "state": "published",
        "assess": ["uthiek", "privacy-prescan"],
        "backdate": "uthiek",
        "record": _record(
            name="Parkeercontrole met de scanauto",
            description_short=(
                "Een auto met camera's rijdt door de stad en leest kentekens. Het systeem kijkt "
                "of voor die auto parkeergeld is betaald of een vergunning is."
            ),
            theme=["Verkeer"],
            status="In gebruik",
            start_date="2019-05",
            supplier="Voorbeeld Parkeertechniek B.V.",
            purpose_and_impact=_p(
                "Het doel is parkeren eerlijk te controleren. Wie niet betaald heeft, krijgt "
                "een naheffingsaanslag."
            ),
            considerations=_p(
                "Resultaten Uthiek-toets: de scanauto dient rechtvaardigheid (iedereen wordt "
                "even vaak gecontroleerd) maar raakt privacy. Daarom worden beelden van auto's "
                "die betaald hebben direct verwijderd."
            ),
            human_intervention=_p(
                "Bij een mogelijke overtreding kijkt een parkeercontroleur naar de foto's "
                "voordat er een aanslag komt."
            ),
            risk_management=_p(
                "Fouten bij het lezen van kentekens worden door de controleur gezien. U kunt "
                "bezwaar maken tegen elke aanslag."
            ),
            data=_p("Kentekens, plaats en tijd, en het parkeerregister."),
            technical_operation=_p(
                "Kentekenherkenning met camera's (niet zelflerend) en een vergelijking met "
                "het parkeerregister."
            ),
            search_terms="parkeren, scanauto, kenteken",
        ),
    },
    {
        "slug": "drukte-detectie-camerabeelden",
        "state": "released",
        "assess": ["uthiek", "privacy-prescan"],
        "record": _record(
            name="Drukte meten met camerabeelden",
            description_short=(
                "Camera's in de binnenstad tellen hoeveel mensen er op een plek zijn. Bij "
                "grote drukte krijgt de meldkamer een seintje."
            ),
            status="In ontwikkeling",
            start_date="2026-01",
            purpose_and_impact=_p(
                "Het doel is gevaarlijke drukte op tijd te zien, bijvoorbeeld bij evenementen. "
                "Het systeem telt mensen en herkent niemand."
            ),
            considerations=_p(
                "Resultaten Uthiek-toets: het dient veiligheid en raakt privacy en autonomie. "
                "Daarom slaat het systeem geen beelden op, alleen aantallen."
            ),
            human_intervention=_p(
                "Een medewerker van de meldkamer beoordeelt elk seintje en beslist of er "
                "handhavers naartoe gaan."
            ),
            risk_management=_p(
                "Het systeem wordt getest op vals alarm. Er wordt geen gezichtsherkenning gebruikt."
            ),
            data=_p("Tellingen van personen per camerabeeld, zonder beelden op te slaan."),
            technical_operation=_p(
                "Een getraind model telt personen in het beeld (zelflerend, vooraf getraind, "
                "leert niet door tijdens gebruik)."
            ),
            search_terms="cameratoezicht, drukte, evenementen",
        ),
    },
    {
        "slug": "prioritering-afvalhandhaving",
        "state": "concept",
        "assess": [],
        "record": {
            "name": "Prioritering van afvalhandhaving",
            "description_short": (
                "Een rekenregel bepaalt in welke straten handhavers eerst gaan kijken naar "
                "afval naast containers."
            ),
            "organization": ORG,
            "theme": ["Natuur en milieu", "Openbare orde en veiligheid"],
            "status": "In ontwikkeling",
            "publication_category": "Impactvolle algoritmes (Categorie B)",
            "purpose_and_impact": _p(
                "Het doel is de inzet van handhavers te richten op plekken met veel meldingen "
                "over afval."
            ),
        },
    },
    {
        "slug": "toezicht-handhaving-coronamaatregelen",
        "state": "published",
        "assess": ["uthiek", "privacy-prescan"],
        "record": _record(
            name="Toezicht en handhaving coronamaatregelen",
            description_short=(
                "Tijdens de coronaperiode bepaalde een overzicht van meldingen en drukte waar "
                "handhavers op de coronaregels letten. Het wordt niet meer gebruikt."
            ),
            status="Buiten gebruik",
            start_date="2020-07",
            end_date="2022-07",
            purpose_and_impact=_p(
                "Het doel was toezicht op de coronaregels waar dat het meest nodig was."
            ),
            considerations=_p(
                "Resultaten Uthiek-toets: het diende gezondheid en veiligheid, maar zette "
                "autonomie onder druk. Het is gestopt toen de regels vervielen."
            ),
            human_intervention=_p(
                "Het overzicht was alleen informatie voor de teamleiders. Zij bepaalden de inzet."
            ),
            risk_management=_p(
                "Er werden geen persoonsgegevens gebruikt. De gegevens zijn verwijderd."
            ),
            data=_p("Aantallen meldingen en drukte per gebied."),
            technical_operation=_p("Een eenvoudige telling per gebied (niet zelflerend)."),
            search_terms="corona, covid, handhaving",
        ),
    },
]

# framework key -> answers that pass it; "{name}" is replaced by the algorithm's name.
ANSWERS = {
    "uthiek": {
        "doel": "{name} helpt de gemeente haar werk beter en eerlijker te doen.",
        "betrokkenen": "Inwoners en ondernemers in Utrecht die met dit werk te maken krijgen.",
        "rol": "informeert",
        "machtsverhoudingen": "neutraal",
        "autonomie": "neutraal",
        "veiligheid": "dient",
        "veiligheid-toelichting": "Het werk wordt gericht waar het nodig is.",
        "gezondheid": "neutraal",
        "rechtvaardigheid": "dient",
        "rechtvaardigheid-toelichting": (
            "Gelijke gevallen worden gelijk behandeld; dit wordt gemeten."
        ),
        "menselijke-waardigheid": "neutraal",
        "privacy": "onder-druk",
        "privacy-toelichting": "Er worden gegevens gebruikt; alleen wat nodig is, en kort bewaard.",
        "controle-over-technologie": "dient",
        "controle-over-technologie-toelichting": "De gemeente kan het uitleggen en stoppen.",
        "botsende-waarden": (
            "Veiligheid en privacy. De gemeente kiest voor zo min mogelijk gegevens."
        ),
        "maatregelen": "Minder gegevens, korte bewaartermijn, jaarlijkse evaluatie.",
        "conclusie": "inzetten-met-maatregelen",
    },
    "privacy-prescan": {
        "persoonsgegevens": "ja",
        "welke-gegevens": "Alleen de gegevens die voor het werk nodig zijn.",
        "bijzonder": "nee",
        "grondslag": "publieke-taak",
        "minimalisatie": "Alleen wat nodig is; bewaard tot een jaar na afloop.",
        "profilering": "nee",
        "geautomatiseerd": "nee",
        "stelselmatig": "nee",
        "grootschalig": "ja",
        "koppelen": "nee",
        "kwetsbaar": "nee",
        "nieuwe-technologie": "nee",
        "conclusie": "geen-dpia-nodig",
    },
    "iama": {
        **dict.fromkeys(
            [
                "aanleiding",
                "doelen",
                "publieke-waarden",
                "grondslag",
                "betrokkenen",
                "bronnen",
                "bias-in-data",
                "beveiliging",
                "keuze-type",
                "eigenaarschap",
                "accuraatheid",
                "bias-maatregelen",
                "uitlegbaarheid",
                "besluiten",
                "rol-mens",
                "effecten",
                "procedures",
                "context",
                "communicatie",
                "evaluatie",
                "ernst",
                "onderbouwing",
                "mitigatie",
            ],
            "Besproken in de IAMA-sessie met eigenaar, jurist, privacy officer en VTH.",
        ),
        "soort-algoritme": "regels",
        "grondrechten": ["gelijke-behandeling", "privacy"],
        "legitiem-doel": "ja",
        "geschiktheid": "ja",
        "noodzaak": "nodig",
        "evenwicht": "ja",
        "conclusie": "inzetten-met-maatregelen",
    },
    "bias-algoritmekader": {
        "beschermde-kenmerken": "nee",
        "kwetsbare-groepen": (
            "Ondernemers met een migratieachtergrond; bedrijven in Overvecht, Zuidwest en "
            "Noordwest."
        ),
        "proxies": "De wijk hangt samen met afkomst van de eigenaar.",
        "maat": ["selectie", "fouten"],
        "groepsgegevens": ["bestand", "cbs"],
        "uitkomst-analyse": "verschil",
        "oorzaak": ["historisch", "representatie"],
        "toelichting-analyse": (
            "De bias-audit in Gelijk: de selectiekans in Overvecht, Zuidwest en Noordwest is "
            "ruim 2,5 keer die in de Binnenstad, bij gelijke overtredingskans. Voor eigenaren "
            "van buiten de EU is de verhouding ongeveer 1,5."
        ),
        "legitiem-doel": "Toezicht op de Alcoholwet en de openbare orde.",
        "geschikt": "ja",
        "noodzakelijk": "nee",
        "evenredig": "nee",
        "uitlegbaar": "ja",
        "oordeel-rechtvaardiging": "niet-gerechtvaardigd",
        "belanghebbenden": (
            "Koninklijke Horeca Nederland afdeling Utrecht, Art.1 Midden Nederland."
        ),
        "wenselijk": "nee",
        "steekproef": "ja",
        "protocol": "ja",
        "conclusie": "niet-inzetten",
    },
}
OVERRIDES = {
    (HORECA, "uthiek"): {
        "rol": "selecteert",
        "rechtvaardigheid": "onder-druk",
        "rechtvaardigheid-toelichting": (
            "De bias-audit vond dat bedrijven in drie wijken veel vaker worden geselecteerd."
        ),
        "maatregelen": "Wijk uit het model, aselecte steekproef, halfjaarlijkse bias-audit.",
    },
    (HORECA, "privacy-prescan"): {
        "profilering": "ja",
        "conclusie": "dpia-uitgevoerd",
        "dpia-verwijzing": "DPIA risicoselectie horeca, 2024.",
    },
}
SUMMARIES = {
    "uthiek": (
        "De Uthiek-toets is gedaan met de eigenaar en betrokken medewerkers. Het algoritme dient "
        "veiligheid; privacy staat onder druk en daarom gebruikt de gemeente zo min mogelijk "
        "gegevens."
    ),
    "privacy-prescan": (
        "De privacy officer heeft de verwerking bekeken. Er worden geen bijzondere "
        "persoonsgegevens gebruikt en een volledige DPIA is niet nodig."
    ),
    "iama": (
        "Het IAMA is in een sessie met eigenaar, jurist, privacy officer en VTH doorlopen. Het "
        "algoritme raakt gelijke behandeling; daarom zijn maatregelen afgesproken."
    ),
    "bias-algoritmekader": (
        "De biastoets vond dat het model bedrijven in drie wijken veel vaker selecteert, zonder "
        "dat daar meer overtredingen zijn. Dat onderscheid is niet gerechtvaardigd. Het model in "
        "deze vorm wordt niet meer gebruikt; de wijk gaat eruit en er komt een aselecte "
        "steekproef."
    ),
}

PILOT = [
    {
        "slug": "toezicht-openbare-ruimte",
        "name": "Toezicht openbare ruimte",
        "team": "thor",
        "description": "Boa's van THOR houden toezicht op straat, in parken en op pleinen.",
        "instruments": [
            ("Surveillance op straat", "toezicht", None),
            ("Staandehouding en identiteitscontrole", "toezicht", None),
            ("Waarschuwing", "sanctie", None),
            ("Bestuurlijke strafbeschikking", "sanctie", None),
        ],
        "uthiek": "concept",
    },
    {
        "slug": "horecacontroles",
        "name": "Horecacontroles",
        "team": "thbo",
        "description": (
            "THBO controleert horecabedrijven op vergunningen, sluitingstijden en de Alcoholwet."
        ),
        "instruments": [
            ("Risicogestuurde selectie van controles", "selectie", HORECA),
            ("Integrale controle met politie en brandweer", "toezicht", None),
            ("Last onder dwangsom", "sanctie", None),
        ],
        "uthiek": "signed",
    },
    {
        "slug": "afvalhandhaving",
        "name": "Afvalhandhaving",
        "team": "thor",
        "description": "Handhaving op afval naast containers en verkeerd aangeboden afval.",
        "instruments": [
            ("Onderzoek in afvalzakken naar de eigenaar", "toezicht", None),
            ("Prioritering van straten", "selectie", "prioritering-afvalhandhaving"),
            ("Bestuurlijke strafbeschikking afval", "sanctie", None),
        ],
        "uthiek": None,
    },
    {
        "slug": "cameratoezicht",
        "name": "Cameratoezicht",
        "team": "thor",
        "description": "Cameratoezicht in de binnenstad en bij evenementen.",
        "instruments": [
            ("Cameratoezicht openbare ruimte", "techniek", None),
            ("Drukte meten met camerabeelden", "techniek", "drukte-detectie-camerabeelden"),
        ],
        "uthiek": None,
    },
    {
        "slug": "risicogestuurde-selectie-van-controles",
        "name": "Risicogestuurde selectie van controles",
        "team": None,
        "description": "Hoe VTH kiest welke adressen en bedrijven een controle krijgen.",
        "instruments": [
            ("Risicoscore per bedrijf", "selectie", HORECA),
            ("Aselecte steekproef naast de risicoselectie", "selectie", None),
        ],
        "uthiek": None,
    },
]


def _users() -> dict:
    User = get_user_model()
    names = ("algoritme-eigenaar", "privacy", "auditor", "beheerder", "analist")
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise RuntimeError(f"demo users missing ({', '.join(missing)}); load the core demo first")
    return found


def _answers(key: str, name: str) -> dict:
    return {
        q: (v.replace("{name}", name) if isinstance(v, str) else v) for q, v in ANSWERS[key].items()
    }


def _signed(template, subject, name, users, answers=None) -> Assessment:
    owner, privacy, auditor = users["algoritme-eigenaar"], users["privacy"], users["auditor"]
    a = assessments.assessment_create(user=owner, template=template, subject=subject)
    assessments.assessment_answers_save(
        a, user=owner, answers=answers or _answers(template.key, name)
    )
    assessments.assessment_reviewers_set(a, user=owner, reviewers=[privacy, auditor])
    assessments.assessment_transition(a, user=owner, action="submit")
    slug = subject.slug if isinstance(subject, Algorithm) else ""
    link = f"https://gelijk.utrecht.example/algoritmeregister/{slug}/toetsen/" if slug else ""
    return assessments.assessment_transition(
        a,
        user=auditor,
        action="sign",
        public_summary=SUMMARIES.get(template.key, SUMMARIES["uthiek"]),
        public_link=link,
    )


def _csv(frame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def _horeca_audits(algorithm, users, seed, bias_assessment) -> int:
    analyst = users["analist"]
    frame = demo_data.horeca_selection(seed=seed)
    full = audits.dataset_upload(
        algorithm,
        user=analyst,
        name="horeca-selectie-2025.csv",
        data=_csv(frame),
        description="Alle horecabedrijven met hun risicoscore en of er een overtreding was (2025).",
    )
    metrics = audits.audit_create(
        full,
        user=analyst,
        kind="metrics",
        title="Selectie horecacontroles 2025: groepsmaten",
        params={
            "label": "overtreding",
            "prediction": "geselecteerd",
            "score": "",
            "threshold": None,
            "groups": ["wijk", "nationaliteit_eigenaar"],
            "reference": {"wijk": "Binnenstad", "nationaliteit_eigenaar": "Nederlands"},
            "random_sample": "",
            "intersections": False,
        },
        assessment=bias_assessment,
    )
    audits.audit_run(metrics.pk)
    negatives = frame[frame["overtreding"] == 0].reset_index(drop=True)
    scan_data = audits.dataset_upload(
        algorithm,
        user=analyst,
        name="horeca-zonder-overtreding-2025.csv",
        data=_csv(negatives),
        description=(
            "Alleen bedrijven zonder overtreding: wie toch werd geselecteerd, is onterecht "
            "geselecteerd."
        ),
    )
    scan = audits.audit_create(
        scan_data,
        user=analyst,
        kind="scan",
        title="Onterecht geselecteerd: biasscan zonder groepskenmerk",
        params={
            "bias": "geselecteerd",
            "higher_is_better": False,
            "features": ["branche", "omvang", "eerdere_overtredingen", "wijk"],
            "categorical": ["eerdere_overtredingen"],
            "protected": ["nationaliteit_eigenaar"],
            "seed": seed,
        },
        assessment=bias_assessment,
    )
    audits.audit_run(scan.pk)
    return 2


def _publish(algorithm, users) -> None:
    register.publication_transition(algorithm, user=users["algoritme-eigenaar"], action="release")
    register.publication_transition(algorithm, user=users["privacy"], action="publish")


@demo.register("algorithms", order=30)
def seed(seed: int) -> dict:
    assessments.assessment_templates_sync()
    users = _users()
    templates = {t.key: t for t in AssessmentTemplate.objects.filter(is_current=True)}
    department = Department.objects.filter(code="vth").first()
    created = signed = runs = 0
    for spec in ALGORITHMS:
        if Algorithm.objects.filter(slug=spec["slug"]).exists():
            continue
        with transaction.atomic():
            version = register.algorithm_create(
                user=users["algoritme-eigenaar"],
                record=spec["record"],
                origin=register.Origin.DEMO,
                note="Demonstratiegegevens.",
                slug=spec["slug"],
                owner=users["algoritme-eigenaar"],
                department=department,
            )
            algorithm = version.algorithm
            created += 1
            done = {}
            for key in spec["assess"]:
                answers = {**_answers(key, version.name), **OVERRIDES.get((spec["slug"], key), {})}
                done[key] = _signed(templates[key], algorithm, version.name, users, answers)
                signed += 1
            if spec["slug"] == HORECA:
                runs += _horeca_audits(algorithm, users, seed, done.get("bias-algoritmekader"))
                # After the audit the model is taken out of use in this form: the register says so.
                algorithm.refresh_from_db()
                record = dict(
                    algorithm.latest_version.record, status="Buiten gebruik", end_date="2026-06"
                )
                register.algorithm_version_save(
                    algorithm,
                    user=users["algoritme-eigenaar"],
                    record=record,
                    origin=register.Origin.DEMO,
                    note="Na de biastoets: model in deze vorm buiten gebruik.",
                )
            if spec["state"] in ("published", "released"):
                algorithm.refresh_from_db()
                if spec["state"] == "published":
                    _publish(algorithm, users)
                else:
                    register.publication_transition(
                        algorithm, user=users["algoritme-eigenaar"], action="release"
                    )
            if spec.get("backdate"):
                # Show an assessment due for its yearly renewal: signed 13 months ago.
                past = timezone.now() - timedelta(days=396)
                Assessment.objects.filter(
                    algorithm=algorithm, template__key=spec["backdate"]
                ).update(signed_at=past, submitted_at=past, created_at=past)
    processes = _pilot(users, templates)
    return {
        "algorithms": created,
        "signed_assessments": signed,
        "audits": runs,
        "processes": processes,
    }


def _pilot(users, templates) -> int:
    added = 0
    for position, spec in enumerate(PILOT, start=1):
        if EnforcementProcess.objects.filter(slug=spec["slug"]).exists():
            continue
        with transaction.atomic():
            process = pilot.process_save(
                user=users["privacy"],
                name=spec["name"],
                description=spec["description"],
                department=Department.objects.filter(code="vth").first(),
                team=Team.objects.filter(code=spec["team"]).first() if spec["team"] else None,
                position=position,
            )
            for i, (name, kind, algorithm_slug) in enumerate(spec["instruments"], start=1):
                pilot.instrument_save(
                    user=users["privacy"],
                    process=process,
                    name=name,
                    kind=kind,
                    algorithm=Algorithm.objects.filter(slug=algorithm_slug).first()
                    if algorithm_slug
                    else None,
                    position=i,
                )
            if spec["uthiek"] == "signed":
                _signed(templates["uthiek"], process, process.name, users)
            elif spec["uthiek"] == "concept":
                a = assessments.assessment_create(
                    user=users["algoritme-eigenaar"], template=templates["uthiek"], subject=process
                )
                partial = {
                    k: v
                    for k, v in _answers("uthiek", process.name).items()
                    if k in ("doel", "betrokkenen", "rol")
                }
                assessments.assessment_answers_save(
                    a, user=users["algoritme-eigenaar"], answers=partial
                )
            added += 1
    return added
