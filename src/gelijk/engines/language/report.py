"""Result records of a scan: findings, per-document reports and folder reports.

All records are frozen dataclasses with ``to_dict()`` returning JSON-safe values. Offsets
(``start``, ``end``) are character offsets into the scanned text (``ScanReport.text``);
``line`` and ``column`` (1-based) point into the *source* file, which differs from the text
for HTML (markup removed) and for .docx/.odt (a paragraph is a line).
"""

from __future__ import annotations

from collections import Counter
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


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be scanned, with the reason in plain English."""

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


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
