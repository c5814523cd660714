"""Browser: the audit pages on the demo data: a breakdown row drills into its tickets, and every
page renders without an exception (screenshots in screenshots/audit_*.png)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TAKE_SHOTS, metric, shot, wait_idle

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35  # st.dataframe's default row (and header) height in pixels


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _tall(page, height: int = 4200) -> None:
    """Streamlit scrolls inside its main area, so a tall window is what shows a whole page."""
    page.set_viewport_size({"width": 1400, "height": height})


def _settle(page) -> None:
    """Tables and charts draw after the script finishes: give them a moment before a shot."""
    wait_idle(page)
    if TAKE_SHOTS:
        page.wait_for_timeout(1500)


def test_breakdown_row_drills_into_its_tickets(shared_server, page) -> None:
    srv = shared_server
    _tall(page)
    page.goto(srv.url + "/breakdowns")
    wait_idle(page)
    page.get_by_text("Where combinations are bad").first.wait_for()
    _no_exception(page)
    _settle(page)
    shot(page, "audit_breakdowns")

    # The table's own CSV says what each row holds (in the order the rows are drawn).
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    with page.expect_download() as info:
        page.locator('div[class*="st-key-bd_table_"][class*="_dl"] button').click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert rows and "Category" in rows[0]
    wait_idle(page)

    pick = 2  # the third row
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_HEIGHT * (pick + 1) + ROW_HEIGHT / 2)
    wait_idle(page)
    category = rows[pick]["Category"]
    page.get_by_role("heading", name=f"Category: {category}").wait_for()
    expect(metric(page, "Tickets")).to_have_text(f"{int(rows[pick]['Tickets']):,}")
    expect(metric(page, "Escalations")).to_have_text(f"{int(rows[pick]['Escalations']):,}")
    shown = int(metric(page, "Tickets").inner_text().replace(",", ""))
    assert shown == int(rows[pick]["Tickets"])
    page.get_by_text(re.compile(rf"Its {shown:,} tickets")).wait_for()
    _no_exception(page)
    _settle(page)
    shot(page, "audit_breakdowns_drilldown")

    # a click on the chart's first bar drills into that category instead
    bars = page.locator('[data-testid="stPlotlyChart"]').first.locator("g.point path").all()
    top = min((b.bounding_box() for b in bars), key=lambda bb: bb["y"])  # the chart's first row
    page.mouse.click(top["x"] + top["width"] / 2, top["y"] + top["height"] / 2)
    wait_idle(page)
    page.get_by_role("heading", name=f"Category: {rows[0]['Category']}").wait_for()
    expect(metric(page, "Tickets")).to_have_text(f"{int(rows[0]['Tickets']):,}")


def test_every_audit_page_renders(shared_server, page) -> None:
    srv = shared_server
    _tall(page)
    page.goto(srv.url)
    wait_idle(page)
    page.get_by_text("Review period vs previous period").first.wait_for()
    _no_exception(page)
    _settle(page)
    shot(page, "audit_overview")
    # every chart downloads as a self-contained HTML file (plotly.js inline: opens offline)
    with page.expect_download() as info:
        page.locator('div[class*="st-key-ov_trend_html"]').get_by_role(
            "button", name="Chart (HTML)"
        ).click()
    html = info.value.path().read_text(encoding="utf-8")
    assert info.value.suggested_filename == "escalation_trend.html"
    assert "Plotly.newPlot" in html and "Escalation rate" in html
    assert "<script src=" not in html and len(html) > 1_000_000

    _tall(page, 5600)
    page.goto(srv.url + "/drivers")
    wait_idle(page)
    page.get_by_text("Knowledge coverage").first.wait_for()
    _no_exception(page)
    _settle(page)
    shot(page, "audit_drivers")

    _tall(page, 3000)
    page.goto(srv.url + "/routing")
    wait_idle(page)
    # Only the open tab runs: a click reruns the page with that tab's body, named in the URL.
    bodies = {
        "Reassignments": "Reassignments by",
        "Response and escalation time": "Time to escalate, by category",
        "Idle tickets": "Idle for more than (hours)",
        "Repeat contacts and tiers": "Escalation rate by customer tier",
        "Before / after": "Days each side (0 = all)",
    }
    for tab, body in bodies.items():
        page.get_by_role("tab", name=tab).click()
        _settle(page)
        _no_exception(page)
        expect(page.get_by_text(body, exact=True).first).to_be_visible()
        for other in set(bodies.values()) - {body}:
            expect(page.get_by_text(other, exact=True)).to_have_count(0)
        # (the first tab, open by default, may be left out of the URL)
        shown = parse_qs(urlparse(page.url).query).get("rt_tab", ["Reassignments"])
        assert shown == [tab], page.url
        shot(page, "audit_routing_" + re.sub(r"\W+", "_", tab.lower()).strip("_"))
