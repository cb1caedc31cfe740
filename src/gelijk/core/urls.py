from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from gelijk.core.views import auth, office, public, staff

app_name = "core"

_reset = {
    "success_url": reverse_lazy("core:password-reset-done"),
    "template_name": "core/password/reset_form.html",
    "email_template_name": "core/password/email.txt",
    "subject_template_name": "core/password/email_subject.txt",
}

urlpatterns = [
    path("", public.home, name="home"),
    path("privacy/", public.privacy, name="privacy"),
    path("toegankelijkheid/", public.accessibility, name="accessibility"),
    path("inloggen/", auth.login_view, name="login"),
    path("inloggen/code/", auth.verify_view, name="login-verify"),
    path("inloggen/koppelen/", auth.enrol_view, name="login-enrol"),
    path(
        "inloggen/wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(**_reset),
        name="password-reset",
    ),
    path(
        "inloggen/wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password/reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "inloggen/wachtwoord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password/reset_confirm.html",
            success_url=reverse_lazy("core:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "inloggen/wachtwoord/opgeslagen/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password/reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("uitloggen/", auth.logout_view, name="logout"),
    path("backoffice/", office.dashboard, name="dashboard"),
    path("backoffice/auditlog/", office.auditlog, name="auditlog"),
    path("backoffice/auditlog/controleren/", office.auditlog_verify, name="auditlog-verify"),
    path("backoffice/verwerkingen/", office.processing_log, name="processing-log"),
    path("backoffice/medewerkers/", staff.staff_list, name="staff-list"),
    path("backoffice/medewerkers/nieuw/", staff.staff_create, name="staff-create"),
    path("backoffice/medewerkers/<int:pk>/", staff.staff_edit, name="staff-edit"),
    path(
        "backoffice/medewerkers/<int:pk>/2fa-wissen/", staff.staff_reset_2fa, name="staff-reset-2fa"
    ),
    path(
        "backoffice/medewerkers/<int:pk>/actief/",
        staff.staff_toggle_active,
        name="staff-toggle-active",
    ),
]
