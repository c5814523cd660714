"""Fixtures of the lib.agent_review tests: the shipped demo helpdesk and its comparison."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.ingest import load_export
from lib.outliers import agent_comparison

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_export(ROOT / "data" / "demo_helpdesk.csv.gz").tickets


@pytest.fixture(scope="module")
def comparison(demo: pl.DataFrame):
    return agent_comparison(demo)
