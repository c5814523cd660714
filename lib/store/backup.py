"""Backup and restore of a SQLite database file: a consistent online copy, and a checked,
migrated swap-in of a backup that keeps the replaced state beside it."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from lib.errors import StoreError
from lib.store import migrations
from lib.store._base import (
    StoreBase,
    _fsync_file,
)
from lib.store.engine import BUSY_TIMEOUT_MS, make_engine
from lib.store.roles import Actor, _writes


def _raw_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    return conn


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


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


class BackupMixin(StoreBase):
    """Backup to and restore from a SQLite file."""

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
