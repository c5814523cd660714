"""Shared by the tests of lib.anomaly: the simulated data's first day."""

from __future__ import annotations

import datetime as dt

START = dt.date(2024, 1, 1)


def day(i: int) -> dt.date:
    return START + dt.timedelta(days=i)
