"""Wilson intervals and the two-proportion test, checked against statsmodels and by hand."""

from __future__ import annotations

import polars as pl
import pytest
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from lib import audit as m


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (0, 20), (3, 5), (10, 50), (37, 261), (999, 1000)])
def test_wilson_matches_statsmodels(k, n, level):
    low, high = m.wilson_interval(k, n, level=level)
    ref = proportion_confint(k, n, alpha=1 - level, method="wilson")
    assert low == pytest.approx(ref[0], abs=1e-12)
    assert high == pytest.approx(ref[1], abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_textbook_value_and_edges():
    # k=10, n=50, z=1.959964: centre (0.2 + z²/100)/(1 + z²/50) = 0.221405,
    # half-width z*sqrt(0.2*0.8/50 + z²/10000)/(1 + z²/50) = 0.108968 -> 0.11244 .. 0.33037
    low, high = m.wilson_interval(10, 50)
    assert (round(low, 5), round(high, 5)) == (0.11244, 0.33037)
    assert m.wilson_interval(0, 10)[0] == 0.0
    assert m.wilson_interval(10, 10)[1] == 1.0
    assert m.wilson_interval(0, 0) == (0.0, 1.0)
    for bad in [(-1, 5), (6, 5), (1, -1)]:
        with pytest.raises(m.MetricsError):
            m.wilson_interval(*bad)
    with pytest.raises(m.MetricsError):
        m.wilson_interval(1, 2, level=1.0)


def test_wilson_exprs_match_the_scalar_version():
    ks, ns = [0, 3, 10, 37, 0], [1, 5, 50, 261, 0]
    out = pl.DataFrame({"k": ks, "n": ns}).with_columns(m.wilson_exprs("k", "n", name="r"))
    for k, n, row in zip(ks, ns, out.iter_rows(named=True), strict=True):
        low, high = m.wilson_interval(k, n)
        assert row["r_low"] == pytest.approx(low, abs=1e-12)
        assert row["r_high"] == pytest.approx(high, abs=1e-12)
        assert row["r"] == (k / n if n else None)


@pytest.mark.parametrize(
    "k1,n1,k2,n2",
    [(37, 261, 30, 254), (3, 5, 1, 2), (50, 100, 20, 100), (0, 40, 5, 40), (1, 3, 0, 1000)],
)
def test_two_proportion_test_matches_statsmodels(k1, n1, k2, n2):
    r = m.two_proportion_test(k1, n1, k2, n2)
    z, p = proportions_ztest([k1, k2], [n1, n2])
    assert r.z == pytest.approx(z, rel=1e-9)
    assert r.p_value == pytest.approx(p, rel=1e-9)
    assert r.diff == pytest.approx(k1 / n1 - k2 / n2)
    ci = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert r.ci == pytest.approx(ci, abs=1e-12)
    assert r.significant == (p < 0.05)
    assert r.ci[0] <= r.diff <= r.ci[1]


def test_two_proportion_test_by_hand_and_edges():
    # 50/100 vs 20/100: pooled p = 0.35, se = sqrt(0.35*0.65*(2/100)) = 0.067454,
    # z = 0.30 / 0.067454 = 4.4475 -> p ~ 8.7e-6: significant, direction up
    r = m.two_proportion_test(50, 100, 20, 100)
    assert r.z == pytest.approx(4.4475, abs=1e-4)
    assert r.significant and r.direction == "up"
    # both rates 0 (or 1): no variance, no evidence of change
    for k in (0, 10):
        r = m.two_proportion_test(k, 10, k * 2, 20)
        assert (r.z, r.p_value, r.significant, r.direction) == (0.0, 1.0, False, "flat")
    # an empty side cannot be tested
    r = m.two_proportion_test(3, 10, 0, 0)
    assert not r.testable and not r.significant and r.diff is None and r.ci is None
    assert r.p1 == 0.3 and r.p2 is None
    with pytest.raises(m.MetricsError):
        m.two_proportion_test(5, 4, 1, 2)
