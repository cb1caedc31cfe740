"""Custom rule files: see which are active, upload one (rule managers), switch one off."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import access
from gelijk.core.views.base import staff_required
from gelijk.engines.language import default_rules
from gelijk.language import policies, selectors, services
from gelijk.language.forms import RuleFileForm
from gelijk.language.presenters import CATEGORY_LABELS


def _builtin_categories() -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for rule in default_rules():
        counts[rule.category] = counts.get(rule.category, 0) + 1
    return [(str(CATEGORY_LABELS.get(c, c)), n) for c, n in sorted(counts.items())]


@staff_required(policies.USE)
def rules(request):
    can_manage = access.has_permission(request.user, policies.MANAGE_RULES)
    form = RuleFileForm(request.POST or None, request.FILES or None) if can_manage else None
    details: list[str] = []
    status = 200
    if request.method == "POST":
        access.require(request.user, policies.MANAGE_RULES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Never read more than one byte over the limit: the service refuses it.
                data = upload.read(services.MAX_RULE_FILE_BYTES + 1)
                row = services.rulefile_upload(user=request.user, name=upload.name, data=data)
            except services.LanguageError as exc:
                form.add_error("file", exc.message)
                details = exc.details
            else:
                messages.success(
                    request,
                    _("Regelbestand ‘%(name)s’ is actief: %(n)s regels.")
                    % {"name": row.name, "n": len(row.rule_ids)},
                )
                return redirect("language:rules")
        status = 400
    return render(
        request,
        "language/rules.html",
        {
            "section": "rules",
            "form": form,
            "details": details,
            "active": selectors.rule_files(request.user, active=True),
            "inactive": selectors.rule_files(request.user, active=False),
            "builtin": _builtin_categories(),
            "builtin_total": len(default_rules()),
            "can_manage": can_manage,
        },
        status=status,
    )


@require_POST
@staff_required(policies.MANAGE_RULES)
def rule_deactivate(request, pk):
    row = selectors.rule_files(request.user, active=None).filter(pk=pk).first()
    if row is None:
        raise Http404
    try:
        services.rulefile_deactivate(row, user=request.user)
    except services.LanguageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Regelbestand ‘%(name)s’ staat uit.") % {"name": row.name})
    return redirect("language:rules")
