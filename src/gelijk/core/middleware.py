"""Request-level plumbing: the audit context and the security headers django-csp and
Django's SecurityMiddleware do not set."""

from __future__ import annotations

from gelijk.core import audit


def client_ip(request) -> str:
    """The address the request came from, as far as it can be trusted: the one place every
    per-address limit (report form, status look-up, API throttle, login lockout) and the
    audit log take it from.

    X-Forwarded-For is a list any client can start with its own entries; each proxy appends
    the address it received the request from. So only the entries added by our own proxies
    count: with GELIJK_TRUSTED_PROXIES = N, the N-th entry from the right is the address the
    outermost trusted proxy saw. With N = 0 (no proxy) the header is ignored. A header with
    fewer than N entries did not pass all our proxies, so it proves nothing either.
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.GELIJK_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",")] if header else []
    if len(entries) < proxies:
        return remote
    return entries[-proxies] or remote


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class AuditContextMiddleware:
    """Make the acting user and the request origin available to audit.record(), and record
    every file download by a logged-in user as an export."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user and user.is_authenticated)
        ctx = audit.Context(
            actor_id=user.pk if authenticated else None,
            actor=user.get_username() if authenticated else "anoniem",
            origin=f"{client_ip(request)} {request.method} {request.path}"[:300],
        )
        token = audit.set_context(ctx)
        try:
            response = self.get_response(request)
            if authenticated and _is_download(response) and audit.Action.EXPORT not in ctx.recorded:
                # Safety net: a file leaving the system is an export, even when a view forgot
                # to say so itself.
                audit.record(
                    audit.Action.EXPORT,
                    object_type="download",
                    object_id=request.path,
                    detail={"disposition": response["Content-Disposition"][:200]},
                )
            return response
        finally:
            audit.reset_context(token)

    def process_exception(self, request, exception):
        # The view's transactions have rolled back by now: a refusal raised inside one is
        # written here, so it stays in the log.
        from gelijk.core.access import Refusal, record_refusal

        if isinstance(exception, Refusal):
            record_refusal(exception)


class SecurityHeadersMiddleware:
    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if (user and user.is_authenticated) or request.path.startswith("/inloggen/"):
            # Personal data must not linger in shared caches or the browser's history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class LanguageMiddleware:
    """Dutch unless the visitor chose another language with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; for a Dutch
    municipality the default is Dutch and English is an explicit choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
