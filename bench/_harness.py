"""Shared helpers for benchmarks: wall time and peak memory of a call, measured in a
fresh forked process so that one benchmark's memory does not count for the next."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _child(conn, fn, args, kwargs):
    try:
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        wall = time.perf_counter() - start
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(("ok", value, wall, peak_kb * 1024))
    except BaseException as exc:  # report any failure to the parent
        conn.send(("error", repr(exc), 0.0, 0))
    finally:
        conn.close()


def measure(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run ``fn`` in a forked child; return its value, wall seconds and peak RSS bytes.

    The peak includes the interpreter and the libraries already imported by the parent,
    which is what a user of the command would also pay.
    """
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs))
    proc.start()
    child.close()
    status, value, wall, peak = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"benchmark call failed: {value}")
    return {"value": value, "wall_s": round(wall, 4), "peak_rss_mb": round(peak / 2**20, 1)}


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(name: str, payload: dict[str, Any], summary_lines: list[str]) -> Path:
    """Write bench/results/<name>.json and a short <name>.md that people read."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "machine": machine(), **payload}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    md = [
        f"# Benchmark: {name}",
        "",
        f"Run {payload['machine']['when']} on "
        f"{payload['machine']['cpus']} CPUs, Python {payload['machine']['python']}.",
        "",
        *summary_lines,
        "",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(md))
    return path
