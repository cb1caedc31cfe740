"""The access layer: permissions from roles, object policies, fail closed."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse

from gelijk.core import access
from gelijk.core.models import AuditEntry, District, StaffProfile
from gelijk.core.roles import ROLES, grant, sync_roles


def test_unregistered_model_is_refused_not_shown(make_staff):
    user = make_staff("beheerder")
    with pytest.raises(ImproperlyConfigured, match="no access policy"):
        access.scope(user, StaffProfile.objects.all())


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert list(access.scope(AnonymousUser(), AuditEntry.objects.all())) == []
    assert not access.can(AnonymousUser(), "core.view_auditlog")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("auditor", True), ("beheerder", False), ("analist", False), ("handhaver", False)],
)
def test_auditlog_scope_follows_permission(make_staff, role, allowed):
    from gelijk.core import audit

    audit.record(audit.Action.VIEW, object_type="x")
    user = make_staff(role)
    assert access.scope(user, AuditEntry.objects.all()).exists() is allowed


def test_require_denies_and_audits(make_staff):
    user = make_staff("handhaver")
    with pytest.raises(PermissionDenied):
        access.require(user, "core.view_auditlog")
    entry = AuditEntry.objects.filter(action="access_denied").get()
    assert entry.detail["permission"] == "core.view_auditlog"


def test_unknown_role_and_unknown_permission_are_errors(db):
    with pytest.raises(KeyError, match="unknown role"):
        grant("superheld", "core.use_backoffice")
    ROLES["auditor"].permissions.add("core.does_not_exist")
    try:
        with pytest.raises(LookupError, match="does_not_exist"):
            sync_roles()
    finally:
        ROLES["auditor"].permissions.discard("core.does_not_exist")


def test_page_permissions_per_role(staff_client):
    assert staff_client("auditor").get(reverse("core:auditlog")).status_code == 200


def test_page_refused_for_role_without_permission(staff_client):
    response = staff_client("handhaver").get(reverse("core:auditlog"))
    assert response.status_code == 403
    assert "geen toegang" in response.content.decode()
    assert AuditEntry.objects.filter(action="access_denied", object_id="/backoffice/auditlog/")


def test_login_without_second_factor_cannot_use_backoffice(client, make_staff):
    user = make_staff("auditor")
    client.force_login(user)  # password step only, as with single sign-on
    response = client.get(reverse("core:auditlog"))
    assert response.status_code == 302
    assert response.url == reverse("core:login-verify")


def test_reference_data_is_not_personal_data(db):
    # Areas are public reference data: no policy, read directly by selectors.
    assert District.objects.count() == 0


def test_refusal_inside_a_rolled_back_transaction_is_still_logged(make_staff):
    from django.db import transaction

    from gelijk.core.access import Refusal, refusals_audited

    user = make_staff("handhaver")

    @refusals_audited
    @transaction.atomic
    def service():
        AuditEntry.objects.count()  # some work in the transaction
        access.require(user, "core.view_auditlog")

    with pytest.raises(Refusal):
        service()
    entry = AuditEntry.objects.get(action="access_denied")
    assert entry.detail == {"permission": "core.view_auditlog"}


def test_refusal_in_a_view_transaction_is_logged_by_the_middleware(client, make_staff, settings):
    import sys
    import types

    from django.db import transaction
    from django.urls import path

    from tests.conftest import verified_client

    user = make_staff("handhaver", username="hamza")

    @transaction.atomic
    def view(request):
        access.require(request.user, "core.view_auditlog")

    from gelijk.conf.urls import urlpatterns as real

    urls = types.ModuleType("tmp_refusal_urls")
    urls.urlpatterns = [path("x/", view), *real]
    urls.handler403 = "gelijk.core.views.errors.permission_denied"
    sys.modules["tmp_refusal_urls"] = urls
    settings.ROOT_URLCONF = "tmp_refusal_urls"
    verified_client(client, user)
    assert client.get("/x/").status_code == 403
    assert AuditEntry.objects.filter(action="access_denied", actor="hamza").count() == 1
