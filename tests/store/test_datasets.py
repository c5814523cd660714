"""lib.store.datasets: registering, loading, switching, deleting datasets and their
snapshots, and saved mappings."""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import pytest

from lib.errors import StoreError
from lib.store import Store
from lib.store import datasets as datasets_mod
from tests.store.helpers import (
    TODAY,
    _sql,
    _tickets,
)


def test_register_load_switch_rename(store: Store) -> None:
    tickets = _tickets()
    a = store.register_dataset(
        "Q4 export",
        tickets,
        source_files=["oct.csv", "nov.csv"],
        vendor="zendesk",
        mapping={"ticket_id": "Id"},
        rules=[{"name": "tag", "on": True}],
        report={"rows_read": 7, "dropped": [{"row": 3, "reason": "blank id"}], "from": TODAY},
        sentiment_method="vader",
    )
    assert store.get_active_dataset().id == a.id
    assert store.load_snapshot(a.id).equals(tickets)
    snap = store.snapshot_file(a.id)
    assert snap.parent == store.snapshot_dir and snap.suffix == ".parquet"
    assert [p.name for p in store.snapshot_dir.iterdir()] == [snap.name]  # no temp files left
    assert store.get_dataset(a.id).report["from"] == TODAY.isoformat()
    b = store.register_dataset("Other", _tickets(2), activate=False)
    assert store.get_active_dataset().id == a.id
    store.set_active_dataset(b.id)
    store.rename_dataset(b.id, "Jan export")
    listing = store.list_datasets()
    assert listing.select("id", "name", "row_count", "active").rows() == [
        (b.id, "Jan export", 2, True),
        (a.id, "Q4 export", 5, False),
    ]
    assert listing["source_files"].to_list() == [[], ["oct.csv", "nov.csv"]]
    with pytest.raises(StoreError, match="Dataset 99 does not exist"):
        store.set_active_dataset(99)
    assert store.get_active_dataset().id == b.id

    beside = [store.sidecar_path(a.id, name) for name in ("codes.parquet", "filters.json")]
    for side in beside:
        side.write_bytes(b"kept beside the old snapshot")
    other = store.sidecar_path(b.id, "filters.json")
    other.write_bytes(b"another dataset's")
    path = store.replace_snapshot(
        a.id, tickets.with_columns(sentiment=pl.lit(0.5)), sentiment_method="vader"
    )
    assert not snap.exists() and path.exists()
    assert store.load_snapshot(a.id)["sentiment"].to_list() == [0.5] * 5
    # named after the old snapshot, the files beside it could never be found again
    assert not any(side.exists() for side in beside)
    assert other.exists()
    assert sorted(p.name for p in store.snapshot_dir.iterdir()) == sorted(
        [path.name, store.snapshot_file(b.id).name, other.name]
    )
    # a file that still holds for the new snapshot is carried beside it, the others deleted
    store.sidecar_path(a.id, "sentiment.parquet").write_bytes(b"scores of the same tickets")
    store.sidecar_path(a.id, "codes.parquet").write_bytes(b"codes of the old escalated_by")
    newer = store.replace_snapshot(a.id, tickets, carry=("sentiment.parquet", "absent.json"))
    assert sorted(p.name for p in store.snapshot_dir.iterdir()) == sorted(
        [newer.name, f"{newer.stem}.sentiment.parquet", store.snapshot_file(b.id).name, other.name]
    )
    assert store.sidecar_path(a.id, "sentiment.parquet").read_bytes() == (
        b"scores of the same tickets"
    )


def test_failed_registration_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(datasets_mod, "_set_setting", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.register_dataset("Q4", _tickets())
    assert store.list_datasets().height == 0
    assert list(store.snapshot_dir.iterdir()) == []


def test_delete_dataset_removes_snapshot_and_derived_rows(store: Store) -> None:
    keep = store.register_dataset("Keep", _tickets(2))
    gone = store.register_dataset("Delete me", _tickets())
    sidecar = store.sidecar_path(gone.id, "sentiment.parquet")
    sidecar.write_bytes(b"cache")
    snap = store.snapshot_file(gone.id)
    for day, ds in ((1, gone.id), (2, gone.id), (3, keep.id)):
        alert = {"topic": "SSO", "metric": "volume", "kind": "spike", "start": f"2025-01-0{day}"}
        store.set_alert_state(alert, "dismissed", dataset_id=ds)
    meeting = store.create_meeting(TODAY, dataset_id=gone.id)
    report = store.delete_dataset(gone.id)
    assert report == {
        "dataset_id": gone.id,
        "name": "Delete me",
        "rows": 5,
        "files": [snap.name, sidecar.name],
        "alert_states": 2,
        "meetings_unlinked": 1,
        "was_active": True,
    }
    assert not snap.exists() and not sidecar.exists()
    assert store.snapshot_file(keep.id).exists()
    assert store.get_alert_states()["dataset_id"].to_list() == [keep.id]
    assert store.get_meeting(meeting.id).dataset_id is None
    assert store.get_active_dataset() is None
    assert store.list_datasets()["id"].to_list() == [keep.id]
    with pytest.raises(StoreError, match="does not exist"):
        store.delete_dataset(gone.id)
    # Ids are never reused, so a cache keyed on the id cannot serve deleted data.
    assert store.register_dataset("New", _tickets(1)).id == gone.id + 1


def test_missing_snapshot_and_orphans(store: Store) -> None:
    ds = store.register_dataset("Q4", _tickets())
    store.snapshot_file(ds.id).unlink()
    with pytest.raises(StoreError, match="is missing: load the export again"):
        store.load_snapshot(ds.id)
    orphan = store.snapshot_dir / "dataset-77-deadbeef.parquet"
    orphan.write_bytes(b"left by a crash")
    assert store.remove_orphan_snapshots() == []  # too recent: maybe another process's write
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    assert store.remove_orphan_snapshots() == [orphan]
    assert not orphan.exists()


def test_a_failed_snapshot_write_leaves_no_file(store: Store) -> None:
    class Broken:
        def write_parquet(self, path: Path, **options: object) -> None:
            Path(path).write_bytes(b"PAR1 half a file")
            raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        store.write_snapshot(Broken(), 1)  # type: ignore[arg-type]
    assert list(store.snapshot_dir.iterdir()) == []


def test_mapping_saved_by_fingerprint(store: Store) -> None:
    assert store.get_mapping("abc") is None
    store.save_mapping("abc", {"ticket_id": "Case Number", "created_at": "Opened"}, vendor="sf")
    store.save_mapping("def", {"ticket_id": "Key"})
    assert store.get_mapping("abc") == {"ticket_id": "Case Number", "created_at": "Opened"}
    store.save_mapping("abc", {"ticket_id": "Case"}, vendor="salesforce")
    assert store.get_mapping("abc") == {"ticket_id": "Case"}
    assert store.get_mapping("def") == {"ticket_id": "Key"}
    assert _sql(store, "SELECT vendor FROM saved_mapping WHERE fingerprint='abc'") == [
        ("salesforce",)
    ]
