"""The Agents page's work done at the same time as other work (issue 18).

The agent comparison and its month-by-month history are independent and spend most of their
time in Polars, numpy and statsmodels' linear algebra, which release the GIL: run side by
side on a two-core machine they take about the time of the longer one (:func:`beside`).

The page counts on integer codes of the owner and case-mix columns
(:func:`lib.outliers.encode_tickets`, 0.6-1.1 s at 10 million tickets). For a large dataset
they are made in the background once the first page on the dataset is drawn (:func:`warm_codes`,
from ``app.py``), while the user reads it: the Agents page then takes them (:func:`codes`)
instead of making them while the user waits. Made before the page, they slowed the Overview's
first run at 10 million tickets by a second (the codes and the page shared the two cores).

Codes once made are kept beside the snapshot (:data:`lib.outliers.codes.CODES_SIDECAR`,
written in the background): a later process (a restarted server, a second server, the Agents
page opened first by a link) reads them in a few hundredths of a second instead of coding
10 million tickets again. The command line's import writes them with the snapshot.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from lib.errors import StoreError

A = TypeVar("A")
B = TypeVar("B")


def beside(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``(first(), second())``, ``second`` run in a worker thread while ``first`` runs here.

    The worker gets this script run's context (a cached function there finds the session's
    cache and settings) and a copy of the context variables (the business zone); it must not
    draw anything (no spinner, no element): only the script
    thread writes to the page. An error in either is raised here, ``first``'s first.

    >>> beside(lambda: 1, lambda: "two")
    (1, 'two')
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    # context variables (the business zone of lib.periods) are not inherited by a thread
    variables = contextvars.copy_context()

    def work() -> B:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        return variables.run(second)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="agents") as pool:
        later = pool.submit(work)
        a = first()  # on an error here, leaving the block still waits for the worker
        b = later.result()
    return a, b


#: Datasets from this many tickets get their codes made in the background when opened
#: (below it, making them takes under a tenth of a second on the page itself).
WARM_ROWS = 500_000
#: Codes kept waiting for the Agents page (one per snapshot and zone; 0.1 GiB at 10M).
WARM_KEPT = 2

#: The codes being made (or made and not yet taken), per key: at most :data:`WARM_KEPT`.
_WARM: dict[str, Future] = {}
#: Keys whose codes were started once (names only, at most :data:`STARTED_KEPT`): never
#: started again, even once taken or dropped (``app.py`` asks at every script run).
_STARTED: dict[str, None] = {}
STARTED_KEPT = 256
_WARM_LOCK = threading.Lock()
_WARM_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-codes")
#: Writes codes to their file after they were made (the page does not wait for it).
_WRITE_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agent-codes-file")


def codes_file(data: Any) -> Path | None:
    """Where the codes of the open dataset ``data`` (:class:`ui.dataset.Active`) are kept
    beside its snapshot; None when it has no snapshot to keep them beside."""
    from lib.outliers.codes import CODES_SIDECAR
    from ui import session

    try:
        return session.store().sidecar_path(data.record, CODES_SIDECAR)
    except StoreError:
        return None


def _kept_or_made(tickets: pl.DataFrame, saved: Path | None):  # -> TicketCodes
    """The codes kept in ``saved`` when they are ``tickets``' own in this zone, else made now
    and kept there (in the background: the caller does not wait for the file)."""
    from lib.outliers import encode_tickets
    from lib.outliers.codes import CODES_SIDECAR, read_codes, write_codes
    from lib.sidecar_file import snapshot_of

    if saved is not None and (kept := read_codes(saved, tickets)) is not None:
        return kept
    made = encode_tickets(tickets)
    if saved is not None:
        # not kept when the snapshot is deleted or replaced meanwhile (no orphan file)
        _WRITE_POOL.submit(write_codes, saved, made, beside=snapshot_of(saved, CODES_SIDECAR))
    return made


def warm_codes(
    key: str, tickets: pl.DataFrame, *, rows: int | None = None, saved: Path | None = None
) -> bool:
    """Start making ``tickets``' codes in the background (once per ``key``: the snapshot and
    business zone, :func:`ui.dataset.snapshot_key`) when there are at least ``rows`` tickets
    (default :data:`WARM_ROWS`) with an agent; ``saved``: the file they are kept in
    (:func:`codes_file`), read instead when it holds them. Returns whether they were started
    now. The business zone is the caller's (the month codes count its days). The oldest codes
    waiting beyond :data:`WARM_KEPT` are dropped, and not made at all when they had not started.

    >>> warm_codes("k", pl.DataFrame({"agent": ["a"]}))
    False
    """
    if tickets.height < (WARM_ROWS if rows is None else rows) or "agent" not in tickets.columns:
        return False
    if tickets.get_column("agent").null_count() == tickets.height:
        return False
    variables = contextvars.copy_context()  # the business zone of lib.periods
    with _WARM_LOCK:
        if key in _STARTED:
            return False
        _remember(key)
        while len(_WARM) >= WARM_KEPT:
            _WARM.pop(next(iter(_WARM))).cancel()  # queued: never made, its tickets let go
        _WARM[key] = _WARM_POOL.submit(variables.run, _kept_or_made, tickets, saved)
    return True


def _remember(key: str) -> None:
    """Note ``key``'s codes as started (the oldest of more than :data:`STARTED_KEPT` forgotten);
    the caller holds ``_WARM_LOCK``."""
    _STARTED[key] = None
    while len(_STARTED) > STARTED_KEPT:
        _STARTED.pop(next(iter(_STARTED)))


def codes(key: str, tickets: pl.DataFrame, saved: Path | None = None):  # -> TicketCodes
    """The codes of ``tickets``: those :func:`warm_codes` made (waiting for them while they
    are being made), else those kept in ``saved`` (:func:`codes_file`), else made now (also
    when they were still queued behind other work, or failed in the background: an error is
    then the page's own) and kept in ``saved`` for later processes."""
    with _WARM_LOCK:
        started = _WARM.pop(key, None)
        _remember(key)  # made here if not in the background: not started after the page
    if started is not None and not started.cancel():
        try:
            made = started.result()
        except Exception:  # made again below, where an error shows on the page
            made = None
        if made is not None and made.frame.height == tickets.height:
            return made
    return _kept_or_made(tickets, saved)


__all__ = ["WARM_ROWS", "beside", "codes", "codes_file", "warm_codes"]
