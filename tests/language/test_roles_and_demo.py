"""Who may do what (as documented in docs/language/app.md), and the demo library."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gelijk.core import access
from gelijk.core.roles import ROLES

# role -> (use_scanner, edit_letters, manage_library, run_batch, manage_rules)
MATRIX = {
    "beheerder": (True, True, True, True, True),
    "klachtbehandelaar": (True, True, False, False, False),
    "teamleider": (True, True, False, True, False),
    "handhaver": (True, True, False, False, False),
    "analist": (True, True, True, True, True),
    "algoritme-eigenaar": (True, True, False, False, False),
    "privacy-officer": (True, True, False, False, False),
    "auditor": (False, False, False, False, False),
}
PERMISSIONS = ("use_scanner", "edit_letters", "manage_library", "run_batch", "manage_rules")


def test_the_matrix_covers_every_role():
    assert set(MATRIX) == set(ROLES)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_permissions_and_menu(role, staff_client):
    client = staff_client(role, department="beleid")
    granted = tuple(access.has_permission(client.user, f"language.{p}") for p in PERMISSIONS)
    assert granted == MATRIX[role]
    menu = client.get(reverse("core:dashboard")).content.decode()
    assert (f'href="{reverse("language:scan")}"' in menu) is MATRIX[role][0]
    expected = 200 if MATRIX[role][0] else 403
    assert client.get(reverse("language:library")).status_code == expected


def test_demo_library_is_idempotent_and_shows_an_improving_trend(organisation):
    from gelijk.core.demo import seed_all
    from gelijk.language import selectors
    from gelijk.language.models import Letter, LetterScan, LetterVersion, ScanBatch

    first = seed_all(2026, only=["core", "language"])["language"]
    again = seed_all(2026, only=["core", "language"])["language"]
    assert first["letters"] == again["letters"] == 15
    assert LetterVersion.objects.count() == first["versions"]
    assert ScanBatch.objects.filter(status="done").count() == 3
    assert Letter.objects.filter(kind="vacancy").count() == 3

    v1_findings = set()
    for scan in LetterScan.objects.filter(version__number=1, batch__isnull=True):
        v1_findings |= {f["rule_id"] for f in scan.result["findings"]}
    assert {"gender-aanhef-heer-mevrouw", "handhaving-nationaliteit"} <= v1_findings
    assert "vacature-moedertaal" in v1_findings
    # every second version fixes the problems of the first
    for version in LetterVersion.objects.filter(number=2):
        assert LetterScan.objects.filter(version=version).latest("scanned_at").b1_and_clean
    from django.contrib.auth import get_user_model

    analist = get_user_model().objects.get(username="analist")
    shares = [p.share for p in selectors.trend(analist)]
    assert len(shares) == 3 and shares == sorted(shares) and shares[0] < shares[-1]
