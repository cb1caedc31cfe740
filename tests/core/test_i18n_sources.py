"""Source code that makemessages can extract: translatable text reaches the catalogue.

Two mistakes made text silently stay Dutch in English (found in the monitor and language apps):
a translation function imported under another name (makemessages only knows ``_`` and the
full names), and ``_("…%…")`` inside a template tag (looked up with the percent sign doubled,
so it never matched and showed "%%").
"""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "gelijk"
EXTRACTED_NAMES = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _app_modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if parts[0] in ("engines", "conf") or "migrations" in parts:
            continue  # engines speak English and never translate
        yield path


def test_translation_functions_keep_a_name_makemessages_extracts():
    wrong = []
    for path in _app_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.name in EXTRACTED_NAMES and alias.asname not in (None, "_"):
                        wrong.append(f"{path.relative_to(SRC)}: {alias.name} as {alias.asname}")
    assert not wrong, "import under a name makemessages does not extract:\n" + "\n".join(wrong)


_TAG_CALL = re.compile(r"\{%[^%]*?_\(\"[^\"]*%[^\"]*\"\)[^%]*?%\}")


def test_template_tags_do_not_translate_text_with_a_percent_sign():
    wrong = []
    for path in sorted((SRC / "templates").rglob("*.html")):
        for match in _TAG_CALL.finditer(path.read_text()):
            wrong.append(f"{path.relative_to(SRC)}: {match.group(0)[:80]}")
    assert not wrong, "use {% translate … as var %} for these:\n" + "\n".join(wrong)
