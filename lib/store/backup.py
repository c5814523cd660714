"""Backup and restore of a SQLite database file: a consistent online copy without the
installation's secrets, and a checked swap-in of a backup's rows (copied into a fresh database
built by our own migrations) that keeps the replaced state beside it."""

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
from lib.store.datasets import snapshot_name_problem
from lib.store.engine import BUSY_TIMEOUT_MS, make_engine, prepare_sqlite
from lib.store.roles import Actor, _writes
from lib.store.settings import SECRET_SETTINGS


def _raw_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    prepare_sqlite(conn)  # rows it writes get the index entries the app's connections find
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


def _copy_rows(src: Path, stage: Path, label: str) -> None:
    """Copy the rows of our own tables (those the fresh ``stage`` has) from the backup ``src``.

    The backup is only read (``query_only``, untrusted schema), table by table with the column
    names of our schema, so nothing in it but plain values reaches the new database.
    """
    with (
        contextlib.closing(sqlite3.connect(src, isolation_level=None)) as s,
        contextlib.closing(_raw_sqlite(stage)) as d,
    ):
        s.execute("PRAGMA query_only = ON")
        s.execute("PRAGMA trusted_schema = OFF")
        theirs = {
            name: sql or ""
            for name, sql in s.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
        }
        ours = [
            name
            for (name,) in d.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'schema_version' ORDER BY name"
            )
        ]
        d.execute("BEGIN IMMEDIATE")
        try:
            for table in ours:
                if table not in theirs or theirs[table].lstrip().upper().startswith(
                    "CREATE VIRTUAL"
                ):
                    raise StoreError(
                        f"{label} is not an Escalation Review backup ({table} is not a plain "
                        "table); nothing was changed"
                    )
                cols = [r[1] for r in d.execute(f'PRAGMA table_info("{table}")')]
                have = {r[1] for r in s.execute(f'PRAGMA table_info("{table}")')}
                if missing := [c for c in cols if c not in have]:
                    raise StoreError(
                        f"{label} is not a complete Escalation Review backup (table {table} has "
                        f"no {', '.join(missing)}); nothing was changed"
                    )
                names = ", ".join(f'"{c}"' for c in cols)
                marks = ", ".join("?" for _ in cols)
                d.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    s.execute(f'SELECT {names} FROM "{table}"'),
                )
            broken = d.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                table, rowid = broken[0][0], broken[0][1]
                raise StoreError(
                    f"{label} is damaged: {len(broken)} row(s) refer to rows it does not have "
                    f"(first: {table} row {rowid}); nothing was changed"
                )
            if "sqlite_sequence" in theirs:  # ids are never reused (cache keys)
                for name, seq in s.execute("SELECT name, seq FROM sqlite_sequence"):
                    if name in ours and isinstance(seq, int):
                        d.execute(
                            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?",
                            (seq, name),
                        )
        except BaseException:
            d.execute("ROLLBACK")
            raise
        d.execute("COMMIT")


def _check_snapshot_names(conn: sqlite3.Connection, label: str) -> None:
    """Refuse a backup whose dataset rows point their snapshot anywhere but ``snapshots/``."""
    bad = [
        f"#{ds_id} “{name}” ({problem})"
        for ds_id, name, path in conn.execute("SELECT id, name, snapshot_path FROM dataset")
        if path is not None
        and (problem := snapshot_name_problem(str(path), ds_id if isinstance(ds_id, int) else -1))
    ]
    if bad:
        raise StoreError(
            f"{label} is refused: the snapshot of dataset {'; '.join(bad[:3])}"
            f"{' and more' if len(bad) > 3 else ''}; nothing was changed"
        )


def _keep_live_state(live: sqlite3.Connection, stage: sqlite3.Connection) -> None:
    """This installation's secrets and the dataset id counter outlive a restore."""
    marks = ", ".join("?" for _ in SECRET_SETTINGS)
    rows = live.execute(
        f"SELECT key, value, updated_by, updated_at FROM setting WHERE key IN ({marks})",
        SECRET_SETTINGS,
    ).fetchall()
    seq = live.execute("SELECT seq FROM sqlite_sequence WHERE name = 'dataset'").fetchone()
    stage.execute("BEGIN IMMEDIATE")
    stage.executemany(
        "INSERT OR REPLACE INTO setting (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)",
        rows,
    )
    if seq is not None:
        stage.execute("INSERT OR IGNORE INTO sqlite_sequence (name, seq) VALUES ('dataset', 0)")
        stage.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'dataset'", (seq[0],)
        )
    stage.execute("COMMIT")


