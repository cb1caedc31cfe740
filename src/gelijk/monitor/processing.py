"""Processing activities of the monitor (register of processing activities, AVG art. 30).

An import processes the enforcement actions of the officers in the file (data subject: the
officer's pseudonym; the people acted on carry no identifier in the contract). A run processes
the same pseudonymous data again to compute the report."""

from gelijk.core.processing import declare

declare(
    "monitor_import_actions",
    "Importeren van handhavingsacties voor de monitor gelijke behandeling",
    "AVG art. 6 lid 1e (taak van algemeen belang: toezicht op gelijke behandeling, art. 1 Gw)",
)
declare(
    "monitor_import_survey",
    "Importeren van een ervaringsenquête (zelf opgegeven achtergrond) voor de monitor",
    "AVG art. 6 lid 1e en art. 9 lid 2a (uitdrukkelijke toestemming van de deelnemer)",
)
declare(
    "monitor_analysis",
    "Statistische analyse van handhavingsacties per groep, team en handhaver (pseudoniem)",
    "AVG art. 6 lid 1e en art. 89 (statistische doeleinden, met passende waarborgen)",
)
declare(
    "monitor_officer_results",
    "Inzien van uitkomsten per handhaver (pseudoniem) door de analist",
    "AVG art. 6 lid 1e; art. 88 (verwerking in het kader van de arbeidsverhouding)",
)
