"""Tests for lib.ingest.normalise.durations: every notation, units from headers."""

from __future__ import annotations

from datetime import time, timedelta

import polars as pl
import pytest

from lib.ingest.normalise import (
    parse_duration_minutes,
    unit_from_header,
)
from tests.ingest.normalise.helpers import one

DURATION_CASES = [
    ("0:05:30", None, 5.5),
    ("00:05", None, 5.0),
    ("12:30", None, 750.0),
    ("-01:30", None, -90.0),
    ("+01:30", None, 90.0),
    ("25:00:00", None, 1500.0),
    ("0:00:30.5", None, 30.5 / 60),
    ("1:02:03:04", None, 1440 + 120 + 3 + 4 / 60),
    ("2 days 01:30:00", None, 2 * 1440 + 90.0),
    ("1 day, 0:10:00", None, 1450.0),
    ("1.5h", None, 90.0),
    ("45m", None, 45.0),
    ("45 min", None, 45.0),
    ("3 mins", None, 3.0),
    ("2 hours", None, 120.0),
    ("1 hr 15 min", None, 75.0),
    ("1d 2h", None, 1560.0),
    ("1 hour and 30 minutes", None, 90.0),
    ("90s", None, 1.5),
    ("1w", None, 10080.0),
    ("1,5h", None, 90.0),
    ("PT1H30M", None, 90.0),
    ("P1DT2H", None, 1560.0),
    ("PT45S", None, 0.75),
    ("-PT30M", None, -30.0),
    ("90", None, 90.0),
    ("90", "minutes", 90.0),
    ("1.5", "hours", 90.0),
    ("90", "seconds", 1.5),
    ("2", "days", 2880.0),
    ("2", "hrs", 120.0),
    ("90000", "milliseconds", 1.5),
    # not durations
    ("1:75", None, None),
    ("1:00:75", None, None),
    ("soon", None, None),
    ("500ms", None, None),
    ("P1M", None, None),
]


@pytest.mark.parametrize(("raw", "unit", "expected"), DURATION_CASES)
def test_parse_duration_minutes(raw, unit, expected):
    got, rep = one(parse_duration_minutes, raw, unit=unit)
    assert got == pytest.approx(expected) if expected is not None else got is None
    assert (rep.parsed, rep.failed) == ((1, 0) if expected is not None else (0, 1))


def test_duration_report_and_native_inputs():
    out, rep = parse_duration_minutes(pl.Series(["0:10:00", "0:20:00", "1h", "-", None, "x"]))
    assert out.to_list() == [10.0, 20.0, 60.0, None, None, None]
    assert (rep.parsed, rep.failed, rep.failed_examples) == (3, 1, [(5, "x")])
    assert rep.detail == "durations as H:MM:SS; durations with units (1h 30m)"
    out, rep = parse_duration_minutes(pl.Series([30, 90, None]), unit="seconds")
    assert out.to_list() == [0.5, 1.5, None]
    assert rep.detail == "numbers in seconds"
    out, _ = parse_duration_minutes(pl.Series([timedelta(hours=1, seconds=30)]))
    assert out.to_list() == [60.5]
    out, _ = parse_duration_minutes(pl.Series([time(1, 30)]))
    assert out.to_list() == [90.0]


def test_unknown_duration_unit_raises():
    with pytest.raises(ValueError, match="unknown duration unit 'fortnights'"):
        parse_duration_minutes(pl.Series(["1"]), unit="fortnights")


HEADER_CASES = [
    ("First reply time in minutes", "minutes"),
    ("First reply time in minutes within business hours", "minutes"),
    ("Full resolution time in minutes within business hours", "minutes"),
    ("Minutes to first reply (business hours)", "minutes"),
    ("Time to resolution (hrs)", "hours"),
    ("Resolution time [h]", "hours"),
    ("Handle time secs", "seconds"),
    ("handle_time_seconds", "seconds"),
    ("Wait (s)", "seconds"),
    ("Days open", "days"),
    ("Call duration (ms)", "milliseconds"),
    ("First Response Time", None),
    ("Time to Resolution", None),
    ("Priority", None),
]


@pytest.mark.parametrize(("header", "unit"), HEADER_CASES)
def test_unit_from_header(header, unit):
    assert unit_from_header(header) == unit


@pytest.mark.parametrize(
    "header",
    [
        "Temps de première réponse (en heures)",
        "Tiempo de primera respuesta (en horas)",
        "Tempo de primeira resposta (em horas)",
        "Tempo di prima risposta (in ore)",
    ],
)
def test_a_unit_named_in_another_language_is_read(header):
    """Freshdesk in French or Spanish writes hours as "(en heures)", "(en horas)": 1,38 hours
    is 82.8 minutes, not 1.38."""
    assert unit_from_header(header) == "hours"


def test_business_hours_in_another_language_are_no_unit():
    """ "(horas hábiles) en minutos" counts minutes of business hours: the unit is minutes."""
    assert unit_from_header("Tiempo de primera respuesta (horas hábiles) en minutos") == "minutes"
    assert unit_from_header("Temps de réponse (heures ouvrées) en minutes") == "minutes"
