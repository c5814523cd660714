"""An agent against their peers: reassignments, time to escalate and first reply with their tests,
and the agent's escalated tickets.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
from scipy import special, stats

from lib.agent_review._common import _require
from lib.audit.rates import two_proportion_test

_PEER_SCHEMA = {
    "measure": pl.String,
    "unit": pl.String,
    "agent_value": pl.Float64,
    "peers_value": pl.Float64,
    "agent_n": pl.Int64,
    "peers_n": pl.Int64,
    "p_value": pl.Float64,
    "verdict": pl.String,
    "agent_text": pl.String,
    "peers_text": pl.String,
}


def _fmt_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "minutes":
        return f"{value:.0f} min"
    return f"{value:.2f}"


def _verdict(diff: float | None, p: float | None, n1: int, n2: int, min_n: int) -> str:
    if n1 < min_n or n2 < min_n or p is None or diff is None:
        return "too few to compare"
    if p < 0.05 and diff != 0:
        return ("higher" if diff > 0 else "lower") + f" than peers (p = {p:.2g})"
    return f"no clear difference (p = {p:.2g})"


def _share_row(measure: str, t: pl.DataFrame, hit: pl.Expr, min_n: int) -> dict[str, Any]:
    mine = pl.col("__mine")
    k1, n1, k2, n2 = (
        t.filter(pl.col("reassignments").is_not_null())
        .select(
            k1=(hit & mine).sum().cast(pl.Int64),
            n1=mine.sum().cast(pl.Int64),
            k2=(hit & ~mine).sum().cast(pl.Int64),
            n2=(~mine).sum().cast(pl.Int64),
        )
        .row(0)
    )
    test = two_proportion_test(int(k1), int(n1), int(k2), int(n2))
    return {
        "measure": measure,
        "unit": "share",
        "agent_value": test.p1,
        "peers_value": test.p2,
        "agent_n": int(n1),
        "peers_n": int(n2),
        "p_value": test.p_value,
        "verdict": _verdict(test.diff, test.p_value, int(n1), int(n2), min_n),
    }


#: The largest product of the two sample sizes for which scipy's exact Mann-Whitney test is
#: used (see :func:`_mann_whitney_p`).
EXACT_MAX = 80_000


def _mann_whitney_p(v: pl.DataFrame, a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided Mann-Whitney U p-value of the agent's values ``a`` against the peers' ``b``
    (``v``: both, with ``__mine`` telling them apart), as ``scipy.stats.mannwhitneyu`` gives it.

    Where scipy uses its normal approximation (both sides over 8 values, or ties), the same
    formula (average ranks, tie correction, continuity correction) is worked out here from the
    distinct values and their counts, one group-by in Polars: scipy ranks every value, about
    2 s for the 10 million tickets of a large export, each time a drill-down opens. scipy's
    exact test (a side of 8 values or fewer, no ties) is called while it is quick, up to
    ``EXACT_MAX`` for the product of the two sizes (0.6 s for 8 against 10,000; a few tickets
    against millions took minutes); beyond, the normal approximation is used. A NaN value
    gives NaN, as scipy does.

    >>> v = pl.DataFrame({"__mine": [True] * 9 + [False] * 12,
    ...     "v": [float(x) for x in [3, 5, 5, 7, 8, 9, 9, 9, 12] + list(range(12))]})
    >>> a = v.filter("__mine")["v"].to_numpy(); b = v.filter(~pl.col("__mine"))["v"].to_numpy()
    >>> round(_mann_whitney_p(v, a, b), 12) == round(float(stats.mannwhitneyu(a, b).pvalue), 12)
    True
    """
    n1, n2 = a.size, b.size
    if v.get_column("v").is_nan().any():
        return math.nan  # (scipy's answer, without ranking every value first)
    # each distinct value once (-0.0 as 0.0, equal as numpy's sort sees them), in order, with
    # how many tickets have it and how many of those are the agent's
    tied = (
        v.group_by(pl.col("v") + 0.0)
        .agg(count=pl.len().cast(pl.Float64), mine=pl.col("__mine").sum().cast(pl.Float64))
        .sort("v")
    )
    if not ((n1 > 8 and n2 > 8) or tied.height < v.height) and n1 * n2 <= EXACT_MAX:
        return float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)  # exact
    counts, mine = tied.get_column("count").to_numpy(), tied.get_column("mine").to_numpy()
    # a value's average rank: the values below it, plus the middle of its own run
    below = np.cumsum(counts) - counts
    r1 = float(np.sum(mine * (below + (counts + 1) / 2)))
    tie_term = float(np.sum(counts**3 - counts))
    u1 = r1 - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        # (NaN when every value is the same and rounding leaves the variance just below 0,
        # as in scipy: no p-value then)
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        z = np.float64(u - n1 * n2 / 2 - 0.5) / s
    return float(np.clip(2 * special.ndtr(-z), 0.0, 1.0))


