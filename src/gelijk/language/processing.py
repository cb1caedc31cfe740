"""Processing activities of the language app (register of processing activities, AVG art. 30).

Library letters are templates, not personal data. A pasted or uploaded text may contain
personal data; it is scanned in memory for the response and never stored."""

from gelijk.core.processing import declare

declare(
    "language_adhoc_scan",
    "Taalscan van een geplakte of geüploade tekst; de tekst wordt niet bewaard",
    "AVG art. 6 lid 1e (goede en begrijpelijke communicatie van de gemeente)",
)
