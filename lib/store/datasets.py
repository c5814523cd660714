"""Loaded datasets: their registry rows, Parquet snapshots and sidecar files, the active
dataset, and the column mappings remembered per export header."""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import select

from lib.errors import StoreError
from lib.periods import PeriodError, check_zone
from lib.schema import first_column_whole
from lib.sidecar_file import files_beside, sidecar_of
from lib.store._base import (
    StoreBase,
    _fsync_file,
    _schema,
    _set_setting,
    _text,
    _upsert,
)
from lib.store.models import (
    ACTIVE_DATASET_KEY,
    AlertState,
    Dataset,
    Meeting,
    SavedMapping,
    Setting,
    _now,
)
from lib.store.roles import Actor, _who, _writes


def _zone(tz: str | None) -> str | None:
    """``tz`` when it is an IANA zone name (None and "" stay None, meaning UTC)."""
    if not tz:
        return None
    try:
        return check_zone(tz)
    except PeriodError as exc:
        raise StoreError(str(exc)) from exc


#: Codec of the Parquet snapshots: LZ4 writes a million tickets in about 20% less CPU time
#: than Polars' default (zstd) and reads faster, for files about 1.6 times larger (76 MB
#: instead of 48 MB for the 1M-ticket benchmark). Any Parquet reader (``pl.scan_parquet``)
#: opens both, so snapshots written before keep working.
SNAPSHOT_COMPRESSION = "lz4"


def encode_snapshot(frame: pl.DataFrame) -> bytes:
    """``frame`` as the bytes of a snapshot file, in memory (nothing is written to disk).

    Encoding is most of a snapshot write's time; the import does it in the background while
    the user reads the rules, then :meth:`DatasetsMixin.register_dataset` only writes bytes.

    >>> encode_snapshot(pl.DataFrame({"a": [1]}))[:4]
    b'PAR1'
    """
    buf = io.BytesIO()
    frame.write_parquet(buf, compression=SNAPSHOT_COMPRESSION)
    return buf.getvalue()


_SNAPSHOT_NAME = re.compile(r"dataset-(\d{1,18})-[0-9a-f]{1,32}\.parquet")


def snapshot_name_problem(stored: str, dataset_id: int | None) -> str | None:
    """Why ``stored`` cannot be dataset ``dataset_id``'s snapshot, or ``None`` when it can.

    A snapshot is a plain file name of the form ``dataset-<id>-<hex>.parquet`` inside the
    snapshots folder (as :meth:`DatasetsMixin.write_snapshot` names them): anything absolute,
    with a folder in it, or for another dataset is refused, so no stored value can make the app
    read or delete a file elsewhere.

    >>> snapshot_name_problem("dataset-3-0a1b2c3d4e.parquet", 3) is None
    True
    >>> snapshot_name_problem("../../victim/thesis.txt", 3)
    'it is not a snapshot file name (dataset-<id>-<hex>.parquet inside snapshots/)'
    >>> snapshot_name_problem("dataset-4-0a1b2c3d4e.parquet", 3)
    'it names the snapshot of dataset 4'
    """
    match = _SNAPSHOT_NAME.fullmatch(stored)
    if match is None:
        return "it is not a snapshot file name (dataset-<id>-<hex>.parquet inside snapshots/)"
    if dataset_id is not None and int(match.group(1)) != dataset_id:
        return f"it names the snapshot of dataset {int(match.group(1))}"
    return None


