"""``gelijk monitor``: simulate enforcement actions, validate them, and run the monitor report.

* ``gelijk monitor simulate --actions N --seed S [bias knobs] --out FILE`` writes seeded
  Utrecht-like actions (.parquet or .csv), optionally with a survey file.
* ``gelijk monitor validate INPUT`` checks a file against the data contract and prints the
  row-by-row report.
* ``gelijk monitor analyse INPUT [--survey FILE] [--group COLUMN --reference VALUE] --out DIR``
  writes ``DIR/report.json`` and the self-contained Dutch ``DIR/report.html``.

Exit status: 0 success; 2 bad input or usage (one line ``gelijk: error: ...``, no stack trace).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from gelijk.cli import CliError
from gelijk.engines.errors import InputError
from gelijk.engines.monitor import (
    ANALYSES,
    BiasKnobs,
    MonitorConfig,
    SimulationConfig,
    SurveyConfig,
    ValidationFailed,
    load_actions,
    load_survey,
    render_html,
    run_report,
    simulate_survey,
    write_actions,
)
from gelijk.engines.monitor.config import GROUP_COLUMNS
from gelijk.engines.monitor.contract import ACTION_TYPES
from gelijk.engines.monitor.load import KEY_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "monitor",
        help="monitor of equal treatment in enforcement actions",
        description="Monitor of equal treatment in enforcement actions (Utrecht).",
    )
    sub = parser.add_subparsers(dest="monitor_command", metavar="COMMAND")
    parser.set_defaults(func=lambda args: _help(parser))

    sim = sub.add_parser(
        "simulate",
        help="write seeded simulated actions with optional injected bias",
        description="Write seeded Utrecht-like enforcement actions (.parquet or .csv). Bias "
        "knobs act on proactive actions against the target group.",
    )
    sim.add_argument("--actions", type=int, required=True, metavar="N")
    sim.add_argument("--seed", type=int, required=True, metavar="S")
    sim.add_argument("--out", required=True, metavar="FILE", help=".parquet or .csv")
    sim.add_argument(
        "--csv-dialect",
        choices=("standard", "excel-nl"),
        default="standard",
        help="CSV only: standard (UTF-8, comma) or excel-nl (Windows-1252, ';')",
    )
    sim.add_argument("--officers", type=int, default=120)
    sim.add_argument("--days", type=int, default=366)
    sim.add_argument("--start", default="2024-01-01", help="first date (YYYY-MM-DD)")
    sim.add_argument(
        "--visitor-share",
        type=float,
        default=0.0,
        help="share of visitors among people met in the Binnenstad (default 0)",
    )
    sim.add_argument(
        "--hit-heterogeneity",
        type=float,
        default=0.0,
        help="spread of offence rates over wijken (logit SD; default 0)",
    )
    sim.add_argument(
        "--no-perceived-origin", action="store_true", help="leave out the perceived_origin column"
    )
    knobs = sim.add_argument_group("bias knobs (proactive actions only)")
    knobs.add_argument(
        "--bias-column", default="perceived_origin", choices=("perceived_origin", "age_band", "sex")
    )
    knobs.add_argument("--bias-value", default="outside_europe")
    knobs.add_argument("--stop-rate-ratio", type=float, default=1.0)
    knobs.add_argument(
        "--action-rate-ratio",
        type=float,
        default=1.0,
        help="multiplier on the chance of a fine given an offence",
    )
    knobs.add_argument(
        "--hit-threshold-shift",
        type=float,
        default=0.0,
        help="how much lower the search threshold is (signal scale)",
    )
    knobs.add_argument(
        "--darkness-effect",
        type=float,
        default=1.0,
        help="selection multiplier in daylight (veil of darkness)",
    )
    knobs.add_argument("--biased-officers", type=int, default=0)
    knobs.add_argument("--biased-officer-ratio", type=float, default=3.0)
    survey = sim.add_argument_group("experience survey")
    survey.add_argument("--survey-out", metavar="FILE", help="also write a survey (.csv/.parquet)")
    survey.add_argument("--respondents", type=int, default=800, help="per wave")
    survey.add_argument("--waves", type=int, default=3)
    survey.add_argument("--survey-gap", type=float, default=0.0)
    sim.set_defaults(func=_simulate)

    val = sub.add_parser(
        "validate",
        help="check a file against the data contract",
        description="Check enforcement actions against the data contract and "
        "print the row-by-row report.",
    )
    val.add_argument("input", metavar="INPUT")
    _load_options(val)
    val.set_defaults(func=_validate)

    ana = sub.add_parser(
        "analyse",
        aliases=["analyze"],
        help="run the monitor report",
        description="Validate INPUT, run every analysis and write DIR/report.json and "
        "DIR/report.html.",
    )
    ana.add_argument("input", metavar="INPUT", help=".csv, .parquet or .xlsx")
    ana.add_argument("--out", required=True, metavar="DIR")
    ana.add_argument("--survey", metavar="FILE", help="experience-survey microdata")
    ana.add_argument(
        "--group",
        default="age_band",
        choices=GROUP_COLUMNS,
        help="group column to compare (default age_band)",
    )
    ana.add_argument(
        "--reference",
        metavar="VALUE",
        help="reference level (default: the level with most actions)",
    )
    ana.add_argument("--survey-reference", metavar="VALUE")
    ana.add_argument("--k", type=int, default=10, help="small-cell threshold (default 10)")
    ana.add_argument("--quality-threshold", type=float, default=0.5)
    ana.add_argument("--min-officer-actions", type=int, default=50)
    ana.add_argument(
        "--outcome-types",
        default="search,seizure",
        metavar="TYPE[,TYPE]",
        help="actions whose hit rate is tested (or 'all')",
    )
    ana.add_argument("--analyses", metavar="NAME[,NAME]", help="run only these analyses")
    ana.add_argument("--seed", type=int, default=20240101)
    ana.add_argument("--quiet", action="store_true", help="no progress bar")
    _load_options(ana)
    ana.set_defaults(func=_analyse)


def _load_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pseudonymisation-key",
        metavar="KEY",
        help=f"key for officer pseudonyms (default ${KEY_ENV})",
    )
    p.add_argument(
        "--officer-id-is-pseudonym",
        action="store_true",
        help="officer_id already holds pseudonyms; do not hash again",
    )
    p.add_argument(
        "--stopform-pilot",
        metavar="LEGAL_BASIS",
        help="keep perceived_origin: the stop-form pilot is on under this legal basis",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="analyse the valid rows only and list the invalid ones",
    )


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _simulate(args: argparse.Namespace) -> int:
    import datetime as dt

    try:
        start = dt.date.fromisoformat(args.start)
        knobs = BiasKnobs(
            target_column=args.bias_column,
            target_value=args.bias_value,
            stop_rate_ratio=args.stop_rate_ratio,
            action_rate_ratio=args.action_rate_ratio,
            hit_threshold_shift=args.hit_threshold_shift,
            darkness_effect=args.darkness_effect,
            biased_officers=args.biased_officers,
            biased_officer_ratio=args.biased_officer_ratio,
        )
        config = SimulationConfig(
            n_actions=args.actions,
            seed=args.seed,
            start=start,
            days=args.days,
            n_officers=args.officers,
            visitor_share=args.visitor_share,
            hit_heterogeneity=args.hit_heterogeneity,
            include_perceived_origin=not args.no_perceived_origin,
            knobs=knobs,
        )
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_actions(config, out, dialect=args.csv_dialect)
        print(f"wrote {args.actions} simulated actions to {out}")
        if args.survey_out:
            frame = simulate_survey(
                SurveyConfig(
                    respondents=args.respondents,
                    waves=args.waves,
                    seed=args.seed,
                    gap=args.survey_gap,
                )
            )
            path = Path(args.survey_out)
            if path.suffix.lower() == ".parquet":
                frame.to_parquet(path, index=False)
            else:
                frame.to_csv(path, index=False)
            print(f"wrote {len(frame)} survey responses to {path}")
    except ValueError as exc:  # InputError and bad dates
        raise CliError(str(exc)) from exc
    return 0


def _load(args: argparse.Namespace):
    key = args.pseudonymisation_key or os.environ.get(KEY_ENV)
    return load_actions(
        args.input,
        pseudonymisation_key=key,
        officer_id_is_pseudonym=args.officer_id_is_pseudonym,
        stopform_pilot=bool(args.stopform_pilot),
        stopform_legal_basis=args.stopform_pilot,
        skip_invalid=args.skip_invalid,
    )


def _validate(args: argparse.Namespace) -> int:
    try:
        loaded = _load(args)
    except ValidationFailed as exc:
        _print_report(exc.report, sys.stdout)
        raise CliError(f"{exc.report.source.name}: {exc.report.summary()}") from exc
    except InputError as exc:
        raise CliError(str(exc)) from exc
    _print_report(loaded.validation, sys.stdout)
    return 0


def _print_report(report, stream) -> None:
    print(report.source.describe(), file=stream)
    print(report.summary(), file=stream)
    for e in report.errors:
        print("  " + e.describe(), file=stream)
    if report.invalid_rows > len(report.errors):
        print(f"  ... {report.invalid_rows - len(report.errors)} more rows not listed", file=stream)
    if report.ignored_columns:
        print("ignored columns: " + ", ".join(report.ignored_columns), file=stream)
    for note in report.notes:
        print("note: " + note, file=stream)


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=len(ANALYSES), file=sys.stderr, unit="analyse", desc="monitor")

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is None:
            return
        self.bar.total = total
        self.bar.n = done
        self.bar.set_postfix_str(step)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _analyse(args: argparse.Namespace) -> int:
    types = (
        ACTION_TYPES
        if args.outcome_types == "all"
        else tuple(t.strip() for t in args.outcome_types.split(",") if t.strip())
    )
    analyses = (
        ANALYSES
        if not args.analyses
        else tuple(a.strip() for a in args.analyses.split(",") if a.strip())
    )
    out = Path(args.out)
    start = time.perf_counter()
    progress = _Progress(args.quiet)
    try:
        config = MonitorConfig(
            group=args.group,
            reference=args.reference,
            k=args.k,
            quality_threshold=args.quality_threshold,
            min_officer_actions=args.min_officer_actions,
            outcome_action_types=types,
            seed=args.seed,
            survey_reference=args.survey_reference,
            analyses=analyses,
        )
        config.validate()
        loaded = _load(args)
        survey = load_survey(args.survey, skip_invalid=args.skip_invalid) if args.survey else None
        report = run_report(loaded, config, survey=survey, progress=progress)
        html = render_html(report)
    except ValidationFailed as exc:
        progress.close()
        _print_report(exc.report, sys.stderr)
        raise CliError(str(exc)) from exc
    except InputError as exc:
        progress.close()
        raise CliError(str(exc)) from exc
    progress.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(report.to_json() + "\n", encoding="utf-8")
    (out / "report.html").write_text(html, encoding="utf-8")
    v = loaded.validation
    if not args.quiet:
        print(f"{v.source.describe()}", file=sys.stderr)
        print(
            f"{v.rows_valid} actions analysed"
            + (f", {v.invalid_rows} invalid rows skipped" if v.invalid_rows else "")
            + f" in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
    print(f"wrote {out / 'report.json'} and {out / 'report.html'}")
    return 0
