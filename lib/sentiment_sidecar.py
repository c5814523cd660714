"""The sentiment sidecar: a dataset's scored sentiment kept beside its snapshot, so the app and
the command line score a snapshot once between them.

A Parquet file (``ticket_id``, ``sentiment``) whose metadata holds the sentence saying how the
sentiment was obtained (``sentiment_method``) and the details of :func:`details_of`. Written
whole, then renamed; a missing, damaged or foreign file reads as none (scored again).

Example
-------
>>> import tempfile, pathlib
>>> side = pathlib.Path(tempfile.mkdtemp(), SENTIMENT_SIDECAR)
>>> frame = pl.DataFrame({"ticket_id": ["1", "2"], "sentiment": [0.5, None]})
>>> write_sidecar(side, frame, "scored with VADER", {"sentiment_scorer": "vader"})
True
>>> scored, how, details = read_sidecar(side)
>>> scored.rows(), how, details["sentiment_scorer"]
([('1', 0.5), ('2', None)], 'scored with VADER', 'vader')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from lib.sidecar_file import write_whole

#: The sidecar's file name beside a snapshot (``Store.sidecar_path``).
SENTIMENT_SIDECAR = "sentiment.parquet"
#: The scorer's version, kept in the file: a sidecar of another version is scored again, so a
#: change to the scoring (e.g. how a text's language is told) reaches datasets scored before.
SCORER_VERSION = "2"


def details_of(scored: Any) -> dict[str, str]:
    """What the sidecar's metadata keeps beside the method sentence (all strings), from a
    :class:`lib.sentiment.Scored`."""
    trial = scored.trial
    details = {
        "sentiment_source": scored.source or "",
        "sentiment_scorer": scored.scorer or "",
        "sentiment_not_english": str(scored.not_english),
    }
    if trial is not None:
        held = trial.held_out
        details["sentiment_trial"] = json.dumps(
            {
                "sentence": trial.sentence(),
                "used": trial.used,
                "held_out": None
                if held is None
                else [held.rated, held.bad, held.auc, held.low, held.high],
            }
        )
    return details


def read_sidecar(path: Path | str) -> tuple[pl.DataFrame, str, dict[str, str]] | None:
    """(``ticket_id`` text, ``sentiment`` float), the method sentence and the details; None
    when the file is missing, damaged, not a sidecar or written by another scorer version."""
    side = Path(path)
    if not side.is_file():
        return None
    try:
        meta = pl.read_parquet_metadata(side)
        if meta.get("sentiment_version") != SCORER_VERSION:
            return None
        scored = pl.read_parquet(side, columns=["ticket_id", "sentiment"]).select(
            pl.col("ticket_id").cast(pl.String), pl.col("sentiment").cast(pl.Float64)
        )
    except Exception:  # polars raises several types for a damaged or foreign file
        return None
    how = meta.get("sentiment_method") or "scored earlier (method not recorded)"
    return scored, how, {k: v for k, v in meta.items() if k.startswith("sentiment_")}


def write_sidecar(
    path: Path | str, scored: pl.DataFrame, how: str, details: dict[str, str]
) -> bool:
    """Write the scores (``ticket_id``, ``sentiment`` of ``scored``) with ``how`` and
    ``details``; False when the file cannot be written (a read-only folder, a full disk: the
    scores then stay in memory and no temporary file is left)."""
    meta = {**details, "sentiment_method": how, "sentiment_version": SCORER_VERSION}

    def write(tmp: Path) -> None:
        scored.select("ticket_id", "sentiment").write_parquet(tmp, metadata=meta)

    return write_whole(path, ".parquet", write)


def with_scores(tickets: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """``tickets`` with the sidecar's ``sentiment`` (by position when the ids line up, else
    joined on ``ticket_id``).

    >>> t = pl.DataFrame({"ticket_id": ["1", "2"], "sentiment": [None, None]})
    >>> s = pl.DataFrame({"ticket_id": ["2"], "sentiment": [0.1]})
    >>> with_scores(t, s)["sentiment"].to_list()
    [None, 0.1]
    """
    if scored.height == tickets.height and scored["ticket_id"].equals(tickets["ticket_id"]):
        return tickets.with_columns(scored.get_column("sentiment").cast(pl.Float64))
    right = scored.select("ticket_id", pl.col("sentiment").cast(pl.Float64)).unique("ticket_id")
    return tickets.drop("sentiment").join(right, on="ticket_id", how="left", maintain_order="left")
