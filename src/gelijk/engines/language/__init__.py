"""Inclusive-language and B1 readability scanner for Dutch letters and vacancy texts.

No Django here: the ``language`` app and the ``gelijk language`` command build on this API.

Quick use::

    from gelijk.engines.language import scan_text, annotate_html
    report = scan_text("Geachte heer/mevrouw, ...", kind="letter")
    for f in report.findings:
        print(f.line, f.column, f.rule_id, f.text, f.alternatives)
    fragment = annotate_html(report.text, report.findings)

* :func:`scan_text`, :func:`scan_file`, :func:`scan_paths` return frozen dataclasses
  (:class:`ScanReport`, :class:`FolderReport`) with ``to_dict()``.
* :func:`load_rules` reads the shipped rule files and, optionally, your own
  (format: ``docs/language/rule-format.md``); pass the result as ``rules=`` to reuse its
  compiled matcher.
* What is checked and its limits: ``docs/language/README.md``; formulas:
  ``docs/methods/readability.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from gelijk.engines.errors import InputError

from .html import annotate_html, findings_list_html, render_report_html
from .inputs import SUPPORTED_EXTENSIONS, Document, read_document
from .inputs import iter_files as _iter_files
from .readability import B1Thresholds, B1Verdict, Readability, brouwer, flesch_douma
from .report import FileProblem, Finding, FolderReport, ScanReport
from .rules import SEVERITIES, Rule, RuleFileError, load_rule_list, parse_rules
from .scanner import KINDS, RuleSet, Scanner, detect_kind
from .text import split_sentences, tokenize

__all__ = [
    "KINDS",
    "SEVERITIES",
    "SUPPORTED_EXTENSIONS",
    "B1Thresholds",
    "B1Verdict",
    "Document",
    "FileProblem",
    "Finding",
    "FolderReport",
    "InputError",
    "Readability",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "ScanReport",
    "Scanner",
    "annotate_html",
    "brouwer",
    "default_rules",
    "detect_kind",
    "findings_list_html",
    "flesch_douma",
    "load_rules",
    "parse_rules",
    "read_document",
    "render_report_html",
    "scan_file",
    "scan_paths",
    "scan_text",
    "split_sentences",
    "tokenize",
]


def load_rules(paths: Iterable[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """The shipped rules (unless ``builtin=False``) plus rule files or folders in ``paths``.

    Raises :class:`RuleFileError` (an :class:`InputError`) naming file, line and field.
    """
    return RuleSet(load_rule_list(paths, builtin=builtin))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The shipped rule set, loaded and compiled once per process."""
    return load_rules()


def _rules(rules: RuleSet | Iterable[Rule] | None) -> RuleSet:
    if rules is None:
        return default_rules()
    if isinstance(rules, RuleSet):
        return rules
    return RuleSet(list(rules))


def scan_text(
    text: str,
    *,
    kind: str = "auto",
    rules: RuleSet | Iterable[Rule] | None = None,
    filename: str | None = None,
) -> ScanReport:
    """Scan a text. ``kind``: ``letter``, ``vacancy`` or ``auto`` (detected from the text)."""
    if not isinstance(text, str):
        raise InputError("scan_text expects a str")
    return _rules(rules).scanner.scan_text(text, kind=kind, filename=filename)


def scan_file(
    path: str | Path, *, kind: str = "auto", rules: RuleSet | Iterable[Rule] | None = None
) -> ScanReport:
    """Read and scan one .txt, .html, .docx, .odt or .pdf file (InputError on bad input)."""
    doc = read_document(path)
    return _scan_document(doc, kind, _rules(rules))


def _scan_document(doc: Document, kind: str, rules: RuleSet) -> ScanReport:
    return rules.scanner.scan_text(
        doc.text,
        kind=kind,
        filename=doc.path,
        hard_line_breaks=doc.hard_line_breaks,
        locate=doc.locate,
        encoding=doc.encoding,
        notes=doc.notes,
    )


def scan_paths(
    paths: Iterable[str | Path],
    *,
    kind: str = "auto",
    rules: RuleSet | Iterable[Rule] | None = None,
    extensions: Iterable[str] | None = None,
    on_file: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> FolderReport:
    """Scan files and folders (recursively). A file that cannot be read is listed in
    ``problems`` and the scan goes on; ``on_file`` is called after each file (progress).

    ``jobs > 1`` scans in that many worker processes; reports keep the order of the files.
    """
    ruleset = _rules(rules)
    files, skipped, missing = _iter_files(paths, extensions)
    problems = [FileProblem(p, m, "not_found") for p, m in missing]
    if jobs > 1 and len(files) > 1:
        outcomes = _scan_parallel(files, kind, ruleset, jobs, on_file)
    else:
        outcomes = []
        for path in files:
            outcomes.append(_scan_one(path, kind, ruleset))
            if on_file is not None:
                on_file(str(path))
    reports = [o for o in outcomes if isinstance(o, ScanReport)]
    problems += [o for o in outcomes if isinstance(o, FileProblem)]
    return FolderReport(tuple(reports), tuple(problems), skipped)


def _scan_one(path: Path, kind: str, ruleset: RuleSet) -> ScanReport | FileProblem:
    try:
        return _scan_document(read_document(path), kind, ruleset)
    except InputError as exc:
        return FileProblem(str(path), str(exc).removeprefix(f"{path}: "), exc.kind, exc.details)


# Worker processes receive the rule set once, through the pool initializer: under "fork" the
# compiled RuleSet itself is inherited (no pickling, no recompiling); under "spawn" the rules
# are pickled and compiled once per worker. It lives only in the worker process.
_WORKER: dict[str, RuleSet] = {}


def _init_worker(rules: RuleSet | tuple[Rule, ...] | None) -> None:
    if rules is None:
        _WORKER["rules"] = default_rules()
    else:
        _WORKER["rules"] = rules if isinstance(rules, RuleSet) else RuleSet(rules)


def _scan_chunk(paths: list[Path], kind: str) -> list[ScanReport | FileProblem]:
    ruleset = _WORKER["rules"]
    return [_scan_one(path, kind, ruleset) for path in paths]


def _scan_parallel(
    files: list[Path],
    kind: str,
    ruleset: RuleSet,
    jobs: int,
    on_file: Callable[[str], None] | None,
) -> list[ScanReport | FileProblem]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    if method == "fork":
        _ = ruleset.scanner  # compile before forking, so that workers inherit it
        shipped: RuleSet | tuple[Rule, ...] | None = ruleset
    else:
        shipped = None if ruleset is default_rules() else ruleset.rules
    size = max(1, min(50, len(files) // (jobs * 4) or 1))
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    outcomes: list[ScanReport | FileProblem] = []
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=mp.get_context(method),
        initializer=_init_worker,
        initargs=(shipped,),
    ) as pool:
        for chunk, result in zip(
            chunks, pool.map(_scan_chunk, chunks, [kind] * len(chunks)), strict=True
        ):
            outcomes.extend(result)
            if on_file is not None:
                for path in chunk:
                    on_file(str(path))
    return outcomes
