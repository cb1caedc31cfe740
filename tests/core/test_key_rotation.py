"""`gelijk keys rotate` re-encrypts database fields and stored files alike, so the old key
can be dropped afterwards without losing a single file (docs/configuration.md)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection
from django.db.models import FileField

from gelijk.cli import main
from gelijk.core import crypto, uploads

PDF = b"%PDF-1.4\n% een bijlage met persoonsgegevens\n%%EOF\n"
CSV = b"groep,uitkomst\na,1\nb,0\na,0\nb,1\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def stored(db, make_staff):
    """A report with an attachment and an algorithm with an audit dataset, stored through
    the apps' own services under the current (old) key."""
    from gelijk.algorithms.services import audits, register
    from gelijk.reporting.services.cases import Submission, case_submit
    from tests.algorithms.conftest import complete_record

    case = case_submit(
        Submission(
            description="Alleen ik werd gecontroleerd.",
            occurred_on=date.today() - timedelta(days=3),
            service="thor",
            contact_kinds=["stopped"],
            files=[uploads.CheckedFile("brief.pdf", "application/pdf", PDF)],
        ),
        submission_key=uuid.uuid4(),
        notify_reporter=False,
    ).case
    owner = make_staff("algoritme-eigenaar", department="beleid")
    algorithm = register.algorithm_create(user=owner, record=complete_record()).algorithm
    dataset = audits.dataset_upload(algorithm, user=owner, name="besluiten.csv", data=CSV)
    return case, case.attachments.get(), dataset


def _new_key_in_front(settings) -> tuple[str, str]:
    old = settings.GELIJK_FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.GELIJK_FIELD_ENCRYPTION_KEYS = [new, old]
    return new, old


def test_files_and_fields_survive_dropping_the_old_key(stored, settings):
    from gelijk.algorithms.models import AuditDataset
    from gelijk.reporting.models import Attachment, Case

    case, attachment, dataset = stored
    new, _old = _new_key_in_front(settings)
    result = crypto.rotate_all()
    assert result.complete
    assert result.files["reporting.Attachment.file"].rewritten == 1
    assert result.files["algorithms.AuditDataset.file"].rewritten == 1
    assert result.fields["reporting.Case"] >= 1

    settings.GELIJK_FIELD_ENCRYPTION_KEYS = [new]  # step 4: the old key is gone
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert uploads.decrypted(attachment.file) == PDF
    assert attachment.original_name == "brief.pdf"
    assert uploads.decrypted(AuditDataset.objects.get(pk=dataset.pk).file) == CSV
    assert Case.objects.get(pk=case.pk).description == "Alleen ik werd gecontroleerd."
    # The old ciphertext went with the rotation: no copy under the old key is left behind.
    assert not attachment.file.storage.exists(stored[1].file.name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM reporting_case WHERE id = %s", [case.pk])
        assert "gecontroleerd" not in cursor.fetchone()[0]


def test_rotating_again_rewrites_nothing(stored, settings):
    from gelijk.reporting.models import Attachment

    _new_key_in_front(settings)
    crypto.rotate_all()
    name = Attachment.objects.get().file.name
    again = crypto.rotate_all().files["reporting.Attachment.file"]
    assert (again.rewritten, again.current) == (0, 1)
    assert Attachment.objects.get().file.name == name


def test_missing_and_unreadable_files_are_reported_not_fatal(stored, settings):
    from gelijk.reporting.models import Attachment

    _case, attachment, dataset = stored
    attachment.file.storage.delete(attachment.file.name)
    with dataset.file.storage.open(dataset.file.name, "wb") as fh:
        fh.write(Fernet(Fernet.generate_key()).encrypt(CSV))  # under a key nobody has
    _new_key_in_front(settings)
    result = crypto.rotate_all()
    assert result.files["reporting.Attachment.file"].missing == 1
    assert result.files["algorithms.AuditDataset.file"].unreadable == 1
    assert not result.complete
    assert Attachment.objects.get().file.name == attachment.file.name  # untouched


def test_cli_reports_counts_per_kind(stored, settings, capsys):
    _new_key_in_front(settings)
    assert main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "reporting.Attachment.file: 1 files re-encrypted" in out
    assert "algorithms.AuditDataset.file: 1 files re-encrypted" in out
    assert "reporting.Case: 1 rows re-encrypted" in out


def test_cli_says_to_keep_the_old_key_when_a_file_is_unreadable(stored, settings, capsys):
    _case, attachment, _dataset = stored
    with attachment.file.storage.open(attachment.file.name, "wb") as fh:
        fh.write(b"kapot")
    _new_key_in_front(settings)
    assert main(["keys", "rotate"]) == 2
    assert "keep the old keys" in capsys.readouterr().err


def test_every_file_field_of_gelijk_is_registered_as_encrypted():
    # Every upload Gelijk keeps can hold personal data and is stored through encrypted();
    # a file field missing from the registry would become unreadable after a rotation.
    registered = {(m._meta.label, name) for m, name in uploads.encrypted_file_fields()}
    file_fields = {
        (model._meta.label, f.name)
        for model in apps.get_models()
        if model.__module__.startswith("gelijk.")
        for f in model._meta.concrete_fields
        if isinstance(f, FileField)
    }
    assert file_fields and file_fields == registered


def test_registering_something_that_is_no_file_field_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    uploads.register_encrypted_files("reporting.Attachment", "content_type")
    try:
        with pytest.raises(ImproperlyConfigured, match="not a FileField"):
            uploads.encrypted_file_fields()
    finally:
        uploads._ENCRYPTED_FILES["reporting.Attachment"].remove("content_type")
