"""Every write of the monitor: imports, analysis runs, exports (one transaction each, with an
audit entry)."""
