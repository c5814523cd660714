"""lib.sentiment_sidecar: a foreign, older or damaged sidecar reads as none (scored again), a
write that fails leaves nothing behind and says so."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib import sentiment_sidecar as sc

SCORES = pl.DataFrame({"ticket_id": ["1", "2"], "sentiment": [0.5, None]})


def test_a_written_sidecar_reads_back_with_its_version(tmp_path: Path) -> None:
    side = tmp_path / sc.SENTIMENT_SIDECAR
    assert sc.write_sidecar(side, SCORES, "scored", {"sentiment_scorer": "vader"})
    scored, how, details = sc.read_sidecar(side)
    assert scored.equals(SCORES) and how == "scored" and details["sentiment_scorer"] == "vader"


NOW = {"sentiment_version": sc.SCORER_VERSION}


@pytest.mark.parametrize(
    ("frame", "meta"),
    [
        (SCORES, {"sentiment_method": "scored"}),  # an older scorer: no version
        (SCORES, {"sentiment_method": "scored", "sentiment_version": "0"}),
        (pl.DataFrame({"ticket_id": [1], "sentiment": ["bad"]}), NOW),  # a foreign file
        (pl.DataFrame({"id": ["1"]}), NOW),
    ],
)
def test_a_foreign_or_older_sidecar_reads_as_none(tmp_path: Path, frame, meta) -> None:
    # a sidecar whose ids or scores had another type crashed the pages and the digest when
    # joined; one written by an older scorer kept its scores (the language fix never reached it)
    side = tmp_path / sc.SENTIMENT_SIDECAR
    frame.write_parquet(side, metadata=meta)
    assert sc.read_sidecar(side) is None
    (tmp_path / "damaged.parquet").write_bytes(b"PAR1 not really")
    assert sc.read_sidecar(tmp_path / "damaged.parquet") is None


def test_a_failed_write_leaves_no_file_and_says_so(tmp_path: Path, monkeypatch) -> None:
    # a full disk makes Polars raise its own error, not OSError: the digest crashed (exit 1,
    # "a threshold is crossed" for check) and left a temporary file on every run
    def full(self, *a, **k):
        raise pl.exceptions.ComputeError("No space left on device (os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    assert not sc.write_sidecar(tmp_path / sc.SENTIMENT_SIDECAR, SCORES, "scored", {})
    assert list(tmp_path.iterdir()) == []
