from django.urls import path

from gelijk.core.views import auth, office, public

app_name = "core"

urlpatterns = [
    path("", public.home, name="home"),
    path("privacy/", public.privacy, name="privacy"),
    path("toegankelijkheid/", public.accessibility, name="accessibility"),
    path("inloggen/", auth.login_view, name="login"),
    path("inloggen/code/", auth.verify_view, name="login-verify"),
    path("inloggen/koppelen/", auth.enrol_view, name="login-enrol"),
    path("uitloggen/", auth.logout_view, name="logout"),
    path("backoffice/", office.dashboard, name="dashboard"),
    path("backoffice/auditlog/", office.auditlog, name="auditlog"),
    path("backoffice/auditlog/controleren/", office.auditlog_verify, name="auditlog-verify"),
]
