"""Yearly re-assessment: a daily job finds signed assessments older than their framework's
``renew_after_months`` (12 by default) and e-mails the owner once per due date.

Only the newest signed assessment per subject and framework counts, and none is reminded when
a newer assessment of that framework (a re-assessment in progress) already exists.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gelijk.algorithms.models import Assessment, ReassessmentReminder
from gelijk.algorithms.services.register import add_months
from gelijk.core import audit


def _subject_key(a: Assessment) -> tuple:
    return (a.algorithm_id, a.process_id, a.instrument_id, a.template.key)


def due_date(assessment: Assessment) -> datetime:
    return add_months(assessment.signed_at, assessment.template.framework.renew_after_months)


def reassessment_due(now: datetime | None = None) -> list[tuple[Assessment, datetime]]:
    now = now or timezone.now()
    rows = Assessment.objects.select_related(
        "template", "algorithm", "process", "instrument", "created_by"
    ).order_by("created_at", "pk")
    newest: dict[tuple, Assessment] = {}
    newest_signed: dict[tuple, Assessment] = {}
    for a in rows:
        key = _subject_key(a)
        newest[key] = a
        if a.status == Assessment.Status.SIGNED:
            newest_signed[key] = a
    due = []
    for key, signed in newest_signed.items():
        if newest[key].pk != signed.pk:
            continue  # a re-assessment has been started
        when = due_date(signed)
        # Due on the calendar day: the morning job reminds on the anniversary itself.
        if timezone.localtime(when).date() <= timezone.localtime(now).date():
            due.append((signed, when))
    return due


def recipients(assessment: Assessment) -> list:
    people = []
    owner = assessment.algorithm.owner if assessment.algorithm_id else None
    for person in (owner, assessment.created_by):
        if person is not None and person.is_active and person.email and person not in people:
            people.append(person)
    return people


def reassessment_reminders_send(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    sent = 0
    due = reassessment_due(now)
    for assessment, when in due:
        people = recipients(assessment)
        try:
            with transaction.atomic():
                ReassessmentReminder.objects.create(
                    assessment=assessment,
                    due_on=timezone.localtime(when).date(),
                    recipients=[p.get_username() for p in people],
                )
                audit.record(
                    audit.Action.CREATE,
                    object_type="algorithms.ReassessmentReminder",
                    object_id=assessment.pk,
                    detail={
                        "due_on": timezone.localtime(when).date().isoformat(),
                        "recipients": [p.get_username() for p in people],
                    },
                )
        except IntegrityError:
            continue  # reminded for this due date already
        if people:
            link = settings.GELIJK_PUBLIC_BASE_URL.rstrip("/") + reverse(
                "algorithms:assessment-detail", args=[assessment.pk]
            )
            fw = assessment.template.framework
            send_mail(
                _("Herbeoordeling nodig: %(title)s voor %(subject)s")
                % {"title": fw.title, "subject": assessment.subject},
                _(
                    "Goedemorgen,\n\nDe %(title)s voor ‘%(subject)s’ is ondertekend op %(signed)s. "
                    "Deze toets moet elke %(months)s maanden opnieuw. Begin een nieuwe toets op "
                    "basis van de vorige:\n\n%(link)s\n\nZolang er geen nieuwe ondertekende toets "
                    "is, kan een nieuwe versie van het algoritme niet worden gepubliceerd.\n\n"
                    "Met vriendelijke groet,\nGelijk"
                )
                % {
                    "title": fw.title,
                    "subject": assessment.subject,
                    "signed": timezone.localtime(assessment.signed_at).strftime("%d-%m-%Y"),
                    "months": fw.renew_after_months,
                    "link": link,
                },
                None,
                [p.email for p in people],
            )
            sent += 1
    return {"due": len(due), "sent": sent}
