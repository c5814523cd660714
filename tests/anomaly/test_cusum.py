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
