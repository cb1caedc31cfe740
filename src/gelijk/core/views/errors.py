"""Friendly Dutch error pages; never a stack trace."""

from django.http import HttpResponseServerError
from django.shortcuts import render


def _page(request, status: int, template: str, **context):
    return render(request, template, {"status": status, **context}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "errors/400.html")


def permission_denied(request, exception=None):
    from gelijk.core.access import Refusal, record_refusal

    if isinstance(exception, Refusal):
        record_refusal(exception)
    return _page(request, 403, "errors/403.html")


def page_not_found(request, exception=None):
    return _page(request, 404, "errors/404.html")


def server_error(request):
    try:
        return _page(request, 500, "errors/500.html")
    except Exception:  # the failure may be the database or a template; still answer kindly
        return HttpResponseServerError(FALLBACK_500, content_type="text/html; charset=utf-8")


FALLBACK_500 = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Er ging iets mis</title>'
    "</head><body><main><h1>Er ging iets mis</h1><p>Door een fout bij ons kunnen we deze "
    "pagina nu niet tonen. Probeer het later opnieuw.</p></main></body></html>"
)


def csrf_failure(request, reason=""):
    return _page(request, 403, "errors/csrf.html")
