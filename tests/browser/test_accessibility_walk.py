"""Walk every URL of the URL configuration, anonymously and logged in per role, and fail
on any WCAG 2.1 A/AA violation found by axe-core (a screenshot is saved on failure)."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gelijk.core.roles import ROLES
from tests.browser.conftest import describe
from tests.browser.samples import NOT_PAGES, SAMPLES

# Role → (department, team) that a realistic user with that role belongs to.
ROLE_HOMES = {
    "beheerder": ("beleid", None),
    "klachtbehandelaar": ("klachten", "klachten"),
    "teamleider": ("vth", "thor"),
    "handhaver": ("vth", "thor"),
    "analist": ("beleid", "analyse"),
    "algoritme-eigenaar": ("beleid", "analyse"),
    "privacy-officer": ("privacy", "privacy"),
    "auditor": ("privacy", "privacy"),
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, prefix + str(p.pattern), bool(p.pattern.converters)


def all_url_names() -> list[tuple[str, bool]]:
    seen, result = set(), []
    for name, _route, has_params in _walk(get_resolver().url_patterns):
        if name not in seen and not name.startswith("djdt"):
            seen.add(name)
            result.append((name, has_params))
    return result


_VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    # The language switch carries the current URL; the page is otherwise the same.
    re.compile(r'<input name="next" type="hidden" value="[^"]*">'),
]


def _normalised(html: str) -> str:
    for pattern in _VOLATILE:
        html = pattern.sub("", html)
    return hashlib.sha256(html.encode()).hexdigest()


def _test_client(user):
    from django.test import Client

    from tests.conftest import verified_client

    client = Client(raise_request_exception=False)
    return verified_client(client, user) if user is not None else client


@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_for_every_role(new_page, make_staff, live_server):
    urls = []
    missing = []
    for name, has_params in all_url_names():
        if name in NOT_PAGES:
            continue
        if has_params:
            if name not in SAMPLES:
                missing.append(name)
                continue
            urls.append(reverse(name, kwargs=SAMPLES[name]()))
        else:
            urls.append(reverse(name))
    assert not missing, f"URLs with parameters but no sample in tests/browser/samples.py: {missing}"

    visitors = [("anoniem", None)] + [
        (role, make_staff(role, department=home[0], team=home[1]))
        for role, home in ROLE_HOMES.items()
    ]
    assert {v[0] for v in visitors[1:]} == set(ROLES), "every role must be walked"

    # Fetch every page in-process first (fast); open in Chromium only pages whose HTML has
    # not been checked yet, e.g. a refusal page looks the same for every refused URL.
    checked: set[str] = set()
    failures = []
    browser_visits = 0
    for label, user in visitors:
        client = _test_client(user)
        page = None
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{label} {url}: HTTP {response.status_code}")
                continue
            if response.status_code in (301, 302, 303) or not response.get(
                "Content-Type", ""
            ).startswith("text/html"):
                continue  # a redirect lands on a page that is walked itself
            key = _normalised(response.content.decode())
            if key in checked:
                continue
            checked.add(key)
            page = page or new_page(user)
            browser_visits += 1
            answer = page.goto(url)
            status = answer.status if answer else 0
            violations = page.axe()
            if violations:
                shot = page.screenshot(f"{label}{url}")
                failures.append(
                    f"{label} {url} (HTTP {status}, screenshot {shot.name}):\n"
                    f"{describe(violations)}"
                )
        if page is not None and page.console_errors:
            failures.append(f"{label}: browser console errors: {page.console_errors[:5]}")
    assert browser_visits, "no page was checked"
    assert not failures, "accessibility walk failed:\n" + "\n".join(failures)
