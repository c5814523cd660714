"""Browser: the At risk page opens on the demo data and shows the open tickets ranked by risk
(with their reasons) and the "How good is this" panel with its calibration chart."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import metric, shot, wait_idle

pytestmark = pytest.mark.e2e


def test_at_risk_page_on_the_demo(shared_server, page) -> None:
    page.goto(shared_server.url + "/at_risk")
    wait_idle(page)
    page.get_by_role("heading", name="At risk").first.wait_for()
    # the first visit trains the model and tests it on past weeks (cached afterwards)
    page.get_by_role("heading", name="How good is this").wait_for(timeout=120_000)
    cards = page.locator('[class*="st-key-ar_card_top"]')
    expect(cards.first).to_be_visible()
    assert cards.count() >= 2
    risks = [int(c.inner_text().split("%")[0].strip()) for c in cards.all()]
    assert risks[0] == max(risks) > 0  # the riskiest first
    expect(metric(page, "Open above 40%")).to_have_text(re.compile(r"^\d[\d,]*$"))
    expect(page.get_by_text("The top 10% caught")).to_be_visible()
    chart = page.locator('[data-testid="stPlotlyChart"]')
    expect(chart.first).to_be_visible()
    expect(page.get_by_text("equal groups", exact=False).first).to_be_visible()
    shot(page, "at_risk_page")
