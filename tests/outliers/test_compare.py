"""lib.outliers.compare: hand-computed examples, seeded helpdesks with known truth, judging."""

from __future__ import annotations

import math

import polars as pl
import pytest

from lib.outliers import agent_comparison, agent_outliers
from lib.schema import conform
from tests.outliers.helpers import frame
from tests.sim_helpdesk import naive_raw_flags, simulate_helpdesk

# --------------------------------------------------------------------------------------------
# Hand-computed examples (intercept-only model: expected = tickets * overall rate)
# --------------------------------------------------------------------------------------------

# 400 tickets, 50 escalated: p = 0.125 for every ticket, p(1-p) = 0.109375.

#: The textbook form (one fit on every ticket, hard minimum) that the hand examples check.
TEXTBOOK = {"leave_one_out": False, "shrink": False}


HAND = [("A", 100, 20), ("B", 100, 10), ("C", 50, 5), ("D", 50, 5), (None, 100, 10)]


def test_hand_example_expected_ratio_z():
    t = agent_comparison(
        frame(HAND), case_mix=(), overdispersion="none", reference="all", **TEXTBOOK
    ).table.sort("agent")
    rows = {r["agent"]: r for r in t.iter_rows(named=True)}
    assert set(rows) == {"A", "B", "C", "D"}  # unassigned tickets get no row
    # E = n * 0.125, V = n * 0.109375
    assert rows["A"]["expected"] == pytest.approx(12.5)
    assert rows["C"]["expected"] == pytest.approx(6.25)
    assert rows["A"]["variance"] == pytest.approx(10.9375)
    assert rows["A"]["ratio"] == pytest.approx(1.6)
    assert rows["B"]["ratio"] == pytest.approx(0.8)
    # z = (O - E) / sqrt(V): 7.5 / 3.307189 = 2.267787; -2.5 / 3.307189; -1.25 / 2.338536
    assert rows["A"]["z"] == pytest.approx(2.267787, abs=1e-6)
    assert rows["B"]["z"] == pytest.approx(-0.755929, abs=1e-6)
    assert rows["C"]["z"] == pytest.approx(-0.534522, abs=1e-6)
    assert rows["A"]["p_value"] == pytest.approx(0.023342, abs=1e-6)
    # BH, m = 4, sorted p: A 0.023342, B 0.449692, C = D 0.592980
    # raw m*p/rank: 0.093369, 0.899384, 0.790640, 0.592980 -> running min from the top
    assert rows["A"]["q_value"] == pytest.approx(0.093369, abs=1e-6)
    for agent in "BCD":
        assert rows[agent]["q_value"] == pytest.approx(0.592980, abs=1e-6)
    assert not any(r["flagged"] for r in rows.values())
    # exact Poisson 95% interval for O = 20 is (12.2165, 30.8884); divided by E = 12.5
    assert rows["A"]["ratio_low"] == pytest.approx(0.977322, abs=1e-5)
    assert rows["A"]["ratio_high"] == pytest.approx(2.471070, abs=1e-5)
    assert rows["A"]["raw_rank"] == 1 and rows["B"]["raw_rank"] == 2
    assert rows["A"]["adjusted_rank"] == 1 and rows["B"]["adjusted_rank"] == 4
    assert rows["C"]["adjusted_rank"] == 2
    assert rows["A"]["excess"] == pytest.approx(7.5)
    assert t.get_column("agent").to_list()[0] == "A"  # sorted by z


def test_hand_example_flags_at_a_looser_q_level():
    t = agent_outliers(
        frame(HAND), case_mix=(), overdispersion="none", reference="all", q_level=0.1
    )
    flagged = t.filter(pl.col("flagged"))
    assert flagged.get_column("agent").to_list() == ["A"]
    assert flagged.get_column("direction").to_list() == ["high"]
    assert t.filter(~pl.col("flagged")).get_column("direction").null_count() == 3


# 5 agents x 100 tickets, 60 escalated: p = 0.12, E = 12, V = 10.56 each.
# z = (O - 12) / sqrt(10.56); sum of z^2 = (49 + 4 + 4 + 9 + 64) / 10.56 = 12.310606


# --------------------------------------------------------------------------------------------
# Seeded helpdesks with known truth
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_raised_agents_flagged_and_hard_case_agents_not(seed):
    sim = simulate_helpdesk(seed)  # 30 agents, 36,000 tickets over six months
    table = agent_outliers(sim.tickets).join(sim.truth, on="agent")
    raised = table.filter(pl.col("kind") == "raised")
    assert raised.height == 3
    assert raised.get_column("flagged").all(), raised
    assert (raised.get_column("direction") == "high").all()
    quiet = raised.sort("weight").row(0, named=True)  # the low-volume raised agent
    assert quiet["expected"] < table.get_column("expected").median()
    assert quiet["flagged"]

    hard = table.filter(pl.col("kind") == "hard_case")
    overall = sim.tickets.get_column("escalated").mean()
    assert not hard.get_column("flagged").any(), hard
    # ... although they top the raw ranking at about twice the average rate,
    assert (hard.get_column("raw_rank") <= 3).all()
    assert (hard.get_column("raw_rate") > 1.5 * overall).all()
    # ... which a naive dashboard flags.
    naive = naive_raw_flags(sim.tickets).filter(
        pl.col("agent").is_in(hard.get_column("agent").to_list())
    )
    assert naive.get_column("flagged").all()
    # nobody else is flagged
    assert table.filter(pl.col("kind") == "normal").get_column("flagged").sum() <= 1


