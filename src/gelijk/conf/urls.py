from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from gelijk.core.views.apidocs import api_docs

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("", include("gelijk.core.urls")),
    path("", include("gelijk.reporting.urls")),
    path("", include("gelijk.algorithms.urls")),
    path("", include("gelijk.language.urls")),
    path("", include("gelijk.monitor.urls")),
]

if getattr(settings, "OIDC_RP_CLIENT_ID", None):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "gelijk.core.views.errors.bad_request"
handler403 = "gelijk.core.views.errors.permission_denied"
handler404 = "gelijk.core.views.errors.page_not_found"
handler500 = "gelijk.core.views.errors.server_error"
