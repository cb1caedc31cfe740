"""Public pages (no account): the report form, the confirmation, the status page."""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gelijk.core import audit, processing
from gelijk.core.middleware import client_ip
from gelijk.reporting import codes, ratelimit, selectors, texts
from gelijk.reporting.forms import AddInformationForm, ReportForm, StatusLookupForm, add_case_error
from gelijk.reporting.models import Case
from gelijk.reporting.services.cases import _subject, case_add_information, case_submit
from gelijk.reporting.workflow import PUBLIC_LABELS, CaseError

CONFIRMATIONS = "reporting_confirmations"
STATUS_SESSION = "reporting_status"
STATUS_TTL_SECONDS = 30 * 60


def _limited(request, template: str = "reporting/public/limited.html"):
    return render(request, template, {"phone": "14 030"}, status=429)


def _submit_limited(request, scope: str = "submit"):
    audit.record(
        audit.Action.CREATE,
        object_type="reporting.Case",
        result=audit.Result.DENIED,
        detail={"reason": "rate limit", "limit": scope},
    )
    return _limited(request)


@never_cache
@sensitive_post_parameters(
    "description", "grounds", "ground_other", "name", "email", "phone", "address"
)
def report(request):
    # Two counts per address: stored reports and spam (GELIJK_REPORTING_SUBMIT_RATE), and
    # posts refused for form errors (GELIJK_REPORTING_INVALID_SUBMIT_RATE), so a resident
    # who corrects mistakes does not run into the limit for reports.
    if request.method == "POST":
        ip = client_ip(request)
        submit_rate = settings.GELIJK_REPORTING_SUBMIT_RATE
        invalid_rate = settings.GELIJK_REPORTING_INVALID_SUBMIT_RATE
        if ratelimit.reached("submit", ip, submit_rate):
            return _submit_limited(request)
        if ratelimit.reached("submit-invalid", ip, invalid_rate):
            return _submit_limited(request, "submit-invalid")
        form = ReportForm(request.POST, request.FILES)
        if form.is_spam():
            ratelimit.hit("submit", ip, submit_rate)
            audit.record(
                audit.Action.CREATE,
                object_type="reporting.Case",
                result=audit.Result.DENIED,
                detail={"reason": "honeypot"},
            )
            return render(
                request,
                "reporting/public/report.html",
                {
                    "form": ReportForm(initial={"submission_key": uuid.uuid4()}),
                    "extra_error": _("Uw melding kon niet worden verstuurd. Probeer het opnieuw."),
                },
                status=400,
            )
        if form.is_valid():
            key = form.cleaned_data["submission_key"]
            try:
                result = case_submit(form.submission, submission_key=key)
            except CaseError as exc:
                add_case_error(form, exc)
            else:
                store = request.session.get(CONFIRMATIONS, {})
                if result.created:
                    ratelimit.hit("submit", ip, submit_rate)
                    store[str(key)] = {"reference": result.case.reference, "secret": result.secret}
                else:
                    store.setdefault(str(key), {"reference": result.case.reference, "secret": None})
                request.session[CONFIRMATIONS] = store
                request.session["reporting_last"] = str(key)
                return redirect("reporting:confirmation")
        ratelimit.hit("submit-invalid", ip, invalid_rate)
        return render(
            request,
            "reporting/public/report.html",
            {"form": form, "police_url": texts.police_url()},
            status=400,
        )
    form = ReportForm(initial={"submission_key": uuid.uuid4()})
    return render(request, "reporting/public/report.html", {"form": form})


@never_cache
def confirmation(request):
    key = request.session.get("reporting_last")
    entry = request.session.get(CONFIRMATIONS, {}).get(key or "")
    if not entry:
        return redirect("reporting:report")
    case = Case.objects.filter(reference=entry["reference"]).first()
    if case is None:
        return redirect("reporting:report")
    secret = entry.get("secret")
    if secret:
        # Shown once, as the page promises: the session keeps only the code (for a reload
        # or a repeated submit in this browser), never the secret after this display.
        store = request.session[CONFIRMATIONS]
        store[key] = {"reference": entry["reference"], "secret": None, "shown": True}
        request.session[CONFIRMATIONS] = store
        request.session.modified = True
    return render(
        request,
        "reporting/public/confirmation.html",
        {
            "reference": entry["reference"],
            "secret": secret,
            "secret_shown_before": bool(entry.get("shown")),
            "receipt": texts.receipt_text(case),
        },
    )


def _status_case(request) -> Case | None:
    data = request.session.get(STATUS_SESSION)
    if not data or time.time() - data["at"] > STATUS_TTL_SECONDS:
        request.session.pop(STATUS_SESSION, None)
        return None
    return Case.objects.select_related("status_event").filter(pk=data["case"]).first()


def _status_page(request, case, add_form=None, status=200):
    view = selectors.public_view(case)
    # Every display to the resident is a view of personal data, not only the look-up.
    audit.record(audit.Action.VIEW, obj=case, detail={"status_page": True})
    return render(
        request,
        "reporting/public/status.html",
        {
            **view,
            "public_status": PUBLIC_LABELS.get(case.status, case.status),
            "add_form": add_form or AddInformationForm(),
        },
        status=status,
    )


@never_cache
@sensitive_post_parameters("secret")
def status(request):
    case = _status_case(request)
    if request.method == "GET" and case is not None:
        return _status_page(request, case)
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("status", client_ip(request), settings.GELIJK_REPORTING_STATUS_RATE):
            audit.record(
                audit.Action.VIEW,
                object_type="reporting.Case",
                result=audit.Result.DENIED,
                detail={"reason": "rate limit", "status_lookup": True},
            )
            return _limited(request)
        if form.is_valid():
            reference = codes.reference_key(form.cleaned_data["reference"])
            found = Case.objects.filter(reference=reference).first()
            # Compare against a dummy hash when the code is unknown, so the answer takes
            # equally long and reads the same for a wrong code and a wrong secret.
            encoded = found.secret_hash if found else codes.dummy_hash()
            if codes.secret_matches(form.cleaned_data["secret"], encoded) and found:
                request.session.cycle_key()
                request.session[STATUS_SESSION] = {"case": found.pk, "at": time.time()}
                audit.record(audit.Action.VIEW, obj=found, detail={"status_lookup": True})
                processing.record("reporting_status_lookup", _subject(found))
                return redirect("reporting:status")
            audit.record(
                audit.Action.VIEW,
                object_type="reporting.Case",
                result=audit.Result.DENIED,
                detail={"status_lookup": True, "reason": "code or secret wrong"},
            )
            form.add_error(
                None,
                _(
                    "Deze combinatie van kenmerk en geheime code kennen we niet. Controleer wat u "
                    "heeft ingevuld en probeer het opnieuw."
                ),
            )
        return render(request, "reporting/public/status_lookup.html", {"form": form}, status=400)
    return render(request, "reporting/public/status_lookup.html", {"form": form})


@require_POST
@never_cache
def status_add(request):
    case = _status_case(request)
    if case is None:
        return redirect("reporting:status")
    if not ratelimit.hit("status-add", client_ip(request), settings.GELIJK_REPORTING_SUBMIT_RATE):
        return _limited(request)
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case_add_information(case, form.cleaned_data["text"], form.cleaned_data["attachments"])
        except CaseError as exc:
            add_case_error(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Dank u wel. Uw aanvulling is toegevoegd aan uw melding."))
            return redirect("reporting:status")
    return _status_page(request, case, add_form=form, status=400)


@require_POST
def status_leave(request):
    request.session.pop(STATUS_SESSION, None)
    return redirect("reporting:status")
