"""Every read of the language app, through the access layer.

Counts of letters (the library summary, batch results, the trend) are not passed through the
small-cell rule of ``gelijk.engines.disclosure``: that rule protects people behind small
counts, and a standard letter is a text, not a person. No figure here is about residents; the
only people involved are the staff who wrote the letters, and no figure is split by author.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gelijk.core import access
from gelijk.language import policies
from gelijk.language.models import Letter, LetterScan, LetterVersion, RuleFile, ScanBatch


def latest_scans(versions: list[LetterVersion]) -> dict[int, LetterScan]:
    """The newest scan of each version (by version id)."""
    newest: dict[int, LetterScan] = {}
    rows = LetterScan.objects.filter(version__in=versions).order_by(
        "version_id", "-scanned_at", "-pk"
    )
    for scan in rows.defer("result"):
        newest.setdefault(scan.version_id, scan)
    return newest


@dataclass(frozen=True)
class LibraryRow:
    letter: Letter
    scan: LetterScan | None
    can_edit: bool


def library(user, filters) -> list[LibraryRow]:
    qs = access.scope(user, Letter.objects.all()).select_related("latest_version", "team", "owner")
    if filters.get("soort") in ("letter", "vacancy"):
        qs = qs.filter(kind=filters["soort"])
    if filters.get("team"):
        qs = qs.filter(team__code=filters["team"])
    if filters.get("zoek"):
        words = filters["zoek"].split()
        qs = qs.filter(*[Q(title__icontains=w) for w in words[:5]])
    letters = list(qs.order_by("title"))
    scans = latest_scans([lt.latest_version for lt in letters if lt.latest_version_id])
    rows = [
        LibraryRow(lt, scans.get(lt.latest_version_id), access.can(user, policies.EDIT, lt))
        for lt in letters
    ]
    state = filters.get("uitkomst")
    if state == "schoon":
        rows = [r for r in rows if r.scan and r.scan.b1_and_clean]
    elif state == "werk":
        rows = [r for r in rows if r.scan and not r.scan.b1_and_clean]
    elif state == "fouten":
        rows = [r for r in rows if r.scan and r.scan.errors]
    return rows


def letter_get(user, pk: int) -> Letter | None:
    return (
        access.scope(user, Letter.objects.all())
        .select_related("latest_version", "team", "owner")
        .filter(pk=pk)
        .first()
    )


def versions(user, letter: Letter) -> QuerySet[LetterVersion]:
    return (
        access.scope(user, LetterVersion.objects.filter(letter=letter))
        .select_related("created_by")
        .order_by("-number")
    )


def version_get(user, letter: Letter, number: int) -> LetterVersion | None:
    return versions(user, letter).filter(number=number).first()


def latest_scan(user, version: LetterVersion) -> LetterScan | None:
    return (
        access.scope(user, LetterScan.objects.filter(version=version))
        .select_related("scanned_by", "batch")
        .order_by("-scanned_at", "-pk")
        .first()
    )


def batches(user) -> QuerySet[ScanBatch]:
    return access.scope(user, ScanBatch.objects.all()).select_related("created_by")


def batch_get(user, pk: int) -> ScanBatch | None:
    return batches(user).filter(pk=pk).first()


def batch_results(user, batch: ScanBatch) -> list[LetterScan]:
    return list(
        access.scope(user, LetterScan.objects.filter(batch=batch))
        .select_related("version__letter")
        .defer("result")
        .order_by("version__letter__title")
    )


def running_batch(user) -> ScanBatch | None:
    return (
        batches(user).filter(status__in=[ScanBatch.Status.QUEUED, ScanBatch.Status.RUNNING]).first()
    )


@dataclass(frozen=True)
class TrendPoint:
    batch: ScanBatch
    scanned: int
    clean: int

    @property
    def share(self) -> float | None:
        return self.clean / self.scanned if self.scanned else None


def trend(user) -> list[TrendPoint]:
    """Share of letters B1 and clean per finished scan of the whole library, oldest first.

    Only whole-library batches count: a selection is not comparable from batch to batch. The
    share is over every letter scanned in that batch (a census of the library, not a sample),
    so it has no sampling interval; n is shown with it."""
    done = batches(user).filter(status=ScanBatch.Status.DONE, scope=ScanBatch.Scope.ALL)
    return [
        TrendPoint(b, b.scanned, b.clean_count)
        for b in done.order_by("finished_at", "pk")
        if b.scanned
    ]


def rule_files(user, *, active: bool | None = True) -> QuerySet[RuleFile]:
    qs = access.scope(user, RuleFile.objects.all()).select_related("uploaded_by")
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("uploaded_at", "pk")


def library_summary(rows: list[LibraryRow]) -> dict:
    scanned = [r for r in rows if r.scan]
    return {
        "letters": len(rows),
        "scanned": len(scanned),
        "clean": sum(r.scan.b1_and_clean for r in scanned),
        "with_errors": sum(bool(r.scan.errors) for r in scanned),
    }
