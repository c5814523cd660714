"""AppTest: the audit pages (overview, breakdowns, drivers, routing) on the bundled demo data.

Every number checked here is recomputed independently with plain Polars from the demo export
(the same file the app bootstraps from), not with lib.audit.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib.audit import IMPACT_EXPLANATIONS
from lib.ingest import load_export
from tests.views.data_tabs import open_routing_tab
from ui import session, sidebar

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo_helpdesk.csv.gz"
OPEN = ("new", "open", "pending", "on_hold")


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_export(DEMO).tickets


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at: AppTest, label: str, nth: int = 0) -> str:
    return [m for m in at.metric if m.label == label][nth].value


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _review(t: pl.DataFrame, days: int = 14) -> pl.DataFrame:
    """Tickets of the default review period: the last 14 UTC days of the data."""
    end = t.get_column("created_at").max().date()
    start = datetime.combine(end - timedelta(days=days - 1), datetime.min.time(), UTC)
    return t.filter(pl.col("created_at") >= start)


def _mature(t: pl.DataFrame, days: int = 7, *, of: pl.DataFrame | None = None) -> pl.DataFrame:
    """Tickets of ``t`` at least ``days`` old at the export (the newest timestamp of ``of``):
    the ones the Overview counts (the demo export has no escalation times: 7 days)."""
    return t.filter(
        pl.col("created_at") <= _export_time(t if of is None else of) - timedelta(days=days)
    )


def _export_time(t: pl.DataFrame) -> datetime:
    """The newest timestamp of the export, counted by hand."""
    cols = ("created_at", "updated_at", "solved_at", "escalated_at")
    return max(v for c in cols if (v := t.get_column(c).max()) is not None)


def _table(at: AppTest, *columns: str):
    """The first table showing all these column headers (as a pandas frame)."""
    for d in at.dataframe:
        frame = d.value
        if set(columns) <= set(frame.columns):
            return frame
    raise AssertionError(f"no table with columns {columns}")


# --------------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------------


def test_overview_headline_numbers_match_a_hand_count(review_home: Path, demo) -> None:
    at = _app()
    _ok(at)
    # the demo export has no escalation times: the 7-day default horizon counts the tickets at
    # least 7 days old at the export (its newest timestamp), as escalated at the export
    review = _mature(_review(demo), of=demo)
    n, k = review.height, int(review.get_column("escalated").sum())
    assert _int(_metric(at, "Tickets")) == n
    assert _int(_metric(at, "Escalations")) == k
    assert _metric(at, "Escalation rate") == f"{100 * k / n:.1f}%"
    # the narrative names the rate with its counts; the verdicts are spelled out
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # Markdown escapes
    assert f"({k} of {n} tickets at least 7 days old; " in text and "still maturing" in text
    assert "Review period vs previous period:" in text
    frm = review.get_column("first_response_minutes").median()
    assert _metric(at, "First response") == f"{frm:.0f} min"
    reopen = (review.get_column("reopens") > 0).sum() / review.get_column("reopens").count()
    assert _metric(at, "Reopen rate") == f"{100 * reopen:.1f}%"
    sat = review.group_by("escalated").agg(pl.col("satisfaction").mean())
    esc, other = (sat.filter(pl.col("escalated") == v).item(0, 1) for v in (True, False))
    assert _metric(at, "Satisfaction") == f"{100 * esc:.0f}% vs {100 * other:.0f}%"
    # side by side table: one row per measure, a column per period
    side = at.dataframe[0].value
    assert side.columns[0] == "Measure"
    assert side.shape == (10, 4)
    assert side.iloc[0, 1] == f"{n:,}"
    # quarter over quarter covers every ticket
    quarters = _table(at, "Quarter")
    assert quarters["Tickets"].sum() + quarters["Still maturing"].sum() == demo.height


def test_overview_event_form_adds_a_marker(review_home: Path) -> None:
    at = _app()
    at.text_input(key="ev_title").input("New refund policy")
    at.selectbox(key="ev_kind").select("policy change")
    at.button[[b.label for b in at.button].index("Add event")].click().run()
    _ok(at)
    events = session.store().list_events()
    assert events.get_column("title").to_list() == ["New refund policy"]
    assert any("Added" in s.value for s in at.success)


# --------------------------------------------------------------------------------------------
# Sidebar filters: every page agrees with a hand count
# --------------------------------------------------------------------------------------------

FILTERS = [
    ("f_channels", "channel", "chat"),
    ("f_categories", "category", "Login & SSO"),
    ("f_agents", "agent", None),  # the busiest agent
    ("f_groups", "group", "Billing"),
    ("f_priorities", "priority", "urgent"),
    ("f_tiers", "customer_tier", None),  # the first tier listed
]


def test_each_dimension_filter_changes_every_page_consistently(review_home: Path, demo) -> None:
    at = _app()
    review = _review(demo)
    for key, column, value in FILTERS:
        if value is None:
            value = at.multiselect(key=key).options[0]
        at.multiselect(key=key).set_value([value]).run()
        _ok(at)
        part = review.filter(pl.col(column) == value)
        assert part.height < review.height, key
        counted = _mature(part, of=demo)  # the Overview counts tickets 7 days old
        assert _int(_metric(at, "Tickets")) == counted.height, key
        assert _int(_metric(at, "Escalations")) == int(counted["escalated"].sum()), key
        at.switch_page("views/breakdowns.py").run()
        _ok(at)
        table = at.dataframe[0].value  # the same horizon: the same tickets counted
        assert table["Tickets"].sum() == counted.height, key
        assert table["Escalations"].sum() == int(counted["escalated"].sum()), key
        assert table["Still maturing"].sum() == part.height - counted.height, key
        at.switch_page("views/overview.py").run()
        at.multiselect(key=key).set_value([]).run()
    assert _int(_metric(at, "Tickets")) == _mature(review, of=demo).height


def test_escalated_only_and_date_preset(review_home: Path, demo) -> None:
    at = _app()
    at.toggle(key="f_escalated").set_value(True).run()
    _ok(at)
    assert _metric(at, "Tickets") == _metric(at, "Escalations")
    assert _metric(at, "Escalation rate") == "100.0%"
    at.toggle(key="f_escalated").set_value(False).run()

    at.switch_page("views/drivers.py").run()
    # preset "All"; the escalations of tickets at least 7 days old (the horizon)
    assert _int(_metric(at, "Escalations")) == int(_mature(demo)["escalated"].sum())
    at.selectbox(key="f_preset").select("Last 30 days").run()
    _ok(at)
    last30 = _mature(_review(demo, days=30), of=demo)
    assert _int(_metric(at, "Escalations")) == int(last30["escalated"].sum())
    at.switch_page("views/routing.py").run()
    _ok(at)

    # The headline cards are the review period (last 14 days) against the previous 14 days.
    def share(t: pl.DataFrame) -> float:
        known = t.filter(pl.col("reassignments").is_not_null())
        return (known["reassignments"] > 0).sum() / known.height

    review, last28 = _review(demo), _review(demo, days=28)
    previous = last28.filter(~pl.col("ticket_id").is_in(review["ticket_id"].implode()))
    assert _metric(at, "Reassigned") == f"{100 * share(review):.1f}%"
    card = next(m for m in at.metric if m.label == "Reassigned")
    assert card.delta.startswith(f"{100 * (share(review) - share(previous)):+.1f} pts vs previous")
    assert any("against the previous period" in c.value for c in at.caption)


# --------------------------------------------------------------------------------------------
# Breakdowns
# --------------------------------------------------------------------------------------------


def test_breakdowns_table_and_drilldown(review_home: Path, demo) -> None:
    at = _app()
    at.switch_page("views/breakdowns.py").run()
    _ok(at)
    review = _review(demo)
    # the demo has no escalation times: the 7-day horizon counts tickets at least 7 days old,
    # escalated as exported; the younger ones are "still maturing", counted per row
    cut = _export_time(demo) - timedelta(days=7)
    table = at.dataframe[0].value
    hand = review.group_by("category").agg(
        (pl.col("created_at") <= cut).sum().alias("n"),
        (pl.col("escalated") & (pl.col("created_at") <= cut)).sum().alias("k"),
        (pl.col("created_at") > cut).sum().alias("young"),
    )
    by_cat = {r["category"]: (r["n"], r["k"], r["young"]) for r in hand.rows(named=True)}
    for _, row in table.iterrows():
        got = (row["Tickets"], row["Escalations"], row["Still maturing"])
        assert got == by_cat[row["Category"]]
    assert table["Still maturing"].sum() > 0
    # the rows come in the order the bars are drawn: by rate (the default), or by count
    assert list(table["Rate %"]) == sorted(table["Rate %"], reverse=True)
    assert table["Share of escalations %"].sum() == pytest.approx(100, abs=0.1)
    at.segmented_control(key="bd_measure").set_value("count").run()
    _ok(at)
    by_count = at.dataframe[0].value
    assert list(by_count["Escalations"]) == sorted(by_count["Escalations"], reverse=True)
    at.segmented_control(key="bd_measure").set_value("rate").run()
    table = at.dataframe[0].value

    # click the third row: the drill-down lists exactly that row's tickets
    key = at.dataframe[0].key
    at.session_state[key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    _ok(at)
    chosen = table.iloc[2]
    assert f"Category: {chosen['Category']}" in [h.value.replace("\\", "") for h in at.subheader]
    assert _int(_metric(at, "Tickets", 1)) == chosen["Tickets"]
    card = [m for m in at.metric if m.label == "Tickets"][1]
    assert card.proto.delta == f"+{chosen['Still maturing']:,} still maturing"
    lists = [d.value for d in at.dataframe if "Why it counts as escalated" in d.value.columns]
    tickets, young = lists  # the counted tickets, then the ones still maturing
    assert len(tickets) == chosen["Tickets"]
    assert tickets["Escalated"].sum() == chosen["Escalations"]
    part = review.filter(pl.col("category") == chosen["Category"])
    assert set(tickets["Ticket"]) == set(part.filter(pl.col("created_at") <= cut)["ticket_id"])
    young_part = part.filter(pl.col("created_at") > cut)
    assert set(young["Ticket"]) == set(young_part["ticket_id"])
    # solved or closed young tickets are still maturing too (no escalation times)
    assert young_part.filter(pl.col("status").is_in(["solved", "closed"])).height > 0
    assert any(f"{len(young):,} tickets created after" in c.value for c in at.caption)


def test_breakdowns_by_other_dimensions_and_the_sidebar_range(review_home: Path, demo) -> None:
    at = _app()
    at.switch_page("views/breakdowns.py").run()
    review = _mature(_review(demo), of=demo)  # the 7-day horizon's counted tickets
    for dimension, column in (
        ("channel", "Channel"),
        ("agent", "Agent"),
        ("customer_tier", "Customer tier"),
    ):
        at.segmented_control(key="bd_by").set_value(dimension).run()
        _ok(at)
        table = at.dataframe[0].value
        assert table["Tickets"].sum() == review.height
        assert column in table.columns and "Tag" not in table.columns
        hand = review.group_by(dimension).agg(pl.col("escalated").sum()).sort(dimension)
        got = table.set_index(column)["Escalations"]
        for value, k in hand.rows():
            assert got[value if value is not None else "(none)"] == k
    at.segmented_control(key="bd_period").set_value("range").run()
    _ok(at)
    table = at.dataframe[0].value  # sidebar range is "All"
    assert table["Tickets"].sum() == _mature(demo).height
    assert table["Tickets"].sum() + table["Still maturing"].sum() == demo.height


# --------------------------------------------------------------------------------------------
# Drivers: tags and knowledge coverage; the Tier 1 target on Routing
# --------------------------------------------------------------------------------------------


def test_tagging_a_category_feeds_the_policy_share(review_home: Path, demo) -> None:
    at = _app()
    assert _metric(at, "Policy-based share") == "–"  # nothing tagged yet
    at.switch_page("views/drivers.py").run()
    _ok(at)
    at.selectbox(key="tag_category").select("Refunds & credits").run()
    radio = next(r for r in at.radio if r.key.startswith("tag_kind_"))
    radio.set_value("policy")
    note = next(t for t in at.text_input if t.key.startswith("tag_note_"))
    note.input("Refunds need a manager's approval")
    at.button[[b.label for b in at.button].index("Save tag")].click().run()
    _ok(at)
    tags = session.store().get_category_tags()
    assert tags.select("category", "kind", "note").rows() == [
        ("Refunds & credits", "policy", "Refunds need a manager's approval")
    ]
    tag_table = _table(at, "Tagged by")
    assert tag_table.set_index("Category").loc["Refunds & credits", "Tag"] == "policy"

    review = _mature(_review(demo), of=demo)
    esc = review.filter(pl.col("escalated"))
    share = esc.filter(pl.col("category") == "Refunds & credits").height / esc.height
    at.switch_page("views/overview.py").run()
    _ok(at)
    assert _metric(at, "Policy-based share") == f"{100 * share:.1f}%"
    # the tag shows wherever categories are listed
    at.switch_page("views/breakdowns.py").run()
    table = at.dataframe[0].value.set_index("Category")
    assert table.loc["Refunds & credits", "Tag"] == "policy"
    assert table.loc["How-to", "Tag"] == "–"


def test_drivers_rankings_target_and_coverage(review_home: Path, demo) -> None:
    at = _app()
    at.switch_page("views/drivers.py").run()
    _ok(at)
    drivers = _table(at, "Rank")
    # escalations of the tickets at least 7 days old at the export (the horizon)
    hand = _mature(demo).group_by("category").agg(pl.col("escalated").sum()).sort("escalated")
    assert drivers["Escalations"].tolist() == hand["escalated"].reverse().to_list()
    for rank in ("impact_handling", "impact_csat"):
        at.segmented_control(key="dr_rank").set_value(rank).run()
        _ok(at)
        assert IMPACT_EXPLANATIONS[rank] in [i.value for i in at.info]
        assert _table(at, "Rank")["Rank"].tolist() == list(range(1, 11))
    at.slider(key="dr_top").set_value(5).run()
    assert len(_table(at, "Rank")) == 5

    solved = demo.filter(
        pl.col("status").is_in(["solved", "closed"]) | pl.col("solved_at").is_not_null()
    )
    t1 = solved.group_by("category").agg((~pl.col("escalated")).mean().alias("r"))
    below = {c for c, r in t1.rows() if r < 0.9}
    # Tier 1 resolution against the target lives on Routing & policy.
    assert not [n for n in at.number_input if n.key == "dr_target"]
    at.switch_page("views/routing.py").run()
    open_routing_tab(at, "Tier 1 resolution")
    at.number_input(key="rt_target").set_value(90).run()
    _ok(at)
    tier1 = _table(at, "Meets target")
    assert set(tier1.loc[~tier1["Meets target"], "Category"]) == below
    at.switch_page("views/drivers.py").run()

    at.selectbox(key="kc_category").select("Bug report").run()
    i = at.selectbox(key="kc_category").options.index("Bug report")
    at.checkbox(key=f"kc_exists_{i}").check()
    at.text_input(key=f"kc_link_{i}").input("https://help.example.com/bugs")
    at.button[[b.label for b in at.button].index("Save coverage")].click().run()
    _ok(at)
    cov = session.store().get_knowledge_coverage()
    assert cov.select("category", "article_exists", "accurate", "link").rows() == [
        ("Bug report", True, False, "https://help.example.com/bugs")
    ]
    shown = _table(at, "Article exists").set_index("Category")
    assert shown.loc["Bug report", "Link"] == "https://help.example.com/bugs"


def test_viewers_get_no_editing_controls(review_home: Path, monkeypatch) -> None:
    monkeypatch.setattr(session, "can_edit", lambda: False)
    at = _app()
    _ok(at)
    assert not [b for b in at.button if b.label == "Add event"]
    at.switch_page("views/drivers.py").run()
    _ok(at)
    labels = [b.label for b in at.button]
    assert "Save tag" not in labels and "Save coverage" not in labels
    assert any("read-only" in c.value for c in at.caption)


# --------------------------------------------------------------------------------------------
# Routing & policy
# --------------------------------------------------------------------------------------------


def test_routing_numbers_and_controls(review_home: Path, demo) -> None:
    at = _app()
    at.switch_page("views/routing.py").run()
    _ok(at)
    now = max(demo["updated_at"].max(), demo["created_at"].max())
    last = pl.coalesce("updated_at", "created_at")
    open_t = demo.filter(pl.col("status").is_in(OPEN))
    idle48 = open_t.filter(last < now - timedelta(hours=48))
    assert _int(_metric(at, "Idle > 48 h")) == idle48.height
    open_routing_tab(at, "Idle tickets")
    assert len(_table(at, "Idle (h)")) == idle48.height
    at.number_input(key="rt_idle_hours").set_value(120).run()
    _ok(at)
    idle120 = open_t.filter(last < now - timedelta(hours=120))
    assert _int(_metric(at, "Idle > 120 h")) == idle120.height

    open_routing_tab(at, "Repeat contacts and tiers")
    tiers = _table(at, "Tier", "Share of escalations %").set_index("Tier")
    hand = demo.group_by("customer_tier").agg(pl.len(), pl.col("escalated").sum())
    for tier, n, k in hand.rows():
        assert (tiers.loc[tier, "Tickets"], tiers.loc[tier, "Escalations"]) == (n, k)

    open_routing_tab(at, "Before / after")
    at.selectbox(key="rt_ba_cat").select("Refunds & credits").run()
    _ok(at)
    when = at.date_input(key="rt_ba_date").value
    part = demo.filter(pl.col("category") == "Refunds & credits")
    cut = datetime.combine(when, datetime.min.time(), UTC)
    after = part.filter(pl.col("created_at") >= cut)
    assert _metric(at, "After") == f"{100 * after['escalated'].mean():.1f}%"
    open_routing_tab(at, "Reassignments")
    at.segmented_control(key="rt_by").set_value("channel").run()
    _ok(at)
    assert len(_table(at, "First assignment correct %")) == demo["channel"].n_unique()
    # the bars and their table in the order of what the bars draw: the share, or the number
    shares = _table(at, "First assignment correct %", "Reassigned %")["Reassigned %"].tolist()
    assert shares == sorted(shares, reverse=True)
    at.segmented_control(key="rt_measure").set_value("count").run()
    _ok(at)
    counts = _table(at, "First assignment correct %", "Reassigned")["Reassigned"].tolist()
    assert counts == sorted(counts, reverse=True)


def test_time_to_escalate_on_an_export_with_escalation_times(review_home: Path) -> None:
    from lib.demo import demo_tickets

    tickets = demo_tickets(days=60, tickets_per_day=20)
    session.store().register_dataset("With escalation times", tickets)
    at = _app()
    at.switch_page("views/routing.py").run()
    _ok(at)
    open_routing_tab(at, "Response and escalation time")
    shown = _table(at, "Category", "Median (h)").set_index("Category")
    hours = (pl.col("escalated_at") - pl.col("created_at")).dt.total_seconds() / 3600
    hand = (
        tickets.filter(pl.col("escalated") & (pl.col("escalated_at") >= pl.col("created_at")))
        .group_by("category")
        .agg(hours.median().alias("median"), pl.len().alias("n"))
    )
    for category, median, n in hand.rows():
        assert shown.loc[category, "With a time"] == n
        assert shown.loc[category, "Median (h)"] == pytest.approx(median, abs=0.01)
    at.switch_page("views/overview.py").run()
    _ok(at)
    # the Overview counts escalations within the suggested horizon: the fewest whole days
    # covering 90% of the escalation times (1 to 28), among tickets that old at the export
    delays = tickets.filter(pl.col("escalated")).select(hours / 24).to_series().sort()
    days = min(max(math.ceil(delays[math.ceil(0.9 * delays.len()) - 1]), 1), 28)
    assert at.number_input(key="p_horizon").value == days
    review = _mature(_review(tickets), days, of=tickets)
    review = review.filter(pl.col("escalated") & (hours <= 24 * days))
    median = review.select(hours.median()).item()
    assert _metric(at, "Time to escalate") == f"{median:.1f} h"


EMPTY = {
    "f_categories": ["Account deletion"],
    "f_priorities": ["low"],
    "f_channels": ["messaging"],
    "f_tiers": ["Free"],
}


def test_a_filter_that_matches_nothing_shows_empty_states(review_home: Path, demo) -> None:
    part = demo
    for key, values in EMPTY.items():
        column = sidebar.FILTER_FIELDS[key][1]
        part = part.filter(pl.col(column).is_in(values))
    assert part.height == 0  # the combination really is empty
    at = _app()
    for key, values in EMPTY.items():
        at.multiselect(key=key).set_value(values)
    at.run()
    for page in ("views/overview.py", "views/breakdowns.py", "views/drivers.py",
                 "views/routing.py"):  # fmt: skip
        at.switch_page(page).run()
        _ok(at)
        infos = [i.value.lower() for i in at.info]
        assert any("filter" in i or "widen" in i for i in infos), (page, infos)


def test_routing_runs_only_the_open_tab_and_keeps_its_controls(review_home: Path) -> None:
    at = _app()
    at.switch_page("views/routing.py").run()
    _ok(at)
    # the first tab's body is drawn, the others' are not
    assert [s.key for s in at.segmented_control if s.key == "rt_by"] == ["rt_by"]
    assert not [n for n in at.number_input if n.key in ("rt_target", "rt_idle_hours")]
    open_routing_tab(at, "Tier 1 resolution")
    assert not [s for s in at.segmented_control if s.key == "rt_by"]
    at.number_input(key="rt_target").set_value(85).run()
    _ok(at)
    assert any("against the 85% target" in c.value for c in at.caption)
    open_routing_tab(at, "Idle tickets")
    assert not [n for n in at.number_input if n.key == "rt_target"]
    open_routing_tab(at, "Tier 1 resolution")
    # the target set before the visit to another tab is still there
    assert at.number_input(key="rt_target").value == 85
    assert any("against the 85% target" in c.value for c in at.caption)
