"""The local database: SQLModel tables and the functions that read and write them.

One :class:`Store` per database URL and process (:func:`default_store`), one short session per
action, every change one transaction. The URL comes from ``DATABASE_URL`` or defaults to
``review.sqlite`` in ``$REVIEW_DATA_DIR`` or ``data/``; a PostgreSQL URL works without code
changes (only the SQLite connection settings are dialect-specific). SQLite runs in WAL mode with a
busy timeout and foreign keys on, and write transactions take the write lock up front
(``BEGIN IMMEDIATE``), so two writers queue instead of failing. Schema changes go through
:mod:`lib.migrations`, applied on open. Lists come back as Polars frames, single records as model
objects.

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

import contextlib
import datetime as dt
import functools
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import JSON, Field, Session, SQLModel, select

from lib import migrations
from lib.errors import ConflictError, PermissionDenied, StoreError

REPO_DIR = Path(__file__).resolve().parent.parent
BUSY_TIMEOUT_MS = 10_000

ROLES = ("viewer", "editor")
TAG_KINDS = ("skill", "policy", "unknown")
EVENT_KINDS = ("policy change", "release", "new playbook", "other")
ALERT_STATES = ("dismissed", "known", "agenda")
AGENDA_SOURCES = ("alert", "agent", "driver", "action", "free")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "dropped")
ACTION_PRIORITIES = ("low", "normal", "high")
LINK_KINDS = ("category", "agent", "channel", "alert")
ACTIVE_DATASET_KEY = "active_dataset_id"
LOCAL_USER = "local user"


# --------------------------------------------------------------------------------------------
# Column types and models
# --------------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (portable across SQLite and PostgreSQL), returns aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Dataset(SQLModel, table=True):
    """A loaded export: its Parquet snapshot, mapping, rules and data-quality report."""

    __tablename__ = "dataset"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are never reused (cache keys)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    source_files: list[str] | None = Field(default=None, sa_type=JSON)
    vendor: str | None = None
    row_count: int = 0
    snapshot_path: str | None = None  # relative to the store's snapshot_dir when inside it
    mapping: dict | None = Field(default=None, sa_type=JSON)
    rules: list | dict | None = Field(default=None, sa_type=JSON)
    report: dict | None = Field(default=None, sa_type=JSON)
    sentiment_method: str | None = None


class Setting(SQLModel, table=True):
    """A named app-wide value (JSON), e.g. the active dataset."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_type=JSON, nullable=True)
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class SavedMapping(SQLModel, table=True):
    """A confirmed column mapping, keyed by the export header's fingerprint."""

    __tablename__ = "saved_mapping"

    fingerprint: str = Field(primary_key=True)
    vendor: str | None = None
    mapping: dict = Field(sa_type=JSON)
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class CategoryTag(SQLModel, table=True):
    """Whether a category's escalations are skill-based or policy-based."""

    __tablename__ = "category_tag"

    category: str = Field(primary_key=True)
    kind: str
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class KnowledgeCoverage(SQLModel, table=True):
    """The knowledge-base article for a category: exists, accurate, detailed enough."""

    __tablename__ = "knowledge_coverage"

    category: str = Field(primary_key=True)
    article_exists: bool = False
    accurate: bool = False
    detailed_enough: bool = False
    link: str = ""
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """A user-entered event shown as a marker on trend charts."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    kind: str
    title: str
    note: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class AlertState(SQLModel, table=True):
    """Triage of one anomaly alert (dismissed / known / agenda), with the alert's fields."""

    __tablename__ = "alert_state"

    alert_key: str = Field(primary_key=True)
    dataset_id: int | None = Field(
        default=None, foreign_key="dataset.id", ondelete="CASCADE", index=True
    )
    state: str
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    topic: str | None = None
    metric: str | None = None
    kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    observed: float | None = None
    expected: float | None = None
    score: float | None = None


class Meeting(SQLModel, table=True):
    """One escalation review meeting."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id", ondelete="SET NULL")
    title: str = ""
    attendees: str = ""
    notes: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class AgendaItem(SQLModel, table=True):
    """A point on a meeting's agenda and the decision taken on it."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    source: str = "free"
    ref: str | None = None  # alert key, agent, category or action id, by source
    title: str
    detail: str = ""
    decision: str = ""
    position: int = 0
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ActionItem(SQLModel, table=True):
    """An action agreed in a review; ``version`` is the optimistic-concurrency token."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    description: str = ""
    owner: str = Field(default="", index=True)
    due_date: dt.date | None = None
    status: str = Field(default="open", index=True)
    priority: str = "normal"
    link_kind: str | None = None
    link_value: str | None = None
    created_in_meeting: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    closed_in_meeting: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_note: str = ""
    version: int = 1
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ActionHistory(SQLModel, table=True):
    """One changed field of an action item (``field == "created"`` for its creation)."""

    __tablename__ = "action_history"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE", index=True)
    version: int
    changed_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    changed_by: str
    field: str
    old_value: str | None = None
    new_value: str | None = None


# --------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """The signed-in user: ``role`` is ``"viewer"`` (reads) or ``"editor"`` (reads and writes).

    >>> Actor("ana@example.com", "editor").can_edit
    True
    """

    email: str
    role: str = "viewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise StoreError(
                f"Unknown role {self.role!r} for {self.email} (expected viewer or editor)"
            )

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


def can_edit(actor: Actor | None) -> bool:
    """True when ``actor`` may change data (``None`` = single-user mode, which may)."""
    return actor is None or actor.can_edit


F = TypeVar("F", bound=Callable[..., Any])


def _writes(method: F) -> F:
    """Refuse the call when the keyword argument ``actor`` is a viewer."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        actor = kwargs.get("actor")
        if actor is not None and not actor.can_edit:
            raise PermissionDenied(
                f"{actor.email} has read-only access: ask an editor to make this change."
            )
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _who(who: str | None, actor: Actor | None) -> str:
    """Name recorded as the author: the signed-in actor's e-mail, else ``who``, else local user."""
    if actor is not None:
        return actor.email
    return (who or "").strip() or LOCAL_USER


