"""lib.anomaly.cusum: the simulated threshold gives its alarm rate."""

from __future__ import annotations

import numpy as np
import pytest

from lib.anomaly import cusum as anomaly  # the module under test, named as in its assertions
from lib.anomaly.cusum import cusum_threshold


def test_cusum_threshold_gives_its_alarm_rate():
    h = cusum_threshold(300.0)
    assert h == pytest.approx(anomaly._siegmund_h(300.0, 0.5), abs=0.15)
    rng = np.random.default_rng(99)  # not the seed the threshold was simulated with
    z = rng.standard_normal((300, 3000))
    _, alarm, onset = anomaly._cusum(z, np.ones_like(z, dtype=bool), h)
    rate = alarm.sum() / z.size
    assert 1 / 300 / 1.3 < rate < 1 / 300 * 1.3
    assert np.all(onset[alarm] <= np.nonzero(alarm)[1])
    # estimated baselines make residuals drift together: a higher threshold for the same rate
    assert cusum_threshold(300.0, fitted_on=56, guard=7) > h + 0.3


def test_a_wandering_series_gets_the_threshold_of_its_own_alarm_rate():
    """Inputs whose variance is half a slowly wandering part (AR(1), lag-1 correlation
    PERSISTENCE) alarm far more often at the independent days' threshold; the threshold for
    their wandering share gives the stated rate back (seed not the simulation's)."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(7)
    shape = (300, 1000)
    p = anomaly.PERSISTENCE
    slow = lfilter([np.sqrt(1 - p**2)], [1.0, -p], rng.standard_normal(shape), axis=1)
    z = np.sqrt(0.5) * rng.standard_normal(shape) + np.sqrt(0.5) * slow
    on = np.ones(shape, dtype=bool)
    h = anomaly.cusum_thresholds(300.0, np.full(shape, 0.5))
    assert h[0, 0] == cusum_threshold(300.0, wander=0.5) > cusum_threshold(300.0) + 5
    rate = anomaly._cusum(z, on, h)[1].sum() / z.size
    assert 1 / 300 / 1.4 < rate < 1 / 300 * 1.4
    naive = anomaly._cusum(z, on, cusum_threshold(300.0))[1].sum() / z.size
    assert naive > 4 / 300


def test_the_stored_thresholds_are_the_simulated_ones():
    """The detector's default settings read their thresholds from a stored table (a page view
    simulates nothing); it holds every sensitivity at the default window and guard, rises with
    the wandering share, and one of its points is simulated again here."""
    from lib.anomaly.cusum_table import TABLE
    from lib.anomaly.options import _Options
    from lib.anomaly.sensitivity import SENSITIVITY

    o = _Options()
    keys = {(s.cusum_arl, o.window, o.guard, 1) for s in SENSITIVITY.values()}
    assert set(TABLE) == keys
    for hs in TABLE.values():
        assert len(hs) == len(anomaly.WANDER_GRID) and np.all(np.diff(hs) > 0)
    arl, n, g, d = (SENSITIVITY["balanced"].cusum_arl, o.window, o.guard, 1)
    again = cusum_threshold(arl, fitted_on=n, guard=g, df_step=d, wander=anomaly.WANDER_GRID[2])
    assert TABLE[arl, n, g, d][2] == again
    mid = anomaly.cusum_thresholds(arl, np.array([0.125]), fitted_on=n, guard=g)[0]
    assert mid == pytest.approx((TABLE[arl, n, g, d][2] + TABLE[arl, n, g, d][3]) / 2)
