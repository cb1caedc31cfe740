"""The upload rules every app shares (gelijk.core.uploads)."""

import io

import pytest
from django.core.files.storage import InMemoryStorage
from PIL import Image

from gelijk.core import uploads


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("brief.pdf", "brief.pdf"),
        ("C:\\Users\\jan\\Documents\\brief.pdf", "brief.pdf"),
        ("/etc/passwd", "passwd"),
        ("", "bestand"),
        (None, "bestand"),
        ("map/", "map"),
        ("a" * 300 + ".txt", "a" * 120),
    ],
)
def test_shown_name_drops_folders_and_is_short(sent, shown):
    assert uploads.shown_name(sent) == shown


def test_shown_name_limit_is_a_parameter():
    assert uploads.shown_name("abcdef.txt", limit=3) == "abc"


def test_empty_file_is_refused_in_dutch():
    with pytest.raises(uploads.FileRefused) as caught:
        uploads.check_size("leeg.csv", 0, 2**20)
    assert caught.value.message == "‘leeg.csv’ is leeg."
    assert str(caught.value) == caught.value.message


def test_too_large_file_names_its_size_and_the_limit_with_a_decimal_comma():
    with pytest.raises(uploads.FileRefused) as caught:
        uploads.check_size("groot.pdf", 3 * 2**20 + 2**19, 2 * 2**20)
    assert caught.value.message == "‘groot.pdf’ is te groot (3,5 MB). Het maximum is 2 MB."


def test_size_at_the_limit_passes():
    uploads.check_size("precies.pdf", 2 * 2**20, 2 * 2**20)
    uploads.check_size("klein.pdf", 1, 2 * 2**20)


def test_refusal_follows_the_active_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(uploads.FileRefused) as caught:
        uploads.check_size("empty.csv", 0, 2**20)
    assert caught.value.message == "‘empty.csv’ is empty."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_png(), ("image/png", "png")),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ("application/pdf", "pdf")),
        (b"naam;wijk\nJan;Zuid\n", ("", "")),
        (b"", ("", "")),
    ],
)
def test_real_type_reads_the_signature_not_the_name(data, expected):
    assert uploads.real_type(data) == expected


def test_checked_file_hash_is_of_its_bytes():
    checked = uploads.CheckedFile("a.txt", "text/plain", b"abc")
    assert checked.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_stored_bytes_are_encrypted_and_come_back_intact():
    storage = InMemoryStorage()
    secret = b"naam: J. Jansen, BSN 123456782"
    name = storage.save("bijlage.bin", uploads.encrypted(secret))
    with storage.open(name, "rb") as fh:
        on_disk = fh.read()
    assert secret not in on_disk
    assert on_disk.startswith(b"gAAAA")  # a Fernet token
    assert uploads.decrypted(storage.open(name, "rb")) == secret
