"""The import works ahead while the user reads: it reads the tickets with the detected
mapping while the mapping screen is shown (used only when confirmed unchanged, and then
exactly what the confirmation reads), and encodes the snapshot while the rules are shown
(following the rules, never while "Pseudonymise" is ticked, nothing on disk before the
import)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from lib.ingest import inspect_sources, load_tables
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


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", ["zendesk_small.csv", "evlog_levels.csv", "lang_jira_es.csv"])
def test_tickets_read_ahead_are_exactly_what_the_confirmation_reads(name: str) -> None:
    insp = inspect_sources(DATA / name)
    mapping = dict(insp.mapping)
    state: dict = {"insp": insp}
    importer._load_ahead(state, mapping, "UTC", None)
    ahead = importer._loaded_ahead(state, mapping, "UTC", None)
    fresh = load_tables(insp, mapping=mapping, tz="UTC")
    assert ahead is not None and "ahead" not in state
    assert ahead.tickets.equals(fresh.tickets) and ahead.extras.equals(fresh.extras)
    assert ahead.report.to_dict() == fresh.report.to_dict()
    assert (ahead.rules, ahead.mapping, ahead.vendor) == (fresh.rules, fresh.mapping, fresh.vendor)


def test_tickets_read_ahead_are_not_used_for_another_choice() -> None:
    insp = inspect_sources(DATA / "zendesk_small.csv")
    mapping = dict(insp.mapping)
    state: dict = {"insp": insp}
    for other in (
        ({k: v for k, v in mapping.items() if k != "priority"}, "UTC", None),
        (mapping, "Europe/Berlin", None),
        (mapping, "UTC", True),
    ):
        importer._load_ahead(state, mapping, "UTC", None)
        assert importer._loaded_ahead(state, *other) is None and "ahead" not in state
