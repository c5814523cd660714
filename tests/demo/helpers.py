"""Helpers shared by the demo tests: the hard categories and a logistic case-mix fit."""

from __future__ import annotations

import numpy as np
import polars as pl
import statsmodels.api as sm
import statsmodels.formula.api as smf

HARD = ("Login & SSO", "API & integrations", "Bug report")


def _case_mix(tickets: pl.DataFrame) -> pl.DataFrame:
    """Per agent: tickets, observed and expected escalations from a logistic case-mix model."""
    data = tickets.filter(pl.col("agent").is_not_null()).select(
        y=pl.col("escalated").cast(pl.Int64),
        category="category",
        channel="channel",
        priority="priority",
        tier="customer_tier",
        agent="agent",
    )
    frame = data.to_pandas()
    model = smf.glm(
        "y ~ C(category) + C(channel) + C(priority) + C(tier)",
        frame,
        family=sm.families.Binomial(),
    ).fit()
    fitted = np.asarray(model.fittedvalues)
    return (
        data.with_columns(expected=pl.Series(fitted), variance=pl.Series(fitted * (1 - fitted)))
        .group_by("agent")
        .agg(
            tickets=pl.len(),
            observed=pl.col("y").sum(),
            expected=pl.col("expected").sum(),
            variance=pl.col("variance").sum(),
        )
        .with_columns(
            rate=pl.col("observed") / pl.col("tickets"),
            ratio=pl.col("observed") / pl.col("expected"),
            z=(pl.col("observed") - pl.col("expected")) / pl.col("variance").sqrt(),
        )
        .sort("rate", descending=True)
    )
