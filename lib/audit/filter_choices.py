"""The values each sidebar filter offers, kept beside the snapshot (issue 18).

A filter offers a column's distinct values, sorted, then :data:`lib.audit.MISSING` when some
ticket has none. At 10 million tickets finding them costs about 0.1 s a column, 0.5-0.6 s for
the six filters: paid by the first page a process opens on a dataset. They are kept in a small
JSON file beside the snapshot (:data:`FILTER_CHOICES_SIDECAR`), written by the first process
that finds them (or by the command line's import), and read by every later one. A missing,
damaged or foreign file, or one written for another number of tickets, reads as none (they
are found again).

>>> import tempfile, pathlib
>>> t = pl.DataFrame({"channel": ["web", None, "email"], "agent": ["a", "b", "a"]})
>>> choices = filter_choices(t, ["channel", "agent"])
>>> choices
{'channel': ['email', 'web', '(none)'], 'agent': ['a', 'b']}
>>> side = pathlib.Path(tempfile.mkdtemp(), FILTER_CHOICES_SIDECAR)
>>> write_filter_choices(side, choices, t), read_filter_choices(side, t, ["channel", "agent"])
(True, {'channel': ['email', 'web', '(none)'], 'agent': ['a', 'b']})
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from lib.audit._common import MISSING
from lib.audit.filters import _FILTER_COLUMNS
from lib.sidecar_file import checked_rows, write_whole

#: The columns the sidebar filters on, in its order (the file keeps their choices in it).
FILTER_COLUMNS: tuple[str, ...] = tuple(_FILTER_COLUMNS.values())
#: The file's name beside a snapshot (``Store.sidecar_path``).
FILTER_CHOICES_SIDECAR = "filters.json"
#: Kept in the file: choices written by another version are found again.
FILTER_CHOICES_VERSION = 1


def filter_choices(tickets: pl.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """Each of ``columns``' distinct values, sorted, then :data:`MISSING` when a ticket has
    none (a column ``tickets`` lacks offers nothing)."""
    out: dict[str, list[str]] = {}
    for column in columns:
        if column not in tickets.columns:
            out[column] = []
            continue
        values = tickets.get_column(column)
        out[column] = values.drop_nulls().unique().sort().to_list()
        if values.null_count():
            out[column].append(MISSING)
    return out


def read_filter_choices(
    path: Path | str, tickets: pl.DataFrame, columns: Sequence[str]
) -> dict[str, list[str]] | None:
    """The choices :func:`write_filter_choices` kept for ``tickets`` (a snapshot's), or None
    when the file is missing, damaged, of another version or for other tickets: another
    number of tickets, other columns, a column whose missing values do not match, or a value
    of the tickets checked that is not among the choices."""
    side = Path(path)
    if not side.is_file():
        return None
    try:
        kept = json.loads(side.read_text(encoding="utf-8"))
        if kept.get("version") != FILTER_CHOICES_VERSION or kept.get("rows") != tickets.height:
            return None
        choices = kept["choices"]
        if list(choices) != list(columns):
            return None
        for column, values in choices.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return None
            has = column in tickets.columns
            missing = has and tickets.get_column(column).null_count() > 0
            if (values[-1:] == [MISSING]) != missing or (not has and values):
                return None
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
    return choices if _offered(choices, tickets) else None


def _offered(choices: dict[str, list[str]], tickets: pl.DataFrame) -> bool:
    """Whether every value of the tickets :func:`lib.sidecar_file.checked_rows` picks is among
    its column's choices (choices of other tickets, or of tickets read otherwise by another
    release, fail)."""
    rows = checked_rows(tickets.height)
    for column, values in choices.items():
        if column not in tickets.columns:
            continue
        sample = tickets.get_column(column)[rows].drop_nulls()
        if sample.dtype != pl.String:
            return False  # the file holds text only: such a column is found again
        allowed = set(values)
        if not all(value in allowed for value in sample.to_list()):
            return False
    return True


def write_filter_choices(
    path: Path | str,
    choices: dict[str, list[str]],
    tickets: pl.DataFrame,
    *,
    beside: Path | None = None,
) -> bool:
    """Keep ``choices`` (of ``tickets``) in the file ``path``, written whole then renamed;
    False when it cannot be written (the choices are then found again next time), or when
    ``beside`` (the snapshot of ``tickets``) is gone by then."""
    text = json.dumps(
        {"version": FILTER_CHOICES_VERSION, "rows": tickets.height, "choices": choices},
        ensure_ascii=False,
    )
    return write_whole(
        path, ".json", lambda tmp: tmp.write_text(text, encoding="utf-8"), beside=beside
    )


__all__ = [
    "FILTER_CHOICES_SIDECAR",
    "FILTER_CHOICES_VERSION",
    "FILTER_COLUMNS",
    "filter_choices",
    "read_filter_choices",
    "write_filter_choices",
]
