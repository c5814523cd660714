"""AppTest: the app opens on the demo data, the overview and data pages render without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.views.data_tabs import open_data_tab

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def _no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_overview_opens_on_demo(review_home: Path) -> None:
    at = _app().run()
    _no_exceptions(at)
    assert at.title[0].value == "Overview"
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Tickets", "Escalations", "Escalation rate"]
    assert any("Demo helpdesk" in c.value for c in at.caption)
    assert "%" in at.metric[2].value


def test_review_data_env_opens_those_exports(review_home: Path, monkeypatch) -> None:
    monkeypatch.setenv("REVIEW_DATA", str(DATA / "zendesk_small.csv"))
    at = _app().run()
    _no_exceptions(at)
    assert any(
        "zendesk_small.csv" in c.value.replace("\\", "") and "240 tickets" in c.value
        for c in at.caption
    )


def test_data_page_renders_tabs_and_quality(review_home: Path) -> None:
    at = _app().run()
    at.switch_page("views/data.py").run()
    _no_exceptions(at)
    assert at.title[0].value == "Data"
    assert [t.label for t in at.tabs] == ["Import", "Escalation rules", "Data quality", "Datasets"]
    # only the open tab runs: the import first, the others when opened
    assert at.get("file_uploader") and not at.metric and not at.dataframe
    open_data_tab(at, "Data quality")
    _no_exceptions(at)
    assert any(m.label == "Tickets kept" for m in at.metric) and not at.get("file_uploader")
    open_data_tab(at, "Escalation rules")
    assert any("tickets are escalated" in m.value for m in at.markdown)
    assert not any(m.label == "Tickets kept" for m in at.metric)


def test_filter_escalated_only_changes_counts(review_home: Path) -> None:
    at = _app().run()
    before = at.metric[0].value
    at.toggle(key="f_escalated").set_value(True).run()
    _no_exceptions(at)
    after = at.metric[0].value
    assert before != after
    # Escalated only: every ticket is an escalation.
    assert at.metric[0].value == at.metric[1].value


@pytest.mark.parametrize("every", ["Day", "Month", "Quarter"])
def test_trend_granularity(review_home: Path, every: str) -> None:
    at = _app().run()
    at.segmented_control(key="ov_every").set_value(every).run()
    _no_exceptions(at)
