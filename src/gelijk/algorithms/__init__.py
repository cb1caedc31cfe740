"""The algorithm register (Publicatiestandaard 1.0), assessments (Uthiek, IAMA, privacy
pre-scan, the Algoritmekader bias measure), bias audits with the fairness engine, and the
Uthiek pilot of VTH. See docs/algorithms.md."""
