"""What every command shares: the app's database, the dataset a command looks at, its tickets,
and the terminal's progress bar.

The database is the app's (``DATABASE_URL``, else ``review.sqlite`` in ``REVIEW_DATA_DIR`` or
``data/``; see :func:`lib.store.resolve_url`), with its snapshots beside it, so the command line
sees the datasets and meetings the app shows.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import polars as pl

from lib.errors import StoreError
from lib.ingest.rules import describe_rules, escalation_signal, rules_from_json
from lib.sentiment_sidecar import (
    SENTIMENT_SIDECAR,
    details_of,
    read_sidecar,
    with_scores,
    write_sidecar,
)
from lib.store import Dataset, Store
from lib.store.snapshot_scan import read_canonical, read_columns
from review.errors import UsageError


def open_store(url: str | None = None) -> Store:
    """The app's database (``url`` overrides ``DATABASE_URL``)."""
    return Store(url)


@dataclass
class Opened:
    """A dataset and its canonical tickets, as the app opens it."""

    record: Dataset
    tickets: pl.DataFrame
    snapshot: Path

    @property
    def zone(self) -> str:
        """The dataset's business zone (UTC when none was chosen)."""
        return self.record.business_tz or "UTC"

    @property
    def definition(self) -> str:
        """The escalation rules in words."""
        return describe_rules(rules_from_json(self.record.rules))

    def low_signal(self) -> str | None:
        """The warning every page shows when the rules mark (almost) no ticket escalated."""
        return escalation_signal(self.tickets, rules_from_json(self.record.rules))


def find_dataset(store: Store, wanted: str | None) -> Dataset:
    """The dataset named by id or name, else the active one, else the newest (as the app)."""
    listed = store.list_datasets()
    if wanted:
        if wanted.isdigit() and (rec := store.get_dataset(int(wanted))) is not None:
            return rec
        hits = listed.filter(pl.col("name") == wanted)
        if hits.height:
            return store.get_dataset(int(hits.get_column("id")[0]))  # type: ignore[return-value]
        names = ", ".join(f"{i} ({n})" for i, n in listed.select("id", "name").rows()) or "none"
        raise UsageError(f"No dataset {wanted!r} (datasets: {names})")
    rec = store.get_active_dataset()
    if rec is None and listed.height:
        rec = store.get_dataset(int(listed.get_column("id")[0]))
    if rec is None:
        raise UsageError(
            f"No dataset in {store!r}: import an export first (python -m review import FILE)"
        )
    return rec


def open_dataset(store: Store, wanted: str | None = None) -> Opened:
    """The dataset's canonical tickets, read from its snapshot as the app reads them."""
    rec = find_dataset(store, wanted)
    path = store.snapshot_file(rec)
    if path is None or not path.exists():
        raise StoreError(
            f"The snapshot of dataset “{rec.name}” is missing: load the export again, or "
            "delete the dataset (Data page, Datasets tab)"
        )
    return Opened(rec, read_canonical(path), path)


def sentiment_tickets(store: Store, opened: Opened) -> tuple[pl.DataFrame, str]:
    """The tickets with the sentiment the Anomalies page uses, and the scorer's name: the
    sidecar when the app or an earlier run has scored this snapshot, else scored now and
    written there (so a digest every 15 minutes scores a snapshot once)."""
    side = store.sidecar_path(opened.record, SENTIMENT_SIDECAR)
    stored = read_sidecar(side)
    if stored is not None:
        scored, _, details = stored
        return with_scores(opened.tickets, scored), details.get("sentiment_scorer", "")
    from lib.sentiment import score_sentiment

    found = read_columns(opened.snapshot, ["_description"])
    description = found.get_column("_description") if found.width else None
    got = score_sentiment(opened.tickets, description=description)
    write_sidecar(side, got.tickets, got.how, details_of(got))  # read-only: memory only
    return got.tickets, got.scorer or ""


def write(text: str, out: str | None) -> None:
    """``text`` to the file ``out`` (written whole, then renamed), or to stdout."""
    if not out or out == "-":
        sys.stdout.write(text)
        return
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"--out {out}: cannot write it ({exc.strerror})") from exc


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise
    (a log file); ``quiet`` prints nothing.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(out)
    >>> bar(0.5, "Parsing a.csv"); bar.done("Imported")
    >>> out.getvalue().splitlines()
    ['[##########          ]  50% Parsing a.csv', 'Imported']
    """

    WIDTH = 20

    def __init__(self, stream: IO[str] | None = None, *, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = ""
        self.started = time.monotonic()

    def __call__(self, share: float, message: str) -> None:
        if self.quiet:
            return
        share = min(max(float(share), 0.0), 1.0)
        filled = round(self.WIDTH * share)
        line = f"[{'#' * filled}{' ' * (self.WIDTH - filled)}] {100 * share:3.0f}% {message}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        elif message != self.last:
            self.stream.write(line + "\n")
        self.last = message
        self.stream.flush()

    def done(self, message: str = "") -> None:
        """End the bar (a new line on a terminal) and print ``message``."""
        if self.quiet:
            return
        if self.tty and self.last:
            self.stream.write("\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()
