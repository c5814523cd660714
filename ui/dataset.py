"""The dataset a session looks at: parsed once per process, shared by every session.

Opens the snapshot of the chosen dataset (cached by its file), bootstraps the demo or the
exports named in ``REVIEW_DATA`` on first start, and saves import results as snapshots.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib import periods
from lib.errors import ReviewError
from lib.ingest import canonical_only, inspect_sources, load_tables
from lib.ingest.business_zone import propose_for_tables
from lib.ingest.rules import Rule, rules_from_json, rules_to_json
from lib.markdown import md_escape
from lib.store import Dataset, Store, default_store, read_snapshot
from lib.store.snapshot_scan import extra_columns, read_canonical, read_columns
from ui import session
from ui.data_tabs import data_tab_link

ROOT = Path(__file__).resolve().parents[1]
DEMO_FILE = ROOT / "data" / "demo_helpdesk.csv.gz"


DEMO_NAME = "Demo helpdesk"


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=4)
def _snapshot_frame(path: str) -> pl.DataFrame:
    """The snapshot (canonical columns and extras), parsed once per process per file: the
    canonical columns are the pages' shared frame, only the extras are read again (no second
    copy of every ticket's canonical columns).

    A missing or unreadable file raises :class:`~lib.errors.StoreError` (not cached)."""
    extras = extra_columns(path)
    if extras is None:  # not laid out as an import writes it: read it whole
        return read_snapshot(path)
    return _canonical(path).hstack(read_columns(path, extras).get_columns())


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=4)
def _canonical(path: str) -> pl.DataFrame:
    """The canonical tickets of a snapshot, parsed once per process per file and shared
    read-only by every session: only the canonical columns are read (the export's raw
    columns stay on disk until the rules editor or the sentiment scorer asks for them).
    A snapshot just written by this process (:func:`hand_over`) is not read back."""
    with _HANDED_LOCK:
        fresh = _HANDED.pop(path, None)
    return fresh if fresh is not None else read_canonical(path)


#: Canonical tickets of snapshots this process has just written, by path, until the cache
#: above takes them (each at most once: afterwards the cache holds the one copy).
_HANDED: dict[str, pl.DataFrame] = {}
_HANDED_LOCK = threading.Lock()


def hand_over(path: Path | str, frame: pl.DataFrame) -> None:
    """Let the dataset cache take ``frame`` (the tickets just written to the snapshot at
    ``path``, with or without extras) instead of reading the file back: the Overview opened
    after an import then shows the frame it was written from. The same columns and dtypes
    as :func:`lib.store.snapshot_scan.read_canonical` (``tests/ui/test_dataset.py``).

    Only the newest snapshot is kept waiting: a hand-over nobody takes is dropped by the
    next one (the file is still there to read)."""
    canonical = canonical_only(frame)
    with _HANDED_LOCK:
        _HANDED.clear()
        _HANDED[str(path)] = canonical


@dataclass
class Active:
    """The dataset this session looks at."""

    record: Dataset
    tickets: pl.DataFrame

    @property
    def rules(self) -> list[Rule]:
        return rules_from_json(self.record.rules)

    @property
    def zone(self) -> str:
        """The dataset's business time zone (its days, periods and weekdays; UTC when unset)."""
        return zone_of(self.record)


def zone_of(record: Dataset) -> str:
    """A dataset's business time zone: the stored one, UTC when none was chosen."""
    return record.business_tz or "UTC"


def _bootstrap(st_store: Store) -> None:
    """First start: open on ``REVIEW_DATA`` exports if given, else on the bundled demo."""
    env = os.environ.get("REVIEW_DATA", "").strip()
    done_key = f"bootstrapped:{env}"
    if st_store.get_setting(done_key):
        return
    if env:
        paths: list[Any] = [p for p in env.split(os.pathsep) if p.strip()]
        name = ", ".join(Path(p).name for p in paths)
    elif DEMO_FILE.exists() and st_store.list_datasets().height == 0:
        paths, name = [DEMO_FILE], DEMO_NAME
    else:
        return
    # the business zone proposed from the exports' offsets, as the mapping screen would
    insp = inspect_sources(paths if len(paths) > 1 else paths[0])
    zone = propose_for_tables(insp.tables, insp.mapping).zone
    result = load_tables(insp, tz=zone)
    st_store.register_dataset(
        name,
        save_frame(result),
        source_files=[str(p) for p in (env.split(os.pathsep) if env else [DEMO_FILE])],
        vendor=result.vendor,
        mapping=result.mapping,
        rules=rules_to_json(result.rules),
        report=result.report.to_dict(),
        business_tz=zone,
    )
    st_store.set_setting(done_key, True)


