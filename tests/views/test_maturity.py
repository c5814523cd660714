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


def _table(at: AppTest, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_breakdowns_count_the_horizons_tickets_everywhere(home: Path, demo) -> None:
    # A 3-day horizon on the demo (no escalation times): the table, its significant rises, the
    # heatmap and the drill-down count the same tickets, those at least 3 days old.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at = at.number_input(key="p_horizon").set_value(3).run()
    at.switch_page("views/breakdowns.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cut = _export_time(demo) - timedelta(days=3)
    review = _review(demo)
    counted = review.filter(pl.col("created_at") <= cut)
    young = review.height - counted.height
    table = _table(at, "Category", "Still maturing")
    assert table["Tickets"].sum() == counted.height
    assert table["Escalations"].sum() == int(counted["escalated"].sum())
    assert table["Still maturing"].sum() == young
    card = next(m for m in at.metric if m.label == "Tickets")
    assert card.value == f"{counted.height:,}" and card.proto.delta == f"+{young:,} still maturing"
    # the significant rises are the table's rows
    rises = next(m for m in at.metric if m.label == "Significant rises")
    q_col = "Chance it's noise, all rows tested %"  # the q-value, in % (lib.plain_words)
    tested = table[table[q_col].notna()]
    assert int(rises.value) == int(((tested[q_col] < 5) & (tested["Change (pts)"] > 0)).sum())
    # what the horizon means without escalation times, and how many tickets wait
    text = _captions(at)
    assert "among tickets at least 3 days old" in text and "no escalation times" in text
    assert f"{young:,} tickets of the review period are still maturing" in text
    # the category x channel heatmap: hover counts add up to the counted tickets
    specs = [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")]
    cells = next(d[0]["customdata"] for d in specs if d and d[0]["type"] == "heatmap")
    assert sum(cell[1] for row in cells for cell in row) == counted.height
    assert f"{young:,} tickets created after {cut:%Y-%m-%d %H:%M} UTC" in text


@pytest.fixture
def timed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    """A data folder of its own holding only a dataset with escalation times, so the module's
    other tests (sharing ``home``) open the demo whatever order they run in."""
    from lib.demo import demo_tickets
    from ui import session

    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'review.sqlite'}")
    tickets = demo_tickets(days=60, tickets_per_day=20)
    session.store().register_dataset("Timed for maturity", tickets)
    return tickets


def test_breakdowns_and_drivers_with_escalation_times(timed: pl.DataFrame) -> None:
    # With escalation times, an escalation counts only when it came within the horizon: the
    # table, the drill-down's list and the Drivers page agree with a hand count.
    tickets = timed
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at = at.number_input(key="p_horizon").set_value(2).run()
    at.switch_page("views/breakdowns.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cut = _export_time(tickets) - timedelta(days=2)
    late = (pl.col("escalated_at") - pl.col("created_at")) > timedelta(days=2)
    within = pl.col("escalated") & ~late.fill_null(False)
    mature = pl.col("created_at") <= cut
    review = _review(tickets)
    hand = review.group_by("category").agg(
        mature.sum().alias("n"), (mature & within).sum().alias("k"), (~mature).sum().alias("y")
    )
    table = _table(at, "Category", "Still maturing").set_index("Category")
    for category, n, k, y in hand.rows():
        assert tuple(table.loc[category, ["Tickets", "Escalations", "Still maturing"]]) == (n, k, y)
    n_late = review.filter(mature & pl.col("escalated") & late.fill_null(False)).height
    assert n_late > 0  # the test data has escalations after the horizon
    assert f"{n_late:,} escalated after the horizon and do not count" in _captions(at)
    # drill into the busiest row: the counted list has its tickets and its escalations
    key = next(d.key for d in at.dataframe if "Still maturing" in d.value.columns)
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    chosen = table.index[0]
    listed = _table(at, "Ticket", "Escalated within 2 days")
    assert len(listed) == table.loc[chosen, "Tickets"]
    assert listed["Escalated within 2 days"].sum() == table.loc[chosen, "Escalations"]
    # the Drivers page: escalations within 2 days of tickets at least 2 days old (range "All")
    at.switch_page("views/drivers.py").run()
    assert not at.exception, [e.value for e in at.exception]
    esc = next(m for m in at.metric if m.label == "Escalations")
    assert int(esc.value.replace(",", "")) == tickets.filter(mature & within).height
    young_all = tickets.filter(~mature).height
    assert esc.proto.delta == f"+{young_all:,} tickets still maturing"
    ranked = _table(at, "Rank", "Still maturing").set_index("Category")
    young_by = tickets.filter(~mature).group_by("category").len()
    for category, n in young_by.rows():
        if category in ranked.index:
            assert ranked.loc[category, "Still maturing"] == n
