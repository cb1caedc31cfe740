"""Code lists of the reporting app. Codes are stable (stored, exported, mapped to Art.1's
registration dimensions); labels are Dutch B1 and translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MELDING = "melding", _("Melding")
    COMPLAINT = "complaint", _("Klacht")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API")
    PHONE = "phone", _("Telefoon")
    LETTER = "letter", _("Brief")
    EMAIL = "email", _("E-mail")
    DESK = "desk", _("Balie")
    ART1 = "art1", _("Doorverwezen door Art.1 Midden-Nederland")
    POLICE = "police", _("Doorverwezen uit de klachtprocedure van de politie")
    OMBUDSMAN = "ombudsman", _("Doorverwezen door de Nationale ombudsman")


class Service(models.TextChoices):
    THOR = "thor", _("Handhaving in de openbare ruimte (THOR), bijvoorbeeld boa's op straat")
    THBO = "thbo", _("Handhaving bij bijzondere objecten (THBO), bijvoorbeeld bij bouw of horeca")
    OTHER = "other", _("Een andere dienst van de gemeente")


# The public form also offers the police, only to refer the resident to the police's own
# complaints procedure: the municipality does not handle complaints about the police.
POLICE = "politie"

# Service reported → (department code, team code) concerned. "other" is unknown: such a case
# is not hidden from any department, and intake can record the department once known.
SERVICE_DEPARTMENT = {
    Service.THOR: ("vth", "thor"),
    Service.THBO: ("vth", "thbo"),
    Service.OTHER: ("", ""),
}


class ContactKind(models.TextChoices):
    STOPPED = "stopped", _("Ik werd staande gehouden of gecontroleerd")
    ID = "id", _("Ik moest mijn identiteitsbewijs laten zien")
    SEARCHED = "searched", _("Ik of mijn spullen werden gefouilleerd of doorzocht")
    FINED = "fined", _("Ik kreeg een boete of waarschuwing")
    SPOKEN = "spoken", _("Ik werd aangesproken")
    OTHER = "other", _("Iets anders")


class Ground(models.TextChoices):
    """The grounds of art. 1 Grondwet / AWGB art. 1 a resident can name (perceived)."""

    ORIGIN = "origin", _("Afkomst, huidskleur of ‘ras’")
    RELIGION = "religion", _("Geloof of levensovertuiging")
    NATIONALITY = "nationality", _("Nationaliteit")
    SEX = "sex", _("Geslacht of genderidentiteit")
    ORIENTATION = "orientation", _("Seksuele oriëntatie")
    DISABILITY = "disability", _("Handicap of chronische ziekte")
    AGE = "age", _("Leeftijd")
    OTHER = "other", _("Iets anders")


class Theme(models.TextChoices):
    """Learning-signal themes a handler tags a case with (for monitor and trainings)."""

    SELECTION = "selection", _("Selectie voor controle")
    ID_CHECK = "id_check", _("Identiteitscontrole")
    SEARCH = "search", _("Fouillering of doorzoeking")
    FINE = "fine", _("Boete of proces-verbaal")
    CONDUCT = "conduct", _("Bejegening en toon")
    LANGUAGE = "language", _("Taalgebruik")
    FORCE = "force", _("Fysiek optreden")
    COMMUNICATION = "communication", _("Uitleg en communicatie")
    OTHER = "other", _("Overig")


class Outcome(models.TextChoices):
    FOUNDED = "founded", _("Gegrond")
    PARTLY = "partly", _("Deels gegrond")
    UNFOUNDED = "unfounded", _("Ongegrond")
    NO_JUDGEMENT = "no_judgement", _("Geen oordeel")
    INFORMAL = "informal", _("Informeel opgelost")
    NOT_HANDLED = "not_handled", _("Niet in behandeling genomen (art. 9:8 Awb)")
    FOLLOWED_UP = "followed_up", _("Opgevolgd (melding)")


# The judgements a decision on a complaint (Awb 9:12) can give; the other outcomes are set
# by their own steps (informal resolution, not handled, a melding's follow-up).
DECISION_OUTCOMES = (Outcome.FOUNDED, Outcome.PARTLY, Outcome.UNFOUNDED, Outcome.NO_JUDGEMENT)


class NotHandledGround(models.TextChoices):
    """Awb 9:8: grounds on which a body need not handle a complaint."""

    HANDLED_BEFORE = "9:8-1a", _("Over dezelfde gedraging is al een klacht behandeld (9:8 lid 1a)")
    OLDER_THAN_YEAR = "9:8-1b", _("De gedraging was meer dan een jaar geleden (9:8 lid 1b)")
    OBJECTION_OPEN = "9:8-1c", _("Bezwaar of beroep stond of staat open (9:8 lid 1c)")
    CRIMINAL = (
        "9:8-1d",
        _("De gedraging is of was onderwerp van een rechtszaak of strafzaak (9:8 lid 1d-f)"),
    )
    INSUFFICIENT = "9:8-2", _("Het belang of gewicht is kennelijk onvoldoende (9:8 lid 2)")


class ConsentKind(models.TextChoices):
    CONTACT = "contact", _("Contact opnemen")
    ART1 = "art1", _("Doorsturen naar Art.1 Midden-Nederland")
    SENSITIVE = "sensitive", _("Gevoelige gegevens verwerken")


class EventKind(models.TextChoices):
    STATUS = "status", _("Status")
    CLASSIFIED = "classified", _("Intake")
    TAGGED = "tagged", _("Leersignalen")
    ASSIGNED = "assigned", _("Toegewezen")
    MESSAGE_OUT = "message_out", _("Bericht aan melder")
    MESSAGE_IN = "message_in", _("Aanvulling van melder")
    NOTE = "note", _("Interne notitie")
    EXTENSION = "extension", _("Termijn verdaagd")
    HANDOFF = "handoff", _("Doorgestuurd naar Art.1 MN")
    ATTACHMENT = "attachment", _("Bijlage")
    ANONYMISED = "anonymised", _("Contactgegevens geanonimiseerd")


class HearingWaived(models.TextChoices):
    """Awb 9:10 lid 2: when hearing the parties may be skipped."""

    UNFOUNDED = "unfounded", _("De klacht is kennelijk ongegrond")
    WAIVED = "waived", _("De melder wil niet gehoord worden")
    NO_RESPONSE = (
        "no_response",
        _("De melder reageerde niet op de uitnodiging om gehoord te worden"),
    )
