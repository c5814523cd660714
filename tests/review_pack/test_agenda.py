"""lib.review_pack.agenda: the agenda built from the seeded demo helpdesk.

The agenda is built from the seeded demo helpdesk, whose planted effects are known
(lib.demo.DemoTruth): the outlier agent must be on it (when lib.outliers is installed), the
hard-case agent must not, and the top driver must be the category with most escalations in the
review period, counted here directly.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from lib import review_pack as rp
from lib.demo import demo_truth
from lib.periods import in_dates
from lib.store import Store
from tests.review_pack.helpers import HAS_OUTLIERS, _review_slice, _store_with_history


def test_headline_matches_hand_count(tickets, periods, facts) -> None:
    part = _review_slice(tickets, periods)
    n, k = part.height, int(part.get_column("escalated").sum())
    prev = tickets.filter(in_dates(*periods.previous))
    kp, np_ = int(prev.get_column("escalated").sum()), prev.height
    agenda = rp.build_agenda(facts)
    head = agenda[0]
    assert (head.source, head.ref) == ("free", rp.HEADLINE_REF)
    assert head.title.startswith(f"Escalation rate {100 * k / n:.1f}% ({k:,} of {n:,}) vs ")
    assert f"{100 * kp / np_:.1f}% previous period" in head.title
    assert facts.periods.previous == (
        periods.review[0] - dt.timedelta(days=14),
        periods.review[0] - dt.timedelta(days=1),
    )


def test_top_driver_is_the_category_with_most_escalations(tickets, periods, facts) -> None:
    part = _review_slice(tickets, periods).filter(pl.col("escalated"))
    counts = part.group_by("category").len().sort(["len", "category"], descending=[True, False])
    top, n = counts.row(0)
    prev = tickets.filter(in_dates(*periods.previous) & pl.col("escalated"))
    n_prev = prev.filter(pl.col("category") == top).height
    drivers = [e for e in rp.build_agenda(facts) if e.source == "driver"]
    assert drivers[0].ref == top
    assert drivers[0].title == (
        f"Driver: {top}, {n:,} escalations in the review period "
        f"({n - n_prev:+,} vs the previous period)"
    )
    # the three biggest by escalations come first, in order
    assert [d.ref for d in drivers[:3]] == counts.get_column("category").head(3).to_list()


def test_rising_category_beyond_the_top_three_is_added(facts) -> None:
    rest = facts.drivers.slice(3).filter(pl.col("significant") & (pl.col("change") > 0))
    refs = [e.ref for e in rp.build_agenda(facts) if e.source == "driver"]
    for cat in rest.get_column("category").to_list():
        assert cat in refs[3:]


@pytest.mark.skipif(not HAS_OUTLIERS, reason="lib.outliers is not installed")
def test_planted_outlier_agent_is_on_the_agenda_and_the_hard_case_agent_is_not(facts) -> None:
    truth = demo_truth()
    agents = [e.ref for e in rp.build_agenda(facts) if e.source == "agent"]
    assert truth.outlier_agent in agents
    assert truth.hard_case_agent not in agents
    entry = next(e for e in rp.build_agenda(facts) if e.ref == truth.outlier_agent)
    row = facts.agents.table.filter(pl.col("agent") == truth.outlier_agent).row(0, named=True)
    assert f"{row['escalated']:,} escalations of {row['tickets']:,} tickets" in entry.detail
    assert row["ratio"] > 1.5


def test_carried_over_items_overdue_first_then_by_due_date() -> None:
    s, m1 = _store_with_history()
    entries = [e for e in rp.build_agenda(None, open_actions=s.open_actions_before(m1))]
    assert [e.source for e in entries] == ["action"] * 4
    titles = [e.title.split(" (")[0] for e in entries]
    assert titles == [
        "Carried over: Overdue A",
        "Carried over: Overdue B",
        "Carried over: Due later",
        "Carried over: No due date",
    ]
    assert entries[0].title.endswith("overdue)") and not entries[2].title.endswith("overdue)")
    # the order is enforced even if the frame comes unsorted
    shuffled = s.open_actions_before(m1).reverse()
    again = [e.title for e in rp.build_agenda(None, open_actions=shuffled)]
    assert again == [e.title for e in entries]


def test_alerts_on_the_agenda_keep_their_key() -> None:
    s = Store("sqlite://")
    alert = {"topic": "SSO", "metric": "volume", "kind": "level_shift",
             "start": dt.date(2026, 11, 2), "end": dt.date(2026, 11, 9),
             "observed": 30.0, "expected": 12.5}  # fmt: skip
    key = s.set_alert_state(alert, "agenda", note="<b>new IdP</b>")
    (entry,) = rp.build_agenda(None, alerts=s.agenda_alerts())
    assert (entry.source, entry.ref) == ("alert", key)
    assert entry.title == "Alert: SSO volume level shift (2026-11-02 to 2026-11-09)"
    assert "observed 30.0 vs expected 12.5" in entry.detail and "<b>new IdP</b>" in entry.detail
    assert rp.default_link("alert", key) == ("alert", key)