# --------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------


def data_dir() -> Path:
    """Where runtime data lives: ``$REVIEW_DATA_DIR``, else ``<repo>/data``."""
    return Path(os.environ.get("REVIEW_DATA_DIR") or REPO_DIR / "data")


def resolve_url(url: str | None = None) -> str:
    """The database URL: ``url``, else ``$DATABASE_URL``, else review.sqlite in :func:`data_dir`.

    >>> resolve_url("sqlite://")
    'sqlite://'
    """
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'review.sqlite'}"
    if url.startswith("postgres://"):  # the form some hosts hand out; SQLAlchemy wants this one
        url = "postgresql://" + url.removeprefix("postgres://")
    return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or ``None`` (in-memory or another database).

    >>> sqlite_path("sqlite:////tmp/x.sqlite"), sqlite_path("sqlite://")
    (PosixPath('/tmp/x.sqlite'), None)
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """Build a configured engine for ``url`` (the one place engines are made).

    SQLite connections get ``journal_mode=WAL``, ``busy_timeout`` and ``foreign_keys=ON``, and
    the driver's own transaction handling is replaced by explicit ``BEGIN`` (``BEGIN IMMEDIATE``
    for write sessions), so every change is one transaction, DDL included.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, json_serializer=_json_dumps, pool_pre_ping=True)
    path = sqlite_path(url)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if path is None:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database per engine
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, json_serializer=_json_dumps, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(migrations.WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


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


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _choice(value: Any, allowed: Iterable[str], what: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise StoreError(f"{what} {value!r} is not allowed (expected one of {', '.join(allowed)})")
    return value


def _text(value: Any, what: str, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise StoreError(f"{what} cannot be empty")
    return text


def _date(value: Any, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise StoreError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)") from None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


_PL_TYPES: dict[type, pl.DataType] = {
    sa.Integer: pl.Int64(),
    sa.Float: pl.Float64(),
    sa.Boolean: pl.Boolean(),
    sa.Date: pl.Date(),
    sa.String: pl.String(),
}


def _schema(model: type[SQLModel], *, exclude: Iterable[str] = ()) -> dict[str, pl.DataType]:
    """Polars schema of a model's columns (JSON columns left out)."""
    out: dict[str, pl.DataType] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        if column.name in exclude:
            continue
        if isinstance(column.type, UTCDateTime):
            out[column.name] = pl.Datetime("us", "UTC")
            continue
        base = getattr(column.type, "impl_instance", column.type)  # e.g. SQLModel's AutoString
        for sa_type, pl_type in _PL_TYPES.items():
            if isinstance(base, sa_type):
                out[column.name] = pl_type
                break
    return out


