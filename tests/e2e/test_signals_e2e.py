"""Browser: an export on which the default rules mark no escalation (a GLPI-like export whose
second-line groups are "Especialistas - …") says so after reading, offers the export's own signal
as the next step, and one click on it gives the Overview a real escalation rate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import metric, shot

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data"


def _read(page, srv, name: str) -> None:
    """Upload a fixture on the Data page and confirm the detected mapping."""
    page.goto(srv.url + "/data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(DATA / name))
    confirm = page.get_by_role("button", name="Confirm mapping and read tickets")
    expect(confirm).to_be_enabled(timeout=60_000)
    confirm.click()


def _overview_rate_is_real(page) -> None:
    """The Overview shows a real escalation rate (not "–", not 0.0%) and no exception."""
    page.get_by_role("link", name="Overview").click()
    expect(metric(page, "Escalation rate")).to_have_text(
        re.compile(r"^(?!0\.0%)\d+\.\d%$"), timeout=60_000
    )
    assert page.locator('[data-testid="stException"]').count() == 0


def test_no_signal_import_offers_a_signal_and_the_rate_is_no_longer_a_dash(
    server_factory, page
) -> None:
    _read(page, server_factory(), "signals_glpi_specialists.csv")
    expect(page.get_by_text("None of the 60 tickets is marked escalated").first).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("16 tickets (26.7%), for example ticket 3102").first).to_be_visible()
    expect(
        page.get_by_role("button", name=re.compile("Import 60 tickets without escalations"))
    ).to_be_visible()
    page.get_by_text("Escalation signals in this export").first.scroll_into_view_if_needed()
    shot(page, "data_signals")
    page.get_by_role("button", name=re.compile("Use this signal")).first.click()
    save = page.get_by_role("button", name=re.compile(r"Import 60 tickets$"))
    expect(save).to_be_visible(timeout=30_000)
    expect(page.get_by_text("None of the 60 tickets is marked escalated")).to_have_count(0)
    save.click()
    expect(page.get_by_text("Imported 60 tickets").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("16 are escalated").first).to_be_visible()
    _overview_rate_is_real(page)


def test_event_log_with_levels_loads_and_escalates_on_a_move_up(server_factory, page) -> None:
    """A process-mining-style log (no created column, the step in one column, a support level
    per event) is read as an event log: created at each ticket's first event, and the tickets
    that moved up from L1 to L2 are the escalations, with no rule to set up."""
    _read(page, server_factory(), "signals_eventlog.csv")
    expect(page.get_by_text("each ticket is created at its first event").first).to_be_visible(
        timeout=60_000
    )
    save = page.get_by_role("button", name=re.compile(r"Import 30 tickets$"))
    expect(save).to_be_visible(timeout=30_000)
    save.click()
    expect(page.get_by_text("Imported 30 tickets").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("6 are escalated").first).to_be_visible()
    _overview_rate_is_real(page)
