"""Every write of the algorithms app: one transaction, the state transition, the audit entry."""
