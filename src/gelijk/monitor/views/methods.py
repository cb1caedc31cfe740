"""Method pages: each test in plain Dutch, its assumptions and its caveats (the maths with
sources is in docs/methods/monitor.md)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gelijk.core.views.base import staff_required
from gelijk.monitor import policies
from gelijk.monitor.views.common import SECTIONS

PAGES = (
    ("werkwijze", _("Hoe de monitor werkt")),
    ("acties-per-inwoner", _("Acties per inwoner en de kaart")),
    ("vervolg", _("Wat volgt op een actie")),
    ("uitkomstentoets", _("De uitkomstentoets (vondstpercentage)")),
    ("licht-en-donker", _("Licht en donker (veil of darkness)")),
    ("poissonmodel", _("Het Poissonmodel per wijk")),
    ("teams-en-handhavers", _("Vergelijking met collega's (teams en handhavers)")),
    ("drempeltoets", _("De drempeltoets")),
    ("bias-scan", _("De bias scan zonder groepskenmerk")),
    ("enquete", _("De ervaringsenquête")),
    ("kanttekeningen", _("Kanttekeningen: wat de cijfers niet zeggen")),
)
TITLES = dict(PAGES)


@staff_required(policies.VIEW)
def methods(request):
    return render(
        request,
        "monitor/methods/index.html",
        {"section": "methods", "sections": SECTIONS, "pages": PAGES},
    )


@staff_required(policies.VIEW)
def method(request, slug: str):
    if slug not in TITLES:
        raise Http404
    return render(
        request,
        f"monitor/methods/{slug}.html",
        {
            "section": "methods",
            "sections": SECTIONS,
            "pages": PAGES,
            "slug": slug,
            "title": TITLES[slug],
        },
    )
