"""Budgets on what one table may become in memory: rows, columns and an estimate of its size,
checked by each reader *before* it materialises the table (from Parquet metadata, the cells
of a workbook's sheets, the line and field counts of delimited text, the keys of JSON).

The estimate is also held against the memory that is free right now, process-wide: imports
running at the same time (other sessions) reserve their estimates, so one session's import
cannot starve the others; the next one is refused with a message instead.

Settings (environment, read on each import): ``REVIEW_MAX_ROWS``, ``REVIEW_MAX_COLUMNS`` and
``REVIEW_MAX_MEMORY`` (see the README).

Example
-------
>>> lim = Limits(max_rows=100, max_columns=10, max_memory=10**6)
>>> check_shape("a.csv", rows=50, columns=3, memory=1000, limits=lim)
>>> check_shape("a.csv", rows=500, columns=3, memory=1000, limits=lim)
Traceback (most recent call last):
...
lib.errors.IngestError: a.csv: has 500 rows, more than the limit of 100 (REVIEW_MAX_ROWS) \
(expected at most 100 rows per file: split the export into smaller files, for example one per \
month, and upload them together)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lib.errors import IngestError
from lib.ingest.readers._common import _human_bytes

#: Bytes per cell a frame of strings takes besides the text itself (a Polars string view is
#: 16 bytes, plus validity and the line numbers).
CELL_BYTES = 16
#: Most rows a worksheet can hold in Excel; a workbook claiming more was not written by Excel.
XLSX_MAX_ROWS = 1_048_576
#: Share of the memory free right now that one import may reserve.
MEMORY_SHARE = 0.6

_SPLIT = "split the export into smaller files, for example one per month, and upload them together"


@dataclass(frozen=True)
class Limits:
    """Most rows, columns and estimated bytes in memory one table may have.

    >>> Limits(max_rows=10).max_rows
    10
    """

    max_rows: int = 10_000_000
    max_columns: int = 2_000
    max_memory: int = 8 * 1024**3

    @classmethod
    def from_env(cls) -> Limits:
        """The limits set by ``REVIEW_MAX_ROWS``, ``REVIEW_MAX_COLUMNS``, ``REVIEW_MAX_MEMORY``.

        >>> Limits.from_env().max_columns > 0
        True
        """
        d = cls()
        return cls(
            max_rows=int(os.environ.get("REVIEW_MAX_ROWS", str(d.max_rows))),
            max_columns=int(os.environ.get("REVIEW_MAX_COLUMNS", str(d.max_columns))),
            max_memory=int(os.environ.get("REVIEW_MAX_MEMORY", str(d.max_memory))),
        )


def check_columns(display: str, columns: int, limits: Limits) -> None:
    """Refuse a table wider than ``limits.max_columns`` (before any per-column work)."""
    if columns > limits.max_columns:
        raise IngestError(
            f"has {columns:,} columns, more than the limit of {limits.max_columns:,} "
            "(REVIEW_MAX_COLUMNS)",
            file=display,
            expected=f"at most {limits.max_columns:,} columns: export only the fields you need",
        )


def check_rows(display: str, rows: int, limits: Limits) -> None:
    """Refuse a table longer than ``limits.max_rows``."""
    if rows > limits.max_rows:
        raise IngestError(
            f"has {rows:,} rows, more than the limit of {limits.max_rows:,} (REVIEW_MAX_ROWS)",
            file=display,
            expected=f"at most {limits.max_rows:,} rows per file: {_SPLIT}",
        )


def check_memory(display: str, memory: int, limits: Limits) -> None:
    """Refuse a table whose estimated size in memory is above ``limits.max_memory``."""
    if memory > limits.max_memory:
        raise IngestError(
            f"would take about {_human_bytes(memory)} of memory to read, more than the limit "
            f"of {_human_bytes(limits.max_memory)} (REVIEW_MAX_MEMORY)",
            file=display,
            expected=f"a smaller file: {_SPLIT}",
        )


def check_shape(display: str, *, rows: int, columns: int, memory: int, limits: Limits) -> None:
    """All three budgets at once (columns first: they make every other step slower)."""
    check_columns(display, columns, limits)
    check_rows(display, rows, limits)
    check_memory(display, memory, limits)


_lock = threading.Lock()
_reserved = 0


def available_memory() -> int:
    """Bytes of memory free for new allocations right now: Linux's ``MemAvailable``, else
    ``psutil`` (whose import costs every import 12 ms).

    >>> available_memory() > 0
    True
    """
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import psutil

    return int(psutil.virtual_memory().available)


def reserved_memory() -> int:
    """Bytes reserved by the imports running now in this process."""
    return _reserved


@contextmanager
def reserve(display: str, memory: int, limits: Limits) -> Iterator[None]:
    """Hold ``memory`` bytes for reading one table, or refuse when they are not free.

    Process-wide: imports running at the same time add up, so two sessions cannot both start
    a read that only one of them fits. The budget ``limits.max_memory`` is checked first.

    >>> with reserve("a.csv", 1000, Limits()):
    ...     reserved_memory() >= 1000
    True
    """
    global _reserved
    check_memory(display, memory, limits)
    with _lock:
        free = max(available_memory() - _reserved, 0)
        if memory > free * MEMORY_SHARE:
            busy = f" (imports running now hold {_human_bytes(_reserved)})" if _reserved else ""
            raise IngestError(
                f"would take about {_human_bytes(memory)} of memory to read, but only "
                f"{_human_bytes(free)} is free on the server now{busy}",
                file=display,
                expected=f"a smaller file, or to try again later: {_SPLIT}",
            )
        _reserved += memory
    try:
        yield
    finally:
        with _lock:
            _reserved -= memory
