"""Sentiment on a busy real-shaped helpdesk: the day-to-day variance of the day means is known
from few effective days when the mean wanders, so a day's z is referred to Student's t (issue 14:
the one-day test fired two to three times its rate at 100-300 tickets a day)."""

from __future__ import annotations

import numpy as np
import pytest

from lib.anomaly.judge import _judge
from lib.anomaly.options import _options
from lib.anomaly.realistic import simulate_helpdesk
from lib.anomaly.tails import _t_as_normal


@pytest.fixture(scope="module")
def judged():
    """Six topics of 300 tickets a weekday, a day-mean sentiment wandering (AR(1) 0.8)."""
    desk = simulate_helpdesk(days=180, topics=6, level=300.0, seed=5)
    return _judge(desk.tickets, _options(metrics=("sentiment",)))


def test_a_wandering_mean_leaves_few_degrees_of_freedom(judged):
    """The window's day means correlate at only about 0.4 (the tickets' own noise does not
    persist), but their wandering part at 0.8: the degrees of freedom follow the latter."""
    fit, day = judged.fit, judged.series["day"]
    assert np.median(fit.s_df[day["s_report"]]) < 20


def test_the_sentiment_z_has_the_tail_of_students_t(judged):
    """A day's z is the normal deviate of its t tail: never farther out than the plain ratio."""
    fit, grid, day = judged.fit, judged.grid, judged.series["day"]
    m = day["s_report"]
    se2 = fit.s_var / grid.s_n + fit.s_tau2 + fit.s_mean_var
    raw = (day["s_obs"] - day["s_exp"]) / np.sqrt(day["s_se2"])  # calibrated, not referred to t
    assert np.all(np.abs(day["s_z"][m]) <= np.abs(raw[m]) + 1e-9)
    assert np.any(np.abs(day["s_z"][m]) < np.abs(raw[m]) - 0.05)
    assert np.all(day["s_se2"][m] >= se2[m] - 1e-12)


def test_t_as_normal_keeps_the_tail_probability():
    """Large degrees of freedom leave z as it is; few pull an extreme z in."""
    z = np.array([-5.0, -2.0, 0.0, 3.0])
    assert np.allclose(_t_as_normal(z, np.full(4, 1e7)), z, atol=1e-4)
    assert np.all(np.abs(_t_as_normal(z, np.full(4, 4.0))) <= np.abs(z))
