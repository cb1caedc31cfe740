"""Staff management for the beheerder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gelijk.core import access, audit, selectors
from gelijk.core.forms import StaffForm
from gelijk.core.roles import roles_of
from gelijk.core.services import staff as staff_services
from gelijk.core.views.base import staff_required

PERM = "core.manage_staff"


def _send_password_link(request, user) -> None:
    """E-mail a one-time link to choose a password. Django's reset form skips accounts
    without a usable password, which is exactly what a new account is, so we send it here."""
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
    }
    subject = render_to_string("core/password/email_subject.txt", context).strip()
    body = render_to_string("core/password/email.txt", context)
    send_mail(subject, body, None, [user.email])


@staff_required(PERM)
def staff_list(request):
    people = selectors.staff_list(request.user)
    audit.record(audit.Action.VIEW, object_type="auth.User", detail={"list": len(people)})
    return render(request, "core/office/staff_list.html", {"people": people})


def _conflict_message(field: str) -> str:
    if field == "officer_number":
        return _(
            "Dit boa-nummer hoort al bij een andere medewerker. Controleer het nummer: één "
            "nummer hoort bij één persoon."
        )
    return _("Deze gebruikersnaam bestaat al.")


@staff_required(PERM)
def staff_create(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_services.staff_create(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                department=data["department"].code,
                team=data["team"].code if data["team"] else None,
                officer_number=data["officer_number"],
            )
        except staff_services.StaffConflict as exc:
            form.add_error(exc.field, _conflict_message(exc.field))
        else:
            _send_password_link(request, user)
            messages.success(
                request,
                _(
                    "%(name)s is toegevoegd. We hebben een link gestuurd "
                    "om een wachtwoord te kiezen."
                )
                % {"name": user.username},
            )
            return redirect("core:staff-list")
    return render(request, "core/office/staff_form.html", {"form": form, "editing": False})


def _member(request, pk):
    user = get_object_or_404(access.scope(request.user, get_user_model().objects.all()), pk=pk)
    return user


@staff_required(PERM)
def staff_edit(request, pk):
    member = _member(request, pk)
    profile = selectors.staff_profile(member)
    initial = {
        "username": member.username,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "roles": roles_of(member),
        "department": profile.department if profile else None,
        "team": profile.team if profile else None,
    }
    form = StaffForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_services.staff_update(
                member,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                department=data["department"].code,
                team=data["team"].code if data["team"] else None,
                officer_number=data["officer_number"],
            )
        except staff_services.StaffConflict as exc:
            form.add_error(exc.field, _conflict_message(exc.field))
        else:
            messages.success(
                request,
                _("De gegevens van %(name)s zijn opgeslagen.") % {"name": member.username},
            )
            return redirect("core:staff-list")
    audit.record(audit.Action.VIEW, obj=member)
    return render(
        request, "core/office/staff_form.html", {"form": form, "editing": True, "member": member}
    )


@require_POST
@staff_required(PERM)
def staff_reset_2fa(request, pk):
    member = _member(request, pk)
    staff_services.staff_reset_second_factor(member)
    messages.success(
        request,
        _(
            "De tweestapsverificatie van %(name)s is gewist. Bij de "
            "volgende keer inloggen koppelt %(name)s een nieuwe app."
        )
        % {"name": member.username},
    )
    return redirect("core:staff-list")


@require_POST
@staff_required(PERM)
def staff_toggle_active(request, pk):
    member = _member(request, pk)
    if member == request.user:
        messages.error(request, _("U kunt uw eigen account niet uitzetten."))
        return redirect("core:staff-list")
    staff_services.staff_set_active(member, not member.is_active)
    template = (
        _("%(name)s kan weer inloggen.")
        if member.is_active
        else _("%(name)s kan niet meer inloggen.")
    )
    messages.success(request, template % {"name": member.username})
    return redirect("core:staff-list")
