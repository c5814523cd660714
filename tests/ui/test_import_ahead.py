"""The import works ahead (issue 18): right after the tickets are read in the background,
the rules, the rule picker's first counts and the snapshot's bytes are made there too; the
Overview then opens on the frame just saved instead of reading the snapshot back."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lib.ingest import inspect_sources, load_tables, reapply_rules
from lib.ingest.rules import rules_to_json
from lib.store.datasets import encode_snapshot
from lib.store.snapshot_scan import read_canonical
from ui import dataset, importer, rules_editor

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def read() -> tuple:
    insp = inspect_sources(DATA / "zendesk_small.csv")
    return insp, dict(insp.mapping), load_tables(insp, mapping=dict(insp.mapping), tz="UTC")


def test_the_work_after_the_read_is_what_the_confirmation_would_do(read: tuple) -> None:
    insp, mapping, fresh = read
    state: dict = {"insp": insp}
    importer._load_ahead(state, mapping, "UTC", None)
    entry = state["ahead"]
    assert importer._loaded_ahead(state, mapping, "UTC", None) is not None
    done = importer._worked_ahead(entry)
    frame = fresh.snapshot_frame()
    assert done is not None and done.frame.equals(frame)
    applied, outcome = reapply_rules(frame, fresh.rules, mapping=mapping)
    assert done.applied[0] == rules_to_json(fresh.rules) and done.applied[1].equals(applied)
    assert done.applied[2].counts == outcome.counts
    assert pl.read_parquet(io.BytesIO(done.encoded.result())).equals(applied)
    assert done.counted == rules_editor.count_first(frame, mapping)
    assert done.counted[0] == "status"  # not a date: no count of every distinct timestamp
    assert importer._worked_ahead(None) is None


def test_the_overview_takes_the_frame_just_saved_equal_to_the_file(
    read: tuple, tmp_path: Path
) -> None:
    frame = read[2].snapshot_frame()
    path = tmp_path / "dataset-1-0a1b2c3d4e.parquet"
    path.write_bytes(encode_snapshot(frame))
    other = tmp_path / "dataset-2-0a1b2c3d4e.parquet"
    dataset.hand_over(other, frame)
    dataset.hand_over(path, frame)  # the newest hand-over replaces one nobody took
    assert list(dataset._HANDED) == [str(path)]
    opened = dataset._canonical(str(path))
    assert_frame_equal(opened, read_canonical(path))  # same columns, dtypes and values
    assert dataset._HANDED == {}  # taken once: the cache now holds the only copy
