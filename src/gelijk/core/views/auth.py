"""Staff login with two factors: password, then a TOTP code (enrolment on first login).

The user is only logged in after the second factor; until then the session holds a
short-lived "pending" marker. Failed passwords and failed codes both count towards the
django-axes lockout.
"""

from __future__ import annotations

import base64
import time

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.core import audit
from gelijk.core.forms import LoginForm, TokenForm

PENDING_TTL_SECONDS = 300


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _pending_user(request):
    """The user who passed the password step, if that was recent; else None."""
    if request.user.is_authenticated:  # e.g. after single sign-on: still needs the code
        return request.user, request.session.get("_auth_user_backend")
    data = request.session.get("pending_login")
    if not data or time.time() - data["at"] > PENDING_TTL_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=data["user_id"], is_active=True).first()
    return user, data["backend"]


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def _locked(request, username: str) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": username})


def _complete_login(request, user, backend, device):
    next_url = request.session.pop("pending_next", None)
    request.session.pop("pending_login", None)
    request.session.pop("enrol_device_id", None)
    if not request.user.is_authenticated:
        login(request, user, backend=backend)
    otp_login(request, device)
    audit.record(audit.Action.LOGIN, obj=user, actor=user, detail={"factor": "totp"})
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("password")
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            audit.record(
                audit.Action.LOGIN_FAILED,
                object_type="auth.User",
                object_id=username,
                result=audit.Result.DENIED,
                detail={"step": "password"},
            )
            form.add_error(None, _("De gebruikersnaam of het wachtwoord klopt niet."))
        else:
            request.session.cycle_key()
            request.session["pending_login"] = {
                "user_id": user.pk,
                "backend": user.backend,
                "at": time.time(),
            }
            nxt = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
            if nxt:
                request.session["pending_next"] = nxt
            if _confirmed_device(user):
                return redirect("core:login-verify")
            return redirect("core:login-enrol")
    return render(
        request,
        "core/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


def _token_failed(request, user, step: str) -> None:
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    audit.record(
        audit.Action.LOGIN_FAILED, obj=user, result=audit.Result.DENIED, detail={"step": step}
    )


@never_cache
def verify_view(request):
    user, backend = _pending_user(request)
    if user is None:
        messages.info(request, _("Log eerst in met uw gebruikersnaam en wachtwoord."))
        return redirect("core:login")
    device = _confirmed_device(user)
    if device is None:
        return redirect("core:login-enrol")
    if _locked(request, user.get_username()):
        return locked_out(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if not allowed:
            # Attempts while throttled still count towards the lockout.
            _token_failed(request, user, "totp-throttled")
            if _locked(request, user.get_username()):
                return locked_out(request)
            wait = _wait_seconds(info)
            form.add_error(
                "code",
                _(
                    "Te veel foute codes achter elkaar. Wacht %(seconds)s seconden en probeer "
                    "het dan opnieuw."
                )
                % {"seconds": wait},
            )
        elif device.verify_token(form.cleaned_data["code"]):
            return _complete_login(request, user, backend, device)
        else:
            _token_failed(request, user, "totp")
            if _locked(request, user.get_username()):
                return locked_out(request)
            form.add_error(
                "code",
                _(
                    "Deze code klopt niet. Gebruik de nieuwste code uit uw app en controleer of "
                    "de tijd op uw telefoon goed staat."
                ),
            )
    return render(request, "core/login_verify.html", {"form": form})


def _wait_seconds(info) -> int:
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 30
    from django.utils import timezone

    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    # The QR code is decorative for screen readers: the secret is also shown as text.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


@never_cache
def enrol_view(request):
    user, backend = _pending_user(request)
    if user is None:
        messages.info(request, _("Log eerst in met uw gebruikersnaam en wachtwoord."))
        return redirect("core:login")
    if _confirmed_device(user):
        return redirect("core:login-verify")
    if _locked(request, user.get_username()):
        return locked_out(request)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get("enrol_device_id")
    ).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        request.session["enrol_device_id"] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                audit.Action.CREATE, obj=device, actor=user, detail={"what": "totp enrolment"}
            )
            return _complete_login(request, user, backend, device)
        _token_failed(request, user, "enrolment")
        if _locked(request, user.get_username()):
            return locked_out(request)
        form.add_error(
            "code",
            _(
                "Deze code klopt niet. Scan de QR-code opnieuw of typ de sleutel over, en vul "
                "de nieuwste code in."
            ),
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "core/login_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(audit.Action.LOGOUT, obj=request.user)
    logout(request)
    messages.success(request, _("U bent uitgelogd."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "core/locked_out.html", {"minutes": minutes}, status=429)
