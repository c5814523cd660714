"""Browser: the Agents page on the demo data. Ticking a row of the agent table opens that agent
(the drill-down shows their observed escalations, as in the table's CSV); the raw ranking shows
next to it. Screenshots: screenshots/agents*.png."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from lib.demo import demo_truth
from tests.e2e.conftest import metric, shot, wait_idle

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35  # st.dataframe's default row (and header) height in pixels


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_agent_row_opens_the_drilldown(shared_server, page) -> None:
    truth = demo_truth()
    srv = shared_server
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(srv.url + "/agents")
    wait_idle(page)
    page.get_by_role("heading", name="Funnel plot").wait_for()
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
    _no_exception(page)
    shot(page, "agents")

    # The table's CSV says what each row holds, in the order the rows are drawn.
    with page.expect_download() as info:
        page.locator('div[class*="st-key-ag_table_"][class*="_dl"] button').click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows and "Agent" in rows[0], info.value.path().read_text(encoding="utf-8-sig")[:300]
    assert rows[0]["Agent"] == truth.outlier_agent
    assert rows[0]["Status"] == "Flagged high"
    hard = next(r for r in rows if r["Agent"] == truth.hard_case_agent)
    assert hard["Status"] == "In line"
    wait_idle(page)

    # Tick the first row's selection checkbox.
    table = page.locator('div[class*="st-key-ag_table_"] [data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_HEIGHT * 1.5)
    wait_idle(page)
    page.get_by_role("heading", name=f"Agent: {truth.outlier_agent}").wait_for()
    expect(metric(page, "Escalated")).to_have_text(rows[0]["Escalated"])
    expect(metric(page, "Tickets")).to_have_text(f"{int(rows[0]['Tickets']):,}")
    expect(metric(page, "Flagged?")).to_have_text("Yes, high")
    page.get_by_text("Where the excess comes from").first.wait_for()
    page.get_by_text(f"Their {rows[0]['Escalated']} escalated tickets").wait_for()
    _no_exception(page)
    page.set_viewport_size({"width": 1400, "height": 4600})
    page.wait_for_timeout(500)
    shot(page, "agents_drilldown")


def test_raw_ranking_funnel_click_and_agent_picker(shared_server, page) -> None:
    truth = demo_truth()
    srv = shared_server
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(srv.url + "/agents")
    wait_idle(page)
    page.get_by_text("Show the raw, unadjusted ranking next to it").click()
    wait_idle(page)
    page.get_by_text(re.compile(r"agents change place between the raw and the adjusted")).wait_for()
    _no_exception(page)
    shot(page, "agents_raw_ranking")

    # Click the flagged agent's diamond on the funnel: the drill-down opens on them.
    point = page.locator(".js-plotly-plot .scatterlayer .trace").last.locator("path.point")
    point.first.scroll_into_view_if_needed()
    box = point.first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx - 20, cy - 20)
    page.mouse.move(cx, cy, steps=5)
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for()
    tip = hover.text_content() or ""
    assert truth.outlier_agent in tip and "tickets" in tip and "expected" in tip
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.screenshot(path=str(shot(page, "agents_raw_ranking").parent / "agents_funnel_hover.png"))
    page.mouse.click(cx, cy)
    wait_idle(page)
    page.get_by_role("heading", name=f"Agent: {truth.outlier_agent}").wait_for()
    expect(metric(page, "Flagged?")).to_have_text("Yes, high")
    chart.screenshot(path=str(shot(page, "agents_raw_ranking").parent / "agents_funnel_click.png"))

    # The accessible route: the "Agent" selectbox.
    picker = page.locator('div[class*="st-key-ag_pick"]')
    picker.scroll_into_view_if_needed()
    picker.locator("input").click()
    page.get_by_role("option", name=re.compile(f"^{truth.hard_case_agent}")).click()
    wait_idle(page)
    page.get_by_role("heading", name=f"Agent: {truth.hard_case_agent}").wait_for()
    expect(metric(page, "Flagged?")).to_have_text("No")
    _no_exception(page)
