"""lib.anomaly.calibrate: the second pass is calibrated to its own residuals, a young helpdesk's
topics borrow each other's, and the CUSUMs get the threshold of their residuals' wander."""

from __future__ import annotations

import numpy as np
import pytest

from lib.anomaly import calibrate
from lib.anomaly.calibrate import MIN_DAYS, _ratios
from lib.anomaly.judge import _judge
from lib.anomaly.options import _options
from lib.anomaly.realistic import simulate_helpdesk


@pytest.fixture(scope="module")
def busy_desk():
    """A clean real-shaped helpdesk, judged (AR(1) level, trend, weekly rhythm, holidays)."""
    desk = simulate_helpdesk(days=240, topics=12, level=300.0, seed=22)
    return _judge(desk.tickets, _options(metrics=("volume",)))


def test_the_calibrated_residuals_have_unit_variance(busy_desk):
    """The calibration reads the second fit's residuals: that fit leaves the first pass's alarm
    days out of its windows and so is narrower than the first; calibrated on the first pass's
    residuals the one-day test's z had a variance of 1.1 to 1.5 at 300 tickets a day."""
    day = busy_desk.series["day"]
    late = np.zeros_like(day["active"])
    late[:, 120:] = True
    z = day["z"][day["active"] & late]
    assert 0.8 < np.mean(z**2) < 1.05


def test_the_cusums_see_the_wander_of_a_persistent_level(busy_desk):
    """An AR(1) level leaves a wandering part in the CUSUMs' inputs, and the thresholds rise for
    it (a share of 0 would be the independent days' threshold)."""
    day = busy_desk.series["day"]
    share = day["wander"][:, 120:][day["active"][:, 120:]]
    assert 0.05 < np.median(share) < 0.5


def test_a_young_topic_borrows_the_other_topics_ratios():
    """Until a topic has MIN_DAYS residuals of its own, it is calibrated with every topic's
    pooled ones (before, it was judged as if its days were independent)."""
    rng = np.random.default_rng(3)
    k_n, t_n = 4, 160
    z = 1.5 * rng.standard_normal((k_n, t_n))  # every topic swings 1.5 times the model
    active = np.ones((k_n, t_n), dtype=bool)
    active[3, :120] = False  # a topic that appeared on day 120
    v, lam = _ratios(z, z, active, guard=7)
    assert v[0, 150] == pytest.approx(2.25, rel=0.2)
    young = 120 + 7 + MIN_DAYS // 2  # its own window holds too few residuals
    assert v[3, young] == pytest.approx(2.25, rel=0.2)
    assert lam[3, young] == pytest.approx(1.0, abs=0.3)  # independent days: no wander


def test_the_wander_share_of_a_long_run_ratio():
    assert calibrate.wander_share(np.array([1.0, 0.5])).tolist() == [0.0, 0.0]
    assert 0.1 < float(calibrate.wander_share(np.array(2.0))) < 0.15


def test_a_young_topic_does_not_borrow_its_neighbours_incidents():
    """The pooled ratios clip each square: two neighbours' month-long incidents (residuals of
    6 SD) left them at 4 and 9 times the model, and a young topic judged on them missed events
    (issue 14: x1.5 ramps recall 0.94 -> 0.80 after the calibration)."""
    rng = np.random.default_rng(4)
    k_n, t_n = 6, 160
    z = rng.standard_normal((k_n, t_n))
    z[:2, 60:90] += 6.0  # two neighbours' incidents
    active = np.ones((k_n, t_n), dtype=bool)
    active[5, :120] = False  # a topic that appeared on day 120
    v, lam = _ratios(z, z, active, guard=7)
    young = 120 + 7 + MIN_DAYS // 2
    assert v[5, young] < 2.0  # before: 4.2 (each incident day's square counted in full)
    assert lam[5, young] < 4.5  # before: 9, the largest widening
