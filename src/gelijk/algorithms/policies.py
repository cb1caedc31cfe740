"""Who sees what in the algorithms app (one place, through ``gelijk.core.access``).

Staff see the whole register with ``algorithms.view_register`` (concepts included): the register
is public by nature, so there is no department rule. Raw audit data (``AuditDataset``) may hold
personal data and is visible only to those who may run audits; audit reports (small-cell rule
applied by the engine) to those with ``algorithms.view_audit``. The public never reads through
these policies: public pages use ``selectors.public_*``, which return published versions only.
"""

from __future__ import annotations

from gelijk.core import access


def register() -> None:
    from gelijk.algorithms import models as m

    view = access.ScopeByPermission("algorithms.view_register")
    for model in (
        m.Algorithm,
        m.AlgorithmVersion,
        m.PublicationEvent,
        m.AssessmentTemplate,
        m.Assessment,
        m.AssessmentEvent,
        m.EvidenceAttachment,
        m.ReassessmentReminder,
    ):
        access.register(model, view)
    access.register(m.BiasAudit, access.ScopeByPermission("algorithms.view_audit"))
    access.register(m.AuditDataset, access.ScopeByPermission("algorithms.run_audit"))
    pilot = access.ScopeByPermission("algorithms.view_pilot")
    access.register(m.EnforcementProcess, pilot)
    access.register(m.EnforcementInstrument, pilot)
