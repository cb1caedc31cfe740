"""Demo data: a realistic spread of meldingen and complaints in every state (seeded,
idempotent: each demo case has a fixed submission key, so a second run adds nothing)."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from gelijk.core import demo

N_CASES = 90
NAMESPACE = uuid.UUID("6f1c1d52-6a3e-4c61-9a57-3c0f1f0b6c21")

STORIES = [
    "Ik fietste door het park en werd als enige van een groep staande gehouden. De boa vroeg "
    "waar ik vandaan kwam. Mijn vrienden, die wit zijn, hoefden niets te laten zien.",
    "Bij de ingang van het winkelcentrum moest ik mijn ID laten zien. Toen ik vroeg waarom, "
    "zei de handhaver dat ik 'er verdacht uitzag'. Ik droeg een hoofddoek.",
    "We zaten met vijf jongens op een bankje. De handhavers zeiden dat we moesten weggaan, "
    "maar een groep oudere mensen verderop mocht blijven zitten.",
    "Ik kreeg een boete voor fietsen in het voetgangersgebied. Dat klopt, maar de handhaver "
    "sprak mij aan in gebroken Nederlands alsof ik de taal niet sprak.",
    "Tijdens een controle op de markt werden alleen de kramen van mensen met een "
    "migratieachtergrond gecontroleerd. Ik stond er een uur en heb het gezien.",
    "Mijn zoon van 15 werd gefouilleerd zonder uitleg. Hij was op weg naar school.",
    "De handhaver was onbeleefd en maakte een opmerking over mijn geloof.",
    "Ik werd gevraagd om mijn tas te openen terwijl andere mensen gewoon door konden lopen.",
]
SERVICES = ["thor"] * 6 + ["thbo"] * 2 + ["other"]
CHANNELS = ["web"] * 7 + ["phone", "letter", "desk", "art1", "police", "ombudsman"]
COMPLAINT_PATHS = [
    ["acknowledged"],
    ["acknowledged", "in_treatment"],
    ["acknowledged", "in_treatment", "subject_informed"],
    ["acknowledged", "in_treatment", "subject_informed", "hearing"],
    ["acknowledged", "in_treatment", "subject_informed", "hearing", "hearing_report"],
    [
        "acknowledged",
        "in_treatment",
        "subject_informed",
        "hearing",
        "hearing_report",
        "decision",
        "closed",
    ],
    [
        "acknowledged",
        "in_treatment",
        "subject_informed",
        "hearing",
        "hearing_report",
        "decision",
        "closed",
    ],
    ["acknowledged", "in_treatment", "informal_resolution", "closed"],
    ["acknowledged", "in_treatment", "informal_resolution"],
    ["acknowledged", "not_handled", "closed"],
    ["acknowledged", "not_handled"],
    ["acknowledged", "in_treatment", "subject_informed", "decision"],
    ["acknowledged", "in_treatment", "subject_informed", "decision", "closed"],
]
MELDING_PATHS = [
    [],
    ["in_treatment"],
    ["in_treatment", "followed_up"],
    ["in_treatment", "followed_up", "closed"],
]


@demo.register("reporting", order=20)
def seed(seed: int) -> dict:
    from django.contrib.auth import get_user_model

    from gelijk.core.models import District
    from gelijk.core.roles import sync_roles
    from gelijk.reporting.choices import ContactKind, Ground, Kind, Theme
    from gelijk.reporting.models import Case
    from gelijk.reporting.services import cases as svc

    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    sync_roles()  # the demo handler acts through the access layer: its role must be in force
    handler = get_user_model().objects.filter(username="klachtbehandelaar").first()
    districts = list(District.objects.all())
    now = timezone.now()
    created = 0
    for i in range(N_CASES):
        key = uuid.uuid5(NAMESPACE, f"{seed}-{i}")
        # Draw every random number for this case before the idempotency check, so a case
        # gets the same values whichever cases already exist.
        days_ago = rng.randint(1, 420)
        story = rng.choice(STORIES)
        service = rng.choice(SERVICES)
        channel = rng.choice(CHANNELS)
        complaint = rng.random() < 0.45
        path = rng.choice(COMPLAINT_PATHS if complaint else MELDING_PATHS)
        contact = rng.random() < 0.6
        grounds = rng.sample([g.value for g in Ground], rng.choice([0, 1, 1, 2]))
        kinds = rng.sample([c.value for c in ContactKind], rng.choice([1, 1, 2]))
        themes = rng.sample([t.value for t in Theme], rng.choice([1, 2]))
        district = rng.choice(districts) if districts and rng.random() < 0.85 else None
        extend = rng.random() < 0.25
        committee = rng.random() < 0.1
        step_days = [rng.randint(1, 9) for _ in range(8)]
        outcome = rng.choice(["founded", "partly", "unfounded", "unfounded", "no_judgement"])
        # The first cases walk every path once, long enough ago to reach its end.
        if i < len(COMPLAINT_PATHS):
            complaint, path, days_ago, contact = True, COMPLAINT_PATHS[i], 150 + 7 * i, True
        elif i < len(COMPLAINT_PATHS) + len(MELDING_PATHS):
            complaint, path, days_ago = False, MELDING_PATHS[i - len(COMPLAINT_PATHS)], 120
        if Case.objects.filter(submission_key=key).exists():
            continue
        received = now - timedelta(days=days_ago, hours=rng.randint(0, 10))
        sub = svc.Submission(
            description=story,
            occurred_on=(received - timedelta(days=rng.randint(0, 5))).date(),
            service=service,
            district=district,
            location="",
            contact_kinds=kinds,
            grounds=grounds,
            name="Demo Melder" if contact else "",
            email=f"melder{i}@example.invalid" if contact else "",
            consents={"contact": contact, "art1": rng.random() < 0.5, "sensitive": bool(grounds)},
            requested_complaint=complaint and contact,
        )
        result = svc.case_submit(
            sub, submission_key=key, channel=channel, at=received, notify_reporter=False
        )
        created += 1
        if handler is None:
            continue
        case = result.case
        at = received + timedelta(hours=20)
        svc.case_assign(case, handler, handler, at=at)
        if complaint:
            svc.case_classify(
                case,
                handler,
                kind=Kind.COMPLAINT,
                department_code=case.department_code,
                advisory_committee=committee,
                at=at,
            )
        svc.case_tag(case, handler, team=case.team_code, district=district, themes=themes, at=at)
        for n, target in enumerate(path):
            at = at + timedelta(days=step_days[n % len(step_days)])
            if at >= now:
                break
            if target == "hearing" and extend:
                svc.case_extend_deadline(
                    case,
                    handler,
                    weeks=4,
                    notice="De hoorzitting kan pas over een paar weken plaatsvinden.",
                    at=at,
                    notify_reporter=False,
                )
            if target == "closed" and not complaint and contact:
                svc.case_message_send(
                    case,
                    handler,
                    "Bedankt voor uw melding. We hebben haar besproken met het team en gebruiken "
                    "haar in de training over bejegening.",
                    at=at,
                    notify_reporter=False,
                )
            svc.case_transition(
                case,
                target,
                handler,
                text="Besproken met de melder en het team; afspraken vastgelegd.",
                reasons=(
                    "Wij hebben de melder en de handhaver gehoord en de beelden bekeken. De "
                    "controle had geen duidelijke aanleiding en de uitleg schoot tekort."
                ),
                outcome=outcome,
                not_handled_ground="9:8-1b",
                # Skipping the hearing as manifestly unfounded fits only that decision.
                hearing_waived="unfounded" if outcome == "unfounded" else "waived",
                resident_satisfied=True,
                at=at,
                notify_reporter=False,
            )
    return {"cases": Case.objects.count(), "created": created}
