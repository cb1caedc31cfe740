"""Browser tests: Playwright for Python driving Debian's Chromium, axe-core injected.

Chromium cannot be downloaded here (`playwright install` has no internet), so the tests
use /usr/bin/chromium, which scripts/ensure-system-deps installs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GELIJK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = HERE / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/ensure-system-deps")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # the test code itself (creating users, reading results) are still plain synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Page:
    """A Playwright page that records console errors (CSP violations show up there)."""

    def __init__(self, context, base_url):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        # Visiting an error page on purpose makes Chromium log its status; that is not a fault.
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == self.page.url
        ):
            return
        self.console_errors.append(message.text)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def axe(self) -> list[dict]:
        """Run axe-core (WCAG 2.1 A/AA) on the current page; return its violations."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so our strict CSP (no inline script)
            # stays in force for the page itself.
            self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return result["violations"]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^a-zA-Z0-9_-]+", "_", name).strip("_") + ".png")
        self.page.screenshot(path=str(path), full_page=True)
        return path


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


def session_cookie_for(user, live_server_url: str) -> dict:
    """A session cookie for ``user`` with both login factors passed."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="browser", defaults={"confirmed": True}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": store.session_key,
        "url": live_server_url,
    }


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(user=None) -> Page:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        if user is not None:
            context.add_cookies([session_cookie_for(user, live_server.url)])
        contexts.append(context)
        return Page(context, live_server.url)

    yield make
    for context in contexts:
        context.close()