@pytest.mark.slow
def test_false_flags_without_outliers_stay_below_nominal_across_100_seeds():
    judged = flagged = helpdesks_with_flags = 0
    for seed in range(100):
        sim = simulate_helpdesk(1000 + seed, n_agents=25, n_tickets=8_000, n_raised=0)
        table = agent_outliers(sim.tickets)
        judged += int(table.get_column("judged").sum())
        n = int(table.get_column("flagged").sum())
        flagged += n
        helpdesks_with_flags += n > 0
    assert judged > 1500
    # BH at 5% under the complete null: P(any flag) <= 0.05, so the share of agents is far lower
    assert flagged / judged < 0.01
    assert helpdesks_with_flags <= 10


def test_in_control_reference_excludes_flagged_agents_from_the_standard():
    sim = simulate_helpdesk(3)
    c_all = agent_comparison(sim.tickets, reference="all")
    c_in = agent_comparison(sim.tickets)
    raised = set(sim.truth.filter(pl.col("kind") == "raised").get_column("agent"))
    assert set(c_in.excluded_from_model) == raised
    assert c_all.excluded_from_model == ()
    # the outliers no longer raise the bar: everyone's expected count falls a little
    e_all = dict(c_all.table.select("agent", "expected").iter_rows())
    e_in = dict(c_in.table.select("agent", "expected").iter_rows())
    assert all(e_in[a] < e_all[a] for a in e_all)
    left_out = c_in.table.filter(~pl.col("in_reference")).get_column("agent")
    assert set(left_out) == raised


# --------------------------------------------------------------------------------------------
# Judging rules and edge cases
# --------------------------------------------------------------------------------------------


def test_low_expected_agents_are_shown_but_not_judged():
    groups = [(f"a{i}", 200, 20) for i in range(6)] + [("tiny", 6, 6)]
    t = agent_outliers(frame(groups), case_mix=(), **TEXTBOOK)
    tiny = t.filter(pl.col("agent") == "tiny").row(0, named=True)
    assert tiny["expected"] < 5
    assert tiny["z"] > 5  # far off, yet
    assert not tiny["judged"] and not tiny["flagged"] and tiny["q_value"] is None
    assert t.filter(pl.col("agent") != "tiny").get_column("judged").all()
    loose = agent_outliers(frame(groups), case_mix=(), min_expected=0.5, **TEXTBOOK)
    assert loose.filter(pl.col("agent") == "tiny").get_column("flagged").item()


def test_agent_with_zero_escalations():
    t = agent_outliers(
        frame([("a", 100, 20), ("b", 100, 20), ("zero", 50, 0)]),
        case_mix=(),
        reference="all",
        **TEXTBOOK,
    )
    z = t.filter(pl.col("agent") == "zero").row(0, named=True)
    assert z["escalated"] == 0 and z["ratio"] == 0.0 and z["ratio_low"] == 0.0
    # exact upper limit for O = 0 is chi2(0.975, 2) / 2 = 3.688879; E = 50 * 40/250 = 8
    assert z["ratio_high"] == pytest.approx(3.688879 / 8, abs=1e-6)
    assert z["z"] < 0 and math.isfinite(z["z"])


def test_one_agent_only_does_not_crash_and_is_not_flagged():
    sim = simulate_helpdesk(2, n_agents=1, n_tickets=2000, n_raised=0, n_hard=0, unassigned=0)
    c = agent_comparison(sim.tickets)
    assert c.table.height == 1
    assert not c.table.get_column("comparable").item()  # nobody else to compare with
    row = c.table.row(0, named=True)
    assert not row["flagged"] and row["ratio"] == pytest.approx(1.0)
    assert c.phi is None and c.tau2 is None
    assert "Too few" in c.overdispersion_summary()


def test_no_escalations_at_all_and_empty_input():
    t = agent_outliers(frame([("a", 50, 0), ("b", 50, 0)]))
    assert t.get_column("expected").to_list() == [0.0, 0.0]
    assert t.get_column("z").null_count() == 2 and not t.get_column("flagged").any()
    empty = agent_comparison(conform(pl.DataFrame({"ticket_id": []})))
    assert empty.table.height == 0 and "agent" in empty.table.columns
    assert empty.funnel.height == 0 and empty.n_tickets == 0
