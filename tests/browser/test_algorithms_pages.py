"""Pages of the algorithms app in states the project-wide walk cannot reach with one sample per
URL (a scan report, the scan form, a chosen assessment subject, a filtered register) pass
axe-core (WCAG 2.1 A/AA). Every other URL is walked for every role by
test_accessibility_walk.py through tests/browser/samples.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import describe
from tests.browser.samples import _algorithms_demo
from tests.browser.test_accessibility_walk import ROLE_HOMES


@pytest.mark.django_db(transaction=True)
def test_extra_states_pass_axe(new_page, make_staff):
    demo = _algorithms_demo()
    pages = {
        None: [
            reverse("algorithms:public-list") + "?thema=Verkeer&status=In+gebruik",
            reverse("algorithms:public-list") + "?q=bestaat-niet",
        ],
        "privacy-officer": [
            reverse("algorithms:audit-detail", args=[demo["scan"].pk]),
            reverse("algorithms:audit-create", args=[demo["scan"].dataset_id]) + "?soort=scan",
            reverse("algorithms:assessment-create") + f"?algoritme={demo['algorithm'].pk}",
            reverse("algorithms:assessment-detail", args=[demo["concept"].pk]),
        ],
    }
    failures = []
    for role, urls in pages.items():
        user = role and make_staff(role, department=ROLE_HOMES[role][0], team=ROLE_HOMES[role][1])
        page = new_page(user)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            violations = page.axe()
            if violations:
                page.screenshot(f"algorithms-{role}{url}")
                failures.append(f"{role} {url}:\n{describe(violations)}")
        assert not page.console_errors, page.console_errors[:3]
    assert not failures, "\n".join(failures)
