"""Fixtures for the language-scanner tests, and the precision/recall summary.

The validation test (test_corpus.py) stores its precision and recall per category in
``config.stash``; :func:`pytest_terminal_summary` prints them at the end of every normal
pytest run, so the numbers are visible without ``-s``.
"""

from __future__ import annotations

import pytest

from gelijk.engines.language import RuleSet, default_rules

VALIDATION_KEY = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return default_rules()


@pytest.fixture(scope="session")
def scanner(rules):
    return rules.scanner


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    tables = config.stash.get(VALIDATION_KEY, None)
    if not tables:
        return
    write = terminalreporter.write_line
    terminalreporter.section("language scanner: precision and recall (validation corpora)")
    for corpus, rows in tables.items():
        write(f"{corpus}:")
        write(f"  {'category':<14} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
        for name, tp, fp, fn, precision, recall in rows:
            write(f"  {name:<14} {tp:>4} {fp:>4} {fn:>4} {precision:>10.3f} {recall:>8.3f}")
