"""The beheerder manages staff: roles, place in the organisation, 2FA reset, deactivation."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.core.models import AuditEntry, StaffProfile
from gelijk.core.pseudonyms import pseudonym
from gelijk.core.roles import roles_of


@pytest.fixture
def beheer(staff_client):
    return staff_client("beheerder", department="beleid")


def _form(**overrides):
    from gelijk.core.models import Department, Team

    data = {
        "username": "nieuwe.boa",
        "first_name": "Noor",
        "last_name": "Nieuw",
        "email": "noor@example.nl",
        "roles": ["handhaver"],
        "department": Department.objects.get(code="vth").pk,
        "team": Team.objects.get(code="thor").pk,
        "officer_number": "BOA-2002",
    }
    data.update(overrides)
    return data


def test_create_staff_member_sends_password_link_and_pseudonymises(beheer):
    response = beheer.post(reverse("core:staff-create"), _form())
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nieuwe.boa")
    assert roles_of(user) == ["handhaver"]
    assert not user.has_usable_password()
    profile = StaffProfile.objects.get(user=user)
    assert profile.team.code == "thor"
    assert profile.officer_pseudonym == pseudonym("BOA-2002")
    assert "BOA-2002" not in str(profile.__dict__)
    assert len(mail.outbox) == 1 and "/inloggen/wachtwoord/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="create", object_type="auth.User").exists()


@pytest.mark.parametrize("typed", ["boa-2002", " Boa-2002 ", "BOA 2002", "boa\u00a02002"])
def test_officer_number_is_pseudonymised_in_one_spelling(beheer, typed):
    """The same spelling as reporting uses for the officer named in a report, so the
    independence rule recognises the officer however the beheerder typed the number."""
    from gelijk.core.pseudonyms import officer_number_normalised, officer_pseudonym

    response = beheer.post(reverse("core:staff-create"), _form(officer_number=typed))
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username="nieuwe.boa")
    expected = "BOA2002" if " " in typed.strip() or "\u00a0" in typed else "BOA-2002"
    assert officer_number_normalised(typed) == expected
    assert profile.officer_pseudonym == pseudonym(expected) == officer_pseudonym(typed)
    # Editing with an empty number keeps the pseudonym; a new spelling of it changes nothing.
    member = profile.user
    edit = reverse("core:staff-edit", args=[member.pk])
    for number in ("", typed.upper(), typed.lower()):
        assert beheer.post(edit, _form(officer_number=number)).status_code == 302
        profile.refresh_from_db()
        assert profile.officer_pseudonym == pseudonym(expected)


def test_team_must_belong_to_department(beheer):
    from gelijk.core.models import Department

    response = beheer.post(
        reverse("core:staff-create"), _form(department=Department.objects.get(code="privacy").pk)
    )
    assert response.status_code == 200
    assert "hoort niet bij de gekozen afdeling" in response.content.decode()
    assert not get_user_model().objects.filter(username="nieuwe.boa").exists()


def test_duplicate_username_is_refused(beheer, make_staff):
    make_staff("analist", username="nieuwe.boa")
    response = beheer.post(reverse("core:staff-create"), _form())
    assert "bestaat al" in response.content.decode()


def test_a_boa_number_belongs_to_one_staff_member(beheer, make_staff):
    # The independence rule finds the officer complained about by this number, so two people
    # may not share it; the beheerder gets a message on the field, not an error page.
    first = beheer.post(reverse("core:staff-create"), _form())
    assert first.status_code == 302
    again = beheer.post(
        reverse("core:staff-create"), _form(username="andere.boa", officer_number=" boa-2002")
    )
    assert again.status_code == 200
    assert "hoort al bij een andere medewerker" in again.content.decode()
    assert not get_user_model().objects.filter(username="andere.boa").exists()
    member = make_staff("handhaver", username="hamza", department="vth", team="thor")
    edit = reverse("core:staff-edit", args=[member.pk])
    clash = beheer.post(edit, _form(username="ignored", officer_number="BOA-2002"))
    assert clash.status_code == 200
    assert "hoort al bij een andere medewerker" in clash.content.decode()
    member.refresh_from_db()
    assert member.staff_profile.officer_pseudonym == ""
    # Saving one's own number again is no clash.
    own = get_user_model().objects.get(username="nieuwe.boa")
    edit_own = reverse("core:staff-edit", args=[own.pk])
    assert beheer.post(edit_own, _form(officer_number="BOA-2002")).status_code == 302


def test_edit_changes_roles_and_is_audited(beheer, make_staff):
    member = make_staff("handhaver", username="hamza", department="vth", team="thor")
    response = beheer.post(
        reverse("core:staff-edit", args=[member.pk]),
        _form(username="ignored", roles=["teamleider"], officer_number=""),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.username == "hamza"  # the username cannot be changed
    assert roles_of(member) == ["teamleider"]
    change = AuditEntry.objects.filter(action="change", object_id=str(member.pk)).last()
    assert change.detail["before"]["roles"] == ["handhaver"]


def test_reset_second_factor_and_deactivate(beheer, make_staff):
    member = make_staff("analist", username="anouk")
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    beheer.post(reverse("core:staff-reset-2fa", args=[member.pk]))
    assert not TOTPDevice.objects.filter(user=member).exists()
    beheer.post(reverse("core:staff-toggle-active", args=[member.pk]))
    member.refresh_from_db()
    assert not member.is_active


def test_beheerder_cannot_deactivate_themselves(beheer):
    beheer.post(reverse("core:staff-toggle-active", args=[beheer.user.pk]))
    beheer.user.refresh_from_db()
    assert beheer.user.is_active


@pytest.mark.parametrize("role", ["analist", "klachtbehandelaar", "auditor", "teamleider"])
def test_only_beheerder_manages_staff(staff_client, make_staff, role):
    member = make_staff("handhaver", username="someone")
    client = staff_client(role)
    assert client.get(reverse("core:staff-list")).status_code == 403
    assert client.get(reverse("core:staff-edit", args=[member.pk])).status_code == 403
    assert client.post(reverse("core:staff-reset-2fa", args=[member.pk])).status_code == 403


def test_password_reset_link_lets_a_new_member_choose_a_password(beheer, client):
    beheer.post(reverse("core:staff-create"), _form())
    lines = mail.outbox[0].body.splitlines()
    link = next(line for line in lines if "/inloggen/wachtwoord/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(
        form_url,
        {
            "new_password1": "een lang en nieuw wachtwoord",
            "new_password2": "een lang en nieuw wachtwoord",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="nieuwe.boa").has_usable_password()
