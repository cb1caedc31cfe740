"""E-mails to residents and handlers. Residents get notices without the content of the case:
e-mail is not a safe place for special-category data; the content is on the status page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from gelijk.reporting import texts

log = logging.getLogger("gelijk.reporting")


def _status_url() -> str:
    return settings.GELIJK_PUBLIC_BASE_URL.rstrip("/") + reverse("reporting:status")


def _send(subject: str, body: str, to: list[str]) -> bool:
    try:
        send_mail(subject, body, None, to, fail_silently=False)
    except OSError:  # an unreachable mail server must not undo the case
        log.exception("e-mail could not be sent")
        return False
    return True


def receipt(case, email: str) -> bool:
    body = "\n\n".join(
        [
            texts.receipt_text(case),
            _(
                "Op %(url)s ziet u hoe het met uw melding gaat. U heeft daarvoor uw kenmerk en "
                "de geheime code nodig die u na het versturen zag. Om uw privacy te beschermen "
                "staat die code niet in deze e-mail."
            )
            % {"url": _status_url()},
            settings.GELIJK_ORGANISATION_NAME,
        ]
    )
    return _send(_("Ontvangstbevestiging melding %(ref)s") % {"ref": case.reference}, body, [email])


def new_message(case, email: str) -> bool:
    body = "\n\n".join(
        [
            _("Er is een nieuw bericht over uw melding %(ref)s.") % {"ref": case.reference},
            _(
                "U leest het op %(url)s met uw kenmerk en geheime code. Om uw privacy te "
                "beschermen staat het bericht niet in deze e-mail."
            )
            % {"url": _status_url()},
            settings.GELIJK_ORGANISATION_NAME,
        ]
    )
    return _send(_("Nieuw bericht over melding %(ref)s") % {"ref": case.reference}, body, [email])


def reminder(user, overdue: list, due_soon: list) -> bool:
    lines = [_("Overzicht van uw meldingen en klachten met een termijn:"), ""]
    for title, cases in ((_("Termijn verlopen"), overdue), (_("Termijn bijna verlopen"), due_soon)):
        if cases:
            lines.append(f"{title}:")
            lines += [
                f"  - {c.reference} ({c.get_kind_display()}): "
                f"{formats.date_format(c.due_at, 'j F Y')}"
                for c in cases
            ]
            lines.append("")
    lines.append(settings.GELIJK_PUBLIC_BASE_URL.rstrip("/") + reverse("reporting:deadlines"))
    return _send(
        _("Herinnering: %(n)s zaken met een termijn") % {"n": len(overdue) + len(due_soon)},
        "\n".join(lines),
        [user.email],
    )


__all__ = ["new_message", "receipt", "reminder", "texts"]
