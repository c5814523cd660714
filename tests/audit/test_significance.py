"""Breakdown tests that allow for tickets arriving together (design effect by day) and for
many rows at once (Benjamini-Hochberg)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

from lib import audit as m
from lib.audit.significance import bh_q_values, corrected_p_values, design_effects
from lib.periods import review_periods

START = datetime(2024, 3, 1, tzinfo=UTC)


def _tickets(days: dict[str, list[tuple[int, int, int]]]) -> pl.DataFrame:
    """{category: [(day from 1 March, tickets, escalated)]} -> a tickets frame."""
    created, cat, esc, customer = [], [], [], []
    for name, rows in days.items():
        for day, n, k in rows:
            for i in range(n):
                created.append(START + timedelta(days=day, minutes=i))
                cat.append(name)
                esc.append(i < k)
                customer.append(f"c{day % 3}")
    return pl.DataFrame(
        {"created_at": created, "category": cat, "escalated": esc, "customer": customer}
    )


def _periods():
    # previous 1..14 March (days 0..13), review 15..28 March (days 14..27)
    return review_periods(None, review_days=14, review_end=date(2024, 3, 28), baseline="prior90")


def test_robust_variance_matches_statsmodels_cluster_covariance():
    rng = np.random.default_rng(3)
    rows = [(d, int(rng.integers(1, 30)), 0) for d in range(28)]
    rows = [(d, n, int(rng.binomial(n, rng.uniform(0.05, 0.6)))) for d, n, _ in rows]
    t = _tickets({"sso": rows})
    de = design_effects(t, "category", _periods())
    # reference: per period, a linear probability model (a constant) with errors clustered by
    # day; its variance of the rate, over the binomial variance, summed as in the module
    vr, vb = 0.0, 0.0
    for lo, hi in ((0, 14), (14, 28)):
        part = t.filter(
            (pl.col("created_at") >= START + timedelta(days=lo))
            & (pl.col("created_at") < START + timedelta(days=hi))
        )
        y = part.get_column("escalated").cast(pl.Float64).to_numpy()
        groups = part.get_column("created_at").dt.day().to_numpy()
        fit = sm.OLS(y, np.ones_like(y)).fit(cov_type="cluster", cov_kwds={"groups": groups})
        vr += float(fit.bse[0] ** 2)
        vb += y.mean() * (1 - y.mean()) / y.size
    assert de.get_column("design_effect").item() == pytest.approx(max(1.0, vr / vb), rel=1e-9)
    assert de.get_column("clusters").item() == 28


def test_an_outage_day_is_no_longer_a_significant_rise():
    # 12 tickets a day, 2 escalated (16.7%), every day of both periods; on one review day an
    # outage brings 100 more tickets of which 60 escalate. The plain z-test calls the rise
    # significant (p < 0.001); counted by day, it is one bad day among 14.
    calm = [(d, 12, 2) for d in range(28)]
    t = _tickets({"sso": [*calm, (20, 100, 60)]})
    plain = m.breakdown(t, "category", _periods(), cluster=None, fdr=False).row(0, named=True)
    assert plain["significant"] and plain["p_value"] < 0.001
    row = m.breakdown(t, "category", _periods()).row(0, named=True)
    assert row["plain_p_value"] == pytest.approx(plain["p_value"])
    assert row["design_effect"] > 4
    assert row["p_value"] > 0.05 and not row["significant"]


def test_a_rise_on_every_day_stays_significant():
    before = [(d, 20, 2) for d in range(14)]
    after = [(d, 20, 6) for d in range(14, 28)]
    row = m.breakdown(_tickets({"sso": before + after}), "category", _periods()).row(0, named=True)
    assert row["design_effect"] == 1.0  # the same count every day: no extra spread
    assert row["significant"] and row["q_value"] < 0.001


def test_many_rows_are_corrected_by_benjamini_hochberg():
    # ten categories, each with a modest rise (plain p about 0.03): no correction calls all of
    # them rises; Benjamini-Hochberg across the ten keeps them (q = max p when all are equal)
    # but a lone row at p = 0.03 among nine flat ones is not significant any more.
    rise = [(d, 10, 1) for d in range(14)] + [(d, 10, 2) for d in range(14, 28)]
    flat = [(d, 10, 1) for d in range(28)]
    t = _tickets({"a": rise} | {f"f{i}": flat for i in range(9)})
    plain = m.breakdown(t, "category", _periods(), cluster=None, fdr=False)
    b = m.breakdown(t, "category", _periods(), cluster=None)
    a_plain = plain.filter(pl.col("category") == "a").row(0, named=True)
    a = b.filter(pl.col("category") == "a").row(0, named=True)
    assert a_plain["significant"] and 0.01 < a_plain["p_value"] < 0.05
    assert a["q_value"] == pytest.approx(min(1.0, 10 * a_plain["p_value"]))
    assert not a["significant"]
    ref = multipletests(b.get_column("p_value").to_numpy(), method="fdr_bh")[1]
    assert b.get_column("q_value").to_list() == pytest.approx(ref.tolist())


def test_cluster_by_customer_and_edge_cases():
    t = _tickets({"sso": [(d, 5, 1) for d in range(28)]})
    by_customer = design_effects(t, "category", _periods(), cluster="customer")
    assert by_customer.get_column("clusters").item() == 6  # three customers in each period
    with pytest.raises(m.MetricsError, match="no such column"):
        design_effects(t, "category", _periods(), cluster="colour")
    # one day in a period cannot show clustering: design effect 1, like the plain test
    one_day = _tickets({"sso": [(3, 10, 1), (20, 10, 5)]})
    assert design_effects(one_day, "category", _periods()).get_column(
        "design_effect"
    ).to_list() == [1.0]
    assert bh_q_values([None, None]) == [None, None]
    assert corrected_p_values([None, 0.0, 1.0], [2.0, 2.0, None]) == [None, 0.0, 1.0]
