"""lib.anomaly.baseline: the trailing window fit against statsmodels' Poisson GLM."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from lib.anomaly import baseline, simulate_tickets
from lib.anomaly.baseline import _fit
from lib.anomaly.grid import _build_grid
from lib.anomaly.options import _options
from tests.anomaly.helpers import START


def test_window_fit_equals_statsmodels_poisson_glm(monkeypatch):
    """With the profile taken from the same window and no shrinkage, pseudo-count, clipping,
    local trend or autocorrelation,
    the expected count is the Poisson GLM with weekday terms, the degrees of freedom are the
    GLM's and alpha is the moment estimate of var = mu + alpha mu^2 from its fitted values."""
    monkeypatch.setattr(baseline, "PROFILE_DAYS", 56)
    monkeypatch.setattr(baseline, "PROFILE_PRIOR", 0.0)
    monkeypatch.setattr(baseline, "LEVEL_PSEUDO", 0.0)
    monkeypatch.setattr(baseline, "CLIP_SD", 1e9)
    monkeypatch.setattr(baseline, "TREND_T2", 1e9)
    monkeypatch.setattr(baseline, "RHO_MAX", 0.0)
    tickets = simulate_tickets(days=90, topics={"a": 12.0}, weekend=0.3, dispersion=0.1, seed=8)
    opts = _options()
    grid = _build_grid(tickets, opts)
    fit = _fit(grid, opts)
    for t in (70, 83, 88):  # not the last day: it may be partial (expected scaled down)
        lo, hi = t - 7 - 56, t - 7
        y = grid.counts[0, lo:hi]
        wd = (START.weekday() + np.arange(lo, hi)) % 7
        x = np.eye(7)[wd]  # one column per weekday: the saturated weekday model
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
        mu_glm = res.predict(np.eye(7)[[(START.weekday() + t) % 7]])[0]
        assert fit.mu[0, t] == pytest.approx(mu_glm, rel=1e-9)
        assert fit.df[0, t] == res.df_resid == 49
        m = res.fittedvalues
        alpha = ((y - m) ** 2 - m).sum() * 56 / 49 / (m**2).sum()
        assert alpha > 0.03  # overdispersed data, so the Poisson floor is not in play
        assert fit.alpha[0, t] == pytest.approx(alpha, rel=1e-9)
