"""AppTest: the Agents page on the demo data.

The planted outlier agent is flagged high and the hard-case agent is not; the raw ranking,
the minimum, the period and the drill-down (through the "Agent" selectbox, the accessible
route; AppTest cannot click a table row or a chart point) show the lib's own numbers.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib import agent_review as review
from lib.demo import CATEGORIES, demo_truth
from lib.ingest import load_export
from lib.outliers import agent_comparison
from tests.conftest import module_home

ROOT = Path(__file__).resolve().parents[2]
TRUTH = demo_truth()
PAGE = "views/agents.py"


home = module_home("agents_home")


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_export(ROOT / "data" / "demo_helpdesk.csv.gz").tickets


def _open(**session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _plain(text: str) -> str:
    """Markdown-escaped page text (user names are escaped) back to plain words."""
    return text.replace("\\", "")


def _metric(at: AppTest, label: str) -> str:
    return next(m for m in reversed(at.metric) if m.label == label).value


def _agent_rows(at: AppTest) -> dict[str, dict]:
    frame = at.dataframe[0].value
    return {r["Agent"]: r for r in frame.to_dict("records")}


def test_page_renders_and_flags_the_planted_outlier_only(home: Path, demo) -> None:
    assert os.environ["REVIEW_DATA_DIR"] == str(home)
    at = _open()
    assert at.title[0].value == "Agents"
    lib = agent_comparison(demo).table
    assert _metric(at, "Agents judged") == f"{lib['judged'].sum()} of {lib.height}"
    assert _metric(at, "Flagged high") == "1"
    rows = _agent_rows(at)
    assert len(rows) == lib.height
    outlier, hard = rows[TRUTH.outlier_agent], rows[TRUTH.hard_case_agent]
    assert outlier["Status"] == "Flagged high" and outlier["#"] == 1
    assert hard["Status"] == "In line"
    mine = lib.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert outlier["Escalated"] == mine["escalated"]
    assert outlier["Expected"] == round(mine["expected"])  # whole escalations
    assert outlier["Observed ÷ expected"] == pytest.approx(mine["ratio"], abs=0.005)
    # judged agents first, by z (z itself is in the download, not on screen)
    frame = at.dataframe[0].value
    assert "z" not in frame.columns
    by_z = lib.filter(pl.col("judged")).sort("z", descending=True)["agent"].to_list()
    assert frame["Agent"].tolist()[: len(by_z)] == by_z
    # the funnel's caption and the plain-words notes are there
    captions = " ".join(c.value for c in at.caption)
    assert "Each dot is an agent" in captions
    assert any("prompt to look, not a verdict" in m.value for m in at.markdown)


def test_raw_ranking_toggle_says_how_many_agents_change_place(home: Path, demo) -> None:
    at = _open()
    assert len(at.dataframe) == 1
    at.toggle(key="ag_raw").set_value(True).run()
    _ok(at)
    assert len(at.dataframe) == 2
    raw = at.dataframe[1].value
    assert raw["Agent"].iloc[0] == TRUTH.hard_case_agent  # tops the raw ranking
    shift = review.rank_shift(agent_comparison(demo).table)
    info = [i.value for i in at.info if "change place" in i.value]
    assert info and f"{shift.n_changed} of {shift.n_agents} agents change place" in info[0]
    hard = raw[raw["Agent"] == TRUTH.hard_case_agent].iloc[0]
    assert hard["Change"] == f"down {hard['Adjusted #'] - 1}"


def test_changing_the_minimum_shows_but_does_not_judge(home: Path, demo) -> None:
    at = _open()
    at.number_input(key="ag_min").set_value(110).run()
    _ok(at)
    # Below the minimum agents are judged on their shrunken ratio (issue 13) unless that is off
    lib = agent_comparison(demo, min_expected=110).table
    assert _metric(at, "Agents judged") == f"{int(lib['judged'].sum())} of {lib.height}"
    lib = agent_comparison(demo, min_expected=110, shrink=False).table
    n_unjudged = int((~lib["judged"]).sum())
    assert 0 < n_unjudged < lib.height


def test_drilldown_through_the_agent_selectbox(home: Path, demo) -> None:
    at = _open()
    assert any("Choose an agent" in i.value or "Tick a row" in i.value for i in at.info)
    at.selectbox(key="ag_pick").set_value(TRUTH.outlier_agent).run()
    _ok(at)
    lib = agent_comparison(demo)
    mine = lib.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert _metric(at, "Escalated") == f"{mine['escalated']:,}"
    assert _metric(at, "Tickets") == f"{mine['tickets']:,}"
    assert _metric(at, "Expected") == f"{round(mine['expected']):,}"
    assert _metric(at, "Flagged?") == "Yes, high"
    assert any(f"Agent: {TRUTH.outlier_agent}" in m.value for m in at.markdown)
    # no category is tagged in a fresh store: the page says so and points to Drivers
    assert any("tag the categories on the Drivers page" in w.value for w in at.warning)
    # month-over-month stability, escalated tickets list, peers
    assert any(c.value.startswith("Flagged high in") for c in at.caption)
    tickets = next(d.value for d in at.dataframe if "Why it counts as escalated" in d.value)
    assert len(tickets) == mine["escalated"]
    # their escalated tickets can be picked for the next calibration set
    box = next(m for m in at.multiselect if m.label == "Tickets for the next calibration set")
    assert sorted(box.options) == sorted(tickets["Ticket"].astype(str))
    peers = next(d.value for d in at.dataframe if "Measure" in d.value)
    assert "Reassigned, tickets not escalated" in peers["Measure"].tolist()
    # and the hard-case agent is not flagged
    at.selectbox(key="ag_pick").set_value(TRUTH.hard_case_agent).run()
    _ok(at)
    assert _metric(at, "Flagged?") == "No"


def test_period_option_and_escalated_only_filter(home: Path) -> None:
    at = _open()
    at.selectbox(key="ag_period").set_value("Review period").run()
    _ok(at)
    p = at.session_state["_periods"].review
    assert any(f"period {p[0]} to {p[1]}" in c.value for c in at.caption)
    # fourteen days leave most agents below the minimum, and the page says how they are judged
    assert any("judged on the shrunken ratio" in c.value for c in at.caption)
    at.selectbox(key="ag_period").set_value("Sidebar's date range").run()
    at.toggle(key="f_escalated").set_value(True).run()
    _ok(at)
    assert any("“escalated only” is ignored here" in c.value for c in at.caption)
    assert _agent_rows(at)[TRUTH.outlier_agent]["Status"] == "Flagged high"


def test_tagged_categories_split_skill_from_policy(review_home: Path) -> None:
    from lib.store import default_store
    from ui import tags

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    store = default_store()
    for c in CATEGORIES:
        store.set_category_tag(c, "policy" if c in TRUTH.policy_categories else "skill")
    tags._category_tags.clear()
    at.switch_page(PAGE).run()
    at.selectbox(key="ag_pick").set_value(TRUTH.outlier_agent).run()
    _ok(at)
    split = [_plain(i.value) for i in at.info if "categories account for" in _plain(i.value)]
    assert split and split[0].startswith("Skill-based categories account for")
    assert "skill gap" in split[0]
    assert not any("Drivers page" in w.value for w in at.warning)


def test_sidebar_agent_filter_narrows_the_list_not_the_standard(home: Path, demo) -> None:
    at = _open()
    at.multiselect(key="f_agents").set_value([TRUTH.outlier_agent, TRUTH.hard_case_agent]).run()
    _ok(at)
    rows = _agent_rows(at)
    assert set(rows) == {TRUTH.outlier_agent, TRUTH.hard_case_agent}
    # expected counts come from everyone's tickets, exactly as without the filter
    lib = agent_comparison(demo).table
    for name, row in rows.items():
        mine = lib.filter(pl.col("agent") == name).row(0, named=True)
        # shown as a whole number of escalations (lib.plain_words: no fractional escalations)
        assert row["Expected"] == round(mine["expected"])
    assert rows[TRUTH.outlier_agent]["Status"] == "Flagged high"
    assert rows[TRUTH.hard_case_agent]["Status"] == "In line"
    assert _metric(at, "Agents judged") == "2 of 2"


def test_drilldown_under_the_final_owner_counts_the_final_owners_tickets(
    review_home: Path,
) -> None:
    """An export that fills first_agent and escalated_by, read with "Credit each ticket to:
    Final owner": the drill-down's categories hold the agent's row (they were empty, credited
    to the escalating agent again)."""
    import numpy as np

    from lib.store import Store

    rng = np.random.default_rng(11)
    n = 900
    escalated = rng.random(n) < 0.25
    t = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "created_at": [
                datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=int(h))
                for h in rng.integers(0, 24 * 80, n)
            ],
            "agent": rng.choice(["Tier2 Ava", "Tier2 Bo", "Cy"], n),
            "first_agent": rng.choice(["Cy", "Dee", "Eli"], n),
            "escalated_by": [
                str(w) if e else None
                for w, e in zip(rng.choice(["Cy", "Dee", "Eli"], n), escalated, strict=True)
            ],
            "escalated": escalated,
            "category": rng.choice(["Billing", "Login", "API"], n),
            "channel": rng.choice(["email", "chat"], n),
        }
    )
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset("Owners", t)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(PAGE).run()
    _ok(at)
    at.radio(key="ag_owner").set_value("final").run()
    _ok(at)
    lib = agent_comparison(t, owner="final", min_expected=0)
    mine = lib.table.filter(pl.col("agent") == "Tier2 Ava").row(0, named=True)
    at.selectbox(key="ag_pick").set_value("Tier2 Ava").run()
    _ok(at)
    assert _metric(at, "Tickets") == f"{mine['tickets']:,}"
    categories = next(d.value for d in at.dataframe if "Category" in d.value)
    assert int(categories["Tickets"].sum()) == mine["tickets"]
    assert int(categories["Escalated"].sum()) == mine["escalated"]
