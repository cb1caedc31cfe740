"""Processing activities of the reporting app (register of processing activities, AVG art. 30).
The keys are used with ``gelijk.core.processing.record``."""

from gelijk.core.processing import declare

declare(
    "reporting_intake",
    "Ontvangen en registreren van meldingen en klachten over handhaving",
    "AVG art. 6 lid 1e en art. 9 lid 2a (uitdrukkelijke toestemming); Awb hoofdstuk 9",
)
declare(
    "reporting_handling",
    "Behandelen van meldingen en klachten door de onafhankelijke klachtbehandeling",
    "AVG art. 6 lid 1c en 1e; Awb hoofdstuk 9",
)
declare(
    "reporting_art1_handoff",
    "Doorsturen van een melding naar Art.1 Midden-Nederland",
    "AVG art. 6 lid 1a en art. 9 lid 2a (uitdrukkelijke toestemming); Wga",
)
declare(
    "reporting_status_lookup",
    "Melder bekijkt de status van de eigen melding",
    "AVG art. 6 lid 1e; Awb hoofdstuk 9",
)
declare(
    "reporting_retention",
    "Anonimiseren en verwijderen na afloop van de bewaartermijn",
    "AVG art. 5 lid 1e (opslagbeperking); Archiefwet, Selectielijst gemeenten",
)
