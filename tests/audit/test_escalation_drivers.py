"""Driver rankings, the Pareto and Tier 1 resolution, worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from lib import audit as m
from tests.audit.fixture_tickets import at


def test_drivers_on_fixture(tickets):
    d = m.drivers(tickets, rank_by="impact_handling")
    assert d.height == 1  # only sso has escalations
    sso = d.row(0, named=True)
    # escalated & solved: 2 (24 h), 5 (48 h), 6 (24 h) -> mean 32 h; other solved: 3 (4 h)
    assert (sso["handling_hours_escalated"], sso["handling_n_escalated"]) == (32.0, 3)
    assert (sso["handling_hours_other"], sso["handling_n_other"]) == (4.0, 1)
    assert sso["extra_handling_hours"] == 28.0
    assert sso["impact_handling"] == 5 * 28.0
    # CSAT escalated 0.0, 0.0, 0.5 -> 1/6; other 1.0 -> gap 5/6, impact 5 * 5/6
    assert sso["csat_escalated"] == pytest.approx(1 / 6)
    assert sso["csat_gap"] == pytest.approx(5 / 6)
    assert sso["impact_csat"] == pytest.approx(25 / 6)
    assert (sso["tickets"], sso["escalations"], sso["share_of_escalations"]) == (6, 5, 1.0)


def test_drivers_rankings_differ():
    c = at(1)
    h = timedelta(hours=1)
    # A: 4 escalations (solved in 2 h) vs others 1 h, CSAT gap 0.1 -> handling 4*1 = 4, csat 0.4
    # B: 2 escalations solved in 30 h vs others 2 h -> handling 2*28 = 56, CSAT gap 0.5 -> 1.0
    # C: 1 escalation, CSAT gap 1.0 -> 1.0 ... ties with B on CSAT, B has more escalations
    # D: 3 escalations, nobody non-escalated -> impacts null (rank last)
    rows = (
        [("A", True, 2, 0.8)] * 4 + [("A", False, 1, 0.9)] * 2
        + [("B", True, 30, 0.5)] * 2 + [("B", False, 2, 1.0)]
        + [("C", True, 3, 0.0), ("C", False, 3, 1.0)]
        + [("D", True, 5, None)] * 3
    )  # fmt: skip
    t = pl.DataFrame(
        {
            "created_at": [c] * len(rows),
            "solved_at": [c + r[2] * h for r in rows],
            "category": [r[0] for r in rows],
            "escalated": [r[1] for r in rows],
            "satisfaction": [r[3] for r in rows],
        }
    )
    freq = m.drivers(t)
    assert freq.get_column("category").to_list() == ["A", "D", "B", "C"]
    assert freq.get_column("rank").to_list() == [1, 2, 3, 4]
    handling = m.drivers(t, rank_by="impact_handling")
    assert handling.get_column("category").to_list() == ["B", "A", "C", "D"]
    assert handling.get_column("impact_handling").to_list() == pytest.approx([56.0, 4.0, 0.0, None])
    csat = m.drivers(t, rank_by="impact_csat", top=3)
    assert csat.get_column("category").to_list() == ["B", "C", "A"]
    assert csat.get_column("impact_csat").to_list() == pytest.approx([1.0, 1.0, 0.4])
    assert set(m.IMPACT_EXPLANATIONS) == {"frequency", "impact_handling", "impact_csat"}
    with pytest.raises(m.MetricsError):
        m.drivers(t, rank_by="cost")


def test_pareto_hand_checked():
    # escalations: x 5, y 3, z 1, w 1 (+ w has a non-escalated ticket, v none at all)
    cats = ["x"] * 5 + ["y"] * 3 + ["z", "w", "w", "v"]
    esc = [True] * 8 + [True, True, False, False]
    p = m.pareto(pl.DataFrame({"category": cats, "escalated": esc}))
    assert p.get_column("category").to_list() == ["x", "y", "w", "z"]
    assert p.get_column("share").to_list() == pytest.approx([0.5, 0.3, 0.1, 0.1])
    assert p.get_column("cumulative_share").to_list() == pytest.approx([0.5, 0.8, 0.9, 1.0])
    assert p.get_column("all_escalations").unique().to_list() == [10]


def test_tier1_resolution(tickets):
    t1 = m.tier1_resolution(tickets, target=0.7)
    # solved: 1-7. sso 2, 3, 5, 6 -> only 3 without escalation: 1/4; billing 1, 4, 7 -> 3/3
    assert t1.select("category", "solved", "resolved_tier1", "rate", "meets_target").rows() == [
        ("sso", 4, 1, 0.25, False),
        ("billing", 3, 3, 1.0, True),
    ]
    assert t1.get_column("gap").to_list() == pytest.approx([-0.45, 0.3])
    assert m.tier1_resolution(tickets, target=0.2).get_column("meets_target").to_list() == [
        True,
        True,
    ]
    with pytest.raises(m.MetricsError):
        m.tier1_resolution(tickets, target=70)
