"""Tests for lib.ingest.normalise.satisfaction: words and scales."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.normalise import (
    parse_satisfaction,
)

SATISFACTION_CASES = [
    (["5", "1", "3", "4"], None, [1.0, 0.0, 0.5, 0.75], "1-5 scale"),
    ([1.0, 2.0, 5.0], None, [0.0, 0.25, 1.0], "1-5 scale"),
    (["10", "1", "4"], None, [1.0, 0.0, 1 / 3], "1-10 scale"),
    (["0", "10", "7"], None, [0.0, 1.0, 0.7], "0-10 scale"),
    (["0", "100", "35"], None, [0.0, 1.0, 0.35], "0-100 scale"),
    (["0.2", "1", "0"], None, [0.2, 1.0, 0.0], "0..1 scale (kept)"),
    (["3"], (1, 10), [2 / 9], "1-10 scale"),
    (["3,5", "1"], None, [0.625, 0.0], "1-5 scale"),
    (["80%", "3"], None, [0.8, 0.5], "1-5 scale; percentages"),
    (
        ["Good", "Bad", "offered", "unoffered", "Good, I'm satisfied", "Bad, I'm unsatisfied"],
        None,
        [1.0, 0.0, None, None, 1.0, 0.0],
        "good/bad words",
    ),
    (["satisfied", "unsatisfied", "positive", "negative"], None, [1.0, 0.0, 1.0, 0.0], None),
    (
        ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"],
        None,
        [1.0, 0.75, 0.5, 0.25, 0.0],
        "five-level words",
    ),
    ([True, False], None, [1.0, 0.0], "booleans (true = satisfied)"),
]


@pytest.mark.parametrize(("values", "scale", "expected", "detail"), SATISFACTION_CASES)
def test_parse_satisfaction(values, scale, expected, detail):
    out, rep = parse_satisfaction(pl.Series(values), scale=scale)
    assert out.to_list() == pytest.approx(expected)
    assert rep.failed == 0
    if detail:
        assert rep.detail == detail


def test_satisfaction_out_of_range_fails():
    out, rep = parse_satisfaction(pl.Series(["4", "-3", "500", "whatever", "-"]))
    assert out.to_list() == [0.75, None, None, None, None]
    assert (rep.parsed, rep.failed) == (1, 3)
