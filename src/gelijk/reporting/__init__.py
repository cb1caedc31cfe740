"""Meldingen and formal complaints (Awb chapter 9) about municipal enforcement.

Residents report at /melden/; the independent complaints function handles every report in
the back office. Other apps read aggregated learning signals through ``interface``.
"""
