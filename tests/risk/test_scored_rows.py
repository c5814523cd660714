"""The backtest's scored rows: each row's category rate, scoring moment and ticket id, checked
against the computation over every ticket of the export that they replace (the rows are now
converted alone, each distinct category and moment once)."""

from __future__ import annotations

import importlib

import numpy as np
import polars as pl
import pytest

from tests.risk.conftest import HORIZON

bt_module = importlib.import_module("lib.risk.backtest")  # (the package exports the function)


def _reference(model, full, c, step, every) -> pl.DataFrame:
    """The columns as the backtest made them before: converted over every ticket."""
    h, c_h = full.horizon_h, full.hours(c)
    idx_parts, s_parts = [], []
    if model.timed:
        judge = ~full.esc_unknown
        for m in np.arange(c_h, c_h + step * 24, every):
            idx = np.flatnonzero(full.open_at(m) & judge)
            idx_parts.append(idx)
            s_parts.append(np.full(idx.size, m))
    else:
        idx = np.flatnonzero((full.created >= c_h) & (full.created < c_h + step * 24))
        idx_parts.append(idx)
        s_parts.append(full.created[idx])
    assert h > 0
    idx, s = np.concatenate(idx_parts), np.concatenate(s_parts)
    if "category" in full.frame.columns:
        cats = full.frame.get_column("category").cast(pl.String).fill_null("(none)").to_numpy()
        cats = cats[idx]
    else:
        cats = np.full(idx.size, "(none)", dtype=object)
    rates = model.level_rates.get("category", {})
    return pl.DataFrame(
        {
            "scored_at": pl.Series([full.moment(v) for v in s], dtype=pl.Datetime("us", "UTC")),
            "ticket_id": full.frame.get_column("ticket_id").cast(pl.String).to_numpy()[idx],
            "category_rate": [rates.get(str(v), model.base_rate) for v in cats],
        }
    )


@pytest.mark.parametrize("variant", ["as simulated", "no escalation times", "no category"])
def test_scored_rows_equal_the_conversion_over_every_ticket(sim, monkeypatch, variant) -> None:
    tickets = sim.tickets.with_columns(  # a few missing categories: "(none)" and its rate
        category=pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise(pl.col("category"))
    )
    if variant == "no escalation times":
        tickets = tickets.with_columns(escalated_at=pl.lit(None, tickets.schema["escalated_at"]))
    elif variant == "no category":
        tickets = tickets.drop("category")
    real, checked = bt_module._score_window, []

    def spy(model, full, ctx, flag, c, step, every):
        out = real(model, full, ctx, flag, c, step, every)
        ref = _reference(model, full, c, step, every)
        assert out.select(ref.columns).equals(ref)
        checked.append((model.timed, out.height))
        return out

    monkeypatch.setattr(bt_module, "_score_window", spy)
    result = bt_module.backtest(tickets, horizon_days=HORIZON)
    assert result.refusal is None, result.refusal
    assert checked and all(n > 0 for _, n in checked)
    assert {timed for timed, _ in checked} == {variant != "no escalation times"}
