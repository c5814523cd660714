"""Borderline tickets by the escalation risk model: its chance, at a ticket's arrival, that the
ticket escalates within the horizon (what the team knew when it came in, which is what a
calibration scenario shows).

:func:`arrival_risk` trains :func:`lib.risk.train_risk_model` once on the tickets and scores
every ticket as it was at its creation; when the model refuses (too small or too short an
export) ``scores`` is ``None`` and ``refusal`` says why, and the sampler falls back to the
case-mix model.

Example
-------
>>> import polars as pl
>>> arrival_risk(pl.DataFrame({"ticket_id": [], "created_at": []})).refusal
'There are no tickets to learn from.'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lib.risk import RiskModel, RiskRefusal, train_risk_model
from lib.risk.features import context
from lib.risk.model import score_rows
from lib.risk.timeline import prepare

#: How the sampler names the risk model in a pick's reason.
RISK_MODEL = "risk model"
#: How the sampler names the case-mix model in a pick's reason.
CASE_MIX = "case-mix model"


@dataclass(frozen=True)
class ArrivalRisk:
    """``scores`` (ticket_id, p_escalate: the risk model's chance at arrival) or ``refusal``."""

    scores: pl.DataFrame | None
    refusal: str | None
    horizon_days: float | None = None


def arrival_risk(
    tickets: pl.DataFrame,
    *,
    horizon_days: float | None = None,
    zone: str = "UTC",
    model: RiskModel | RiskRefusal | None = None,
) -> ArrivalRisk:
    """Score each ticket of ``tickets`` as of its creation with the risk model trained on them:
    ``model`` when the caller has it (the At risk page's, same tickets, horizon and zone),
    else trained here."""
    if model is None:
        model = train_risk_model(tickets, horizon_days=horizon_days, zone=zone)
    if isinstance(model, RiskRefusal):
        return ArrivalRisk(None, model.reason)
    tl = prepare(tickets, as_of=model.as_of, horizon_days=model.horizon_days, timed=model.timed)
    idx = np.arange(tl.n)
    scored = score_rows(model, tl, context(tl, zone), idx, tl.created[idx])
    scores = pl.DataFrame(
        {
            "ticket_id": tl.frame.get_column("ticket_id").cast(pl.String),
            "p_escalate": pl.Series(scored.risk, dtype=pl.Float64),
        }
    )
    return ArrivalRisk(scores, None, model.horizon_days)
