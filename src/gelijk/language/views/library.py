"""The library of standard letters: list, new letter, versions, a version with its scan,
a new version, a rescan, and the difference between two versions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import access
from gelijk.core.models import Team
from gelijk.core.views.base import staff_required
from gelijk.language import policies, rulesets, selectors, services
from gelijk.language.diff import line_diff
from gelijk.language.files import library_text
from gelijk.language.forms import LetterForm, VersionForm
from gelijk.language.presenters import SEVERITY_CHOICES, present


def _letter_or_404(request, pk):
    letter = selectors.letter_get(request.user, pk)
    if letter is None:
        raise Http404
    return letter


def _text_and_source(form) -> tuple[str, str]:
    if form.document is not None:
        return library_text(form.document), form.document.path
    return form.cleaned_data["text"], ""


def _add_error(form, exc: services.LanguageError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@staff_required(policies.USE)
def library(request):
    rows = selectors.library(request.user, request.GET)
    return render(
        request,
        "language/library.html",
        {
            "section": "library",
            "rows": rows,
            "summary": selectors.library_summary(rows),
            "filters": request.GET,
            "teams": Team.objects.all(),
            "can_create": access.has_permission(request.user, policies.EDIT),
            "can_batch": access.has_permission(request.user, policies.RUN_BATCH),
            "running": selectors.running_batch(request.user),
        },
    )


@staff_required(policies.EDIT)
def letter_new(request):
    initial = {"team": policies.team_id(request.user)}
    form = LetterForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        text, source = _text_and_source(form)
        try:
            letter = services.letter_create(
                user=request.user,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                team=form.cleaned_data["team"],
                text=text,
                note=form.cleaned_data["note"],
                source_name=source,
            )
        except services.LanguageError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("De brief is opgeslagen en gescand."))
            return redirect("language:version", pk=letter.pk, number=1)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "language/letter_new.html", {"form": form, "section": "library"}, status=status
    )


@staff_required(policies.USE)
def letter_detail(request, pk):
    letter = _letter_or_404(request, pk)
    versions = list(selectors.versions(request.user, letter))
    scans = selectors.latest_scans(versions)
    return render(
        request,
        "language/letter_detail.html",
        {
            "section": "library",
            "letter": letter,
            "versions": [(v, scans.get(v.pk)) for v in versions],
            "version_list": versions,
            "can_edit": access.can(request.user, policies.EDIT, letter),
            "diff_a": versions[1].number if len(versions) > 1 else None,
            "diff_b": versions[0].number if versions else None,
        },
    )


@staff_required(policies.EDIT)
def version_new(request, pk):
    letter = _letter_or_404(request, pk)
    access.require(request.user, policies.EDIT, letter)
    latest = letter.latest_version
    form = VersionForm(
        request.POST or None,
        request.FILES or None,
        initial={"text": latest.text if latest else ""},
    )
    if request.method == "POST" and form.is_valid():
        text, source = _text_and_source(form)
        try:
            version = services.letter_add_version(
                letter,
                user=request.user,
                text=text,
                note=form.cleaned_data["note"],
                source_name=source,
            )
        except services.LanguageError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("Versie %(n)s is opgeslagen en gescand.") % {"n": version.number},
            )
            return redirect("language:version", pk=letter.pk, number=version.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "language/version_new.html",
        {"form": form, "letter": letter, "latest": latest, "section": "library"},
        status=status,
    )


@staff_required(policies.USE)
def version_detail(request, pk, number):
    letter = _letter_or_404(request, pk)
    version = selectors.version_get(request.user, letter, number)
    if version is None:
        raise Http404
    scan = selectors.latest_scan(request.user, version)
    min_severity = request.GET.get("ernst", "suggestion")
    result = present(scan.result, version.text, min_severity=min_severity) if scan else None
    _rules, fingerprint = rulesets.active_ruleset()
    return render(
        request,
        "language/version_detail.html",
        {
            "section": "library",
            "letter": letter,
            "version": version,
            "scan": scan,
            "result": result,
            "rules_changed": bool(scan and scan.rules_fingerprint != fingerprint),
            "is_latest": letter.latest_version_id == version.pk,
            "severity_choices": SEVERITY_CHOICES,
            "can_edit": access.can(request.user, policies.EDIT, letter),
        },
    )


@require_POST
@staff_required(policies.USE)
def version_scan(request, pk, number):
    letter = _letter_or_404(request, pk)
    version = selectors.version_get(request.user, letter, number)
    if version is None:
        raise Http404
    services.version_scan(version, user=request.user)
    messages.success(request, _("De versie is opnieuw gescand met de regels van nu."))
    return redirect("language:version", pk=letter.pk, number=version.number)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@staff_required(policies.USE)
def diff(request, pk):
    letter = _letter_or_404(request, pk)
    versions = list(selectors.versions(request.user, letter))
    by_number = {v.number: v for v in versions}
    a = by_number.get(_number(request.GET.get("a")))
    b = by_number.get(_number(request.GET.get("b")))
    if a is None or b is None:
        if len(versions) < 2:
            a = b = versions[0] if versions else None
        else:
            a, b = a or versions[1], b or versions[0]
    rows = line_diff(a.text, b.text) if a and b else []
    return render(
        request,
        "language/diff.html",
        {
            "section": "library",
            "letter": letter,
            "versions": versions,
            "a": a,
            "b": b,
            "rows": rows,
            "added": sum(r.op == "insert" for r in rows),
            "removed": sum(r.op == "delete" for r in rows),
        },
    )
