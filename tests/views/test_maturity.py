"""AppTest: the Overview compares periods on escalation within a fixed horizon, says which
horizon and why, and shows the tickets still too young as "still maturing" (counted by hand
with plain Polars from the demo export, not with lib.audit).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.ingest import load_export
from tests.conftest import module_home

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_helpdesk.csv.gz"

home = module_home("maturity_home")


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_export(DEMO).tickets


def _export_time(t: pl.DataFrame) -> datetime:
    cols = ("created_at", "updated_at", "solved_at", "escalated_at")
    return max(v for c in cols if (v := t.get_column(c).max()) is not None)


def _review(t: pl.DataFrame, days: int = 14) -> pl.DataFrame:
    end = t.get_column("created_at").max().date()
    start = datetime.combine(end - timedelta(days=days - 1), datetime.min.time(), UTC)
    return t.filter(pl.col("created_at") >= start)


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("days", [7, 3])
def test_overview_shows_the_horizon_and_the_tickets_still_maturing(home: Path, demo, days) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    box = at.number_input(key="p_horizon")
    # the demo export has no escalation times: the horizon defaults to 7 days
    assert box.value == 7
    assert "no escalation times" in box.help
    if days != 7:
        at = box.set_value(days).run()
        assert not at.exception, [e.value for e in at.exception]
    as_of = _export_time(demo)
    cut = as_of - timedelta(days=days)
    review = _review(demo)
    counted = review.filter(pl.col("created_at") <= cut)
    young_review = review.height - counted.height
    young_all = demo.filter(pl.col("created_at") > cut).height
    assert young_review > 0
    # the headline counts only the tickets old enough, and says so
    assert int(_metric(at, "Tickets").replace(",", "")) == counted.height
    tickets_card = next(m for m in at.metric if m.label == "Tickets")
    assert tickets_card.proto.delta == f"+{young_review:,} still maturing"
    k = int(counted.get_column("escalated").sum())
    assert _metric(at, "Escalation rate") == f"{100 * k / counted.height:.1f}%"
    text = _captions(at)
    assert f"at least {days} days old on {as_of:%Y-%m-%d}" in text
    assert f"{young_review:,} tickets of the review period are still maturing" in text
    # the trend says what the hatched bars are and how many tickets they hold
    assert (
        f"{young_all:,} tickets created after {cut:%Y-%m-%d %H:%M} UTC are still maturing" in text
    )
    assert f"younger than the {days}-day horizon" in text
    # the chart draws them as their own, hatched bars
    chart = next(c for c in at.get("plotly_chart") if "Still maturing" in c.proto.spec)
    traces = {t.get("name"): t for t in json.loads(chart.proto.spec)["data"]}
    assert traces["Still maturing"]["marker"]["pattern"]["shape"] == "/"
    assert sum(traces["Still maturing"]["y"]) == young_all
