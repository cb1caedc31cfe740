"""Processing activities of the algorithms app (declared once, at import)."""

from gelijk.core import processing

processing.declare(
    "algorithm_bias_audit_data",
    "Bias-audit van een algoritme: toetsen of groepen ongelijk worden behandeld",
    "AVG art. 6 lid 1 sub e (taak van algemeen belang: gelijke behandeling, art. 1 Grondwet); "
    "Algoritmekader maatregel ver-03",
)
