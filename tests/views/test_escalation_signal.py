"""AppTest: an export on which no escalation rule fires says so on every page, in words,
instead of showing an escalation rate of 0.0% as a fact; the demo (which has escalations)
shows no such warning.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["views/overview.py", "views/breakdowns.py", "views/drivers.py", "views/agents.py"]
SIGNAL = "marked escalated by the active rules"


def _export(path: Path) -> Path:
    """240 tickets over eight months with an agent, a group, a category and tags, but nothing
    that signals an escalation (no flag, no tier in the group names, no "escalat" tag)."""
    rows = ["Id,Created at,Solved at,Assignee,Group,Category,Tags"]
    start = date(2024, 1, 1)
    for i in range(240):
        day = start + timedelta(days=i)
        rows.append(
            f"{1000 + i},{day} 09:00,{day + timedelta(days=1)} 10:00,"
            f"{('Ann', 'Bob', 'Chen')[i % 3]},{('Support', 'Billing')[i % 2]},"
            f"{('Login', 'Invoice', 'Shipping')[i % 3]},{('vip', 'web', 'mobile')[i % 3]}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def quiet_home(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("signal_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEW_DATA_DIR", str(path))
        mp.setenv("DATABASE_URL", f"sqlite:///{path / 'review.sqlite'}")
        mp.setenv("REVIEW_DATA", str(_export(path / "no_signal.csv")))
        yield path


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    if page != "views/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _signals(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if SIGNAL in w.value.replace("\\", "")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_no_rule_fired(quiet_home: Path, page: str) -> None:
    at = _open(page)
    signals = _signals(at)
    assert len(signals) == 1, [w.value for w in at.warning]
    text = signals[0].replace("\\", "")
    assert "None of the 240 tickets is marked escalated" in text
    assert "Group names a higher tier" in text
    assert "Open Data → Escalation rules" in text
    (link,) = [p for p in at.get("page_link") if p.label == "Open Data → Escalation rules"]
    # it opens the Data page on its rules tab (the tab's label in the URL)
    assert link.proto.page.endswith("data") and link.proto.query_string == "tab=Escalation+rules"


def test_overview_headline_does_not_read_a_bare_zero(quiet_home: Path) -> None:
    at = _open("views/overview.py")
    metrics = {m.label: m for m in at.metric}
    for label in ("Escalation rate", "Baseline rate"):
        assert metrics[label].value == "–"
        assert "0.0%" not in metrics[label].value
    assert "no escalation rule matched" in str(metrics["Escalation rate"].proto.delta)
    assert metrics["Tickets"].value != "0"


def test_demo_data_shows_no_signal_warning(review_home: Path) -> None:
    for page in ("views/overview.py", "views/agents.py"):
        at = _open(page)
        assert _signals(at) == []
        assert not any("Escalation rules" in p.label for p in at.get("page_link"))
    metrics = {m.label: m.value for m in _open("views/overview.py").metric}
    assert metrics["Escalation rate"].endswith("%") and metrics["Escalation rate"] != "0.0%"


def test_overview_side_by_side_table_reads_a_dash_under_the_warning(quiet_home: Path) -> None:
    at = _open("views/overview.py")
    side = next(
        d.value
        for d in at.dataframe
        if "Measure" in d.value.columns and "Escalation rate" in d.value["Measure"].tolist()
    )
    rates = side[side["Measure"].isin(["Escalation rate", "  95% interval of the rate"])]
    assert len(rates) == 2
    cells = rates.drop(columns="Measure").to_numpy().ravel().tolist()
    assert cells and all(c == "–" for c in cells), cells
    tickets = side[side["Measure"] == "Tickets"].drop(columns="Measure").to_numpy().ravel()
    assert "–" not in tickets.tolist()
