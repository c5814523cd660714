"""Fixtures of the demo tests: the default demo helpdesk, its truth, its export, daily topic counts
and the case-mix fit."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from lib.demo import CATEGORIES, DEFAULT_END, DemoTruth, demo_export, demo_tickets, demo_truth
from tests.demo.helpers import _case_mix


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return demo_tickets()


@pytest.fixture(scope="module")
def truth() -> DemoTruth:
    return demo_truth()


@pytest.fixture(scope="module")
def export() -> pl.DataFrame:
    return demo_export()


@pytest.fixture(scope="module")
def daily(tickets: pl.DataFrame) -> pl.DataFrame:
    """Topic x day counts, zeros included, with the weekday (1 = Monday)."""
    days = pl.date_range(DEFAULT_END - timedelta(days=179), DEFAULT_END, eager=True).alias("day")
    grid = pl.DataFrame({"category": list(CATEGORIES)}).join(days.to_frame(), how="cross")
    counts = tickets.group_by("category", day=pl.col("created_at").dt.date()).len("n")
    return (
        grid.join(counts, on=["category", "day"], how="left")
        .with_columns(pl.col("n").fill_null(0), weekday=pl.col("day").dt.weekday())
        .sort("category", "day")
    )


@pytest.fixture(scope="module")
def case_mix(tickets: pl.DataFrame) -> pl.DataFrame:
    return _case_mix(tickets)
