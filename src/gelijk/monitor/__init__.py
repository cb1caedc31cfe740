"""The monitor app: imports of enforcement actions and surveys, analysis runs and the
dashboards people act on (docs/monitor.md)."""
