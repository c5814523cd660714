"""The Data page and the sentiment scorer read only the snapshot columns they need (issue 18)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from lib import sentiment
from lib.demo import demo_tickets
from lib.schema import conform
from lib.store import read_snapshot
from lib.store.snapshot_scan import read_columns
from ui import dataset, scoring


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot as an import writes it: canonical columns, then the export's own."""
    path = tmp_path_factory.mktemp("snap") / "dataset-1-abc.parquet"
    t = conform(demo_tickets(seed=8, days=60, tickets_per_day=4))
    words = pl.Series(["thanks, all good", "this is broken and I am angry"] * t.height)
    t.with_columns(
        pl.col("ticket_id").alias("raw:Id"), words.head(t.height).alias("_description")
    ).write_parquet(path)
    return path


def test_the_scorer_reads_the_description_alone(
    snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole_file(_: str) -> pl.DataFrame:
        raise AssertionError("the whole snapshot was read to score sentiment")

    monkeypatch.setattr(dataset, "_snapshot_frame", whole_file)
    seen = {}

    def score(tickets: pl.DataFrame, *, description: pl.Series | None = None) -> object:
        seen["description"] = description
        scored = tickets.with_columns(sentiment=pl.lit(0.5))
        return SimpleNamespace(
            tickets=scored, how="scored", source="", scorer="vader", not_english=0, trial=None
        )

    monkeypatch.setattr(sentiment, "score_sentiment", score)
    scored, how, _ = scoring._sentiment(str(snapshot), str(tmp_path / "side.parquet"))
    assert how == "scored" and scored.height == seen["description"].len()
    assert seen["description"].equals(read_snapshot(snapshot).get_column("_description"))


def test_the_rules_editors_snapshot_shares_the_pages_tickets(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read_snapshot(snapshot)
    asked: list[str] = []

    def extras_only(path: str, names: list[str]) -> pl.DataFrame:
        asked.extend(names)
        return read_columns(path, names)

    monkeypatch.setattr(dataset, "read_snapshot", lambda _: pytest.fail("read whole"))
    monkeypatch.setattr(dataset, "read_columns", extras_only)
    frame = dataset._snapshot_frame.__wrapped__(str(snapshot))
    assert frame.equals(whole)
    # the canonical columns come from the pages' shared frame, not a second read
    assert asked == ["raw:Id", "_description"]
