"""Browser: upload a Zendesk-style CSV, confirm the mapping, see the ticket count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data"


def test_upload_confirm_mapping_and_see_count(server_factory, page) -> None:
    srv = server_factory()
    page.goto(srv.url + "/data")
    wait_idle(page)
    page.get_by_text("Ticket exports").first.wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(DATA / "zendesk_small.csv")
    )
    page.get_by_text("Detected").first.wait_for(timeout=60_000)
    assert "Zendesk" in page.get_by_text("Detected").first.inner_text()
    wait_idle(page)
    page.get_by_role("button", name="Confirm mapping and read tickets").click()
    page.get_by_role("button", name=re.compile(r"Import [\d,]+ tickets")).wait_for(timeout=60_000)
    wait_idle(page)
    shot(page, "data_import_ready")
    label = page.get_by_role("button", name=re.compile(r"Import [\d,]+ tickets")).inner_text()
    n = int(re.search(r"Import ([\d,]+) tickets", label).group(1).replace(",", ""))
    assert n == 240
    page.get_by_role("button", name=re.compile(r"Import [\d,]+ tickets")).click()
    page.get_by_text("Imported 240 tickets").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Overview").click()
    wait_idle(page)
    shot(page, "overview_after_import_debug")
    page.get_by_text("240 tickets").first.wait_for()
    shot(page, "overview_after_import")
    assert page.locator('[data-testid="stException"]').count() == 0
