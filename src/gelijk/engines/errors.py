"""Errors raised by the engines for bad user input.

The CLI and the web layer catch :class:`InputError` and show its message to the user
(``gelijk: error: ...``, exit status 2; a 4xx response in the web layer). It never carries a
stack trace to the user, so the message itself must name what is wrong and where.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: How many row numbers the message lists before it summarises the rest.
MAX_ROWS_IN_MESSAGE = 50


class InputError(ValueError):
    """Bad user input: a clear English message, optionally naming a column and rows.

    Parameters
    ----------
    message:
        What is wrong, in plain English.
    rows:
        1-based row numbers (as a user counts them in a file) where the problem occurs.
        All of them are kept in ``.rows``; the message lists at most
        :data:`MAX_ROWS_IN_MESSAGE` and says how many more there are.
    column:
        The column (or field / file) the problem is in.
    kind:
        A short machine-readable name for the problem (``"empty"``, ``"binary"``), so a caller
        can say it in the user's language without matching the English text.
    details:
        The values such a message needs besides the kind (``{"ext": ".docx"}``).
    """

    def __init__(
        self,
        message: str,
        rows: Iterable[int] | None = None,
        column: str | None = None,
        *,
        kind: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message
        self.column = column
        self.rows: list[int] = [int(r) for r in rows] if rows is not None else []
        self.kind = kind
        self.details: dict[str, str] = dict(details or {})
        super().__init__(self._format())

    def _format(self) -> str:
        text = self.message
        if self.column is not None:
            text = f"{text} (column {self.column!r})"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_IN_MESSAGE])
            more = len(self.rows) - MAX_ROWS_IN_MESSAGE
            label = "row" if len(self.rows) == 1 else "rows"
            text = f"{text}; {label} {shown}"
            if more > 0:
                text = f"{text} and {more} more"
        return text

    def __reduce__(self):
        # Keeps the error picklable (multiprocessing, task queues) with all its fields; kind
        # and details travel as state, so subclasses with other arguments keep them too.
        state = {"kind": self.kind, "details": self.details}
        return (type(self), (self.message, self.rows or None, self.column), state)
