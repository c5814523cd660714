"""Ticket sentiment, scored once per dataset and kept beside its snapshot.

A sidecar Parquet (ticket_id, sentiment) whose metadata holds the sentence saying how sentiment
was obtained. Later runs and processes read the file; a new snapshot (new path) is scored again.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib.errors import ReviewError
from ui import dataset, session

SENTIMENT_SIDECAR = "sentiment.parquet"


def _with_scores(tickets: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    if scored.height == tickets.height and scored["ticket_id"].equals(tickets["ticket_id"]):
        return tickets.with_columns(scored.get_column("sentiment").cast(pl.Float64))
    right = scored.select("ticket_id", pl.col("sentiment").cast(pl.Float64)).unique("ticket_id")
    return tickets.drop("sentiment").join(right, on="ticket_id", how="left", maintain_order="left")


@st.cache_resource(show_spinner="Scoring ticket sentiment (once per dataset)…", max_entries=4)
def _sentiment(path: str, sidecar: str) -> tuple[pl.DataFrame, str]:
    """(tickets with sentiment, method sentence) for the snapshot at ``path``."""
    import tempfile

    from lib.sentiment import add_sentiment

    tickets = dataset._canonical(path)
    side = Path(sidecar)
    if side.is_file():
        try:
            scored = pl.read_parquet(side, columns=["ticket_id", "sentiment"])
            how = pl.read_parquet_metadata(side).get("sentiment_method") or ""
            return _with_scores(tickets, scored), how or "scored earlier (method not recorded)"
        except Exception:  # a damaged or foreign file: score again and overwrite it
            pass
    snap = dataset._snapshot_frame(path)
    description = snap.get_column("_description") if "_description" in snap.columns else None
    scored, how = add_sentiment(tickets, description=description)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=side.parent, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        scored.select("ticket_id", "sentiment").write_parquet(
            tmp, metadata={"sentiment_method": how}
        )
        os.replace(tmp, side)
    except OSError:  # read-only data folder: keep the scores in memory only
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return scored, how


def _sentiment_of(data: dataset.Active) -> tuple[pl.DataFrame, str]:
    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    scored, how = _sentiment(str(path), str(sidecar))
    # Also recorded in the store, for pages that only need the sentence. Done here, once per
    # session, not inside the process-wide cache: whoever scored first (perhaps a viewer, who
    # may not write) must not decide whether it is ever recorded.
    key = f"sentiment_method:{data.record.id}"
    if session.can_edit() and st.session_state.get("_sentiment_recorded") != (key, how):
        with contextlib.suppress(ReviewError):
            if session.store().get_setting(key) != how:
                session.store().set_setting(key, how, actor=session.actor())
            st.session_state["_sentiment_recorded"] = (key, how)
    return scored, how


def sentiment_tickets(data: dataset.Active) -> pl.DataFrame:
    """The dataset's tickets with ``sentiment`` filled (the export's own, else scored from the
    subject and ``_description`` with VADER, else from satisfaction; see
    :func:`lib.sentiment.add_sentiment`), computed once per dataset and cached with its snapshot."""
    return _sentiment_of(data)[0]


def sentiment_method(data: dataset.Active) -> str:
    """How :func:`sentiment_tickets` got its sentiment, in one sentence."""
    return _sentiment_of(data)[1]


@st.cache_resource(show_spinner="Checking sentiment against satisfaction ratings…", max_entries=4)
def _checks(path: str, sidecar: str) -> tuple[tuple[Any, ...], Any]:
    from lib.sentiment_check import rating_check, source_checks

    scored, how = _sentiment(path, sidecar)
    if how.startswith("derived from satisfaction") or "satisfaction" not in scored.columns:
        return (), None
    snap = dataset._snapshot_frame(path)
    description = snap.get_column("_description") if "_description" in snap.columns else None
    if how.startswith("scored from "):
        source = how.removeprefix("scored from ").split(" with ")[0] + " (the scores used here)"
    else:
        source = "the export's own score (used here)"
    used = rating_check(scored["sentiment"], scored["satisfaction"], source=source)
    return tuple(source_checks(scored, description=description)), used


def rating_checks(data: dataset.Active) -> tuple[tuple[Any, ...], Any]:
    """(each sentiment source checked against satisfaction ratings, best first; the check of
    the scores the pages use, or ``None`` when sentiment comes from the ratings themselves or
    there are none). See :mod:`lib.sentiment_check`."""
    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    return _checks(str(path), str(sidecar))