def _median_row(
    measure: str, unit: str, t: pl.DataFrame, value: pl.Expr, min_n: int
) -> dict[str, Any]:
    v = t.select(pl.col("__mine"), value.alias("v")).drop_nulls()
    mine = v.get_column("__mine")
    a, b = v.filter(mine)["v"].to_numpy(), v.filter(~mine)["v"].to_numpy()
    med_a = float(np.median(a)) if a.size else None
    med_b = float(np.median(b)) if b.size else None
    p = None
    if a.size and b.size:
        p = _mann_whitney_p(v, a, b)
        if math.isnan(p):
            p = None
    diff = None if med_a is None or med_b is None else med_a - med_b
    return {
        "measure": measure,
        "unit": unit,
        "agent_value": med_a,
        "peers_value": med_b,
        "agent_n": int(a.size),
        "peers_n": int(b.size),
        "p_value": p,
        "verdict": _verdict(diff, p, int(a.size), int(b.size), min_n),
    }


def peer_comparison(tickets: pl.DataFrame, agent: str, *, min_n: int = 5) -> pl.DataFrame:
    """An agent's reassignment, escalation-time and first-reply figures against their peers.

    Peers are every other assigned ticket in the frame. Rows (those the export can fill):

    - share of tickets reassigned, of those not escalated (an escalation itself usually
      moves the ticket, so this shows passing tickets around *without* escalating) and of all;
    - median reassignments of escalated tickets (bouncing after escalating);
    - median hours from creation to escalation (needs ``escalated_at``);
    - median minutes to the first reply.

    Shares are compared with a two-proportion z-test, medians with a Mann-Whitney U test;
    ``verdict`` says "higher/lower than peers" only when p < 0.05 and both sides have at least
    ``min_n`` tickets. Columns: measure, unit, agent_value, peers_value, agent_n, peers_n,
    p_value, verdict, agent_text, peers_text.

    >>> t = pl.DataFrame({"agent": ["a"] * 4 + ["b"] * 4,
    ...     "escalated": [False, False, False, True] * 2,
    ...     "reassignments": [1, 1, 0, 2, 0, 0, 0, 1]})
    >>> peer_comparison(t, "a", min_n=1).select("measure", "agent_text", "peers_text").rows()
    [('Reassigned, tickets not escalated', '66.7%', '0.0%'), ('Reassigned, all tickets', '75.0%', '25.0%'), ('Reassignments per escalated ticket (median)', '2.00', '1.00')]
    """  # noqa: E501
    _require(tickets, ["agent", "escalated"], "a peer comparison")
    used = ("escalated", "created_at", "escalated_at", "reassignments", "first_response_minutes")
    t = (
        tickets.lazy()
        .filter(pl.col("agent").is_not_null())
        .select(
            (pl.col("agent") == agent).alias("__mine"), *[c for c in used if c in tickets.columns]
        )
        .collect()
    )
    esc = pl.col("escalated").fill_null(False)
    rows: list[dict[str, Any]] = []
    if "reassignments" in t.columns and t.get_column("reassignments").null_count() < t.height:
        r = pl.col("reassignments")
        rows.append(_share_row("Reassigned, tickets not escalated", t.filter(~esc), r > 0, min_n))
        rows.append(_share_row("Reassigned, all tickets", t, r > 0, min_n))
        rows.append(
            _median_row(
                "Reassignments per escalated ticket (median)",
                "count",
                t.filter(esc),
                r.cast(pl.Float64),
                min_n,
            )
        )
    if "escalated_at" in t.columns:
        hours = (
            pl.when(esc & (pl.col("escalated_at") >= pl.col("created_at")))
            .then((pl.col("escalated_at") - pl.col("created_at")).dt.total_seconds() / 3600)
            .otherwise(None)
        )
        if t.select(hours.drop_nulls().len()).item():
            rows.append(_median_row("Hours to escalate (median)", "hours", t, hours, min_n))
    if (
        "first_response_minutes" in t.columns
        and t.get_column("first_response_minutes").null_count() < t.height
    ):
        rows.append(
            _median_row(
                "Minutes to first reply (median)",
                "minutes",
                t,
                pl.col("first_response_minutes").cast(pl.Float64),
                min_n,
            )
        )
    for row in rows:
        row["agent_text"] = _fmt_value(row["agent_value"], row["unit"])
        row["peers_text"] = _fmt_value(row["peers_value"], row["unit"])
    return pl.DataFrame(rows, schema=_PEER_SCHEMA)


def escalated_tickets(tickets: pl.DataFrame, agent: str) -> pl.DataFrame:
    """The agent's escalated tickets, newest first: ticket_id, created_at, subject, category,
    channel, priority, escalation_reason (those present).

    >>> from datetime import datetime, UTC
    >>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "agent": ["a", "a", "b"],
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "escalated": [True, True, True]})
    >>> escalated_tickets(t, "a").get_column("ticket_id").to_list()
    ['2', '1']
    """
    _require(tickets, ["agent", "escalated", "ticket_id"], "the escalated ticket list")
    cols = [
        c
        for c in (
            "ticket_id", "created_at", "subject", "category", "channel", "priority",
            "customer_tier", "escalation_reason",
        )
        if c in tickets.columns
    ]  # fmt: skip
    out = tickets.filter((pl.col("agent") == agent) & pl.col("escalated").fill_null(False))
    order = [c for c in ("created_at", "ticket_id") if c in cols]
    return out.select(cols).sort(order, descending=True, nulls_last=True)
