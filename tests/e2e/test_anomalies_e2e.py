"""Browser: the Anomalies page on the demo data; send the planted spike to the review agenda, see
it stored (the store's agenda, and the "on agenda" label after reopening the page)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import expect

from lib.demo import demo_truth
from lib.store import Store
from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e


def _tall_shot(page, name: str) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside its main block, so grow the
    viewport to the content's height first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(800)
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _open(page, url: str) -> None:
    page.goto(url + "/anomalies")
    wait_idle(page)
    page.get_by_role("heading", name="Anomalies").wait_for()


def _card(page, topic: str):
    return page.locator('[class*="st-key-an_card_"]').filter(has_text=topic).first


def test_send_alert_to_agenda(server_factory, page, tmp_path: Path) -> None:
    truth = demo_truth()
    home = tmp_path / "home"
    home.mkdir()
    srv = server_factory(home=home)
    _open(page, srv.url)
    _tall_shot(page, "anomalies_page")

    # The planted spike is older than the 14-day review period: widen to the last 30 days.
    page.get_by_role("radio", name="Last 30 days").click()
    wait_idle(page)
    card = _card(page, truth.spike_topic)
    card.wait_for()
    expect(card.get_by_text("new", exact=True)).to_have_count(1)
    card.get_by_role("button", name="Send to agenda").click()
    wait_idle(page)
    card = _card(page, truth.spike_topic)
    card.get_by_text("on agenda", exact=True).wait_for(timeout=30_000)
    expect(page.get_by_text(f"{truth.spike_topic}: on agenda.")).to_have_count(1)
    expect(card.get_by_role("button", name="Send to agenda")).to_be_disabled()
    _tall_shot(page, "anomalies_page_30_days")

    with Store(f"sqlite:///{home / 'review.sqlite'}") as store:
        agenda = store.agenda_alerts()
    assert agenda.height == 1
    row = agenda.row(0, named=True)
    assert row["topic"] == truth.spike_topic and row["metric"] == "volume"
    assert row["start_date"] <= truth.spike_start <= row["end_date"]
    assert row["updated_by"] == "local user"
    assert agenda.filter(pl.col("dataset_id").is_not_null()).height == 1

    # A fresh visit (new session) shows the stored state.
    page.goto("about:blank")
    _open(page, srv.url)
    page.get_by_role("radio", name="Last 30 days").click()
    wait_idle(page)
    _card(page, truth.spike_topic).get_by_text("on agenda", exact=True).wait_for()
