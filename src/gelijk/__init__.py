"""Gelijk — in gelijke gevallen gelijk behandelen."""

__version__ = "0.1.0"
