"""Bias audit: group metrics with correct statistics, and an unsupervised bias scan.

No Django here (engines rule). Entry points:

- :func:`group_metrics` -> :class:`MetricsReport` — confusion-matrix metrics per group and per
  intersection of group columns, disparities against a reference group with intervals,
  tests, multiple-testing correction, the 0.8–1.25 band verdict, calibration by score band
  and the comparison with a random-sample baseline.
- :func:`bias_scan` -> :class:`ScanReport` — bias-aware hierarchical clustering (HBAC) with a
  held-out test, reproducing Algorithm Audit's ``unsupervised-bias-detection`` exactly.
- :func:`compare_composition` — a cluster's composition against aggregate reference shares.
- :func:`render_html` — a self-contained Dutch HTML report for either report.

The maths and its sources: docs/methods/fairness.md; report schemas: docs/report-schemas/.
"""

from gelijk.engines.fairness.html import render_html
from gelijk.engines.fairness.metrics import (
    DISPARITY_METRICS,
    METRICS,
    BaselineRow,
    CalibrationRow,
    Disparity,
    GroupMetrics,
    MetricsReport,
    Rate,
    group_metrics,
)
from gelijk.engines.fairness.scan import (
    BiasTest,
    CompositionComparison,
    CompositionRow,
    FeatureTest,
    ScanCluster,
    ScanReport,
    bias_scan,
    compare_composition,
)

__all__ = [
    "DISPARITY_METRICS",
    "METRICS",
    "BaselineRow",
    "BiasTest",
    "CalibrationRow",
    "CompositionComparison",
    "CompositionRow",
    "Disparity",
    "FeatureTest",
    "GroupMetrics",
    "MetricsReport",
    "Rate",
    "ScanCluster",
    "ScanReport",
    "bias_scan",
    "compare_composition",
    "group_metrics",
    "render_html",
]
