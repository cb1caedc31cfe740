"""``gelijk bias``: the bias audit on a file, without the web application.

    gelijk bias metrics DATA --label COL (--prediction COL | --score COL --threshold T)
                        --group COL[,COL] --reference VALUE[,VALUE] --out DIR
    gelijk bias scan DATA --bias COL --features COL,... [--categorical COL,...] --seed S
                     --out DIR

Each writes ``DIR/report.json`` (schemas in docs/report-schemas/) and a self-contained Dutch
``DIR/report.html``. DATA is CSV (``,`` or ``;``), TSV or Parquet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gelijk.cli import CliError
from gelijk.engines.errors import InputError

COMMAND_HELP = "bias audit: group metrics or the unsupervised bias scan"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bias", help=COMMAND_HELP, description=COMMAND_HELP)
    sub = p.add_subparsers(dest="bias_command", metavar="ACTION", required=True)

    m = sub.add_parser(
        "metrics",
        help="rates per group, disparities against a reference group, tests",
        description="Confusion-matrix metrics per group with intervals, correct tests, "
        "multiple-testing correction and the 0.8-1.25 band verdict.",
    )
    m.add_argument("data", metavar="DATA", help="CSV, TSV or Parquet file, one row per decision")
    m.add_argument("--label", required=True, help="binary outcome column (0/1)")
    decision = m.add_mutually_exclusive_group(required=True)
    decision.add_argument("--prediction", help="binary decision column (0/1)")
    decision.add_argument("--score", help="numeric score column (needs --threshold)")
    m.add_argument("--threshold", type=float, help="positive decision when score >= threshold")
    m.add_argument("--group", required=True, help="group column(s), comma-separated")
    m.add_argument(
        "--reference",
        help="reference group value per group column, comma-separated (default: largest group)",
    )
    m.add_argument("--out", required=True, type=Path, help="output directory")
    m.add_argument("--correction", choices=("bh", "holm"), default="bh")
    m.add_argument("--alpha", type=float, default=0.05)
    m.add_argument("--interval", choices=("score", "bootstrap"), default="score")
    m.add_argument("--n-boot", type=int, default=2000)
    m.add_argument("--seed", type=int, help="seed for the bootstrap")
    m.add_argument("--random-sample", help="0/1 column: 1 = row is from the random sample")
    m.add_argument("--no-intersections", action="store_true")
    m.add_argument(
        "--allow-undefined",
        action="store_true",
        help="report metrics of groups without label-negatives/positives as undefined",
    )
    m.add_argument("--min-group-size", type=int, default=30)
    m.add_argument("--k", type=int, help="small-cell threshold (default: the project default)")
    m.add_argument("--quiet", action="store_true", help="no progress output")
    m.set_defaults(func=cmd_metrics)

    s = sub.add_parser(
        "scan",
        help="unsupervised bias scan (HBAC) without a protected attribute",
        description="Bias-aware hierarchical clustering on 80%% of the rows, tested on the "
        "other 20%%; reproduces Algorithm Audit's unsupervised-bias-detection.",
    )
    s.add_argument("data", metavar="DATA", help="CSV, TSV or Parquet file")
    s.add_argument("--bias", required=True, help="bias variable (by default lower is better)")
    s.add_argument("--features", required=True, help="feature columns, comma-separated")
    s.add_argument("--categorical", help="which features are categorical (default: by type)")
    s.add_argument("--protected", help="columns described per cluster but not clustered on")
    s.add_argument("--seed", required=True, type=int)
    s.add_argument("--out", required=True, type=Path, help="output directory")
    s.add_argument("--higher-is-better", action="store_true")
    s.add_argument("--max-iter", type=int, default=3)
    s.add_argument("--min-cluster-size", type=int, help="default: 1%% of the training rows")
    s.add_argument("--test-size", type=float, default=0.2)
    s.add_argument("--alpha", type=float, default=0.05)
    s.add_argument("--k", type=int, help="small-cell threshold (default: the project default)")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_scan)


def _columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    cols = [c.strip() for c in text.split(",") if c.strip()]
    return cols or None


def read_table(path: str):
    """Read CSV (comma or semicolon), TSV or Parquet into a DataFrame."""
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise CliError(f"{path}: no such file")
    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(p)
        if suffix == ".tsv":
            return pd.read_csv(p, sep="\t")
        return pd.read_csv(p, sep=None, engine="python") if suffix != ".csv" else _read_csv(p)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read the file ({exc})") from exc


def _read_csv(path: Path):
    import pandas as pd

    with path.open("r", encoding="utf-8-sig", errors="strict") as fh:
        head = fh.readline()
    sep = ";" if head.count(";") > head.count(",") else ","
    return pd.read_csv(path, sep=sep, encoding="utf-8-sig")


class _Progress:
    """Step progress on stderr; silent when not a terminal or with --quiet."""

    def __init__(self, steps: int, quiet: bool):
        self._bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=steps, file=sys.stderr, leave=False)

    def step(self, text: str) -> None:
        if self._bar is not None:
            self._bar.set_description(text)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _write(out: Path, report) -> tuple[Path, Path]:
    from gelijk.engines.fairness import render_html

    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    json_path.write_text(
        json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def _k(value: int | None) -> int:
    from gelijk.engines import disclosure

    return disclosure.DEFAULT_K if value is None else value


def cmd_metrics(args: argparse.Namespace) -> int:
    from gelijk.engines.fairness import group_metrics

    if args.score and args.threshold is None:
        raise CliError("--score needs --threshold")
    if args.prediction and args.threshold is not None:
        raise CliError("--threshold goes with --score, not with --prediction")
    progress = _Progress(3, args.quiet)
    try:
        df = read_table(args.data)
        progress.step("gelezen")
        report = group_metrics(
            df,
            label=args.label,
            prediction=args.prediction,
            score=args.score,
            threshold=args.threshold,
            groups=_columns(args.group) or [],
            reference=_columns(args.reference),
            intersections=not args.no_intersections,
            alpha=args.alpha,
            correction=args.correction,
            interval=args.interval,
            n_boot=args.n_boot,
            seed=args.seed,
            min_group_size=args.min_group_size,
            random_sample=args.random_sample,
            allow_undefined=args.allow_undefined,
            k=_k(args.k),
        )
        progress.step("berekend")
        json_path, html_path = _write(args.out, report)
        progress.step("geschreven")
    except InputError as exc:
        raise CliError(str(exc)) from exc
    finally:
        progress.close()
    outside = sum(1 for d in report.disparities if d.verdict == "outside_band" and d.significant)
    print(
        f"{report.n_rows} rows, {len(report.groups)} groups, {len(report.disparities)} "
        f"disparities ({outside} outside the band and significant); wrote {json_path} and "
        f"{html_path}"
    )
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from gelijk.engines.fairness import bias_scan

    progress = _Progress(3, args.quiet)
    try:
        df = read_table(args.data)
        progress.step("gelezen")
        features = _columns(args.features) or []
        categorical = _columns(args.categorical)
        report = bias_scan(
            df,
            args.bias,
            seed=args.seed,
            features=features,
            categorical=categorical,
            protected=_columns(args.protected),
            higher_is_better=args.higher_is_better,
            max_iter=args.max_iter,
            min_cluster_size=args.min_cluster_size,
            test_size=args.test_size,
            alpha=args.alpha,
            k=_k(args.k),
        )
        progress.step("berekend")
        json_path, html_path = _write(args.out, report)
        progress.step("geschreven")
    except InputError as exc:
        raise CliError(str(exc)) from exc
    finally:
        progress.close()
    b = report.bias_test
    verdict = (
        "not tested"
        if b.p_value is None
        else f"p = {b.p_value:.3g} ({'significant' if b.significant else 'not significant'})"
    )
    print(
        f"{report.n_rows} rows, {report.n_clusters} clusters; cluster 0 vs rest: {verdict}; "
        f"wrote {json_path} and {html_path}"
    )
    return 0
