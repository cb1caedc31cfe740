"""The engines must stay framework-free: importing them must not pull in Django."""

import subprocess
import sys


def test_engines_import_without_django():
    code = (
        "import sys, pkgutil, importlib, gelijk.engines as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'gelijk.engines.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"engines imported Django modules: {out}"
