"""lib.outliers.fdr: Benjamini-Hochberg against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from lib.outliers import benjamini_hochberg


@pytest.mark.parametrize("seed", range(8))
def test_bh_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, 40) ** 3
    p[:5] = p[5]  # ties
    expected = multipletests(p, method="fdr_bh")[1]
    assert benjamini_hochberg(p) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_bh_property_against_statsmodels(p):
    assert benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1])


def test_bh_ignores_nan():
    q = benjamini_hochberg([0.01, np.nan, 0.04])
    assert np.isnan(q[1])
    assert q[[0, 2]] == pytest.approx(multipletests([0.01, 0.04], method="fdr_bh")[1])
