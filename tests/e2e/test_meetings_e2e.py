"""Browser: start a review meeting, add an action item, restart the server, find it again;
download the HTML review pack and open it from disk (offline)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lib.store import Store
from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e

ACTION = "Write the API rate-limit article"
ALERT = {
    "topic": "Performance",
    "metric": "volume",
    "kind": "spike",
    "start": dt.date(2026, 10, 28),
    "end": dt.date(2026, 10, 30),
    "observed": 41,
    "expected": 14.2,
    "score": 6.1,
}


def _tall_shot(page, name: str) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside its main block, so grow the
    viewport to the content's height first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(500)
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _open_meetings(page, url: str) -> None:
    page.goto(url + "/meetings")
    wait_idle(page)
    page.get_by_role("heading", name="Review meetings").wait_for()


def test_meeting_survives_server_restart_and_pack_opens_offline(
    server_factory, page, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with Store(f"sqlite:///{home / 'review.sqlite'}") as store:  # an alert sent to the agenda
        store.set_alert_state(ALERT, "agenda", note="Check the status page")
    srv = server_factory(home=home)
    _open_meetings(page, srv.url)
    page.get_by_role("button", name="Start meeting and build the agenda").click()
    page.get_by_text("Meeting started with").first.wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_text("Driver: API & integrations").first.wait_for()
    page.get_by_text("Alert: Performance volume spike").first.wait_for()

    # Add an action item under the first driver, in place.
    block = (
        page.locator('[class*="st-key-mt_item_"]')
        .filter(has_text="Driver: API & integrations")
        .first
    )
    block.get_by_role("button", name="Add an action item").click()
    pop = page.locator('[data-testid="stPopoverBody"]')
    pop.get_by_label("Action", exact=True).fill(ACTION)
    pop.get_by_label("Owner").fill("Ana")
    pop.get_by_role("button", name="Add action item").click()
    page.get_by_text(re.compile(r"Action item #\d+ “" + ACTION)).first.wait_for(timeout=30_000)
    wait_idle(page)
    _tall_shot(page, "meetings_page")

    # Restart: a new server process on the same data folder.
    srv.stop()
    srv2 = server_factory(home=home)
    assert srv.proc is None and srv2.proc is not None  # the first process is gone
    _open_meetings(page, srv2.url)
    page.get_by_text(re.compile(r"Action #\d+: " + ACTION + r" \(Ana, due")).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("tab", name="Action items").click()
    wait_idle(page)
    _tall_shot(page, "meetings_action_items")

    # The HTML review pack: download it, open it from disk, look at it.
    page.get_by_role("tab", name="Export and backup").click()
    wait_idle(page)
    _tall_shot(page, "meetings_export")
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Review pack (HTML)").click()
    pack = tmp_path / "review-pack.html"
    dl.value.save_as(pack)
    html = pack.read_text(encoding="utf-8")
    assert ACTION in html and "Amara Obi" in html
    # built on download, yet with the session's horizon: the same numbers as the agenda
    assert "Rates count tickets escalated" in html and "among tickets at least" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    page.route(
        "**/*",
        lambda route: (
            route.abort() if not route.request.url.startswith("file:") else route.continue_()
        ),
    )
    page.goto(pack.as_uri())
    page.get_by_role("heading", name="Headline numbers").wait_for()
    shot(page, "meetings_review_pack")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    shot(page, "meetings_review_pack_print")
    pdf = page.pdf(format="A4")  # prints without error, on a handful of pages
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pdf.startswith(b"%PDF") and 2 <= pages <= 8, pages
    assert page.locator("svg.chart").count() == 3  # trend, drivers, the alert's sparkline
