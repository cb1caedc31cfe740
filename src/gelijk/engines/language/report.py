"""Result records of a scan: findings, per-document reports and folder reports.

All records are frozen dataclasses with ``to_dict()`` returning JSON-safe values. Offsets
(``start``, ``end``) are character offsets into the scanned text (``ScanReport.text``);
``line`` and ``column`` (1-based) point into the *source* file, which differs from the text
for HTML (markup removed) and for .docx/.odt (a paragraph is a line).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .readability import B1Verdict, Readability
from .rules import SEVERITIES, SEVERITY_RANK


@dataclass(frozen=True)
class Finding:
    """One place in a text where a rule applies."""

    rule_id: str
    category: str
    severity: str
    start: int
    end: int
    line: int
    column: int
    text: str
    alternatives: tuple[str, ...]
    reason: str
    source: str
    file: str | None = None

    @property
    def is_document_level(self) -> bool:
        """True for findings about what a text lacks (no place to point at)."""
        return self.start == self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "alternatives": list(self.alternatives),
            "reason": self.reason,
            "source": self.source,
            "file": self.file,
        }


def severity_counts(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


@dataclass(frozen=True)
class ScanReport:
    """The scan of one text or file.

    ``kind`` is the text kind the rules were chosen for (letter or vacancy);
    ``kind_detected`` says whether it was detected (``kind="auto"``) or given.
    ``encoding`` is the encoding a text file was read with (None for other inputs);
    ``notes`` are remarks for the reader about how the input was read.
    """

    file: str | None
    kind: str
    kind_detected: bool
    findings: tuple[Finding, ...]
    readability: Readability
    b1: B1Verdict
    text: str = field(repr=False)
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    #: findings left out of ``findings`` by :meth:`filtered`; still count for the verdicts
    hidden: tuple[Finding, ...] = field(default=(), repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity, as shown (after a severity filter)."""
        return severity_counts(self.findings)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in (*self.findings, *self.hidden))

    @property
    def is_b1_and_clean(self) -> bool:
        """Indicatively B1 and without errors or warnings (suggestions allowed)."""
        return self.b1.code == "likely_b1" and not any(
            SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]
            for f in (*self.findings, *self.hidden)
        )

    def filtered(self, min_severity: str) -> ScanReport:
        """The same report showing only findings at or above ``min_severity``."""
        floor = SEVERITY_RANK[min_severity]
        everything = (*self.findings, *self.hidden)
        kept = tuple(f for f in everything if SEVERITY_RANK[f.severity] >= floor)
        hidden = tuple(f for f in everything if SEVERITY_RANK[f.severity] < floor)
        return ScanReport(
            self.file, self.kind, self.kind_detected, kept, self.readability, self.b1,
            self.text, self.encoding, self.notes, hidden,
        )  # fmt: skip

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "kind": self.kind,
            "kind_detected": self.kind_detected,
            "encoding": self.encoding,
            "notes": list(self.notes),
            "counts": self.counts,
            "hidden_by_severity_filter": len(self.hidden),
            "has_errors": self.has_errors,
            "b1_and_clean": self.is_b1_and_clean,
            "findings": [f.to_dict() for f in self.findings],
            "readability": self.readability.to_dict(),
            "b1": self.b1.to_dict(),
        }
        if include_text:
            out["text"] = self.text
        return out


