"""Exports too small or too short to learn from get a refusal in words, and no score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from lib.risk import RiskRefusal, backtest, plain_summary, train_risk_model
from lib.schema import conform


def _tickets(n: int, days: float, escalated_every: int) -> pl.DataFrame:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    created = [t0 + timedelta(hours=days * 24 * k / n) for k in range(n)]
    esc = [k % escalated_every == 0 for k in range(n)] if escalated_every else [False] * n
    return conform(
        pl.DataFrame(
            {
                "ticket_id": [str(k) for k in range(n)],
                "created_at": created,
                "solved_at": [c + timedelta(hours=30) for c in created],
                "status": ["solved"] * n,
                "category": ["a", "b"] * (n // 2),
                "escalated": esc,
                "escalated_at": [
                    c + timedelta(hours=5) if e else None for c, e in zip(created, esc, strict=True)
                ],
            }
        )
    )


@pytest.mark.parametrize(
    ("n", "days", "every", "words"),
    [
        (40, 30, 4, "Only 32 tickets are old enough to judge"),
        (2000, 10, 4, "covers 11 days; the 7-day horizon needs at least 14 days"),
        (1000, 90, 0, "No ticket in this export is marked escalated"),
        (1000, 90, 100, "Only 10 escalations within the 7-day horizon among the 936"),
    ],
    ids=["tiny", "short", "no escalations", "too few escalations"],
)
def test_refusal_says_what_is_missing(n, days, every, words):
    out = train_risk_model(_tickets(n, days, every), horizon_days=7)
    assert isinstance(out, RiskRefusal)
    assert words in out.reason


def test_backtest_refuses_and_says_why():
    bt = backtest(_tickets(300, 40, 4), horizon_days=7)
    assert bt.refusal is not None and bt.auc is None
    assert bt.refusal.startswith("Too little history to test the model")
    assert plain_summary(bt, 0.4) == [bt.refusal]
