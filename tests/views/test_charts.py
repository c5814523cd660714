"""AppTest: the pages wire the at-a-glance charts (issue 19): the Breakdowns bars follow the
rate/count switch with counts beside them, the heatmap shows ticket counts, the breakdown
table leads with its key columns, and the delta chips are coloured by good or bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy.stats import binomtest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from tests.conftest import module_home

ROOT = Path(__file__).resolve().parents[2]
home = module_home("charts_home")
RED, GREEN, GRAY = (MetricProto.MetricColor.Value(c) for c in ("RED", "GREEN", "GRAY"))
UP, DOWN = MetricProto.MetricDirection.UP, MetricProto.MetricDirection.DOWN
#: Cards whose rise is bad: red must point up, green down.
WORSE_UP = ("Escalations", "Escalation rate", "Baseline rate", "Significant rises")


def _run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _check_colours(at: AppTest) -> None:
    for m in at.metric:
        color, arrow = m.proto.color, m.proto.direction
        if m.label == "Tickets":
            assert color == GRAY, "tickets are neither good nor bad"
        if m.label in WORSE_UP and color in (RED, GREEN):
            assert (color == RED) == (arrow == UP), (m.label, m.proto.delta)


@pytest.fixture(scope="module")
def breakdowns(home: Path) -> AppTest:
    return _run("views/breakdowns.py")


def test_breakdown_bars_follow_the_switch(breakdowns: AppTest) -> None:
    at = breakdowns
    bars, labels = _figures(at)[0]["data"][:2]
    assert bars["x"] == sorted(bars["x"], reverse=True)  # rate: highest first
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["Category", "Rate %", "Escalations", "Tickets"]
    row = table.set_index("Category").loc[bars["y"][0]]
    assert labels["text"][0] == (
        f"{row['Rate %']:.1f}% · {row['Escalations']:,} of {row['Tickets']:,}"
    )
    assert f"{int(table['Tickets'].sum()):,} tickets in view" in " ".join(
        c.value for c in at.caption
    )
    _check_colours(at)

    at.segmented_control(key="bd_measure").set_value("count").run()
    bars = _figures(at)[0]["data"][0]
    assert bars["x"] == sorted(bars["x"], reverse=True)
    assert bars["x"][0] == table["Escalations"].max()


def test_heatmap_shows_ticket_counts(breakdowns: AppTest) -> None:
    heat = next(f for f in _figures(breakdowns) if f["data"][0]["type"] == "heatmap")
    rate, few = heat["data"][:2]
    shown = [t for row in rate["text"] for t in row if t]
    assert shown and all("<br>n=" in t for t in shown)
    assert any(" of " in t for row in few["text"] for t in row if t)  # the demo has small cells


def test_overview_escalations_chip_is_red_on_a_rise(home: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.number_input(key="p_horizon").set_value(0).run()  # counts as exported: a delta shows
    assert not at.exception
    card = next(m for m in at.metric if m.label == "Escalations")
    now = int(card.value.replace(",", ""))
    before = int(card.proto.delta.split("(")[1].split(")")[0].replace(",", ""))
    beyond = binomtest(now, now + before, 0.5).pvalue < 0.05
    if beyond:
        assert card.proto.color == (RED if now > before else GREEN)
    else:
        assert card.proto.color == GRAY and card.proto.delta.endswith("(within chance)")
    _check_colours(at)