#: Every ``kind`` of reading problem (``InputError.kind`` from the readers in inputs.py) in
#: Dutch, the language of the CLI's report and the HTML page; ``%(name)s`` is the file, the
#: other fields come from ``InputError.details``. The app (gelijk.language.files) keeps its
#: own translatable copy of these sentences, checked against this table by its tests.
READ_PROBLEMS_NL: dict[str, str] = {
    "empty": "‘%(name)s’ is leeg.",
    "bad_bom": (
        "‘%(name)s’ begint als %(enc)s-tekst, maar de rest is geen geldige %(enc)s. "
        "Sla het bestand opnieuw op als UTF-8."
    ),
    "binary": "‘%(name)s’ bevat geen tekst maar binaire gegevens. Is het echt een tekstbestand?",
    "unknown_encoding": (
        "De tekenset van ‘%(name)s’ is onbekend: het is geen UTF-8 en geen West-Europese "
        "tekenset. Sla het bestand op als UTF-8."
    ),
    "no_text": "In ‘%(name)s’ staat geen tekst.",
    "protected_or_old_format": (
        "‘%(name)s’ is beveiligd met een wachtwoord of is in een oud formaat opgeslagen "
        "(zoals .doc). Haal het wachtwoord weg en sla het op als %(ext)s."
    ),
    "invalid": (
        "‘%(name)s’ is geen geldig %(ext)s-bestand: het is beschadigd of een ander soort bestand."
    ),
    "password": "‘%(name)s’ is beveiligd met een wachtwoord. Gebruik een kopie zonder wachtwoord.",
    "damaged": (
        "‘%(name)s’ kan niet worden gelezen als %(ext)s. Het bestand is misschien beschadigd."
    ),
    "no_text_layer": (
        "In de PDF ‘%(name)s’ staat geen tekst die de scan kan lezen (is het een scan of "
        "foto?). Gebruik het oorspronkelijke document."
    ),
    "not_found": "Er is geen bestand of map ‘%(name)s’.",
    "folder": "‘%(name)s’ is een map, geen bestand.",
    "os_error": (
        "‘%(name)s’ kan niet worden geopend (%(reason)s). Controleer of u het bestand mag lezen."
    ),
    "unsupported_type": (
        "‘%(name)s’ is een soort bestand dat de taalscan niet kan lezen. Gebruik %(supported)s."
    ),
}
#: For a problem without a known kind: the English reason inside a Dutch sentence.
READ_PROBLEM_NL_FALLBACK = "‘%(name)s’ kan niet worden gelezen (%(problem)s)."


def read_problem_nl(name: str, kind: str | None, details: Mapping[str, str], problem: str) -> str:
    """A reading problem in Dutch; ``problem`` (English) is only used for an unknown kind."""
    template = READ_PROBLEMS_NL.get(kind or "")
    try:
        if template is not None:
            return template % {**details, "name": name}
    except KeyError:  # a kind raised without the details its sentence needs
        pass
    return READ_PROBLEM_NL_FALLBACK % {"name": name, "problem": problem}


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be scanned.

    ``message`` is the reason in plain English (as ``InputError`` gives it, without the
    path); ``kind`` and ``details`` say the same for a program (see :data:`READ_PROBLEMS_NL`),
    and :attr:`dutch` is the whole sentence in Dutch, naming the file.
    """

    path: str
    message: str
    kind: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)

    @property
    def dutch(self) -> str:
        return read_problem_nl(self.path, self.kind, self.details, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "details": dict(self.details),
            "message": self.message,
            "message_nl": self.dutch,
        }


@dataclass(frozen=True)
class FolderReport:
    """Scans of many files: every report, every file that failed, and a summary."""

    reports: tuple[ScanReport, ...]
    problems: tuple[FileProblem, ...]
    skipped: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts([f for r in self.reports for f in r.findings])

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.reports)

    def summary(self) -> dict[str, Any]:
        """Totals over all scanned files (no small-cell rule: these are texts, not people)."""
        by_category = Counter(f.category for r in self.reports for f in r.findings)
        by_rule = Counter(f.rule_id for r in self.reports for f in r.findings)
        b1_codes = Counter(r.b1.code for r in self.reports)
        n = len(self.reports)
        clean = sum(r.is_b1_and_clean for r in self.reports)
        return {
            "files_scanned": n,
            "files_failed": len(self.problems),
            "files_skipped": self.skipped,
            "files_with_errors": sum(r.has_errors for r in self.reports),
            "findings": self.counts,
            "by_category": dict(sorted(by_category.items())),
            "by_rule": dict(by_rule.most_common()),
            "b1": {code: b1_codes.get(code, 0) for code in (
                "likely_b1", "possibly_above_b1", "likely_above_b1", "insufficient_text")},
            "b1_and_clean": clean,
            "b1_and_clean_share": (clean / n) if n else None,
        }  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "reports": [r.to_dict() for r in self.reports],
            "problems": [p.to_dict() for p in self.problems],
        }
