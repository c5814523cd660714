"""AppTest of the mapping screen's day/month choice: it reaches the loader and is remembered
with the saved mapping."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.ingest import inspect_sources
from lib.store import Store

ROOT = Path(__file__).resolve().parents[2]
US_JIRA = (ROOT / "tests" / "data" / "jira_us_dates.csv").read_bytes()
CONFIRM = "FormSubmitter:mapping_form-Confirm mapping and read tickets"


def _upload(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="uploads").upload(name, US_JIRA, "text/csv").run()
    assert not at.exception, at.exception
    return at


def _first_created(at: AppTest) -> datetime:
    frame = at.session_state["imp"]["frame"]
    return frame.sort("ticket_id").get_column("created_at")[0]


def test_day_first_choice_overrides_the_am_pm_guess_and_is_remembered(review_home: Path) -> None:
    """The file's AM/PM times make the app read month first; a user whose export is day first
    says so once, and the saved mapping keeps it."""
    at = _upload("jira_us.csv")
    assert at.radio(key="map_dayfirst").value == "Decide from the values"
    at.button(key=CONFIRM).click().run()
    assert _first_created(at) == datetime(2023, 1, 10, 9, 15, tzinfo=UTC)
    warned = " ".join(w.value for w in at.warning) + " ".join(m.value for m in at.markdown)
    assert "could be 1 October or 10 January" in warned.replace("\\", "")

    at.radio(key="map_dayfirst").set_value("Day first (01/10 is 1 October)")
    at.button(key=CONFIRM).click().run()
    assert not at.exception, at.exception
    assert _first_created(at) == datetime(2023, 10, 1, 9, 15, tzinfo=UTC)
    next(b for b in at.button if b.label.startswith("Import 4 tickets")).click().run()
    assert not at.exception, at.exception

    fingerprint = inspect_sources(US_JIRA).fingerprint
    assert Store().get_mapping(fingerprint)["_dayfirst"] is True
    again = _upload("jira_us_next_month.csv")
    assert any("saved mapping" in i.value for i in again.info)
    assert _first_created(again) == datetime(2023, 10, 1, 9, 15, tzinfo=UTC)
