"""Every write of the reporting app: one transaction, the state rule, the history event,
the audit entry and the processing-log line in one place. Functions: ``<entity>_<action>``."""