def _frame(objs: Iterable[SQLModel], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.from_dicts([o.model_dump() for o in objs], schema=dict(schema))


def alert_key(topic: str, metric: str, kind: str, start: Any) -> str:
    """The stable key of an alert: ``topic|metric|kind|start``.

    >>> alert_key("SSO", "volume", "spike", dt.date(2025, 3, 4))
    'SSO|volume|spike|2025-03-04'
    """
    return f"{topic}|{metric}|{kind}|{_date(start, 'alert start')}"


def read_snapshot(path: str | Path) -> pl.DataFrame:
    """Read a dataset's Parquet snapshot, with a readable error when it is missing or damaged."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(
            f"Snapshot {path.name} is missing: load the export again or delete the dataset"
        )
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for a damaged file
        raise StoreError(
            f"Snapshot {path.name} cannot be read ({exc}); load the export again"
        ) from exc


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _raw_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    return conn


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class Store:
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

    def __init__(self, url: str | None = None, *, snapshot_dir: str | Path | None = None) -> None:
        self.url = resolve_url(url)
        self.db_path = sqlite_path(self.url)
        if snapshot_dir is not None:
            self.snapshot_dir = Path(snapshot_dir)
        elif self.db_path is not None:
            self.snapshot_dir = self.db_path.parent / "snapshots"
        else:
            self.snapshot_dir = data_dir() / "snapshots"
        self.engine = make_engine(self.url)
        try:
            self.schema_version = migrations.upgrade(self.engine)
        except sa.exc.DatabaseError as exc:
            self.engine.dispose()
            raise StoreError(f"Cannot open the database ({exc.orig}): {self._where()}") from exc
        except BaseException:
            self.engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()

    def _where(self) -> str:
        return str(self.db_path) if self.db_path else self.engine.url.render_as_string()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options={migrations.WRITE_OPTION: True})
            yield session
            session.commit()

    @staticmethod
    def _get(session: Session, model: type[SQLModel], key: Any, what: str) -> Any:
        obj = session.get(model, key)
        if obj is None:
            raise StoreError(f"{what} {key} does not exist (it may have been deleted)")
        return obj

    # ---------------------------------------------------------------- settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The stored value of setting ``key`` (JSON), or ``default``."""
        with self._read() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    @_writes
    def set_setting(self, key: str, value: Any, *, actor: Actor | None = None) -> None:
        """Store ``value`` (anything JSON can hold) under ``key``."""
        with self._write() as s:
            _set_setting(s, key, value, _who(None, actor))

    # ---------------------------------------------------------------- datasets and snapshots

    def write_snapshot(self, frame: pl.DataFrame, dataset_id: int) -> Path:
        """Write ``frame`` as a new Parquet snapshot for ``dataset_id``; return its path.

        Atomic: written to a temporary file in the same directory, flushed, then renamed, so a
        reader never sees half a file. The name carries a random part, so a path identifies one
        version of the data (safe as a cache key).
        """
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        final = self.snapshot_dir / f"dataset-{int(dataset_id)}-{uuid.uuid4().hex[:10]}.parquet"
        fd, tmp_name = tempfile.mkstemp(dir=self.snapshot_dir, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            frame.write_parquet(tmp)
            _fsync_file(tmp)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return final

    def _stored_path(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.snapshot_dir))
        except ValueError:
            return str(path)

    def snapshot_file(self, dataset: Dataset | int) -> Path | None:
        """Absolute path of a dataset's snapshot (``None`` when it has none)."""
        if not isinstance(dataset, Dataset):
            dataset = self._require_dataset(dataset)
        if not dataset.snapshot_path:
            return None
        path = Path(dataset.snapshot_path)
        return path if path.is_absolute() else self.snapshot_dir / path

    def sidecar_path(self, dataset: Dataset | int, name: str) -> Path:
        """Path for a file cached beside a dataset's snapshot, named ``<snapshot stem>.<name>``.

        For example ``sidecar_path(3, "sentiment.parquet")``. Such files are deleted together
        with the dataset.
        """
        snap = self.snapshot_file(dataset)
        if snap is None:
            raise StoreError("This dataset has no snapshot to keep files beside")
        return snap.with_name(f"{snap.stem}.{name}")

    def load_snapshot(self, dataset_id: int) -> pl.DataFrame:
        """The tickets of a registered dataset, read from its snapshot."""
        path = self.snapshot_file(dataset_id)
        if path is None:
            raise StoreError(f"Dataset {dataset_id} has no snapshot: load the export again")
        return read_snapshot(path)

    def _require_dataset(self, dataset_id: int) -> Dataset:
        with self._read() as s:
            return self._get(s, Dataset, dataset_id, "Dataset")

    @_writes
    def register_dataset(
        self,
        name: str,
        tickets: pl.DataFrame | None = None,
        *,
        source_files: Iterable[str] = (),
        vendor: str | None = None,
        mapping: Mapping[str, Any] | None = None,
        rules: Any = None,
        report: Mapping[str, Any] | None = None,
        sentiment_method: str | None = None,
        activate: bool = True,
        actor: Actor | None = None,
    ) -> Dataset:
        """Record a loaded dataset, write its snapshot and (by default) make it the active one.

        Either everything is stored or nothing: a failure removes the snapshot again.
        """
        name = _text(name, "Dataset name", required=True)
        written: list[Path] = []
        try:
            with self._write() as s:
                ds = Dataset(
                    name=name,
                    source_files=[str(f) for f in source_files],
                    vendor=vendor,
                    row_count=0 if tickets is None else tickets.height,
                    mapping=dict(mapping) if mapping is not None else None,
                    rules=rules,
                    report=dict(report) if report is not None else None,
                    sentiment_method=sentiment_method,
                )
                s.add(ds)
                s.flush()
                if tickets is not None:
                    written.append(self.write_snapshot(tickets, ds.id))
                    ds.snapshot_path = self._stored_path(written[-1])
                if activate:
                    _set_setting(s, ACTIVE_DATASET_KEY, ds.id, _who(None, actor))
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return ds

    @_writes
    def replace_snapshot(
        self,
        dataset_id: int,
        tickets: pl.DataFrame,
        *,
        sentiment_method: str | None = None,
        rules: Any = None,
        actor: Actor | None = None,
    ) -> Path:
        """Swap a dataset's snapshot for ``tickets`` (e.g. with sentiment added, or with the
        escalation flag re-decided by new ``rules``, which are stored too); return it."""
        old = self.snapshot_file(dataset_id)
        new = self.write_snapshot(tickets, dataset_id)
        try:
            with self._write() as s:
                ds = self._get(s, Dataset, dataset_id, "Dataset")
                ds.snapshot_path = self._stored_path(new)
                ds.row_count = tickets.height
                if sentiment_method is not None:
                    ds.sentiment_method = sentiment_method
                if rules is not None:
                    ds.rules = rules
        except BaseException:
            new.unlink(missing_ok=True)
            raise
        if old is not None and old != new:
            old.unlink(missing_ok=True)
        return new

    def list_datasets(self) -> pl.DataFrame:
        """All datasets, newest first, with ``snapshot`` (absolute path) and ``active`` columns."""
        with self._read() as s:
            rows = s.exec(select(Dataset).order_by(sa.desc(Dataset.id))).all()
            active = s.get(Setting, ACTIVE_DATASET_KEY)
        active_id = active.value if active is not None else None
        schema = {
            **_schema(Dataset, exclude=("snapshot_path",)),
            "source_files": pl.List(pl.String()),
            "snapshot": pl.String(),
            "active": pl.Boolean(),
        }
        data = [
            {
                **d.model_dump(),
                "snapshot": str(p) if (p := self.snapshot_file(d)) else None,
                "active": d.id == active_id,
            }
            for d in rows
        ]
        return pl.from_dicts(data, schema=schema)

    def get_dataset(self, dataset_id: int) -> Dataset | None:
        """The dataset record, or ``None``."""
        with self._read() as s:
            return s.get(Dataset, dataset_id)

    @_writes
    def rename_dataset(self, dataset_id: int, name: str, *, actor: Actor | None = None) -> Dataset:
        """Give a dataset a new name."""
        name = _text(name, "Dataset name", required=True)
        with self._write() as s:
            ds = self._get(s, Dataset, dataset_id, "Dataset")
            ds.name = name
        return ds

    @_writes
    def delete_dataset(self, dataset_id: int, *, actor: Actor | None = None) -> dict[str, Any]:
        """Delete a dataset completely; return what was removed.

        Removes the registry row, its snapshot and sidecar files, and its alert triage rows;
        meetings that referred to it keep their decisions but lose the link; if it was the active
        dataset, none is active afterwards. The files go before the transaction commits, so a
        crash can leave a registry row without data, never data without a registry row.
        """
        with self._write() as s:
            ds = self._get(s, Dataset, dataset_id, "Dataset")
            alerts = s.execute(
                sa.delete(AlertState).where(AlertState.dataset_id == dataset_id)
            ).rowcount
            meetings = s.execute(
                sa.update(Meeting).where(Meeting.dataset_id == dataset_id).values(dataset_id=None)
            ).rowcount
            active = s.get(Setting, ACTIVE_DATASET_KEY)
            was_active = active is not None and active.value == dataset_id
            if was_active:
                s.delete(active)
            s.delete(ds)
            s.flush()
            removed: list[str] = []
            snap = self.snapshot_file(ds)
            if snap is not None:
                candidates = [snap, *snap.parent.glob(f"{snap.stem}.*")]
                for path in dict.fromkeys(candidates):
                    if path.exists():
                        path.unlink()
                        removed.append(str(path))
        return {
            "dataset_id": dataset_id,
            "name": ds.name,
            "rows": ds.row_count,
            "files": removed,
            "alert_states": alerts,
            "meetings_unlinked": meetings,
            "was_active": was_active,
        }

    @_writes
    def remove_orphan_snapshots(
        self, *, older_than_s: float = 3600, actor: Actor | None = None
    ) -> list[Path]:
        """Delete snapshot files no dataset refers to (left by a crash), if older than the limit."""
        if not self.snapshot_dir.is_dir():
            return []
        with self._read() as s:
            known = {p for (p,) in s.execute(sa.select(Dataset.snapshot_path)) if p}
        stems = {Path(p).stem for p in known}
        cutoff = time.time() - older_than_s
        removed = []
        for path in self.snapshot_dir.iterdir():
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if path.name.split(".")[0] in stems or self._stored_path(path) in known:
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
        return removed

    @_writes
    def set_active_dataset(self, dataset_id: int | None, *, actor: Actor | None = None) -> None:
        """Make ``dataset_id`` the one the app opens on (``None``: no active dataset)."""
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            _set_setting(s, ACTIVE_DATASET_KEY, dataset_id, _who(None, actor))

    def get_active_dataset(self) -> Dataset | None:
        """The active dataset, or ``None`` (none chosen, or it was deleted)."""
        with self._read() as s:
            setting = s.get(Setting, ACTIVE_DATASET_KEY)
            if setting is None or setting.value is None:
                return None
            return s.get(Dataset, setting.value)

    # ---------------------------------------------------------------- mappings

    @_writes
    def save_mapping(
        self,
        fingerprint: str,
        mapping: Mapping[str, Any],
        *,
        vendor: str | None = None,
        actor: Actor | None = None,
    ) -> None:
        """Remember a confirmed mapping for exports whose header has this fingerprint."""
        fingerprint = _text(fingerprint, "Header fingerprint", required=True)
        with self._write() as s:
            row = s.get(SavedMapping, fingerprint) or SavedMapping(
                fingerprint=fingerprint, mapping={}
            )
            row.mapping = dict(mapping)
            row.vendor = vendor
            row.updated_by = _who(None, actor)
            row.updated_at = _now()
            s.add(row)

    def get_mapping(self, fingerprint: str) -> dict[str, Any] | None:
        """The saved mapping for this header fingerprint, or ``None``.

        >>> store = Store("sqlite://")
        >>> store.save_mapping("abc123", {"ticket_id": "Case Number"}, vendor="salesforce")
        >>> store.get_mapping("abc123"), store.get_mapping("other")
        ({'ticket_id': 'Case Number'}, None)
        """
        with self._read() as s:
            row = s.get(SavedMapping, fingerprint)
            return None if row is None else dict(row.mapping)

    # ---------------------------------------------------------------- category tags, coverage

    @_writes
    def set_category_tag(
        self, category: str, kind: str, *, note: str = "", actor: Actor | None = None
    ) -> None:
        """Tag a category's escalations as ``skill``, ``policy`` or ``unknown``."""
        category = _text(category, "Category", required=True)
        _choice(kind, TAG_KINDS, "Tag")
        with self._write() as s:
            row = s.get(CategoryTag, category) or CategoryTag(category=category, kind=kind)
            row.kind, row.note = kind, _text(note, "Note")
            row.updated_by, row.updated_at = _who(None, actor), _now()
            s.add(row)

    @_writes
    def remove_category_tag(self, category: str, *, actor: Actor | None = None) -> None:
        """Forget a category's tag."""
        with self._write() as s:
            s.execute(sa.delete(CategoryTag).where(CategoryTag.category == category))

    def get_category_tags(self) -> pl.DataFrame:
        """One row per tagged category: category, kind, note, updated_by, updated_at."""
        with self._read() as s:
            rows = s.exec(select(CategoryTag).order_by(CategoryTag.category)).all()
        return _frame(rows, _schema(CategoryTag))

    @_writes
    def set_knowledge_coverage(
        self,
        category: str,
        *,
        article_exists: bool = False,
        accurate: bool = False,
        detailed_enough: bool = False,
        link: str = "",
        note: str = "",
        actor: Actor | None = None,
    ) -> None:
        """Record the state of a category's knowledge-base article."""
        category = _text(category, "Category", required=True)
        with self._write() as s:
            row = s.get(KnowledgeCoverage, category) or KnowledgeCoverage(category=category)
            row.article_exists = bool(article_exists)
            row.accurate = bool(accurate)
            row.detailed_enough = bool(detailed_enough)
            row.link, row.note = _text(link, "Link"), _text(note, "Note")
            row.updated_by, row.updated_at = _who(None, actor), _now()
            s.add(row)

    def get_knowledge_coverage(self) -> pl.DataFrame:
        """One row per category with a coverage record."""
        with self._read() as s:
            rows = s.exec(select(KnowledgeCoverage).order_by(KnowledgeCoverage.category)).all()
        return _frame(rows, _schema(KnowledgeCoverage))

    # ---------------------------------------------------------------- events

    @_writes
    def add_event(
        self, date: Any, kind: str, title: str, *, note: str = "", actor: Actor | None = None
    ) -> Event:
        """Add a marker for the trend charts (policy change, release, new playbook, other)."""
        row = Event(
            date=_date(date, "Event date") or _fail("Event date is required"),
            kind=_choice(kind, EVENT_KINDS, "Event kind"),
            title=_text(title, "Event title", required=True),
            note=_text(note, "Note"),
            created_by=_who(None, actor),
        )
        with self._write() as s:
            s.add(row)
        return row

    def list_events(self, *, start: Any = None, end: Any = None) -> pl.DataFrame:
        """Events by date, optionally within ``start``..``end`` (inclusive)."""
        stmt = select(Event).order_by(Event.date, Event.id)
        if (d := _date(start, "Start")) is not None:
            stmt = stmt.where(Event.date >= d)
        if (d := _date(end, "End")) is not None:
            stmt = stmt.where(Event.date <= d)
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(Event))

    @_writes
    def delete_event(self, event_id: int, *, actor: Actor | None = None) -> None:
        """Remove an event."""
        with self._write() as s:
            s.delete(self._get(s, Event, event_id, "Event"))

    # ---------------------------------------------------------------- alert triage

    @_writes
    def set_alert_state(
        self,
        alert: Mapping[str, Any],
        state: str,
        *,
        dataset_id: int | None = None,
        note: str = "",
        actor: Actor | None = None,
    ) -> str:
        """Triage an alert (a row of ``detect_anomalies``): dismissed, known or agenda.

        Returns the alert's key. Keys do not depend on the dataset, so a triaged alert stays
        triaged when a newer export of the same helpdesk finds it again.
        """
        _choice(state, ALERT_STATES, "Alert state")
        try:
            key = alert_key(alert["topic"], alert["metric"], alert["kind"], alert["start"])
        except KeyError as exc:
            raise StoreError(f"The alert has no {exc.args[0]!r} field") from None
        values = {
            "state": state,
            "note": _text(note, "Note"),
            "topic": str(alert["topic"]),
            "metric": str(alert["metric"]),
            "kind": str(alert["kind"]),
            "start_date": _date(alert["start"], "Alert start"),
            "end_date": _date(alert.get("end"), "Alert end"),
            "observed": _float(alert.get("observed")),
            "expected": _float(alert.get("expected")),
            "score": _float(alert.get("score")),
            "updated_by": _who(None, actor),
            "updated_at": _now(),
        }
        with self._write() as s:
            row = s.get(AlertState, key) or AlertState(alert_key=key, state=state)
            if dataset_id is not None:  # otherwise keep the dataset it was first triaged on
                values["dataset_id"] = dataset_id
            for name, value in values.items():
                setattr(row, name, value)
            s.add(row)
        return key

    @_writes
    def clear_alert_state(self, key: str, *, actor: Actor | None = None) -> None:
        """Return an alert to untriaged."""
        with self._write() as s:
            s.execute(sa.delete(AlertState).where(AlertState.alert_key == key))

    def get_alert_states(self, dataset_id: int | None = None) -> pl.DataFrame:
        """Triaged alerts (all, or those triaged on ``dataset_id``), newest change first."""
        stmt = select(AlertState).order_by(sa.desc(AlertState.updated_at))
        if dataset_id is not None:
            stmt = stmt.where(AlertState.dataset_id == dataset_id)
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AlertState))

    def agenda_alerts(self, dataset_id: int | None = None, *, pending: bool = True) -> pl.DataFrame:
        """Alerts sent to the review agenda; with ``pending``, only those on no agenda yet."""
        stmt = select(AlertState).where(AlertState.state == "agenda")
        if dataset_id is not None:
            stmt = stmt.where(AlertState.dataset_id == dataset_id)
        if pending:
            on_agenda = sa.select(AgendaItem.ref).where(
                AgendaItem.source == "alert", AgendaItem.ref.is_not(None)
            )
            stmt = stmt.where(AlertState.alert_key.not_in(on_agenda))
        stmt = stmt.order_by(sa.desc(AlertState.start_date), sa.desc(AlertState.score))
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AlertState))

    # ---------------------------------------------------------------- meetings and agenda

    @_writes
    def create_meeting(
        self,
        date: Any,
        *,
        period_start: Any = None,
        period_end: Any = None,
        dataset_id: int | None = None,
        title: str = "",
        attendees: str = "",
        notes: str = "",
        actor: Actor | None = None,
    ) -> Meeting:
        """Start a review meeting (title defaults to "Escalation review <date>")."""
        day = _date(date, "Meeting date") or _fail("Meeting date is required")
        row = Meeting(
            date=day,
            period_start=_date(period_start, "Period start"),
            period_end=_date(period_end, "Period end"),
            dataset_id=dataset_id,
            title=_text(title, "Title") or f"Escalation review {day.isoformat()}",
            attendees=_text(attendees, "Attendees"),
            notes=str(notes or ""),
            created_by=_who(None, actor),
        )
        _check_period(row)
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            s.add(row)
        return row

    def list_meetings(self) -> pl.DataFrame:
        """Meetings, newest first, with counts of agenda items and actions created and closed."""
        with self._read() as s:
            rows = s.exec(
                select(Meeting).order_by(sa.desc(Meeting.date), sa.desc(Meeting.id))
            ).all()
            agenda = _counts(s, AgendaItem.meeting_id)
            created = _counts(s, ActionItem.created_in_meeting)
            closed = _counts(s, ActionItem.closed_in_meeting)
        schema = {
            **_schema(Meeting),
            "agenda_items": pl.Int64(),
            "actions_created": pl.Int64(),
            "actions_closed": pl.Int64(),
        }
        data = [
            {
                **m.model_dump(),
                "agenda_items": agenda.get(m.id, 0),
                "actions_created": created.get(m.id, 0),
                "actions_closed": closed.get(m.id, 0),
            }
            for m in rows
        ]
        return pl.from_dicts(data, schema=schema)

    def get_meeting(self, meeting_id: int) -> Meeting | None:
        """The meeting, or ``None``."""
        with self._read() as s:
            return s.get(Meeting, meeting_id)

    @_writes
    def update_meeting(
        self, meeting_id: int, changes: Mapping[str, Any], *, actor: Actor | None = None
    ) -> Meeting:
        """Change a meeting's date, period, dataset, title, attendees or notes."""
        allowed = {
            "date",
            "period_start",
            "period_end",
            "dataset_id",
            "title",
            "attendees",
            "notes",
        }
        _check_fields(changes, allowed, "a meeting")
        with self._write() as s:
            m = self._get(s, Meeting, meeting_id, "Meeting")
            for name, value in changes.items():
                if name in ("date", "period_start", "period_end"):
                    value = _date(value, name.replace("_", " ").capitalize())
                    if name == "date" and value is None:
                        raise StoreError("Meeting date is required")
                elif name == "dataset_id":
                    if value is not None:
                        self._get(s, Dataset, value, "Dataset")
                elif name in ("title", "attendees"):
                    value = _text(value, name.capitalize())
                else:
                    value = str(value or "")
                setattr(m, name, value)
            _check_period(m)
            m.updated_at = _now()
        return m

    @_writes
    def add_agenda_item(
        self,
        meeting_id: int,
        title: str,
        *,
        source: str = "free",
        ref: str | None = None,
        detail: str = "",
        decision: str = "",
        position: int | None = None,
        actor: Actor | None = None,
    ) -> AgendaItem:
        """Add a point to a meeting's agenda (at the end unless ``position`` is given)."""
        row = AgendaItem(
            meeting_id=meeting_id,
            source=_choice(source, AGENDA_SOURCES, "Agenda source"),
            ref=None if ref is None else str(ref),
            title=_text(title, "Agenda item title", required=True),
            detail=str(detail or ""),
            decision=str(decision or ""),
            updated_by=_who(None, actor),
        )
        with self._write() as s:
            self._get(s, Meeting, meeting_id, "Meeting")
            if position is None:
                last = s.execute(
                    sa.select(sa.func.max(AgendaItem.position)).where(
                        AgendaItem.meeting_id == meeting_id
                    )
                ).scalar()
                position = 0 if last is None else last + 1
            row.position = int(position)
            s.add(row)
        return row

    @_writes
    def update_agenda_item(
        self,
        item_id: int,
        changes: Mapping[str, Any],
        *,
        expected: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> AgendaItem:
        """Change an agenda item's title, detail, decision or position.

        ``expected``: the values the editor saw (e.g. ``{"decision": "..."}``). If someone has
        changed any of them since, nothing is written and :class:`ConflictError` says who, when
        and what they wrote, so that two people typing the same decision do not silently
        overwrite each other.
        """
        _check_fields(changes, {"title", "detail", "decision", "position"}, "an agenda item")
        _check_fields(expected or {}, {"title", "detail", "decision"}, "an agenda item")
        with self._write() as s:
            item = self._get(s, AgendaItem, item_id, "Agenda item")
            for name, seen in (expected or {}).items():
                now = str(getattr(item, name) or "")
                if now != str(seen or "") and now != str(changes.get(name, now) or ""):
                    when = item.updated_at.strftime("%Y-%m-%d %H:%M UTC")
                    shown = now if len(now) <= 200 else now[:200] + "…"
                    raise ConflictError(
                        f"the {name} of “{item.title}” was changed by "
                        f"{item.updated_by or 'someone'} at {when} after you opened it, to "
                        f"“{shown}”. Yours was not saved and is still in the box: save again "
                        "to replace theirs."
                    )
            for name, value in changes.items():
                if name == "title":
                    value = _text(value, "Agenda item title", required=True)
                elif name == "position":
                    value = int(value)
                else:
                    value = str(value or "")
                setattr(item, name, value)
            item.updated_by, item.updated_at = _who(None, actor), _now()
        return item

    @_writes
    def delete_agenda_item(self, item_id: int, *, actor: Actor | None = None) -> None:
        """Remove a point from an agenda."""
        with self._write() as s:
            s.delete(self._get(s, AgendaItem, item_id, "Agenda item"))

    def list_agenda_items(self, meeting_id: int) -> pl.DataFrame:
        """A meeting's agenda in order."""
        stmt = (
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(AgendaItem))

    # ---------------------------------------------------------------- action items

    @_writes
    def create_action(
        self,
        title: str,
        *,
        owner: str = "",
        description: str = "",
        due_date: Any = None,
        priority: str = "normal",
        link_kind: str | None = None,
        link_value: str | None = None,
        meeting_id: int | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Create an open action item (version 1) and its "created" history row."""
        by = _who(who, actor)
        values = _action_values(
            {
                "title": title,
                "owner": owner,
                "description": description,
                "due_date": due_date,
                "priority": priority,
                "link_kind": link_kind,
                "link_value": link_value,
            }
        )
        now = _now()
        item = ActionItem(
            **values,
            created_in_meeting=meeting_id,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
        )
        with self._write() as s:
            if meeting_id is not None:
                self._get(s, Meeting, meeting_id, "Meeting")
            s.add(item)
            s.flush()
            s.add(
                ActionHistory(
                    action_id=item.id,
                    version=1,
                    changed_at=now,
                    changed_by=by,
                    field="created",
                    new_value=item.title,
                )
            )
        return item

    def get_action(self, action_id: int) -> ActionItem | None:
        """The action item, or ``None``."""
        with self._read() as s:
            return s.get(ActionItem, action_id)

    @_writes
    def update_action(
        self,
        action_id: int,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Apply ``changes`` if the item is still at ``expected_version``; return the new item.

        Raises :class:`~lib.errors.ConflictError` (naming who changed it, when and what) when
        someone else saved the item since it was read; nothing is written then. Writes one
        history row per changed field and bumps ``version``. Setting the status to done or
        dropped stamps ``closed_at``; reopening clears it and ``closed_in_meeting``.
        """
        editable = {
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "priority",
            "link_kind",
            "link_value",
            "outcome_note",
            "closed_in_meeting",
        }
        _check_fields(changes, editable, "an action item")
        values = _action_values(changes)
        by = _who(who, actor)
        now = _now()
        with self._write() as s:
            item = self._get(s, ActionItem, action_id, "Action item")
            if item.version != expected_version:
                raise ConflictError(_conflict_message(s, item, expected_version))
            if values.get("closed_in_meeting") is not None:
                self._get(s, Meeting, values["closed_in_meeting"], "Meeting")
            if "status" in values and values["status"] != item.status:
                if values["status"] in CLOSED_STATUSES and item.status in OPEN_STATUSES:
                    values["closed_at"] = now
                elif values["status"] in OPEN_STATUSES:
                    values["closed_at"] = None
                    values["closed_in_meeting"] = None
            diffs = {k: (getattr(item, k), v) for k, v in values.items() if getattr(item, k) != v}
            if not diffs:
                return item
            new_version = expected_version + 1
            updated = s.execute(
                sa.update(ActionItem)
                .where(ActionItem.id == action_id, ActionItem.version == expected_version)
                .values(
                    **{k: new for k, (_, new) in diffs.items()},
                    version=new_version,
                    updated_by=by,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if updated != 1:  # another writer got in between (PostgreSQL, read committed)
                s.rollback()
                fresh = self._get(s, ActionItem, action_id, "Action item")
                raise ConflictError(_conflict_message(s, fresh, expected_version))
            s.add_all(
                ActionHistory(
                    action_id=action_id,
                    version=new_version,
                    changed_at=now,
                    changed_by=by,
                    field=name,
                    old_value=_as_text(old),
                    new_value=_as_text(new),
                )
                for name, (old, new) in diffs.items()
            )
            s.flush()
            s.refresh(item)
        return item

    @_writes
    def close_action(
        self,
        action_id: int,
        status: str = "done",
        *,
        expected_version: int,
        meeting_id: int | None = None,
        outcome: str = "",
        who: str | None = None,
        actor: Actor | None = None,
    ) -> ActionItem:
        """Close an item as ``done`` or ``dropped``, in a meeting or between meetings."""
        _choice(status, CLOSED_STATUSES, "Closing status")
        return self.update_action(
            action_id,
            {"status": status, "closed_in_meeting": meeting_id, "outcome_note": outcome},
            expected_version=expected_version,
            who=who,
            actor=actor,
        )

    def list_actions(
        self,
        *,
        owner: str | None = None,
        status: str | Iterable[str] | None = None,
        overdue: bool | None = None,
        meeting_id: int | None = None,
        today: dt.date | None = None,
    ) -> pl.DataFrame:
        """Action items with an ``overdue`` column, overdue first, then by due date.

        ``status`` is one status or several; ``meeting_id`` keeps the items created or closed in
        that meeting; ``overdue`` compares the due date of open items with ``today`` (default:
        the local date).
        """
        today = today or dt.date.today()
        stmt = select(ActionItem)
        if owner is not None:
            stmt = stmt.where(ActionItem.owner == owner)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            for st in statuses:
                _choice(st, ACTION_STATUSES, "Status")
            stmt = stmt.where(ActionItem.status.in_(statuses))
        if meeting_id is not None:
            stmt = stmt.where(
                sa.or_(
                    ActionItem.created_in_meeting == meeting_id,
                    ActionItem.closed_in_meeting == meeting_id,
                )
            )
        is_overdue = sa.and_(ActionItem.due_date < today, ActionItem.status.in_(OPEN_STATUSES))
        if overdue is True:
            stmt = stmt.where(is_overdue)
        elif overdue is False:
            stmt = stmt.where(sa.not_(is_overdue))
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _action_frame(rows, today)

    def open_actions_before(self, meeting_id: int) -> pl.DataFrame:
        """Items to carry into a meeting: open or in progress, created in an earlier meeting or
        between meetings before its date; overdue (as of the meeting date) first."""
        with self._read() as s:
            m = self._get(s, Meeting, meeting_id, "Meeting")
            earlier = sa.select(Meeting.id).where(
                sa.or_(Meeting.date < m.date, sa.and_(Meeting.date == m.date, Meeting.id < m.id))
            )
            day_after = dt.datetime.combine(m.date + dt.timedelta(days=1), dt.time(), dt.UTC)
            stmt = select(ActionItem).where(
                ActionItem.status.in_(OPEN_STATUSES),
                sa.or_(
                    ActionItem.created_in_meeting.in_(earlier),
                    sa.and_(
                        ActionItem.created_in_meeting.is_(None),
                        ActionItem.created_at < day_after,
                    ),
                ),
            )
            rows = s.exec(stmt).all()
        return _action_frame(rows, m.date)

    def action_history(self, action_id: int) -> pl.DataFrame:
        """Every change of an action item, oldest first: version, changed_at, changed_by,
        field, old_value, new_value."""
        stmt = (
            select(ActionHistory)
            .where(ActionHistory.action_id == action_id)
            .order_by(ActionHistory.version, ActionHistory.id)
        )
        with self._read() as s:
            rows = s.exec(stmt).all()
        return _frame(rows, _schema(ActionHistory))

    # ---------------------------------------------------------------- backup and restore

    def _require_sqlite(self, what: str) -> Path:
        if self.db_path is None:
            raise StoreError(
                f"{what} works on a SQLite database file; for another database use its own tools "
                "(for PostgreSQL: pg_dump / pg_restore)"
            )
        return self.db_path

    def backup(self, dest_path: str | Path) -> Path:
        """Copy the database to ``dest_path`` (one self-contained SQLite file); return the path.

        Uses SQLite's online backup API: the copy is consistent even while others write.
        """
        db = self._require_sqlite("Backup")
        dest = Path(dest_path)
        if dest.resolve() == db.resolve():
            raise StoreError("A backup cannot overwrite the database itself: choose another file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            with (
                contextlib.closing(_raw_sqlite(db)) as src,
                contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as dst,
            ):
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            _fsync_file(tmp)
            os.replace(tmp, dest)
        except sqlite3.Error as exc:
            raise StoreError(f"Backup to {dest} failed: {exc}") from exc
        finally:
            _remove_db_files(tmp)
        return dest

    @_writes
    def restore(self, src_path: str | Path, *, actor: Actor | None = None) -> dict[str, Any]:
        """Replace the database's contents with a backup; return what was done.

        The file is checked first (a readable SQLite file with ``schema_version`` and the
        Escalation Review tables, not newer than this program): if it is not, nothing changes.
        A copy of the current database is kept as ``<name>.bak-<timestamp>``; the backup is
        brought up to the current schema before it is swapped in.
        """
        db = self._require_sqlite("Restore")
        src = Path(src_path)
        if not src.is_file():
            raise StoreError(f"{src} does not exist or is not a file")
        work = db.with_name(f".{db.name}.restore-{uuid.uuid4().hex[:8]}")
        try:
            shutil.copyfile(src, work)
            from_version = _check_backup_file(work, src.name)
            engine = make_engine(f"sqlite:///{work}")
            try:
                migrations.upgrade(engine)
            finally:
                engine.dispose()
            with contextlib.closing(_raw_sqlite(work)) as w:
                w.execute("PRAGMA journal_mode = DELETE")
                with contextlib.closing(_raw_sqlite(db)) as live:
                    page_size = live.execute("PRAGMA page_size").fetchone()[0]
                if w.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    w.execute(f"PRAGMA page_size = {int(page_size)}")
                    w.execute("VACUUM")
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
            kept = self.backup(db.with_name(f"{db.name}.bak-{stamp}"))
            with (
                contextlib.closing(_raw_sqlite(work)) as w,
                contextlib.closing(_raw_sqlite(db)) as live,
            ):
                w.backup(live)
        except (sqlite3.Error, sa.exc.SQLAlchemyError) as exc:
            raise StoreError(
                f"Restoring from {src.name} failed, nothing was changed: {exc}"
            ) from exc
        finally:
            _remove_db_files(work)
        self.schema_version = migrations.upgrade(self.engine)
        return {
            "restored_from": str(src),
            "previous_copy": str(kept),
            "from_version": from_version,
            "schema_version": self.schema_version,
        }


# --------------------------------------------------------------------------------------------
# Helpers that need the models
# --------------------------------------------------------------------------------------------


def _fail(message: str) -> Any:
    raise StoreError(message)


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise StoreError(f"{value!r} is not a number") from None


def _check_fields(changes: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise StoreError(
            f"Cannot change {', '.join(sorted(unknown))} of {what} "
            f"(changeable: {', '.join(sorted(allowed))})"
        )


def _check_period(m: Meeting) -> None:
    if m.period_start and m.period_end and m.period_start > m.period_end:
        raise StoreError(
            f"The review period starts after it ends ({m.period_start} > {m.period_end})"
        )


def _set_setting(s: Session, key: str, value: Any, who: str) -> None:
    row = s.get(Setting, key) or Setting(key=key)
    row.value, row.updated_by, row.updated_at = value, who, _now()
    s.add(row)


def _counts(s: Session, column: Any) -> dict[int, int]:
    rows = s.execute(sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column))
    return {k: n for k, n in rows}


def _action_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise action-item fields."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            value = _text(value, "Action title", required=True)
        elif name in ("owner", "description", "outcome_note"):
            value = _text(value, name.replace("_", " ").capitalize())
        elif name == "due_date":
            value = _date(value, "Due date")
        elif name == "status":
            value = _choice(value, ACTION_STATUSES, "Status")
        elif name == "priority":
            value = _choice(value, ACTION_PRIORITIES, "Priority")
        elif name == "link_kind":
            value = None if value in (None, "") else _choice(value, LINK_KINDS, "Link kind")
        elif name == "link_value":
            value = _text(value, "Link") or None
        elif name == "closed_in_meeting":
            value = None if value is None else int(value)
        out[name] = value
    if out.get("link_kind") is None and out.get("link_value") and "link_kind" in changes:
        raise StoreError("A link needs a kind (category, agent, channel or alert)")
    return out


def _conflict_message(s: Session, item: ActionItem, expected_version: int) -> str:
    fields = s.execute(
        sa.select(ActionHistory.field)
        .where(ActionHistory.action_id == item.id, ActionHistory.version > expected_version)
        .distinct()
    ).scalars()
    changed = ", ".join(sorted(f.replace("_", " ") for f in fields))
    when = item.updated_at.strftime("%Y-%m-%d %H:%M UTC") if item.updated_at else "an unknown time"
    what = f" ({changed})" if changed else ""
    return (
        f"Action item #{item.id} “{item.title}” was changed by {item.updated_by or 'someone'} "
        f"at {when}{what} after you opened it. Your changes were not saved: reload to see the "
        "current version, then apply them again."
    )


def _action_frame(rows: Iterable[ActionItem], today: dt.date) -> pl.DataFrame:
    schema = {**_schema(ActionItem), "overdue": pl.Boolean()}
    data = [
        {
            **a.model_dump(),
            "overdue": bool(a.due_date and a.due_date < today and a.status in OPEN_STATUSES),
        }
        for a in rows
    ]
    frame = pl.from_dicts(data, schema=schema)
    return frame.sort(
        ["overdue", "due_date", "id"], descending=[True, False, False], nulls_last=True
    )


def _check_backup_file(path: Path, label: str) -> int:
    """Refuse anything but a sound Escalation Review database; return its schema version."""
    try:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if check != "ok":
                raise StoreError(f"{label} is a damaged database ({check}); nothing was changed")
            if "schema_version" not in tables:
                raise StoreError(
                    f"{label} is not an Escalation Review backup (no schema_version table); "
                    "nothing was changed"
                )
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{label} is not an Escalation Review backup ({exc}); nothing was changed"
        ) from None
    if version > migrations.LATEST:
        raise StoreError(
            f"{label} was made by a newer version of Escalation Review (schema {version}); "
            "update the app first. Nothing was changed"
        )
    expected = {t for step in migrations.STEPS[:version] for t in step.TABLES}
    missing = expected - tables
    if version == 0 or missing:
        raise StoreError(
            f"{label} is not a complete Escalation Review backup (missing "
            f"{', '.join(sorted(missing)) or 'its schema'}); nothing was changed"
        )
    return int(version)
