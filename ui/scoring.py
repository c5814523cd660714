"""Ticket sentiment, scored once per dataset and kept beside its snapshot.

A sidecar Parquet (ticket_id, sentiment) whose metadata holds the sentence saying how sentiment
was obtained. Later runs and processes read the file; a new snapshot (new path) is scored again.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import astuple
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from lib.errors import ReviewError
from lib.store.snapshot_scan import read_columns
from ui import dataset, session

SENTIMENT_SIDECAR = "sentiment.parquet"


def _with_scores(tickets: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    if scored.height == tickets.height and scored["ticket_id"].equals(tickets["ticket_id"]):
        return tickets.with_columns(scored.get_column("sentiment").cast(pl.Float64))
    right = scored.select("ticket_id", pl.col("sentiment").cast(pl.Float64)).unique("ticket_id")
    return tickets.drop("sentiment").join(right, on="ticket_id", how="left", maintain_order="left")


def _description(path: str) -> pl.Series | None:
    """The export's description text beside the tickets (in their order), if it has one: only
    that column is read, never the whole snapshot."""
    found = read_columns(path, ["_description"])
    return found.get_column("_description") if found.width else None


def _details(scored: Any) -> dict[str, str]:
    """What the sidecar's metadata keeps beside the method sentence (all strings)."""
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


@st.cache_resource(show_spinner="Scoring ticket sentiment (once per dataset)…", max_entries=4)
def _sentiment(path: str, sidecar: str) -> tuple[pl.DataFrame, str, dict[str, str]]:
    """(tickets with sentiment, method sentence, details) for the snapshot at ``path``; the
    details say which source and scorer gave the scores (see :func:`_details`)."""
    import tempfile

    from lib.sentiment import score_sentiment

    tickets = dataset._canonical(path)
    side = Path(sidecar)
    if side.is_file():
        try:
            scored = pl.read_parquet(side, columns=["ticket_id", "sentiment"])
            meta = pl.read_parquet_metadata(side)
            how = meta.get("sentiment_method") or ""
            details = {k: v for k, v in meta.items() if k.startswith("sentiment_")}
            return (
                _with_scores(tickets, scored),
                how or "scored earlier (method not recorded)",
                details,
            )
        except Exception:  # a damaged or foreign file: score again and overwrite it
            pass
    description = _description(path)
    got = score_sentiment(tickets, description=description)
    scored, how, details = got.tickets, got.how, _details(got)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=side.parent, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        scored.select("ticket_id", "sentiment").write_parquet(
            tmp, metadata={"sentiment_method": how, **details}
        )
        os.replace(tmp, side)
    except OSError:  # read-only data folder: keep the scores in memory only
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return scored, how, details


def _sentiment_of(data: dataset.Active) -> tuple[pl.DataFrame, str]:
    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    scored, how, _ = _sentiment(str(path), str(sidecar))
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


def sentiment_scorer(data: dataset.Active) -> str:
    """What gave :func:`sentiment_tickets` its sentiment: "export", "vader", "model",
    "satisfaction" (the survey ratings themselves) or "" (none)."""
    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    return _sentiment(str(path), str(sidecar))[2].get("sentiment_scorer", "")


@st.cache_resource(show_spinner="Checking sentiment against satisfaction ratings…", max_entries=4)
def _checks(path: str, sidecar: str) -> tuple[tuple[Any, ...], Any, dict[str, str]]:
    from lib.satisfaction_time import dated_share
    from lib.sentiment_check import RatingCheck, rating_check, source_checks

    scored, _, details = _sentiment(path, sidecar)
    scorer = details.get("sentiment_scorer", "")
    if scorer == "satisfaction" or "satisfaction" not in scored.columns:
        return (), None, details
    description = _description(path)
    # the scores we computed are not "the export's own": only an export sentiment is checked so
    own = scored if scorer == "export" else scored.drop("sentiment")
    checks = list(source_checks(own, description=description))
    trial = json.loads(details.get("sentiment_trial") or "null")
    held = None
    if trial and trial.get("held_out") and trial["held_out"][2] is not None:
        rated, bad, auc, low, high = trial["held_out"]
        held = RatingCheck("trained model, held-out tickets", rated, bad, auc, low, high)
        checks.append(held)
    if scorer == "model" and held is not None:  # in-sample figures would flatter the model
        used = RatingCheck(held.source + " (the scores used here)", *astuple(held)[1:])
    elif scorer in ("vader", "model"):
        source = details.get("sentiment_source") or "text"
        used = rating_check(
            scored["sentiment"], scored["satisfaction"], source=f"{source} (the scores used here)"
        )
    else:
        used = rating_check(
            scored["sentiment"],
            scored["satisfaction"],
            source="the export's own score (used here)",
        )
    ordered = sorted(checks, key=lambda c: -1.0 if c.auc is None else c.auc, reverse=True)
    dated, rated = dated_share(scored)
    details = {**details, "satisfaction_dated": str(dated), "satisfaction_rated": str(rated)}
    return tuple(ordered), used, details


def rating_checks(data: dataset.Active) -> tuple[tuple[Any, ...], Any]:
    """(each sentiment source checked against satisfaction ratings, best first, with the
    trained model's held-out check when one was trained; the check of the scores the pages
    use, or ``None`` when sentiment comes from the ratings themselves or there are none).
    See :mod:`lib.sentiment_check` and :mod:`lib.sentiment_model`."""
    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    return _checks(str(path), str(sidecar))[:2]


def sentiment_notes(data: dataset.Active) -> list[str]:
    """Sentences for the "How far to trust sentiment" box beyond the AUC: the trained model's
    held-out trial, the tickets left unscored for their language, and whether satisfaction is
    dated by when it was given (:func:`lib.sentiment_words.trust_notes`)."""
    from lib.sentiment_words import trust_notes

    path = session.store().snapshot_file(data.record)
    sidecar = session.store().sidecar_path(data.record, SENTIMENT_SIDECAR)
    return trust_notes(_checks(str(path), str(sidecar))[2])
