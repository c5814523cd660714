"""The import writes its snapshot in the background while the user reads the rules: the file
follows the rules shown, is never written while "Pseudonymise" is ticked, and is deleted when
it will not be used."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.store import Store
from ui import importer


@pytest.fixture
def store(review_home: Path, monkeypatch: pytest.MonkeyPatch):
    s = Store()
    monkeypatch.setattr(importer.session, "store", lambda: s)
    yield s
    s.close()


def _files(store: Store) -> list[Path]:
    d = store.snapshot_dir
    return sorted(d.iterdir()) if d.is_dir() else []


def test_the_prepared_snapshot_follows_the_rules_and_the_privacy_choice(store: Store) -> None:
    frame = pl.DataFrame({"ticket_id": ["1", "2"], "escalated": [True, False]})
    state = {"applied": ("rules A", frame, None)}
    importer._prepare(state, frame, private=False)
    first = state["prepared"][1].result()
    importer._prepare(state, frame, private=False)  # a rerun with the same rules: kept
    assert state["prepared"][1].result() == first and _files(store) == [first]
    state["applied"] = ("rules B", frame, None)  # the user changed a rule
    importer._prepare(state, frame, private=False)
    second = state["prepared"][1].result()
    assert not first.exists() and _files(store) == [second]
    assert importer._take_prepared(state) == second and "prepared" not in state
    assert pl.read_parquet(second).equals(frame)
    second.unlink()
    importer._prepare(state, frame, private=False)
    importer._prepare(state, frame, private=True)  # "Pseudonymise" ticked: nothing on disk
    assert "prepared" not in state and _files(store) == []
    assert importer._take_prepared(state) is None


def test_a_prepared_file_for_other_rules_is_not_taken(store: Store) -> None:
    frame = pl.DataFrame({"ticket_id": ["1"]})
    state = {"applied": ("rules A", frame, None)}
    importer._prepare(state, frame, private=False)
    state["applied"] = ("rules B", frame, None)
    assert importer._take_prepared(state) is None and _files(store) == []
