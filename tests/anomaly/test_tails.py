"""lib.anomaly.tails: count tail tests, their Student widening and BH against references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lib.anomaly.tails import _bh, _count_tests, _estimated_tail


def test_count_tests_match_poisson_and_negative_binomial():
    y = np.array([0.0, 3.0, 10.0, 25.0])
    mu = np.array([2.0, 2.0, 5.0, 12.0])
    p, z = _count_tests(y, mu, np.full(4, 1.0 + 1e-9))
    mid = stats.poisson.sf(y, mu) + 0.5 * stats.poisson.pmf(y, mu)  # mid-p upper tail
    np.testing.assert_allclose(p, mid, rtol=1e-5)
    p2, _ = _count_tests(y, mu, np.full(4, 2.0))
    mid2 = stats.nbinom.sf(y, mu, 0.5) + 0.5 * stats.nbinom.pmf(y, mu, 0.5)
    np.testing.assert_allclose(p2, mid2, rtol=1e-9)
    assert np.all(p2[2:] > p[2:])  # overdispersion makes a high count less surprising
    assert z[0] < 0 < z[1] < z[2] < z[3]


def test_benjamini_hochberg_matches_statsmodels():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(12, 5)) ** 3
    p[[1, 4, 7], [0, 2, 2]] = np.nan
    q = _bh(p)
    for c in range(p.shape[1]):
        ok = ~np.isnan(p[:, c])
        np.testing.assert_allclose(q[ok, c], multipletests(p[ok, c], method="fdr_bh")[1])
        assert np.isnan(q[~ok, c]).all()


def test_estimated_dispersion_widens_the_tail_like_student_t():
    p = np.array([1e-4, 1e-4, 0.7])
    out = _estimated_tail(p, alpha=np.array([0.0, 0.05, 0.05]), df=np.array([49, 49, 49]))
    assert out[0] == p[0]  # Poisson floor: the variance is not an estimate
    assert out[1] == pytest.approx(stats.t.sf(stats.norm.isf(1e-4), 49))
    assert 2 * p[1] < out[1] < 10 * p[1]
    assert out[2] == p[2]  # lower half untouched


def test_mid_p_spike_test_is_not_conservative_on_small_counts():
    """At a mean of 5 the exact tail needs 15 tickets for p <= 5e-4 (size 2.3e-4); the mid-p
    needs 14 (size 7.0e-4). Over means 3..20 the mid-p test's size averages about alpha."""
    alpha = 5e-4
    y = np.arange(0.0, 80.0)
    p, _ = _count_tests(y, np.full(y.size, 5.0), np.full(y.size, 1.0 + 1e-9))
    assert y[p <= alpha].min() == 14
    sizes = []
    for mu in np.linspace(3, 20, 35):
        p, _ = _count_tests(y, np.full(y.size, mu), np.full(y.size, 1.0 + 1e-9))
        sizes.append(stats.poisson.pmf(y, mu)[p <= alpha].sum())
        exact = stats.poisson.pmf(y, mu)[stats.poisson.sf(y - 1, mu) <= alpha].sum()
        assert sizes[-1] >= exact
    assert 0.7 * alpha < np.mean(sizes) < 1.3 * alpha
    # the x3 spike at an expected 5: the mid-p test finds P(Poisson(15) >= 14) = 0.64 of them
    assert stats.poisson.sf(13, 15) == pytest.approx(0.64, abs=0.01)
