"""Ticket sentiment, scored once per dataset and kept beside its snapshot.

A sidecar Parquet (ticket_id, sentiment) whose metadata holds the sentence saying how sentiment
was obtained. Later runs and processes read the file; a new snapshot (new path) is scored again.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import astuple
from typing import Any

import polars as pl
import streamlit as st

from lib.errors import ReviewError
from lib.sentiment_sidecar import (
    SENTIMENT_SIDECAR,
    details_of,
    read_sidecar,
    with_scores,
    write_sidecar,
)
from lib.store.snapshot_scan import read_columns
from ui import dataset, session


def _description(path: str) -> pl.Series | None:
    """The export's description text beside the tickets (in their order), if it has one: only
    that column is read, never the whole snapshot."""
    found = read_columns(path, ["_description"])
    return found.get_column("_description") if found.width else None


@st.cache_resource(show_spinner="Scoring ticket sentiment (once per dataset)…", max_entries=4)
def _sentiment(path: str, sidecar: str) -> tuple[pl.DataFrame, str, dict[str, str]]:
    """(tickets with sentiment, method sentence, details) for the snapshot at ``path``; the
    details say which source and scorer gave the scores (see
    :func:`lib.sentiment_sidecar.details_of`)."""
    from lib.sentiment import score_sentiment

    tickets = dataset._canonical(path)
    stored = read_sidecar(sidecar)  # scored earlier, by the app or the command line
    if stored is not None:
        scored, how, details = stored
        return with_scores(tickets, scored), how, details
    got = score_sentiment(tickets, description=_description(path))
    details = details_of(got)
    write_sidecar(sidecar, got.tickets, got.how, details)  # read-only: memory only
    return got.tickets, got.how, details


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
