"""Dashboard pages of the monitor with 1M actions in PostgreSQL, served by gunicorn.

Steps (all against a scratch database ``gelijk_bench_monitor`` that is created, migrated and
dropped):

1. simulate 1,000,000 Utrecht-like actions (a year, with the demo's injected disparity) to a
   Parquet file and import it through the app's own import path (engine validation, then
   ``COPY`` into PostgreSQL in one transaction) — timed;
2. run a full analysis on them (every engine analysis, results and per-run aggregates stored)
   — timed; before it, untimed, a run over the first half year for the compare page;
3. start gunicorn (``--workers``) and request every dashboard page as a logged-in analist
   (session with the second factor passed) with an HTTP client (``requests``, one client,
   sequential): a few warm-up requests, then ``--repeat`` timed requests per page.

p50/p95 per page go to bench/results/monitor_web.{json,md}; the target is p95 < 500 ms.

Usage: python bench/bench_monitor_web.py [--actions 1000000] [--repeat 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _harness import write_result  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
DB = "gelijk_bench_monitor"
TARGET_MS = 500

PAGES = [
    ("overzicht", "/monitor/"),
    ("overzicht reactief", "/monitor/?scope=reactive"),
    ("kaart", "/monitor/kaart/"),
    ("kaart verhouding", "/monitor/kaart/?maat=ratio&groep=15-24"),
    ("kaart vondst", "/monitor/kaart/?maat=hits&groep=15-24"),
    ("trends maand", "/monitor/trends/"),
    ("trends kwartaal", "/monitor/trends/?periode=kwartaal&scope=all"),
    ("uitkomstentoets", "/monitor/uitkomstentoets/"),
    ("licht en donker", "/monitor/licht-en-donker/"),
    ("drempeltoets", "/monitor/drempeltoets/"),
    ("bias scan", "/monitor/bias-scan/"),
    ("teams en handhavers", "/monitor/teams-en-handhavers/?groep=15-24"),
    ("signalen samen", "/monitor/signalen/"),
    ("wat kan de monitor zien", "/monitor/wat-kan-de-monitor-zien/"),
    ("vergelijken", "/monitor/vergelijken/?a={earlier}&b={run}"),
    ("methoden", "/monitor/methoden/"),
    ("analyses", "/monitor/analyses/"),
    ("analyse", "/monitor/analyses/{run}/"),
    ("imports", "/monitor/imports/"),
]


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(var_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{PG}/{DB}",
            "DJANGO_SETTINGS_MODULE": "gelijk.conf.settings.development",
            "GELIJK_VAR_DIR": var_dir,
            "GELIJK_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return env


# --------------------------------------------------------------------------- setup (child)


def setup(n_actions: int, work: str) -> dict:
    """Runs inside Django (a child process): import, analyse, log in. Returns timings."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gelijk.core.roles import sync_roles
    from gelijk.core.services.organisation import organisation_ensure, staff_user_ensure
    from gelijk.core.services.refdata import refdata_load
    from gelijk.engines.monitor import write_actions
    from gelijk.monitor import demo
    from gelijk.monitor.services import imports, runs

    organisation_ensure()
    sync_roles()
    refdata_load()
    user = staff_user_ensure(
        "bench-analist", roles=["analist"], department="beleid", team="analyse"
    )
    path = Path(work) / "acties-1m.parquet"
    start = time.perf_counter()
    write_actions(demo.simulation(2026, n_actions), path)
    simulate_s = time.perf_counter() - start

    start = time.perf_counter()
    with path.open("rb") as fh:
        imp = imports.import_start(
            user=user,
            kind="actions",
            upload=imports.Upload(path.name, fh, path.stat().st_size),
            enqueue=False,
        )
    upload_s = time.perf_counter() - start
    start = time.perf_counter()
    imp = imports.import_run(imp.pk)
    import_s = time.perf_counter() - start
    if imp.status != "done":
        raise RuntimeError(f"import failed: {imp.error_message}")

    # A run over the first half year, untimed and made first (so the timed full-year run stays
    # the newest, the one the dashboards show): the compare page needs two runs.
    earlier = runs.run_create(
        user=user,
        start=imp.period_start,
        end=imp.period_start.replace(month=6, day=30),
        group="age_band",
        reference="25-44",
    )
    earlier = runs.run_execute(earlier.pk)
    if earlier.status != "done":
        raise RuntimeError(f"run failed: {earlier.error_message}")

    start = time.perf_counter()
    run = runs.run_create(
        user=user, start=imp.period_start, end=imp.period_end, group="age_band", reference="25-44"
    )
    run = runs.run_execute(run.pk)
    run_s = time.perf_counter() - start
    if run.status != "done":
        raise RuntimeError(f"run failed: {run.error_message}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('monitor_action')")
        table_bytes = cursor.fetchone()[0]

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return {
        "actions": imp.rows_stored,
        "simulate_s": round(simulate_s, 2),
        "upload_s": round(upload_s, 2),
        "import_s": round(import_s, 2),
        "analysis_s": round(run_s, 2),
        "action_table_mb": round(table_bytes / 2**20, 1),
        "run": run.pk,
        "earlier": earlier.pk,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_key": store.session_key,
    }


