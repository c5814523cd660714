"""Browser at phone width (390 px): the sidebar starts closed and closes after navigating, and the
Overview's KPI cards sit two to a row with the summary above them, and no chart's mode bar covers
its legend."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_idle

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
#: A phone's user agent: Streamlit closes the sidebar after navigating only on mobile devices.
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def _sidebar_open(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return bool(box and box["x"] + box["width"] > 40)


def _settles(page, check, timeout_ms: int = 15_000) -> bool:
    """Whether ``check()`` becomes true within ``timeout_ms`` (layout and the sidebar's
    transition settle later than the page's script on a busy machine)."""
    for _ in range(timeout_ms // 250):
        if check():
            return True
        page.wait_for_timeout(250)
    return check()


def _cards_laid_out(page) -> bool:
    summary = page.get_by_text("this period", exact=False).first.bounding_box()
    tickets = page.locator('[data-testid="stMetric"]').nth(0).bounding_box()
    escalations = page.locator('[data-testid="stMetric"]').nth(1).bounding_box()
    return bool(
        summary
        and tickets
        and escalations
        and summary["y"] < tickets["y"]  # the summary comes before the cards
        and abs(tickets["y"] - escalations["y"]) < 5  # two KPI cards share a row
        and tickets["width"] < PHONE["width"] / 2
    )


def test_phone_overview_and_navigation(shared_server, browser) -> None:
    srv = shared_server
    page = browser.new_page(viewport=PHONE, user_agent=PHONE_UA, is_mobile=True, has_touch=True)
    try:
        page.goto(srv.url)
        wait_idle(page, timeout=120_000)
        expect(page.get_by_text("Escalation rate", exact=True).first).to_be_visible(timeout=60_000)
        assert _settles(page, lambda: not _sidebar_open(page)), "the sidebar covers the page"
        assert _settles(page, lambda: _cards_laid_out(page)), (
            "the summary comes before the KPI cards, two cards to a row"
        )
        # each card's comparison ("-1.2 pts vs previous, may be chance") wraps, not cut off
        cut = page.locator('[data-testid="stMetricDelta"]').evaluate_all(
            "es => es.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"
        )
        assert page.locator('[data-testid="stMetricDelta"]').count() >= 4 and not cut, cut
        # Plotly's mode bar, which a tap would show over a chart's legend, is hidden
        charts = page.locator(".js-plotly-plot")
        expect(charts.first).to_be_visible(timeout=60_000)
        charts.first.scroll_into_view_if_needed()
        charts.first.tap()
        shown = page.locator(".js-plotly-plot .modebar-container").evaluate_all(
            "es => es.filter(e => getComputedStyle(e).display !== 'none').length"
        )
        assert page.locator(".js-plotly-plot .modebar-container").count() >= 1 and shown == 0

        page.locator('[data-testid="stExpandSidebarButton"]').tap()
        expect(page.locator('[data-testid="stSidebarNavLink"]').first).to_be_visible()
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Breakdowns").tap()
        expect(page.get_by_role("heading", name="Breakdowns")).to_be_visible(timeout=60_000)
        wait_idle(page, timeout=120_000)
        assert _settles(page, lambda: not _sidebar_open(page)), (
            "the sidebar stays open over the page after navigating"
        )
    finally:
        page.close()
