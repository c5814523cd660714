"""Reasons in words: the three factors that raise a ticket's score most.

A factor's push is its coefficient times how far the ticket's value is from the training
average (in log-odds); the factors with the largest positive pushes are named, each in words a
leader reads without the model ("idle 26 h", "category SSO escalates 3.0x the average").
Phrases are built column-wise in Polars (100,000 tickets in well under a second).

>>> pl.select(hours_words(pl.Series([26.2, 80.0, None]))).to_series().to_list()
['26 h', '3.3 days', 'unknown time']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from lib.risk.features import Raw

#: The model type is lib.risk.model.RiskModel (not imported: the model module imports this one).
RiskModel = Any

#: Smallest push (log-odds) worth naming as a reason.
MIN_PUSH = 0.05
_LABEL = {
    "category": "category",
    "channel": "channel",
    "priority": "priority",
    "customer_tier": "customer tier",
}


def hours_words(hours: pl.Series | pl.Expr) -> pl.Expr:
    """Hours in words: ``26 h`` under two days, else days with one decimal."""
    h = pl.lit(hours) if isinstance(hours, pl.Series) else hours
    h = h.cast(pl.Float64).fill_nan(None)
    return (
        pl.when(h.is_null())
        .then(pl.lit("unknown time"))
        .when(h < 48)
        .then(pl.format("{} h", h.round(0).cast(pl.Int64)))
        .otherwise(pl.format("{} days", (h / 24).round(1)))
    )


def _count(x: pl.Expr, word: str) -> pl.Expr:
    """``1 ticket`` / ``3 tickets``."""
    return pl.format("{} {}", x, pl.when(x == 1).then(pl.lit(word)).otherwise(pl.lit(word + "s")))


def _num(raw: Raw, key: str) -> pl.Expr:
    return pl.lit(pl.Series(key, np.asarray(raw.display[key], dtype=float)))


def _int(raw: Raw, key: str) -> pl.Expr:
    return pl.lit(pl.Series(key, np.asarray(raw.display[key]).astype(np.int64)))


def phrases(model: RiskModel, raw: Raw, group: str) -> pl.Expr:
    """One factor in words, for every row of ``raw``."""
    if group in raw.categorical:
        vals = raw.categorical[group]
        rates = model.level_rates.get(group, {})
        label = _LABEL.get(group, group)
        words = {}
        for v in vals.unique().to_list():
            rate = rates.get(v)
            ratio = rate / model.base_rate if rate is not None and model.base_rate > 0 else None
            if ratio is not None and ratio >= 1.1:
                words[v] = f"{label} {v} escalates {ratio:.1f}x the average"
            else:  # its own rate is not high, but with everything else equal it adds risk
                words[v] = f"{label} {v} adds risk, all else equal"
        return pl.lit(vals.replace_strict(words, return_dtype=pl.String))
    if group == "customer_history":
        tier = raw.categorical.get("customer_tier")
        who = pl.lit("customer")
        if tier is not None:
            t = pl.lit(tier)
            who = pl.when(t.is_in(["(none)", ""])).then(who).otherwise(pl.format("{} customer", t))
        n7, e30, n30 = _int(raw, "cust_7d"), _int(raw, "cust_esc_30d"), _int(raw, "cust_30d")
        return (
            pl.when(e30 > 0)
            .then(pl.format("{} with {} in the last 30 days", who, _count(e30, "escalation")))
            .when(n7 > 0)
            .then(pl.format("{} with {} this week", who, _count(n7, "other contact")))
            .otherwise(
                pl.format("{} with {} in the last 30 days", who, _count(n30, "other ticket"))
            )
        )
    if group == "age":
        return pl.format("opened {} ago", hours_words(_num(raw, "age_hours")))
    if group == "idle":
        return pl.format("idle {}", hours_words(_num(raw, "idle_hours")))
    if group == "first_response":
        answered = pl.lit(pl.Series(np.asarray(raw.display["answered"], dtype=bool)))
        return (
            pl.when(answered)
            .then(pl.format("first reply took {}", hours_words(_num(raw, "frt_hours"))))
            .otherwise(pl.format("no first reply after {}", hours_words(_num(raw, "age_hours"))))
        )
    if group == "sentiment":
        v = _num(raw, "sentiment").fill_nan(None)
        sign = pl.when(v >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
        return (
            pl.when(v.is_null())
            .then(pl.lit("no sentiment"))
            .otherwise(pl.format("the customer's words read {}{}", sign, v.round(1)))
        )
    if group in ("agent_rate", "group_rate"):
        who = "first owner" if group == "agent_rate" else "first group"
        e, n = _int(raw, group + "_e"), _int(raw, group + "_n")
        return pl.format(
            f"{who} escalated {{}} of {{}} in the last 30 days", e, _count(n, "ticket")
        )
    if group == "topic_volume":
        ratio = _num(raw, "topic_volume").round(1)
        return pl.format("its topic is busy: {}x its usual daily volume", ratio)
    if group == "off_hours":
        return pl.lit("opened out of business hours")
    if group in ("reassignments_so_far", "reopens_so_far"):
        word = "reassigned" if group.startswith("reassign") else "reopened"
        return pl.format(f"{word} {{}} times so far", _int(raw, group))
    return pl.lit(f"{group} (named on purpose)")


def no_reasons(n: int) -> pl.Series:
    """A list column of ``n`` empty lists."""
    return pl.Series("reasons", [[]], pl.List(pl.String)).new_from_index(0, n)


def reasons(model: RiskModel, raw: Raw, pushes: np.ndarray, top: int = 3) -> pl.Series:
    """Per row, the ``top`` factors with the largest positive push, in words (a list column).

    Each factor's phrase is built only for the rows that name it.
    """
    n = pushes.shape[0]
    if n == 0 or pushes.shape[1] == 0:
        return no_reasons(n)
    order = np.argsort(-pushes, axis=1)[:, :top]
    ok = np.take_along_axis(pushes, order, axis=1) >= MIN_PUSH
    rows, ranks = np.nonzero(ok)
    if rows.size == 0:
        return no_reasons(n)
    picked = order[rows, ranks]
    parts = []
    for j in np.unique(picked):
        mask = picked == j
        sub = raw.take(rows[mask])
        parts.append(
            pl.DataFrame({"row": rows[mask], "rank": ranks[mask]}).with_columns(
                phrases(model, sub, model.groups[int(j)]).alias("reasons")
            )
        )
    lists = (
        pl.concat(parts)
        .sort("row", "rank")
        .group_by("row", maintain_order=True)
        .agg(pl.col("reasons"))
    )
    out = pl.DataFrame({"row": np.arange(n)}).join(lists, on="row", how="left").sort("row")
    col = pl.col("reasons")
    return out.select(
        pl.when(col.is_null()).then(pl.lit([], pl.List(pl.String))).otherwise(col).alias("reasons")
    ).to_series()
