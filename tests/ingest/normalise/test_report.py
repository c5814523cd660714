"""Tests for lib.ingest.normalise.report: counts and the first ten failures."""

from __future__ import annotations

import polars as pl

from lib.ingest.normalise import (
    ParseReport,
    parse_datetimes,
)


def test_report_counts_and_keeps_first_ten_failures():
    values = ["2023-06-01 10:00"] * 5 + [f"bad {i}" for i in range(12)] + ["?", None]
    out, rep = parse_datetimes(pl.Series("created", values))
    assert isinstance(rep, ParseReport)
    assert (rep.column, rep.parsed, rep.failed) == ("created", 5, 12)
    assert rep.failed_examples == [(5 + i, f"bad {i}") for i in range(10)]
    assert out.null_count() == 14
