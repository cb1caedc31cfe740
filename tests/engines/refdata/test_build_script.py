"""The committed reference files are what scripts/build-refdata.py makes from the sources."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gelijk.engines import refdata

REPO = Path(__file__).resolve().parents[3]
SOURCE = REPO.parent / "shared" / "data" / "external"
FILES = ("cbs-kwb-utrecht-2023.csv", "cbs-kwb-utrecht-2024.csv", "utrecht-wijken-2024.geojson")


def test_source_md_records_the_sha256_of_every_shipped_file():
    text = (refdata.default_data_dir() / "SOURCE.md").read_text()
    for name in FILES:
        digest = hashlib.sha256((refdata.default_data_dir() / name).read_bytes()).hexdigest()
        assert re.search(rf"{re.escape(name)}\s*\|[^\n]*{digest}", text), name


@pytest.mark.skipif(not SOURCE.is_dir(), reason="CBS sources are only in the team's shared folder")
def test_build_script_reproduces_the_shipped_files(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build-refdata.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (refdata.default_data_dir() / name).read_bytes()
