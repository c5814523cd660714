"""Tests for lib.outliers: hand-computed numbers, references, seeded helpdesks with known truth."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from lib.errors import ReviewError
from lib.outliers import (
    NONE_LEVEL,
    OTHER_LEVEL,
    OutlierError,
    agent_category_breakdown,
    agent_comparison,
    agent_expected_trend,
    agent_outliers,
    benjamini_hochberg,
    fit_case_mix,
    flag_history,
    funnel_limits,
    winsorise,
)
from lib.schema import conform
from tests.sim_helpdesk import naive_raw_flags, simulate_helpdesk


def frame(groups: list[tuple[str | None, int, int]], **extra: list) -> pl.DataFrame:
    """Tickets from (agent, tickets, escalated) groups; escalated ones first in each group."""
    agents, escalated = [], []
    for agent, n, o in groups:
        agents += [agent] * n
        escalated += [True] * o + [False] * (n - o)
    return pl.DataFrame({"agent": agents, "escalated": escalated, **extra})


# --------------------------------------------------------------------------------------------
# Hand-computed examples (intercept-only model: expected = tickets * overall rate)
# --------------------------------------------------------------------------------------------

# 400 tickets, 50 escalated: p = 0.125 for every ticket, p(1-p) = 0.109375.
HAND = [("A", 100, 20), ("B", 100, 10), ("C", 50, 5), ("D", 50, 5), (None, 100, 10)]


def test_hand_example_expected_ratio_z():
    t = agent_comparison(
        frame(HAND), case_mix=(), overdispersion="none", reference="all"
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
DISPERSED = [("a", 100, 5), ("b", 100, 10), ("c", 100, 10), ("d", 100, 15), ("e", 100, 20)]


def test_hand_example_overdispersion_estimates():
    c = agent_comparison(
        frame(DISPERSED), case_mix=(), winsor=0.0, reference="all", overdispersion="none"
    )
    assert c.phi == pytest.approx(12.310606 / 5, abs=1e-6)
    # chi-square on 4 df: sf(x) = exp(-x/2) (1 + x/2)
    x = 12.310606
    assert c.phi_p_value == pytest.approx(math.exp(-x / 2) * (1 + x / 2), abs=1e-6)
    # DerSimonian-Laird: w = E^2 / V = 13.636364 each; sum w - sum w^2 / sum w = 4 * 13.636364
    assert c.tau2 == pytest.approx((x - 4) / (4 * 144 / 10.56), abs=1e-6)
    assert c.tau2 == pytest.approx(0.152361, abs=1e-6)
    assert c.phi_applied == 1.0 and c.tau2_applied == 0.0  # "none" reports but does not apply


def test_hand_example_random_effects_and_multiplicative_z():
    tickets = frame(DISPERSED)
    re = agent_comparison(tickets, case_mix=(), winsor=0.0, reference="all").table
    e = re.filter(pl.col("agent") == "e").row(0, named=True)
    # y = 20/12, s^2 = V/E^2 = 10.56/144, z = (y - 1) / sqrt(s^2 + tau2)
    assert e["z"] == pytest.approx((20 / 12 - 1) / math.sqrt(10.56 / 144 + 0.1523611), abs=1e-5)
    assert e["z"] == pytest.approx(1.403293, abs=1e-5)
    assert e["z_unadjusted"] == pytest.approx(8 / math.sqrt(10.56), abs=1e-9)
    mult = agent_comparison(
        tickets, case_mix=(), winsor=0.0, reference="all", overdispersion="winsorised"
    ).table
    e = mult.filter(pl.col("agent") == "e").row(0, named=True)
    assert e["z"] == pytest.approx(8 / math.sqrt(10.56) / math.sqrt(2.4621212), abs=1e-5)


def test_winsorising_clamps_the_tails_before_phi():
    # z sorted: -2.154101, -0.615457, -0.615457, 0.923186, 2.461830; 10% quantiles with linear
    # interpolation sit 0.4 of the way between the first two and 0.6 between the last two.
    z = np.array([-7, -2, -2, 3, 8]) / math.sqrt(10.56)
    lo = z[0] + 0.4 * (z[1] - z[0])
    hi = z[3] + 0.6 * (z[4] - z[3])
    assert winsorise(z, 0.1).tolist() == pytest.approx([lo, z[1], z[2], z[3], hi])
    c = agent_comparison(frame(DISPERSED), case_mix=(), winsor=0.1, reference="all")
    assert c.phi == pytest.approx((lo**2 + 2 * z[1] ** 2 + z[3] ** 2 + hi**2) / 5, abs=1e-9)


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_bh_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, 40) ** 3
    p[:5] = p[5]  # ties
    expected = multipletests(p, method="fdr_bh")[1]
    assert benjamini_hochberg(p) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_bh_property_against_statsmodels(p):
    assert benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1])


def test_bh_ignores_nan():
    q = benjamini_hochberg([0.01, np.nan, 0.04])
    assert np.isnan(q[1])
    assert q[[0, 2]] == pytest.approx(multipletests([0.01, 0.04], method="fdr_bh")[1])


def test_cell_fit_equals_ticket_level_glm():
    sim = simulate_helpdesk(11, n_agents=10, n_tickets=3000)
    model = fit_case_mix(sim.tickets)
    assert model.terms == ("category", "channel", "priority", "customer_tier")
    # the same main-effects model fitted ticket by ticket with statsmodels
    t = sim.tickets.with_columns(pl.col("customer_tier").fill_null(NONE_LEVEL))
    columns, names = [np.ones(t.height)], []
    for term in model.terms:
        for level in list(model.coefficients[term])[1:]:
            columns.append((t.get_column(term) == level).to_numpy().astype(float))
            names.append((term, level))
    res = sm.GLM(
        t.get_column("escalated").to_numpy().astype(float),
        np.column_stack(columns),
        family=sm.families.Binomial(),
    ).fit()
    assert model.intercept == pytest.approx(res.params[0], abs=1e-6)
    for (term, level), coef in zip(names, res.params[1:], strict=True):
        assert model.coefficients[term][level] == pytest.approx(coef, abs=1e-6)
    assert model.predict(t).to_numpy() == pytest.approx(res.fittedvalues, abs=1e-8)


def test_model_recovers_the_simulated_effects():
    sim = simulate_helpdesk(5, n_tickets=150_000, n_raised=0)
    coef = fit_case_mix(sim.tickets).coefficients
    assert coef["channel"]["phone"] - coef["channel"]["email"] == pytest.approx(0.5, abs=0.06)
    assert coef["priority"]["urgent"] - coef["priority"]["normal"] == pytest.approx(1.0, abs=0.06)
    assert coef["customer_tier"]["enterprise"] - coef["customer_tier"]["pro"] == pytest.approx(
        0.6, abs=0.06
    )


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


def test_overdispersed_helpdesk_is_detected_and_widens_limits():
    sim = simulate_helpdesk(21, n_tickets=60_000, n_raised=0, agent_sd=0.35)
    re = agent_comparison(sim.tickets)
    none = agent_comparison(sim.tickets, overdispersion="none")
    assert re.phi > 1.5 and re.phi_p_value < 0.01
    assert re.tau2_applied > 0
    assert re.n_flagged < none.n_flagged
    assert "more than chance" in re.overdispersion_summary()
    # the funnel stops narrowing: at large E the limits approach 1 +/- k * tau
    wide = re.funnel.filter(pl.col("level") == 0.95).sort("expected").row(-1, named=True)
    assert wide["upper"] - 1 > 1.96 * math.sqrt(re.tau2_applied)


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
    t = agent_outliers(frame(groups), case_mix=())
    tiny = t.filter(pl.col("agent") == "tiny").row(0, named=True)
    assert tiny["expected"] < 5
    assert tiny["z"] > 5  # far off, yet
    assert not tiny["judged"] and not tiny["flagged"] and tiny["q_value"] is None
    assert t.filter(pl.col("agent") != "tiny").get_column("judged").all()
    loose = agent_outliers(frame(groups), case_mix=(), min_expected=0.5)
    assert loose.filter(pl.col("agent") == "tiny").get_column("flagged").item()


def test_agent_with_zero_escalations():
    t = agent_outliers(
        frame([("a", 100, 20), ("b", 100, 20), ("zero", 50, 0)]), case_mix=(), reference="all"
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


def test_nulls_in_case_mix_are_their_own_level():
    # tickets without a tier escalate far more; agent x takes most of them
    rows = []
    for agent, tier, n, o in [
        ("x", None, 200, 80), ("x", "pro", 100, 10),
        ("y", "pro", 300, 30), ("y", None, 20, 8),
        ("z", "pro", 300, 30), ("z", "free", 100, 5), ("y", "free", 100, 5),
    ]:  # fmt: skip
        rows += [(agent, tier, i < o) for i in range(n)]
    t = pl.DataFrame(
        rows,
        schema={"agent": pl.String, "customer_tier": pl.String, "escalated": pl.Boolean},
        orient="row",
    )
    model = fit_case_mix(t)
    assert model.terms == ("customer_tier",)
    assert model.coefficients["customer_tier"][NONE_LEVEL] > 1.0
    probs = model.predict(pl.DataFrame({"customer_tier": [None, "pro"]})).to_list()
    assert probs == pytest.approx([88 / 220, 70 / 700], abs=1e-6)
    x = agent_outliers(t).filter(pl.col("agent") == "x").row(0, named=True)
    assert x["ratio"] == pytest.approx(90 / (200 * 0.4 + 10), abs=1e-6) and not x["flagged"]


def test_rare_levels_are_pooled_and_single_level_columns_dropped():
    t = frame([("a", 300, 30), ("b", 300, 30)]).with_columns(
        category=pl.Series(["common"] * 290 + ["rare"] * 5 + ["odd"] * 5 + ["common"] * 300),
        channel=pl.lit("email"),
        priority=pl.lit(None, dtype=pl.String),
    )
    model = fit_case_mix(t)
    assert model.terms == ("category",)  # one channel, no priority: not used
    assert set(model.pooled["category"]) == {"odd", "rare"}
    assert OTHER_LEVEL in model.coefficients["category"]


def test_period_filtering():
    sim = simulate_helpdesk(4, n_tickets=20_000)
    period = (date(2024, 2, 1), date(2024, 3, 31))
    c = agent_comparison(sim.tickets, period=period)
    inside = sim.tickets.filter(
        pl.col("created_at").dt.date().is_between(date(2024, 2, 1), date(2024, 3, 31))
    )
    assert c.n_tickets == inside.height < sim.tickets.height
    assert c.table.get_column("tickets").sum() == inside.get_column("agent").drop_nulls().len()
    same = agent_outliers(inside)
    assert c.table.get_column("z").to_list() == pytest.approx(same.get_column("z").to_list())
    as_datetimes = agent_outliers(
        sim.tickets, period=(datetime(2024, 2, 1, 9, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC))
    )
    assert as_datetimes.get_column("tickets").sum() == c.table.get_column("tickets").sum()
    with pytest.raises(OutlierError, match="after it ends"):
        agent_outliers(sim.tickets, period=(date(2024, 3, 1), date(2024, 2, 1)))


def test_bad_input_gives_readable_errors():
    t = frame([("a", 10, 1)])
    with pytest.raises(OutlierError, match="'escalated'"):
        agent_outliers(t.drop("escalated"))
    with pytest.raises(OutlierError, match="overdispersion must be one of"):
        agent_outliers(t, overdispersion="bogus")
    with pytest.raises(OutlierError, match="q_level"):
        agent_outliers(t, q_level=1.5)
    with pytest.raises(OutlierError, match="created_at"):
        agent_outliers(t, period=(date(2024, 1, 1), date(2024, 2, 1)))
    with pytest.raises(TypeError, match="unknown option"):
        agent_outliers(t, q=0.1)
    assert issubclass(OutlierError, ReviewError)


# --------------------------------------------------------------------------------------------
# Funnel, drill-down, history
# --------------------------------------------------------------------------------------------


def test_funnel_limits_by_hand():
    f = funnel_limits([25.0], phi=1.0, tau2=0.0, levels=[0.95, 0.998])
    k95, k998 = 1.959964, 3.090232
    # s = sqrt(1/25) = 0.2
    assert f.get_column("lower").to_list() == pytest.approx([1 - 0.2 * k95, 1 - 0.2 * k998])
    assert f.get_column("upper").to_list() == pytest.approx([1 + 0.2 * k95, 1 + 0.2 * k998])
    wide = funnel_limits([25.0], phi=4.0, levels=[0.95])  # sd doubles
    assert wide.get_column("upper").item() == pytest.approx(1 + 0.4 * k95)
    re = funnel_limits([1e9], tau2=0.01, levels=[0.95])  # funnel flattens at 1 +/- k * 0.1
    assert re.get_column("upper").item() == pytest.approx(1 + 0.1 * k95, abs=1e-6)
    assert funnel_limits([1.0], levels=[0.998]).get_column("lower").item() == 0.0  # clipped


def test_agent_limits_match_their_z():
    sim = simulate_helpdesk(6)
    c = agent_comparison(sim.tickets)
    for row in c.table.head(5).iter_rows(named=True):
        outside = row["ratio"] > row["upper_95"] or row["ratio"] < row["lower_95"]
        assert outside == (abs(row["z"]) > 1.959964)
        outside = row["ratio"] > row["upper_998"] or row["ratio"] < row["lower_998"]
        assert outside == (abs(row["z"]) > 3.090232)
    assert set(c.funnel.get_column("level")) == {0.95, 0.998}


def test_category_breakdown_adds_up_and_finds_the_excess():
    sim = simulate_helpdesk(8)
    c = agent_comparison(sim.tickets)
    raised = sim.truth.filter(pl.col("kind") == "raised").sort("weight").row(-1, named=True)
    hard = sim.truth.filter(pl.col("kind") == "hard_case").row(0, named=True)
    for agent in (raised["agent"], hard["agent"]):
        b = agent_category_breakdown(sim.tickets, agent, model=c.model)
        row = c.table.filter(pl.col("agent") == agent).row(0, named=True)
        assert b.get_column("tickets").sum() == row["tickets"]
        assert b.get_column("escalated").sum() == row["escalated"]
        assert b.get_column("expected").sum() == pytest.approx(row["expected"])
        assert b.get_column("excess").to_list() == sorted(b.get_column("excess"), reverse=True)
    again = agent_category_breakdown(sim.tickets, raised["agent"])  # refits the same model
    assert again.get_column("expected").sum() == pytest.approx(
        c.table.filter(pl.col("agent") == raised["agent"]).get_column("expected").item()
    )
    by_tier = agent_category_breakdown(sim.tickets, hard["agent"], by="customer_tier")
    assert NONE_LEVEL in by_tier.get_column("customer_tier").to_list()


def test_expected_trend_by_week():
    sim = simulate_helpdesk(9, n_tickets=20_000)
    c = agent_comparison(sim.tickets)
    agent = c.table.row(0, named=True)
    trend = agent_expected_trend(sim.tickets, agent["agent"], model=c.model)
    assert trend.height >= 25
    assert all(d.weekday() == 0 for d in trend.get_column("period_start"))
    assert trend.get_column("escalated").sum() == agent["escalated"]
    assert trend.get_column("expected").sum() == pytest.approx(agent["expected"])


def test_flag_history_month_by_month():
    sim = simulate_helpdesk(10, n_tickets=60_000)
    h = flag_history(sim.tickets)
    assert h.get_column("period_start").n_unique() == 6
    assert h.get_column("period_start").min() == date(2024, 1, 1)
    raised = sim.truth.filter(pl.col("kind") == "raised").sort("weight").row(-1, named=True)
    mine = h.filter(pl.col("agent") == raised["agent"])
    assert mine.height == 6 and mine.get_column("flagged").sum() >= 4
    normal = h.join(sim.truth, on="agent").filter(pl.col("kind") == "normal")
    assert normal.get_column("flagged").mean() < 0.03
    q1 = flag_history(sim.tickets, period=(date(2024, 1, 1), date(2024, 3, 31)))
    assert q1.get_column("period_start").n_unique() == 3