@st.cache_resource(show_spinner="Loading the exports named in REVIEW_DATA…")
def _bootstrap_once(env: str, db: str) -> bool:
    """Run :func:`_bootstrap` once per process and database (not once per session), after
    removing the snapshot files a killed process left behind (temporary or unregistered ones
    older than an hour)."""
    with contextlib.suppress(OSError, ReviewError):
        default_store(db).remove_orphan_snapshots()
    _bootstrap(default_store(db))
    return True


def pseudonym_key() -> bytes:
    """This installation's secret key for pseudonyms (made once, kept in the database and
    never put into a backup: see :data:`lib.store.settings.SECRET_SETTINGS`)."""
    return session.store().secret_key("pseudonym_key")


def save_frame(result: Any) -> pl.DataFrame:
    """Snapshot frame: the import's :meth:`lib.ingest.load_report.LoadResult.snapshot_frame`
    (the extras beside the tickets, no join when the rows are aligned)."""
    return result.snapshot_frame()


def active() -> Active | None:
    """The session's dataset (its own choice, else the store's active one), or ``None``.

    Also makes the dataset's business zone the one :mod:`lib.periods` counts days in for
    this page run (UTC when there is no dataset)."""
    periods.set_zone(None)
    st_store = session.store()
    try:
        _bootstrap_once(os.environ.get("REVIEW_DATA", ""), st_store.url)
    except ReviewError as exc:
        st.error(f"Could not open the exports named in REVIEW_DATA: {md_escape(str(exc))}")
    wanted = st.session_state.get("dataset_id")
    record = st_store.get_dataset(wanted) if wanted is not None else None
    if record is None:
        record = st_store.get_active_dataset()
    if record is None:
        listed = st_store.list_datasets()
        if listed.height:
            record = st_store.get_dataset(int(listed.get_column("id")[0]))
    if record is None:
        return None
    try:
        path = st_store.snapshot_file(record)
        if path is None or not path.exists():
            raise ReviewError(
                f"The snapshot of dataset “{record.name}” is missing: load the export again, "
                "or delete the dataset (Data page, Datasets tab)"
            )
        tickets = _canonical(str(path))
    except ReviewError as exc:
        st.warning(
            f"{md_escape(str(exc))}. Pages that need tickets are empty until then; meetings, "
            "backups and the Data page keep working.",
            icon=":material/warning:",
        )
        data_tab_link("Datasets", icon=":material/dataset:")  # to delete it or open another
        return None
    st.session_state["dataset_id"] = record.id
    # every day bucket of this page run is counted in the dataset's zone (lib.periods)
    periods.set_zone(zone_of(record))
    return Active(record, tickets)


def snapshot_of(record: Dataset) -> pl.DataFrame:
    """The full snapshot (with extras) of a dataset, from the shared cache."""
    path = session.store().snapshot_file(record)
    return _snapshot_frame(str(path)) if path else pl.DataFrame()


def canonical_of(record: Dataset) -> pl.DataFrame:
    """The canonical tickets of a dataset (no extras: the export's raw columns stay on disk),
    from the shared cache."""
    path = session.store().snapshot_file(record)
    return _canonical(str(path)) if path else pl.DataFrame()


def snapshot_key(data: Active) -> str:
    """The dataset's snapshot path and business zone: names one version of its tickets and
    of their day buckets (a safe cache key; changing the zone misses every cached result)."""
    return f"{session.store().snapshot_file(data.record)}#{data.zone}"
