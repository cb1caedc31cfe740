"""Run the benchmarks: every bench/bench_<name>.py that defines ``main(argv)``.

Usage: python bench/run.py [NAME ...] [-- extra args passed to each main]
Results go to bench/results/<name>.json and .md.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    wanted = set(argv)
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent / "src"))
    failures = 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== bench {name}", flush=True)
        start = time.perf_counter()
        try:
            status = module.main(extra) or 0
        except Exception as exc:  # keep going; report at the end
            print(f"   failed: {exc!r}", flush=True)
            status = 1
        failures += bool(status)
        print(f"   done in {time.perf_counter() - start:.1f} s (status {status})", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
