"""Reference data and demo data load idempotently; demo logins work with 2FA."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from gelijk.cli import main as gelijk
from gelijk.core.models import District, Neighbourhood, StaffProfile
from gelijk.core.services.refdata import refdata_load

pytestmark = pytest.mark.django_db


def test_reference_data_adds_up_to_cbs_totals():
    counts = refdata_load()
    assert counts == {"districts": 10, "neighbourhoods": 111}
    west = District.objects.get(code="WK034401")
    assert west.name == "West" and west.population == 29_710
    assert west.boundary["type"] == "Polygon"
    # CBS rounds wijk counts to multiples of 5: the sum is close to, not equal to, 374,238.
    total = sum(District.objects.values_list("population", flat=True))
    assert total == 374_215
    assert abs(total - 374_238) <= 10 * 4
    assert Neighbourhood.objects.filter(district=west).count() > 0


def test_reference_data_load_is_idempotent():
    refdata_load()
    first = list(District.objects.values_list("pk", "population"))
    refdata_load()
    assert list(District.objects.values_list("pk", "population")) == first
    assert Neighbourhood.objects.count() == 111


def test_demo_load_twice_neither_fails_nor_duplicates(capsys):
    assert gelijk(["demo", "load"]) == 0
    users = get_user_model().objects.count()
    devices = TOTPDevice.objects.count()
    assert gelijk(["demo", "load"]) == 0
    assert get_user_model().objects.count() == users == 9
    assert TOTPDevice.objects.count() == devices
    assert StaffProfile.objects.get(user__username="handhaver-thor").officer_pseudonym


def test_demo_code_is_accepted_by_the_device(capsys):
    gelijk(["demo", "load", "--only", "core"])
    capsys.readouterr()
    assert gelijk(["demo", "code", "analist"]) == 0
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__username="analist", name="demo")
    assert len(code) == 6 and device.verify_token(code)


def test_demo_code_refuses_non_demo_users(capsys, make_staff):
    make_staff("analist", username="echte-analist")
    assert gelijk(["demo", "code", "echte-analist"]) == 2
    assert "not a demo user" in capsys.readouterr().err
