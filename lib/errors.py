"""The project's own error types. Each carries a message a user can act on.

Pages show any :class:`ReviewError` as a message (see ``ui.layout``); anything else is a bug.

Example
-------
>>> str(IngestError("empty", file="a.csv", expected="a header row"))
'a.csv: empty (expected a header row)'
"""

from __future__ import annotations


class ReviewError(Exception):
    """Base class for errors that are shown to the user as a message."""


class IngestError(ReviewError):
    """A file could not be turned into tickets.

    ``file``, ``row`` (1-based line in the file), ``column`` and ``expected`` are put into the
    message when given, so the user knows where to look and what was wanted.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.row = row
        self.column = column
        self.expected = expected
        where = []
        if file:
            where.append(file)
        if row is not None:
            where.append(f"line {row}")
        if column:
            where.append(f"column {column!r}")
        msg = (", ".join(where) + ": " if where else "") + problem
        if expected:
            msg += f" (expected {expected})"
        super().__init__(msg)


class StoreError(ReviewError):
    """The local database refused an action (not found, not allowed)."""


class ConflictError(StoreError):
    """Someone else changed the record since it was read; nothing was overwritten."""


class PermissionDenied(StoreError):
    """The signed-in user may not make this change."""
