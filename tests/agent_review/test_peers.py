"""lib.agent_review.peers: an agent against their peers, and their escalated tickets."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from scipy import stats

from lib import agent_review as review
from lib.agent_review.peers import _mann_whitney_p
from lib.audit import two_proportion_test
from lib.outliers import agent_comparison
from tests.agent_review.helpers import TRUTH

# ---------------------------------------------------------------------------- peers


def _peer_tickets() -> pl.DataFrame:
    c = datetime(2024, 1, 1, tzinfo=UTC)
    # agent "a": 10 tickets, 4 escalated; peers "b": 20 tickets, 2 escalated; 1 unassigned
    agent = ["a"] * 10 + ["b"] * 20 + [None]
    escalated = [True] * 4 + [False] * 6 + [True] * 2 + [False] * 18 + [True]
    reassign = [1, 2, 1, 3] + [1, 1, 1, 0, 0, 0] + [1, 1] + [1] * 2 + [0] * 16 + [5]
    hours = [2, 4, 6, 8] + [None] * 6 + [20, 30] + [None] * 18 + [1]
    first = [10.0] * 10 + [30.0] * 20 + [1.0]
    return pl.DataFrame(
        {
            "agent": agent,
            "created_at": [c] * 31,
            "escalated": escalated,
            "escalated_at": [None if h is None else c + timedelta(hours=h) for h in hours],
            "reassignments": reassign,
            "first_response_minutes": first,
        }
    )


def test_peer_comparison_numbers() -> None:
    out = review.peer_comparison(_peer_tickets(), "a", min_n=2)
    rows = {r["measure"]: r for r in out.rows(named=True)}
    not_esc = rows["Reassigned, tickets not escalated"]
    # a: 3 of 6 non-escalated reassigned; peers: 2 of 18 (unassigned ticket left out)
    assert (not_esc["agent_value"], not_esc["agent_n"]) == (0.5, 6)
    assert not_esc["peers_value"] == pytest.approx(2 / 18) and not_esc["peers_n"] == 18
    assert not_esc["p_value"] == pytest.approx(two_proportion_test(3, 6, 2, 18).p_value)
    assert not_esc["verdict"].startswith("higher than peers")
    all_t = rows["Reassigned, all tickets"]
    assert (all_t["agent_value"], all_t["peers_value"]) == (0.7, 0.2)
    per_esc = rows["Reassignments per escalated ticket (median)"]
    assert (per_esc["agent_value"], per_esc["peers_value"]) == (1.5, 1.0)
    hours = rows["Hours to escalate (median)"]
    assert (hours["agent_value"], hours["peers_value"], hours["agent_n"]) == (5.0, 25.0, 4)
    expected_p = stats.mannwhitneyu([2, 4, 6, 8], [20, 30], alternative="two-sided").pvalue
    assert hours["p_value"] == pytest.approx(expected_p)
    assert hours["agent_text"] == "5.0 h" and hours["peers_text"] == "25.0 h"
    frt = rows["Minutes to first reply (median)"]
    assert frt["agent_text"] == "10 min" and frt["verdict"].startswith("lower than peers")


def test_peer_comparison_too_few_and_missing_columns() -> None:
    t = _peer_tickets()
    out = review.peer_comparison(t, "a", min_n=8)
    hours = out.filter(pl.col("measure") == "Hours to escalate (median)").row(0, named=True)
    assert hours["verdict"] == "too few to compare"
    bare = review.peer_comparison(t.select("agent", "escalated"), "a")
    assert bare.height == 0 and "verdict" in bare.columns


def test_escalated_tickets_newest_first_only_that_agent(demo) -> None:
    out = review.escalated_tickets(demo, TRUTH.outlier_agent)
    row = agent_comparison(demo).table.filter(pl.col("agent") == TRUTH.outlier_agent)
    assert out.height == row.get_column("escalated").item()
    assert out.get_column("created_at").is_sorted(descending=True)
    assert out.columns[:4] == ["ticket_id", "created_at", "subject", "category"]


# ---------------------------------------------------------------- the same numbers, faster


def _old_peer_comparison(tickets: pl.DataFrame, agent: str, min_n: int) -> pl.DataFrame:
    """The peer comparison as it was worked out before the faster one (scipy's
    ``mannwhitneyu`` on both samples, a text column telling agent and peers apart)."""
    who = pl.when(pl.col("agent") == agent).then(pl.lit("agent")).otherwise(pl.lit("peers"))
    t = tickets.filter(pl.col("agent").is_not_null()).select(
        who.alias("w"), "escalated", "created_at", "escalated_at", "reassignments",
        "first_response_minutes",
    )  # fmt: skip
    esc = pl.col("escalated").fill_null(False)

    def share(frame: pl.DataFrame) -> tuple:
        frame = frame.filter(pl.col("reassignments").is_not_null())
        a, b = frame.filter(pl.col("w") == "agent"), frame.filter(pl.col("w") == "peers")
        k1, k2 = int((a["reassignments"] > 0).sum()), int((b["reassignments"] > 0).sum())
        test = two_proportion_test(k1, a.height, k2, b.height)
        return test.p1, test.p2, a.height, b.height, test.p_value

    def median(frame: pl.DataFrame, value: pl.Expr) -> tuple:
        v = frame.select("w", value.alias("v")).drop_nulls()
        a = v.filter(pl.col("w") == "agent")["v"].to_numpy()
        b = v.filter(pl.col("w") == "peers")["v"].to_numpy()
        if not (a.size and b.size):
            med = [float(np.median(x)) if x.size else None for x in (a, b)]
            return *med, a.size, b.size, None
        p = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
        return float(np.median(a)), float(np.median(b)), a.size, b.size, p

    hours = pl.when(esc & (pl.col("escalated_at") >= pl.col("created_at"))).then(
        (pl.col("escalated_at") - pl.col("created_at")).dt.total_seconds() / 3600
    )
    rows = [
        share(t.filter(~esc)),
        share(t),
        median(t.filter(esc), pl.col("reassignments").cast(pl.Float64)),
        median(t, hours),
        median(t, pl.col("first_response_minutes").cast(pl.Float64)),
    ]
    return pl.DataFrame(
        rows, schema=["agent_value", "peers_value", "agent_n", "peers_n", "p_value"], orient="row"
    )


def _random_tickets(seed: int, n: int) -> pl.DataFrame:
    """Tickets with many tied values (whole minutes, 0-3 reassignments), an agent of 0 to
    40 tickets, nulls, and a negative zero among the reply times."""
    rng = np.random.default_rng(seed)
    c = datetime(2024, 1, 1, tzinfo=UTC)
    size = int(rng.integers(0, 40))
    agent = np.where(np.arange(n) < size, "a", rng.choice(["b", "c", "d"], n)).tolist()
    agent[-1] = None
    escalated = (rng.random(n) < 0.3).tolist()
    hours = rng.integers(0, 72, n).astype(float)
    minutes = rng.integers(0, 30, n).astype(float) if seed % 2 else rng.exponential(20.0, n)
    minutes[rng.random(n) < 0.1] = np.nan if seed % 5 == 0 else -0.0
    return pl.DataFrame(
        {
            "agent": agent,
            "created_at": [c] * n,
            "escalated": escalated,
            "escalated_at": [c + timedelta(hours=float(h)) for h in hours],
            "reassignments": pl.Series(rng.integers(0, 4, n)).scatter([0, 5], None),
            "first_response_minutes": pl.Series(minutes).scatter([1], None),
        },
        schema_overrides={"first_response_minutes": pl.Float64},
    )


@pytest.mark.parametrize("seed", range(40))
def test_peer_comparison_gives_what_scipy_gives_on_both_samples(seed: int) -> None:
    """The agent's and the peers' figures and p-values equal those of scipy's Mann-Whitney U
    test (exact below 9 untied values, the normal approximation otherwise) and of the
    two-proportion test, on tickets with ties, NaN, -0.0 and nulls."""
    tickets = _random_tickets(seed, 300 + 50 * seed)
    new = review.peer_comparison(tickets, "a", min_n=5)
    old = _old_peer_comparison(tickets, "a", 5)
    if tickets.filter(pl.col("agent") == "a").height == 0:
        assert new.get_column("agent_n").to_list() == [0] * new.height
        return
    assert new.height == old.height == 5
    assert new.get_column("agent_n").to_list() == old.get_column("agent_n").to_list()
    assert new.get_column("peers_n").to_list() == old.get_column("peers_n").to_list()
    for column in ("agent_value", "peers_value", "p_value"):
        got, want = new.get_column(column).to_list(), old.get_column(column).to_list()
        for g, w in zip(got, want, strict=True):
            if w is None or (isinstance(w, float) and math.isnan(w)):
                assert g is None or math.isnan(g)  # scipy's NaN is shown as "–"
            else:
                assert g == pytest.approx(w, rel=1e-9, abs=1e-15), (column, got, want)


def test_mann_whitney_without_ties_on_small_samples_is_scipy_exact() -> None:
    v = pl.DataFrame(
        {"__mine": [True] * 4 + [False] * 6, "v": [1.5, 2.5, 9.0, 11.0, 3, 4, 5, 6, 7, 8]},
        schema_overrides={"v": pl.Float64},
    )
    a, b = v.filter("__mine")["v"].to_numpy(), v.filter(~pl.col("__mine"))["v"].to_numpy()
    exact = stats.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue
    assert _mann_whitney_p(v, a, b) == pytest.approx(float(exact), rel=1e-12)


def test_every_value_equal_on_a_large_sample_gives_no_p_value_not_an_error() -> None:
    """Found by a review: 330,292 tickets all with one reassignment count. Rounding leaves the
    tie-corrected variance just below zero; scipy gives NaN (shown as "–"), so does this."""
    n = 330_292
    t = pl.DataFrame(
        {"agent": ["a"] * 10 + ["b"] * (n - 10), "escalated": [True] * n, "reassignments": [1] * n}
    )
    row = review.peer_comparison(t, "a").row(2, named=True)
    a, b = np.ones(10), np.ones(n - 10)
    assert math.isnan(stats.mannwhitneyu(a, b).pvalue)
    assert row["p_value"] is None and row["agent_n"] == 10


def test_a_few_values_against_many_use_the_normal_approximation() -> None:
    """scipy's exact test for 6 untied values against 50,000 would take minutes: past
    EXACT_MAX the p-value is scipy's normal approximation, close to the exact one."""
    rng = np.random.default_rng(3)
    a, b = rng.random(6) + 0.2, rng.random(50_000)
    v = pl.DataFrame({"__mine": [True] * 6 + [False] * 50_000, "v": np.concatenate([a, b])})
    p = _mann_whitney_p(v, a, b)
    assert p == pytest.approx(stats.mannwhitneyu(a, b, method="asymptotic").pvalue, rel=1e-9)
    small = b[:1_000]
    w = pl.DataFrame({"__mine": [True] * 6 + [False] * 1_000, "v": np.concatenate([a, small])})
    assert _mann_whitney_p(w, a, small) == pytest.approx(
        stats.mannwhitneyu(a, small, method="exact").pvalue, rel=1e-12
    )
