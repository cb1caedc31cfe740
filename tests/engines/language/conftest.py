"""Fixtures for the language-scanner tests, and the precision/recall summary.

The validation test (test_corpus.py) stores its precision and recall per category in
``config.stash``; :func:`pytest_terminal_summary` prints them at the end of every normal
pytest run, so the numbers are visible without ``-s``.
"""

from __future__ import annotations

import pytest

from gelijk.engines.language import RuleSet, default_rules

VALIDATION_KEY = pytest.StashKey[dict]()
#: lines of the Flesch-Douma comparison with textstat (test_readability.py), for the summary
TEXTSTAT_KEY = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return default_rules()


@pytest.fixture(scope="session")
def scanner(rules):
    return rules.scanner


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (Wilson 1927); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_with_interval(successes: int, n: int, rate: float) -> str:
    """A rate as the summary prints it and the docs quote it: ``0.667 [0.30, 0.90]``."""
    lo, hi = wilson(successes, n)
    return f"{rate:.3f} [{lo:.2f}, {hi:.2f}]"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    comparison = config.stash.get(TEXTSTAT_KEY, None)
    if comparison:
        terminalreporter.section("language scanner: Flesch-Douma against textstat (corpus.yaml)")
        for line in comparison:
            terminalreporter.write_line(line)
    tables = config.stash.get(VALIDATION_KEY, None)
    if not tables:
        return
    write = terminalreporter.write_line
    terminalreporter.section("language scanner: precision and recall (validation corpora)")
    for corpus, rows in tables.items():
        write(f"{corpus}:  (95% Wilson intervals in brackets)")
        write(f"  {'category':<13} {'TP':>4} {'FP':>3} {'FN':>3}  {'precision':<22}  recall")
        for name, tp, fp, fn, precision, recall in rows:
            write(
                f"  {name:<13} {tp:>4} {fp:>3} {fn:>3}  "
                f"{rate_with_interval(tp, tp + fp, precision):<24}  "
                f"{rate_with_interval(tp, tp + fn, recall)}"
            )
