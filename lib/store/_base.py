"""What every part of :class:`~lib.store.Store` shares: opening (and migrating) the database,
short read and write sessions, and the small validation and frame-building helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Self

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as sa_postgresql
from sqlalchemy.dialects import sqlite as sa_sqlite
from sqlmodel import Session, SQLModel

from lib.errors import StoreError
from lib.store import migrations
from lib.store.engine import data_dir, make_engine, resolve_url, sqlite_path
from lib.store.models import Setting, UTCDateTime, _now


class StoreBase:
    """Access to one database: the connection handling the aggregate mixins build on (see
    :class:`lib.store.Store` for the parameters)."""

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

    def __enter__(self) -> Self:
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
    def _get(
        session: Session, model: type[SQLModel], key: Any, what: str, *, lock: bool = False
    ) -> Any:
        """The row ``key`` of ``model``, or a :class:`StoreError` naming ``what``.

        ``lock=True`` (in a write session, before checking what an editor saw) reads it with
        ``SELECT ... FOR UPDATE`` on PostgreSQL: a concurrent writer's uncommitted change is
        waited for and then seen, so the check cannot pass on a value about to be overwritten
        by another process. SQLite needs no lock (its write transactions run one at a time).
        """
        obj = session.get(model, key, with_for_update=lock or None)
        if obj is None:
            raise StoreError(f"{what} {key} does not exist (it may have been deleted)")
        return obj


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


def _fail(message: str) -> Any:
    raise StoreError(message)


def _check_fields(changes: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise StoreError(
            f"Cannot change {', '.join(sorted(unknown))} of {what} "
            f"(changeable: {', '.join(sorted(allowed))})"
        )


def _upsert(s: Session, model: type[SQLModel], values: Mapping[str, Any], key: str) -> None:
    """Insert ``values`` as a row of ``model`` in the write session ``s``, or update the row
    whose primary key ``key`` already holds that value, as one statement: two processes
    writing the same new key at once (two app servers, two people triaging one alert) both
    succeed, the later values kept, where a read-then-insert lost one to a duplicate-key
    error on PostgreSQL. Columns left out of ``values`` keep what the row held.

    Example::

        _upsert(session, Setting, {"key": "k", "value": 1, "updated_by": "a"}, "key")
    """
    changed = [name for name in values if name != key]
    dialect = s.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        row = s.get(model, values[key]) or model(**{key: values[key]})
        for name in changed:
            setattr(row, name, values[name])
        s.add(row)
        return
    insert = sa_postgresql.insert if dialect == "postgresql" else sa_sqlite.insert
    stmt = insert(model).values(**values)
    update = {name: stmt.excluded[name] for name in changed}
    s.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update))
    for obj in list(s.identity_map.values()):  # a row this session read earlier: now stale
        if isinstance(obj, model) and getattr(obj, key) == values[key]:
            s.refresh(obj)


def _set_setting(s: Session, key: str, value: Any, who: str) -> None:
    """Store ``value`` under ``key`` in the write session ``s``, as one upsert (``_upsert``)."""
    values = {"key": key, "value": value, "updated_by": who, "updated_at": _now()}
    _upsert(s, Setting, values, "key")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