def read_snapshot(path: str | Path) -> pl.DataFrame:
    """Read a dataset's Parquet snapshot, with a readable error when it is missing or damaged."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(
            f"Snapshot {path.name} is missing: load the export again or delete the dataset"
        )
    try:
        return first_column_whole(pl.read_parquet(path))  # (see first_column_whole)
    except Exception as exc:  # polars raises several types for a damaged file
        raise StoreError(
            f"Snapshot {path.name} cannot be read ({exc}); load the export again"
        ) from exc


class DatasetsMixin(StoreBase):
    """Datasets, their snapshots and the saved column mappings."""

    def write_snapshot(
        self, frame: pl.DataFrame, dataset_id: int, *, encoded: bytes | None = None
    ) -> Path:
        """Write ``frame`` as a new Parquet snapshot for ``dataset_id``; return its path.

        Atomic: written to a temporary file in the same directory, flushed, then renamed, so a
        reader never sees half a file. The name carries a random part, so a path identifies one
        version of the data (safe as a cache key). ``encoded``: the frame already encoded by
        :func:`encode_snapshot` (the import does it while the user reads the rules), written
        as it is.
        """
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        final = self.snapshot_dir / f"dataset-{int(dataset_id)}-{uuid.uuid4().hex[:10]}.parquet"
        fd, tmp_name = tempfile.mkstemp(dir=self.snapshot_dir, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if encoded is not None:
                tmp.write_bytes(encoded)
            else:
                frame.write_parquet(tmp, compression=SNAPSHOT_COMPRESSION)
            _fsync_file(tmp)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return final

    def _stored_path(self, path: Path) -> str:
        """The name a snapshot is recorded by: its file name inside :attr:`snapshot_dir`."""
        if path.parent != self.snapshot_dir:
            raise StoreError(f"Snapshot {path.name} is not in the snapshots folder")
        return path.name

    def snapshot_file(self, dataset: Dataset | int) -> Path | None:
        """Path of a dataset's snapshot inside :attr:`snapshot_dir` (``None`` when it has none).

        A recorded path that is not a snapshot name inside that folder (absolute, escaping it,
        another dataset's) raises :class:`StoreError` and is never opened or deleted.
        """
        if not isinstance(dataset, Dataset):
            dataset = self._require_dataset(dataset)
        if not dataset.snapshot_path:
            return None
        problem = snapshot_name_problem(str(dataset.snapshot_path), dataset.id)
        if problem is not None:
            raise StoreError(
                f"The snapshot recorded for dataset “{dataset.name}” (#{dataset.id}) is refused: "
                f"{problem}. Delete the dataset on the Data page and load the export again"
            )
        return self.snapshot_dir / str(dataset.snapshot_path)

    def _snapshot_or_none(self, dataset: Dataset) -> Path | None:
        try:
            return self.snapshot_file(dataset)
        except StoreError:
            return None

    def sidecar_path(self, dataset: Dataset | int, name: str) -> Path:
        """Path for a file cached beside a dataset's snapshot, named ``<snapshot stem>.<name>``.

        For example ``sidecar_path(3, "sentiment.parquet")``. Such files are deleted together
        with the dataset.
        """
        snap = self.snapshot_file(dataset)
        if snap is None:
            raise StoreError("This dataset has no snapshot to keep files beside")
        return sidecar_of(snap, name)

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
        business_tz: str | None = None,
        activate: bool = True,
        actor: Actor | None = None,
        prepared: bytes | None = None,
    ) -> Dataset:
        """Record a loaded dataset, write its snapshot and (by default) make it the active one.

        ``business_tz``: the IANA zone its days are counted in (:mod:`lib.periods`; None: UTC).
        ``prepared``: ``tickets`` already encoded by :func:`encode_snapshot`, written as is.

        Either everything is stored or nothing: a failure removes the snapshot again.
        """
        name = _text(name, "Dataset name", required=True)
        zone = _zone(business_tz)
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
                    business_tz=zone,
                )
                s.add(ds)
                s.flush()
                if tickets is not None:
                    written.append(self.write_snapshot(tickets, ds.id, encoded=prepared))
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
        carry: Sequence[str] = (),
        actor: Actor | None = None,
    ) -> Path:
        """Swap a dataset's snapshot for ``tickets`` (e.g. with sentiment added, or with the
        escalation flag re-decided by new ``rules``, which are stored too); return it. The old
        snapshot and the files kept beside it (:meth:`sidecar_path`) are deleted, but for those
        named in ``carry``, which still hold for the new one and are moved beside it (the
        sentiment scores when only the escalation flag changed: the same tickets, the same
        texts)."""
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
            for name in carry:
                if (kept := sidecar_of(old, name)).is_file():
                    os.replace(kept, sidecar_of(new, name))
            # the files kept beside it are named after it: no later process can find them
            for path in [old, *files_beside(old)]:
                if path.parent == self.snapshot_dir:
                    path.unlink(missing_ok=True)
        return new

    @_writes
    def set_business_zone(
        self, dataset_id: int, tz: str | None, *, actor: Actor | None = None
    ) -> Dataset:
        """Change the zone a dataset's days are counted in. The snapshot is not touched:
        tickets are kept in UTC and bucketed in the zone when read (:mod:`lib.periods`)."""
        zone = _zone(tz)
        with self._write() as s:
            ds = self._get(s, Dataset, dataset_id, "Dataset")
            ds.business_tz = zone
        return ds

    def list_datasets(self) -> pl.DataFrame:
        """All datasets, newest first, with ``snapshot`` (file name in :attr:`snapshot_dir`,
        ``None`` when it has none or its recorded path is refused) and ``active`` columns."""
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
                "snapshot": p.name if (p := self._snapshot_or_none(d)) else None,
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
        ``files`` names the removed files (inside :attr:`snapshot_dir`); a refused snapshot path
        (see :meth:`snapshot_file`) deletes the row and no file.
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
            snap = self._snapshot_or_none(ds)
            if snap is not None:
                candidates = [snap, *files_beside(snap)]
                for path in dict.fromkeys(candidates):
                    if path.is_file() and path.parent == self.snapshot_dir:
                        path.unlink()
                        removed.append(path.name)
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
        values = {
            "fingerprint": fingerprint,
            "mapping": dict(mapping),
            "vendor": vendor,
            "updated_by": _who(None, actor),
            "updated_at": _now(),
        }
        with self._write() as s:  # one upsert: two servers saving one new header both succeed
            _upsert(s, SavedMapping, values, "fingerprint")

    def get_mapping(self, fingerprint: str) -> dict[str, Any] | None:
        """The saved mapping for this header fingerprint, or ``None``.

        >>> from lib.store import Store
        >>> store = Store("sqlite://")
        >>> store.save_mapping("abc123", {"ticket_id": "Case Number"}, vendor="salesforce")
        >>> store.get_mapping("abc123"), store.get_mapping("other")
        ({'ticket_id': 'Case Number'}, None)
        """
        with self._read() as s:
            row = s.get(SavedMapping, fingerprint)
            return None if row is None else dict(row.mapping)
