"""The English catalogue is complete and compiled: no fuzzy guesses, no empty translations,
the same placeholders as the Dutch source, and a django.mo that matches django.po.

Pure Python on purpose: no gettext binaries are needed to run these checks."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "gelijk" / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
# %(name)s, %s / %d and {name}; a doubled %% is a literal percent sign, not a placeholder.
_PLACEHOLDER = re.compile(r"%\([^)]*\)[a-zA-Z]|%[a-zA-Z]|\{[A-Za-z_][A-Za-z0-9_.]*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def msgstrs(self) -> list[tuple[str, str]]:
        """(source text, translation) pairs: msgstr, or msgstr[0], msgstr[1], …"""
        if self.plural is None:
            return [(self.msgid, self.fields.get("msgstr", ""))]
        forms = sorted((int(k[7:-1]), v) for k, v in self.fields.items() if k.startswith("msgstr["))
        return [(self.msgid if i == 0 else self.plural, v) for i, v in forms]

    def __str__(self) -> str:
        text = self.msgid if len(self.msgid) <= 100 else self.msgid[:97] + "..."
        ctx = f" [msgctxt {self.context!r}]" if self.context is not None else ""
        return f"line {self.line}: {text!r}{ctx}"


def _unquote(token: str) -> str:
    body = token.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """All live entries of a .po file (obsolete ``#~`` entries left out), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    obsolete = False

    def finish():
        if current is not None and not obsolete and "msgid" in current.fields:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            current, key, obsolete = None, None, False
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#~"):
            obsolete = True
        elif line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key = match.group(1)
            current.fields[key] = _unquote(match.group(2))
        elif line.startswith('"') and key is not None:
            current.fields[key] += _unquote(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text.replace("%%", "")))


def _report(problem: str, offenders: list[str]) -> str:
    return f"{len(offenders)} {problem}:\n  " + "\n  ".join(offenders)


@pytest.fixture(params=CATALOGUES, ids=lambda p: p.parent.parent.name)
def catalogue(request) -> tuple[Path, list[Entry]]:
    return request.param, [e for e in parse_po(request.param) if e.msgid or e.context]


def test_there_is_an_english_catalogue():
    assert LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po" in CATALOGUES


def test_no_fuzzy_entries(catalogue):
    _, entries = catalogue
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, _report(
        "fuzzy entries; Django guessed these, check the translation and remove the flag",
        fuzzy,
    )


def test_every_entry_is_translated(catalogue):
    _, entries = catalogue
    empty = [str(e) for e in entries if any(not t for _, t in e.msgstrs)]
    assert not empty, _report("entries without a translation (empty msgstr)", empty)


def test_translations_keep_the_placeholders(catalogue):
    _, entries = catalogue
    wrong = []
    for entry in entries:
        for source, translation in entry.msgstrs:
            if translation and _placeholders(source) != _placeholders(translation):
                wrong.append(
                    f"{entry} has {sorted(_placeholders(source))}, "
                    f"translation has {sorted(_placeholders(translation))}"
                )
    assert not wrong, _report("translations whose placeholders differ from the msgid", wrong)


def test_compiled_catalogue_is_up_to_date(catalogue):
    po_path, entries = catalogue
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in entries:
        if "fuzzy" in entry.flags or any(not t for _, t in entry.msgstrs):
            continue  # not compiled by design; reported by the tests above
        if entry.plural is None:
            got = [
                compiled.gettext(entry.msgid)
                if entry.context is None
                else compiled.pgettext(entry.context, entry.msgid)
            ]
        else:
            # Plural-Forms for English: n == 1 -> form 0, otherwise form 1.
            got = [
                compiled.ngettext(entry.msgid, entry.plural, n)
                if entry.context is None
                else compiled.npgettext(entry.context, entry.msgid, entry.plural, n)
                for n in (1, 2)
            ]
        if got != [t for _, t in entry.msgstrs]:
            stale.append(str(entry))
    assert not stale, _report(
        f"entries whose translation in {mo_path.name} differs from {po_path.name}; "
        "run `manage.py compilemessages` (or msgfmt)",
        stale,
    )
