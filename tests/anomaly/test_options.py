"""lib.anomaly.options: bad options are reported."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.anomaly import AnomalyError, detect_anomalies, simulate_tickets


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sensitivity": "max"}, "sensitivity"),
        ({"topic": "nope"}, "topic column"),
        ({"window": 3}, "window"),
        ({"colour": 1}, "unknown option"),
        ({"metrics": ("volume", "mood")}, "metrics"),
        ({"start": dt.date(2024, 3, 1), "end": dt.date(2024, 2, 1)}, "after"),
        ({"tz": "Mars/Olympus"}, "time zone"),
    ],
)
def test_bad_options_are_reported(options, message):
    with pytest.raises(AnomalyError, match=message):
        detect_anomalies(simulate_tickets(days=10), **options)
