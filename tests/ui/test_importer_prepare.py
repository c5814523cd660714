"""The import encodes its snapshot in the background while the user reads the rules: the
bytes follow the rules shown, are never made while "Pseudonymise" is ticked, and nothing is
written to disk before the user imports."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from ui import importer


def test_the_prepared_snapshot_follows_the_rules_and_the_privacy_choice(
    review_home: Path,
) -> None:
    frame = pl.DataFrame({"ticket_id": ["1", "2"], "escalated": [True, False]})
    state: dict = {"applied": ("rules A", frame, None)}
    importer._prepare(state, frame, private=False)
    first = state["prepared"][1]
    importer._prepare(state, frame, private=False)  # a rerun with the same rules: kept
    assert state["prepared"][1] is first
    state["applied"] = ("rules B", frame, None)  # the user changed a rule
    importer._prepare(state, frame, private=False)
    assert state["prepared"][1] is not first
    encoded = importer._take_prepared(state)
    assert "prepared" not in state and pl.read_parquet(io.BytesIO(encoded)).equals(frame)
    importer._prepare(state, frame, private=False)
    importer._prepare(state, frame, private=True)  # "Pseudonymise" ticked: dropped
    assert "prepared" not in state and importer._take_prepared(state) is None
    importer._prepare(state, frame, private=False)
    state["applied"] = ("rules C", frame, None)  # changed after the last run: not taken
    assert importer._take_prepared(state) is None
    assert not any(review_home.rglob("*.parquet"))  # nothing on disk before the import


def test_a_failed_encoding_falls_back_to_writing_the_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_: pl.DataFrame) -> bytes:
        raise OSError("out of memory")

    monkeypatch.setattr(importer, "encode_snapshot", broken)
    frame = pl.DataFrame({"ticket_id": ["1"]})
    state: dict = {"applied": ("rules A", frame, None)}
    importer._prepare(state, frame, private=False)
    assert importer._take_prepared(state) is None