# --------------------------------------------------------------------------- measurement


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[rank]


def measure_pages(base: str, cookie: dict, repeat: int, runs: dict, warmup: int = 3) -> dict:
    """``runs`` fills the run ids into the paths: {"run": ..., "earlier": ...}."""
    session = requests.Session()
    session.cookies.update(cookie)
    out = {}
    for name, template in PAGES:
        path = template.format(**runs)
        times = []
        for i in range(warmup + repeat):
            start = time.perf_counter()
            response = session.get(base + path, timeout=60, allow_redirects=False)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            if i >= warmup:
                times.append(elapsed)
        out[name] = {
            "path": path,
            "n": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(_percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "bytes": len(response.content),
        }
        print(f"   {name:28s} p50 {out[name]['p50_ms']:7.1f} ms  p95 {out[name]['p95_ms']:7.1f} ms")
    return out


def _wait_for(port: int, proc, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn stopped")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_monitor_web")
    parser.add_argument("--actions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phase", default="all", help=argparse.SUPPRESS)
    parser.add_argument("--work", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase == "setup":
        print(json.dumps(setup(args.actions, args.work)))
        return 0

    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    server = None
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            env = _env(var_dir)
            python = sys.executable
            for command in (["migrate"], ["collectstatic"]):
                subprocess.run(
                    [python, "-m", "django", *command, "--no-input", "-v", "0"],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
            print(f"   importing {args.actions:,} actions and running the analysis ...", flush=True)
            done = subprocess.run(
                [
                    python,
                    __file__,
                    "--phase",
                    "setup",
                    "--actions",
                    str(args.actions),
                    "--work",
                    var_dir,
                ],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            facts = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"   import {facts['import_s']} s, analysis {facts['analysis_s']} s, "
                f"table {facts['action_table_mb']} MB",
                flush=True,
            )
            port = _free_port()
            server = subprocess.Popen(
                [
                    str(Path(python).parent / "gunicorn"),
                    "gelijk.conf.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
            _wait_for(port, server)
            pages = measure_pages(
                f"http://127.0.0.1:{port}",
                {facts["session_cookie"]: facts["session_key"]},
                args.repeat,
                {"run": facts["run"], "earlier": facts["earlier"]},
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")

    worst = max(p["p95_ms"] for p in pages.values())
    ok = worst < TARGET_MS
    lines = [
        f"{facts['actions']:,} simulated actions in PostgreSQL ({facts['action_table_mb']} MB "
        "with indexes), imported through the app's import path and analysed in full "
        "(every engine analysis); pages served by gunicorn "
        f"({args.workers} workers) and requested by one HTTP client (requests), "
        f"{args.repeat} timed requests per page after 3 warm-up requests.",
        "",
        f"* import (engine validation + COPY, one transaction): {facts['import_s']} s",
        f"* analysis run (all analyses, results and aggregates stored): {facts['analysis_s']} s",
        f"* slowest page p95: {worst:.0f} ms — target < {TARGET_MS} ms: "
        f"{'met' if ok else 'NOT met'}",
        "",
        "| page | p50 (ms) | p95 (ms) | max (ms) | size (kB) |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {p['p50_ms']:.0f} | {p['p95_ms']:.0f} | {p['max_ms']:.0f} | "
            f"{p['bytes'] / 1024:.0f} |"
            for name, p in pages.items()
        ),
    ]
    write_result(
        "monitor_web",
        {
            "actions": facts["actions"],
            "workers": args.workers,
            "repeat": args.repeat,
            "client": "requests, one client, sequential",
            "server": "gunicorn",
            "database": "PostgreSQL",
            "setup": {k: v for k, v in facts.items() if not k.startswith("session")},
            "pages": pages,
            "p95_max_ms": worst,
            "target_ms": TARGET_MS,
            "target_met": ok,
        },
        lines,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
