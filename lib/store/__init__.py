"""The local database: SQLModel tables and the functions that read and write them.

One :class:`Store` per database URL and process (:func:`default_store`), one short session per
action, every change one transaction. The URL comes from ``DATABASE_URL`` or defaults to
``review.sqlite`` in ``$REVIEW_DATA_DIR`` or ``data/``; a PostgreSQL URL works without code
changes (only the SQLite connection settings are dialect-specific). SQLite runs in WAL mode with a
busy timeout and foreign keys on, and write transactions take the write lock up front
(``BEGIN IMMEDIATE``), so two writers queue instead of failing. Schema changes go through
:mod:`lib.store.migrations`, applied on open. Lists come back as Polars frames, single records as
model objects.

Every write takes ``actor=``: ``None`` is single-user mode, an :class:`Actor` with role
``"viewer"`` is refused with :class:`~lib.errors.PermissionDenied`.

Example
-------
>>> store = Store("sqlite://")  # in memory
>>> item = store.create_action("Update the SSO article", owner="ana", who="ana")
>>> item.version, item.status
(1, 'open')
>>> item = store.update_action(item.id, {"status": "in_progress"}, expected_version=1, who="bo")
>>> item.version, item.status
(2, 'in_progress')
>>> store.action_history(item.id).select("field", "old_value", "new_value").rows()
[('created', None, 'Update the SSO article'), ('status', 'open', 'in_progress')]
"""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from lib.store import migrations
from lib.store.actions import ActionsMixin
from lib.store.alerts import AlertsMixin, alert_key
from lib.store.backup import BackupMixin
from lib.store.calibration import CalibrationMixin
from lib.store.categories import CategoriesMixin
from lib.store.datasets import DatasetsMixin, read_snapshot
from lib.store.engine import (
    BUSY_TIMEOUT_MS,
    REPO_DIR,
    data_dir,
    make_engine,
    resolve_url,
    sqlite_path,
)
from lib.store.events import EventsMixin
from lib.store.holidays import HOLIDAY_SCHEMA, HolidaysMixin
from lib.store.meetings import MeetingsMixin
from lib.store.models import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ACTIVE_DATASET_KEY,
    AGENDA_SOURCES,
    ALERT_STATES,
    CLOSED_STATUSES,
    EVENT_KINDS,
    LINK_KINDS,
    OPEN_STATUSES,
    TAG_KINDS,
    ActionHistory,
    ActionItem,
    AgendaItem,
    AlertState,
    CategoryTag,
    Dataset,
    Event,
    KnowledgeCoverage,
    Meeting,
    SavedMapping,
    Setting,
    UTCDateTime,
)
from lib.store.notify import NotifyMixin
from lib.store.roles import LOCAL_USER, ROLES, Actor, can_edit
from lib.store.settings import SettingsMixin

__all__ = [
    "ACTION_PRIORITIES",
    "ACTION_STATUSES",
    "ACTIVE_DATASET_KEY",
    "AGENDA_SOURCES",
    "ALERT_STATES",
    "BUSY_TIMEOUT_MS",
    "CLOSED_STATUSES",
    "EVENT_KINDS",
    "HOLIDAY_SCHEMA",
    "LINK_KINDS",
    "LOCAL_USER",
    "OPEN_STATUSES",
    "REPO_DIR",
    "ROLES",
    "TAG_KINDS",
    "ActionHistory",
    "ActionItem",
    "Actor",
    "AgendaItem",
    "AlertState",
    "CategoryTag",
    "Dataset",
    "Event",
    "KnowledgeCoverage",
    "Meeting",
    "SavedMapping",
    "Setting",
    "Store",
    "UTCDateTime",
    "alert_key",
    "can_edit",
    "data_dir",
    "default_store",
    "get_engine",
    "make_engine",
    "migrations",
    "read_snapshot",
    "reset_default_stores",
    "resolve_url",
    "sqlite_path",
]


class Store(
    SettingsMixin,
    DatasetsMixin,
    CategoriesMixin,
    EventsMixin,
    AlertsMixin,
    HolidaysMixin,
    MeetingsMixin,
    ActionsMixin,
    BackupMixin,
    CalibrationMixin,
    NotifyMixin,
):
    """Access to one database. ``Store(url)`` opens (and migrates) it; use :func:`default_store`
    in the app so the process keeps one engine per URL.

    Parameters
    ----------
    url
        SQLAlchemy URL; default from :func:`resolve_url`. ``"sqlite://"`` is a private in-memory
        database (tests, examples).
    snapshot_dir
        Where Parquet snapshots go; default ``snapshots/`` beside the SQLite file, else
        ``snapshots/`` in :func:`data_dir`.
    """


_DEFAULT_STORES: dict[str, Store] = {}
_DEFAULT_LOCK = threading.Lock()


def default_store(url: str | None = None) -> Store:
    """The process-wide :class:`Store` for ``url`` (see :func:`resolve_url`), made on first use."""
    resolved = resolve_url(url)
    with _DEFAULT_LOCK:
        store = _DEFAULT_STORES.get(resolved)
        if store is None:
            store = _DEFAULT_STORES[resolved] = Store(resolved)
        return store


def reset_default_stores() -> None:
    """Close and forget every :func:`default_store` (tests; after changing ``DATABASE_URL``)."""
    with _DEFAULT_LOCK:
        for store in _DEFAULT_STORES.values():
            store.close()
        _DEFAULT_STORES.clear()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (that of :func:`default_store`)."""
    return default_store(url).engine
