"""lib.outliers.dispersion: phi, its test, tau^2 and winsorising, by hand and on a helpdesk."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from lib.outliers import agent_comparison, winsorise
from tests.outliers.helpers import frame
from tests.sim_helpdesk import simulate_helpdesk

DISPERSED = [("a", 100, 5), ("b", 100, 10), ("c", 100, 10), ("d", 100, 15), ("e", 100, 20)]


def test_hand_example_overdispersion_estimates():
    c = agent_comparison(
        frame(DISPERSED),
        case_mix=(),
        winsor=0.0,
        reference="all",
        overdispersion="none",
        leave_one_out=False,
    )
    assert c.phi == pytest.approx(12.310606 / 5, abs=1e-6)
    # chi-square on 4 df: sf(x) = exp(-x/2) (1 + x/2)
    x = 12.310606
    assert c.phi_p_value == pytest.approx(math.exp(-x / 2) * (1 + x / 2), abs=1e-6)
    # DerSimonian-Laird: w = E^2 / V = 13.636364 each; sum w - sum w^2 / sum w = 4 * 13.636364
    assert c.tau2 == pytest.approx((x - 4) / (4 * 144 / 10.56), abs=1e-6)
    assert c.tau2 == pytest.approx(0.152361, abs=1e-6)
    assert c.phi_applied == 1.0 and c.tau2_applied == 0.0  # "none" reports but does not apply


def test_hand_example_random_effects_and_multiplicative_z():
    tickets = frame(DISPERSED)
    re = agent_comparison(
        tickets, case_mix=(), winsor=0.0, reference="all", leave_one_out=False
    ).table
    e = re.filter(pl.col("agent") == "e").row(0, named=True)
    # y = 20/12, s^2 = V/E^2 = 10.56/144, z = (y - 1) / sqrt(s^2 + tau2)
    assert e["z"] == pytest.approx((20 / 12 - 1) / math.sqrt(10.56 / 144 + 0.1523611), abs=1e-5)
    assert e["z"] == pytest.approx(1.403293, abs=1e-5)
    assert e["z_unadjusted"] == pytest.approx(8 / math.sqrt(10.56), abs=1e-9)
    mult = agent_comparison(
        tickets,
        case_mix=(),
        winsor=0.0,
        reference="all",
        overdispersion="winsorised",
        leave_one_out=False,
    ).table
    e = mult.filter(pl.col("agent") == "e").row(0, named=True)
    assert e["z"] == pytest.approx(8 / math.sqrt(10.56) / math.sqrt(2.4621212), abs=1e-5)


def test_winsorising_clamps_the_tails_before_phi():
    # z sorted: -2.154101, -0.615457, -0.615457, 0.923186, 2.461830; 10% quantiles with linear
    # interpolation sit 0.4 of the way between the first two and 0.6 between the last two.
    z = np.array([-7, -2, -2, 3, 8]) / math.sqrt(10.56)
    lo = z[0] + 0.4 * (z[1] - z[0])
    hi = z[3] + 0.6 * (z[4] - z[3])
    assert winsorise(z, 0.1).tolist() == pytest.approx([lo, z[1], z[2], z[3], hi])
    c = agent_comparison(
        frame(DISPERSED), case_mix=(), winsor=0.1, reference="all", leave_one_out=False
    )
    assert c.phi == pytest.approx((lo**2 + 2 * z[1] ** 2 + z[3] ** 2 + hi**2) / 5, abs=1e-9)


def test_overdispersed_helpdesk_is_detected_and_widens_limits():
    sim = simulate_helpdesk(21, n_tickets=60_000, n_raised=0, agent_sd=0.35)
    re = agent_comparison(sim.tickets)
    none = agent_comparison(sim.tickets, overdispersion="none")
    assert re.phi > 1.5 and re.phi_p_value < 0.01
    assert re.tau2_applied > 0
    assert re.n_flagged < none.n_flagged
    assert "more than chance" in re.overdispersion_summary()
    # the funnel stops narrowing: at large E the limits approach 1 +/- k * tau
    wide = re.funnel.filter(pl.col("level") == 0.95).sort("expected").row(-1, named=True)
    assert wide["upper"] - 1 > 1.96 * math.sqrt(re.tau2_applied)


def test_shrinkage_grid_is_the_likelihood_at_each_point():
    # issue 18: the grid search evaluates every point at once; the same numbers as one at a
    # time, so the same starting interval for the refinement
    from lib.outliers.shrink import ALPHA_BOUNDS, _neg_loglik, _neg_logliks

    rng = np.random.default_rng(0)
    grid = np.linspace(*(math.log(b) for b in ALPHA_BOUNDS), 61)
    for _ in range(100):
        k = int(rng.integers(2, 200))
        e = rng.random(k) * 30 + 0.01
        o = rng.poisson(e * rng.gamma(2, 0.5, k)).astype(float)
        one_by_one = np.array([_neg_loglik(g, o, e) for g in grid])
        assert np.array_equal(_neg_logliks(grid, o, e), one_by_one)
