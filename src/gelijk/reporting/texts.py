"""Texts with legal weight: consent texts (versioned, recorded with each consent exactly as
shown), the Awb 9:6 acknowledgement, the 9:12 ombudsman paragraph, and referrals.
Change a consent text only together with its version."""

from __future__ import annotations

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gelijk.reporting.choices import ConsentKind

CONSENT_VERSION = "2026-1"

CONSENT_TEXTS = {
    ConsentKind.CONTACT: gettext_lazy(
        "Ja, de gemeente mag contact met mij opnemen over mijn melding, met de gegevens die ik "
        "hieronder invul."
    ),
    ConsentKind.ART1: gettext_lazy(
        "Ja, de gemeente mag mijn melding doorsturen naar Art.1 Midden-Nederland, het "
        "onafhankelijke bureau tegen discriminatie. Zij tellen de melding mee in de landelijke "
        "cijfers en kunnen mij helpen. Mijn contactgegevens sturen ze alleen mee als ik ook "
        "toestemming geef voor contact."
    ),
    ConsentKind.SENSITIVE: gettext_lazy(
        "Ja, de gemeente mag de gevoelige gegevens in mijn melding gebruiken om mijn melding te "
        "behandelen, zoals mijn afkomst, geloof of andere redenen waarom ik denk dat ik anders "
        "werd behandeld."
    ),
}

NATIONAL_OMBUDSMAN_URL = "https://www.nationaleombudsman.nl"
ART1_URL = "https://www.art1mn.nl"


def police_url() -> str:
    return settings.GELIJK_REPORTING_POLICE_COMPLAINTS_URL


def ombudsman_paragraph() -> str:
    """Awb 9:12 lid 2: the decision names the ombudsman and the term for going there."""
    return _(
        "Bent u het niet eens met hoe wij uw klacht hebben behandeld? Dan kunt u binnen een "
        "jaar na deze brief een klacht indienen bij de Nationale ombudsman. Dat is gratis. "
        "Kijk op %(url)s of bel 0800 33 55 555."
    ) % {"url": NATIONAL_OMBUDSMAN_URL}


def receipt_text(case) -> str:
    """The receipt shown after submitting and sent by e-mail (Awb 9:6)."""
    received = formats.date_format(case.received_at, "j F Y")
    return _(
        "Wij hebben uw melding ontvangen op %(date)s. Uw kenmerk is %(ref)s. Een "
        "onafhankelijke klachtbehandelaar leest uw melding. Deze persoon werkt niet bij de "
        "afdeling waar uw melding over gaat. Wij doen altijd iets met uw melding. Wilt u een "
        "formele klacht indienen? Dan behandelen we die volgens hoofdstuk 9 van de Algemene "
        "wet bestuursrecht, en u hoort binnen zes weken van ons."
    ) % {"date": received, "ref": case.reference}


def acknowledgement_letter(case) -> str:
    """Awb 9:6: written acknowledgement of a complaint."""
    return _(
        "Bevestiging van ontvangst. Wij hebben uw klacht ontvangen op %(date)s (kenmerk "
        "%(ref)s). Een onafhankelijke klachtbehandelaar behandelt uw klacht. Deze persoon "
        "was niet betrokken bij wat er gebeurde (artikel 9:7 Awb). Meestal nodigen we u en de "
        "medewerker uit om uw kant van het verhaal te vertellen (artikel 9:10 Awb). U krijgt "
        "uiterlijk op %(due)s een schriftelijke beslissing (artikel 9:11 Awb). Lukt dat niet, "
        "dan laten we het u voor die datum weten."
    ) % {
        "date": formats.date_format(case.term_start, "j F Y"),
        "ref": case.reference,
        "due": formats.date_format(case.due_at, "j F Y"),
    }


def decision_letter(case, outcome_label: str, reasons: str) -> str:
    return "\n\n".join(
        [
            _("Beslissing over uw klacht (kenmerk %(ref)s). Ons oordeel: %(outcome)s.")
            % {"ref": case.reference, "outcome": outcome_label},
            reasons.strip(),
            ombudsman_paragraph(),
        ]
    )


def not_handled_letter(case, ground_label: str, explanation: str) -> str:
    return "\n\n".join(
        [
            _("Wij nemen uw klacht (kenmerk %(ref)s) niet in behandeling. De reden: %(ground)s.")
            % {"ref": case.reference, "ground": ground_label},
            explanation.strip(),
            _(
                "Wij doen wel iets met uw melding: wij gebruiken haar om van te leren. Bent u het "
                "hier niet mee eens? Dan kunt u terecht bij de Nationale ombudsman: %(url)s."
            )
            % {"url": NATIONAL_OMBUDSMAN_URL},
        ]
    )


def extension_letter(case, weeks: int, new_due, notice: str) -> str:
    return "\n\n".join(
        [
            _(
                "Wij hebben meer tijd nodig voor uw klacht (kenmerk %(ref)s). Wij stellen de "
                "beslissing %(weeks)s weken uit (artikel 9:11 lid 2 Awb). U krijgt uiterlijk op "
                "%(due)s onze beslissing."
            )
            % {
                "ref": case.reference,
                "weeks": weeks,
                "due": formats.date_format(new_due, "j F Y"),
            },
            notice.strip(),
        ]
    )
