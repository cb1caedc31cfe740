"""``gelijk language``: inclusive-language and B1 scan of letters and vacancy texts.

``gelijk language scan PATH...`` reports every finding as ``file:line:column: severity rule``
(the form editors and CI annotations understand), the suggestion and the reason, the
readability figures per document and a summary over all files.

Exit status: 0 — no errors; 1 — at least one finding of severity *error* (so a repository of
letter templates can be checked in CI like code); 2 — usage or input errors (a file that could
not be read, a broken rule file). Input problems win over findings: a check that could not
read everything did not pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gelijk.cli import CliError
from gelijk.engines.errors import InputError
from gelijk.engines.language import (
    KINDS,
    SEVERITIES,
    SUPPORTED_EXTENSIONS,
    FolderReport,
    RuleSet,
    ScanReport,
    default_rules,
    load_rules,
    render_report_html,
    scan_paths,
)
from gelijk.engines.language.html import SEVERITY_NL

EXIT_OK, EXIT_ERRORS, EXIT_INPUT = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "language",
        help="inclusive-language and B1 scan of letters and vacancy texts",
        description="Inclusive-language and B1 readability scan of Dutch letters and vacancies.",
    )
    sub = parser.add_subparsers(dest="language_command", metavar="COMMAND")
    parser.set_defaults(func=lambda args: _help(parser))

    scan = sub.add_parser(
        "scan",
        help="scan files or folders",
        description=(
            "Scan .txt, .html, .docx, .odt and .pdf files (folders recursively). Exit status: "
            "0 no errors, 1 errors found, 2 usage or input errors."
        ),
    )
    scan.add_argument("paths", nargs="+", metavar="PATH", help="file or folder")
    scan.add_argument("--format", choices=("text", "json", "html"), default="text")
    scan.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="suggestion",
        help="show findings of this severity and worse (default: suggestion)",
    )
    scan.add_argument(
        "--kind",
        choices=KINDS,
        default="auto",
        help="letter, vacancy, or auto (detected per file; default)",
    )
    _rule_options(scan)
    scan.add_argument(
        "--ext",
        metavar="EXT[,EXT]",
        help="file types to scan inside folders (default: "
        + ",".join(e.lstrip(".") for e in SUPPORTED_EXTENSIONS)
        + ")",
    )
    scan.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="scan with N processes (default 1)"
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    scan.add_argument("--quiet", action="store_true", help="no progress bar")
    scan.set_defaults(func=run_scan)

    rules = sub.add_parser(
        "rules",
        help="list the rules, show a rule's forms, or check rule files",
        description="List the loaded rules; with --check, run every rule's examples.",
    )
    _rule_options(rules)
    rules.add_argument(
        "--check", action="store_true", help="run the examples of every rule; exit 1 on failure"
    )
    rules.add_argument("--forms", metavar="RULE_ID", help="list the word forms a rule matches")
    rules.set_defaults(func=run_rules)


def _rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra rule file or folder of .yaml files (repeatable; format: "
        "docs/language/rule-format.md)",
    )
    parser.add_argument(
        "--no-builtin-rules", action="store_true", help="use only the rules given with --rules"
    )


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INPUT


def _load(args: argparse.Namespace) -> RuleSet:
    if not args.rules and not args.no_builtin_rules:
        return default_rules()  # compiled once per process
    try:
        return load_rules(args.rules, builtin=not args.no_builtin_rules)
    except InputError as exc:
        raise CliError(str(exc)) from None


# --- scan ----------------------------------------------------------------------------------


def run_scan(args: argparse.Namespace) -> int:
    ruleset = _load(args)
    extensions = None
    if args.ext:
        extensions = [e.strip() for e in args.ext.split(",") if e.strip()]
        unknown = [e for e in extensions if "." + e.lstrip(".").lower() not in SUPPORTED_EXTENSIONS]
        if unknown:
            raise CliError(
                f"unsupported file type(s) for --ext: {', '.join(unknown)}; "
                f"use {', '.join(e.lstrip('.') for e in SUPPORTED_EXTENSIONS)}"
            )
    paths = [Path(p) for p in args.paths]
    if args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    bar = _progress(paths, extensions, quiet=args.quiet)
    try:
        folder = scan_paths(
            paths,
            kind=args.kind,
            rules=ruleset,
            extensions=extensions,
            on_file=(lambda _p: bar.update(1)) if bar is not None else None,
            jobs=args.jobs,
        )
    finally:
        if bar is not None:
            bar.close()
    if len(paths) == 1 and not paths[0].is_dir() and folder.problems:
        # one file: a problem with it is a plain error, not a line in a report
        raise CliError(folder.problems[0].dutch)
    if not folder.reports and not folder.problems:
        raise CliError("no files to scan: " + ", ".join(map(str, paths)))

    shown = FolderReport(
        tuple(r.filtered(args.min_severity) for r in folder.reports),
        folder.problems,
        folder.skipped,
    )
    if args.format == "json":
        output = json.dumps(shown.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        output = render_report_html(shown.reports, shown.problems, skipped=shown.skipped)
    else:
        output = format_text(shown)
    _write(output, args.output)
    if folder.problems:
        return EXIT_INPUT
    return EXIT_ERRORS if folder.has_errors else EXIT_OK


def _progress(paths: list[Path], extensions, *, quiet: bool):
    if quiet or not sys.stderr.isatty() or all(not p.is_dir() for p in paths):
        return None
    from tqdm import tqdm

    from gelijk.engines.language.inputs import iter_files

    files, _, _ = iter_files(paths, extensions)
    return tqdm(total=len(files), unit="bestand", file=sys.stderr, leave=False)


def _write(output: str, target: str | None) -> None:
    if target is None:
        sys.stdout.write(output)
        return
    try:
        Path(target).write_text(output, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror}") from None


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _zinnen(n: int) -> str:
    return f"{n} {'zin' if n == 1 else 'zinnen'}"


def format_report(report: ScanReport) -> list[str]:
    """Text lines for one document (Dutch, as users read it)."""
    name = report.file or "tekst"
    kind = "vacature" if report.kind == "vacancy" else "brief"
    lines = [f"== {name} ({kind}{', automatisch herkend' if report.kind_detected else ''})"]
    lines += [f"   let op: {note}" for note in report.notes]
    for f in report.findings:
        quoted = f"„{' '.join(f.text.split())}”" if f.text else "(hele tekst)"
        lines.append(f"{name}:{f.line}:{f.column}: {SEVERITY_NL[f.severity]} {f.rule_id}: {quoted}")
        if f.alternatives:
            lines.append("    beter: " + " | ".join(f.alternatives))
        lines.append(f"    waarom: {f.reason} (bron: {f.source})")
    r = report.readability
    if r.flesch_douma is None:
        lines.append(f"   leesbaarheid: niet te meten ({r.note})")
    else:
        lines.append(
            f"   leesbaarheid: {r.sentences} zinnen, {r.words} woorden, "
            f"{_num(r.words_per_sentence)} woorden per zin, "
            f"Flesch-Douma {_num(r.flesch_douma)} ({r.flesch_douma_band}), "
            f"Brouwer {_num(r.brouwer)}"
        )
        lines.append(
            f"   lange woorden {_pct(r.long_word_share)}, weinig voorkomende woorden "
            f"{_pct(r.infrequent_word_share)}, {_zinnen(r.long_sentences)} langer dan "
            f"{r.long_sentence_over_words} woorden, {_zinnen(r.passive_sentences)} in de "
            f"lijdende vorm, {r.nominalisations}× naamwoordstijl"
        )
    lines.append(f"   B1-indicatie: {report.b1.label}")
    lines += ["     " + line for line in report.b1.explanation.splitlines() if line.strip()]
    return lines


def format_text(folder: FolderReport) -> str:
    lines: list[str] = []
    for report in folder.reports:
        lines += format_report(report)
        lines.append("")
    s = folder.summary()
    counts = s["findings"]
    lines.append(
        f"Samenvatting: {s['files_scanned']} bestand(en) gescand, {counts['error']} fouten, "
        f"{counts['warning']} waarschuwingen, {counts['suggestion']} suggesties; "
        f"{s['files_with_errors']} bestand(en) met fouten; waarschijnlijk B1 zonder fouten of "
        f"waarschuwingen: {s['b1_and_clean']} van {s['files_scanned']}."
    )
    lines.append("B1 heeft geen officiële formule; de B1-indicatie is een hulpmiddel.")
    if folder.problems:
        lines.append(f"Niet gelezen ({len(folder.problems)}):")
        lines += [f"  {p.dutch}" for p in folder.problems]
    return "\n".join(lines) + "\n"


# --- rules ---------------------------------------------------------------------------------


def run_rules(args: argparse.Namespace) -> int:
    ruleset = _load(args)
    if args.forms:
        rule = ruleset.get(args.forms)
        if rule is None:
            raise CliError(f"no rule with id {args.forms!r}")
        for form in sorted(rule.forms):
            print(form)
        for pattern in rule.patterns:
            print(f"(patroon) {pattern.pattern}")
        return EXIT_OK
    if args.check:
        return _check_examples(ruleset)
    for rule in ruleset:
        contexts = ",".join(rule.contexts)
        print(f"{rule.id}\t{rule.category}\t{rule.severity}\t{contexts}\t{rule.file}:{rule.line}")
    print(f"{len(ruleset)} regels in {len(ruleset.categories())} categorieën", file=sys.stderr)
    return EXIT_OK


def _check_examples(ruleset: RuleSet) -> int:
    scanner = ruleset.scanner
    failures = 0
    for rule in ruleset:
        kind = "vacancy" if rule.contexts == ("vacancy",) else "letter"
        for text in rule.examples_flag:
            found = scanner.scan_text(text, kind=kind).findings
            if not any(f.rule_id == rule.id for f in found):
                failures += 1
                print(f"{rule.file}:{rule.line}: {rule.id} does not flag example: {text!r}")
        for text in rule.examples_ok:
            found = scanner.scan_text(text, kind=kind).findings
            if any(f.rule_id == rule.id for f in found):
                failures += 1
                print(f"{rule.file}:{rule.line}: {rule.id} flags the 'ok' example: {text!r}")
    print(f"{len(ruleset)} rules checked, {failures} example(s) failed", file=sys.stderr)
    return EXIT_ERRORS if failures else EXIT_OK
