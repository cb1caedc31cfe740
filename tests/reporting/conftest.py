"""Fixtures for the reporting tests: a way to submit reports, handlers, files."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def submission(**overrides):
    from gelijk.reporting.services.cases import Submission

    values = {
        "description": "Ik werd als enige van de groep gecontroleerd bij het station.",
        "occurred_on": date.today() - timedelta(days=3),
        "service": "thor",
        "contact_kinds": ["stopped"],
    }
    values.update(overrides)
    return Submission(**values)


@pytest.fixture
def submit(db):
    """submit(**fields) -> SubmitResult, stored through the public service."""
    from gelijk.reporting.services.cases import case_submit

    def make(key=None, at=None, **fields):
        return case_submit(
            submission(**fields), submission_key=key or uuid.uuid4(), at=at, notify_reporter=True
        )

    return make


@pytest.fixture
def handler(make_staff):
    return make_staff("klachtbehandelaar", department="klachten", team="klachten")


def png_bytes(size=(4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