class BackupMixin(StoreBase):
    """Backup to and restore from a SQLite file."""

    def _require_sqlite(self, what: str) -> Path:
        if self.db_path is None:
            raise StoreError(
                f"{what} works on a SQLite database file; for another database use its own tools "
                "(for PostgreSQL: pg_dump / pg_restore)"
            )
        return self.db_path

    @_writes
    def backup(
        self, dest_path: str | Path, *, keep_secrets: bool = False, actor: Actor | None = None
    ) -> Path:
        """Copy the database to ``dest_path`` (one self-contained SQLite file); return the path.

        Uses SQLite's online backup API: the copy is consistent even while others write. The
        installation's secrets (:data:`SECRET_SETTINGS`, e.g. the pseudonym key) are left out
        and wiped from the file unless ``keep_secrets`` (the copy a restore keeps beside the
        database). Viewers are refused: a backup holds every meeting and decision.
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
                prepare_sqlite(dst)  # its VACUUM rebuilds the indexes
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                if not keep_secrets:
                    marks = ", ".join("?" for _ in SECRET_SETTINGS)
                    dst.execute("PRAGMA secure_delete = ON")
                    dst.execute(f"DELETE FROM setting WHERE key IN ({marks})", SECRET_SETTINGS)
                    dst.execute("VACUUM")
            _fsync_file(tmp)
            os.replace(tmp, dest)
        except sqlite3.Error as exc:
            raise StoreError(f"Backup to {dest.name} failed: {exc}") from exc
        finally:
            _remove_db_files(tmp)
        return dest

    @_writes
    def restore(self, src_path: str | Path, *, actor: Actor | None = None) -> dict[str, Any]:
        """Replace the database's contents with a backup; return what was done.

        The file is checked first (a readable SQLite file with ``schema_version`` and the
        Escalation Review tables, not newer than this program): if it is not, nothing changes.
        Only the rows of our own tables come across, into a fresh database built by our own
        migrations (so no trigger, view or other object of the file survives); every dataset's
        snapshot must be a snapshot name inside the snapshots folder. The installation's secrets
        stay as they are. A copy of the current database is kept as ``<name>.bak-<timestamp>``.
        """
        db = self._require_sqlite("Restore")
        src = Path(src_path)
        if not src.is_file():
            raise StoreError(f"{src.name} does not exist or is not a file")
        work = db.with_name(f".{db.name}.restore-{uuid.uuid4().hex[:8]}")
        stage = db.with_name(f".{db.name}.stage-{uuid.uuid4().hex[:8]}")
        try:
            shutil.copyfile(src, work)
            from_version = _check_backup_file(work, src.name)
            engine = make_engine(f"sqlite:///{stage}")
            try:
                migrations.upgrade(engine, target=from_version)
            finally:
                engine.dispose()
            with contextlib.closing(_raw_sqlite(stage)) as w:
                w.execute("PRAGMA journal_mode = DELETE")
            _copy_rows(work, stage, src.name)
            engine = make_engine(f"sqlite:///{stage}")
            try:
                migrations.upgrade(engine)
            finally:
                engine.dispose()
            with (
                contextlib.closing(_raw_sqlite(stage)) as w,
                contextlib.closing(_raw_sqlite(db)) as live,
            ):
                w.execute("PRAGMA journal_mode = DELETE")
                _check_snapshot_names(w, src.name)
                _keep_live_state(live, w)
                page_size = live.execute("PRAGMA page_size").fetchone()[0]
                if w.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    w.execute(f"PRAGMA page_size = {int(page_size)}")
                    w.execute("VACUUM")
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
            kept = self.backup(db.with_name(f"{db.name}.bak-{stamp}"), keep_secrets=True)
            with (
                contextlib.closing(_raw_sqlite(stage)) as w,
                contextlib.closing(_raw_sqlite(db)) as live,
            ):
                w.backup(live)
        except (sqlite3.Error, sa.exc.SQLAlchemyError) as exc:
            raise StoreError(
                f"Restoring from {src.name} failed, nothing was changed: {exc}"
            ) from exc
        finally:
            _remove_db_files(work)
            _remove_db_files(stage)
        self.schema_version = migrations.upgrade(self.engine)
        return {
            "restored_from": src.name,
            "previous_copy": str(kept),
            "from_version": from_version,
            "schema_version": self.schema_version,
        }
