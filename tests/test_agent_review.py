"""lib.agent_review (reading an agent comparison) and lib.charts.agents (its figures).

Hand-made frames check each sentence and number; the shipped demo helpdesk (whose planted
outlier and hard-case agents are known) checks the pieces end to end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats

from lib import agent_review as review
from lib.audit import two_proportion_test
from lib.charts import agents as charts
from lib.demo import CATEGORIES, demo_truth
from lib.ingest import load_export
from lib.outliers import (
    agent_category_breakdown,
    agent_comparison,
    agent_expected_trend,
    flag_history,
)

ROOT = Path(__file__).resolve().parents[1]
TRUTH = demo_truth()


@pytest.fixture(scope="module")
def demo() -> pl.DataFrame:
    return load_export(ROOT / "data" / "demo_helpdesk.csv.gz").tickets


@pytest.fixture(scope="module")
def comparison(demo: pl.DataFrame):
    return agent_comparison(demo)


def _table(**columns) -> pl.DataFrame:
    n = len(columns["agent"])
    base = {
        "tickets": [100] * n,
        "raw_rate": [0.1] * n,
        "z": [0.0] * n,
        "q_value": [0.5] * n,
        "judged": [True] * n,
        "flagged": [False] * n,
        "direction": [None] * n,
    }
    base.update(columns)
    return pl.DataFrame(base, schema_overrides={"direction": pl.String})


# ---------------------------------------------------------------------------- orderings


def test_adjusted_order_puts_judged_first_then_highest_z() -> None:
    t = _table(
        agent=["tiny", "low", "mid", "high", "quiet"],
        z=[5.0, -3.5, 0.2, 4.1, None],
        q_value=[None, 0.001, 0.8, 0.00001, None],
        judged=[False, True, True, True, False],
        flagged=[False, True, False, True, False],
        direction=[None, "low", None, "high", None],
    )
    out = review.adjusted_order(t)
    # The unjudged agent with the largest z is listed after every judged one.
    assert out.get_column("agent").to_list() == ["high", "mid", "low", "tiny", "quiet"]
    assert out.get_column("place").to_list() == [1, 2, 3, 4, 5]
    assert out.get_column("status").to_list() == [
        "Flagged high", "In line", "Flagged low", "Not judged", "Not judged",
    ]  # fmt: skip
    assert out.get_column("q_label").to_list() == ["< 0.0001", "0.8", "0.001", "–", "–"]


def test_raw_order_breaks_ties_by_volume_then_name() -> None:
    t = _table(agent=["b", "a", "c", "d"], tickets=[10, 10, 30, 5], raw_rate=[0.2, 0.2, 0.2, 0.5])
    assert review.raw_order(t).get_column("agent").to_list() == ["d", "c", "a", "b"]


def test_rank_shift_counts_agents_who_change_place() -> None:
    # raw: a b c d e ; adjusted (by z): e b a c d  -> moves a -2, b 0, c -1, d -1, e +4
    t = _table(
        agent=list("abcde"),
        raw_rate=[0.5, 0.4, 0.3, 0.2, 0.1],
        z=[0.5, 1.0, 0.0, -1.0, 3.0],
    )
    s = review.rank_shift(t)
    assert (s.n_agents, s.n_changed, s.n_far) == (5, 4, 1)
    moves = dict(s.places.select("agent", "move").iter_rows())
    assert moves == {"a": -2, "b": 0, "c": -1, "d": -1, "e": 4}
    assert s.sentence == (
        "4 of 5 agents change place between the raw and the adjusted ranking; 1 move 3 places "
        "or more. Biggest moves: e from 5th to 1st; a from 1st to 3rd."
    )
    raw = review.raw_ranking(t)
    assert raw.get_column("move_text").to_list() == ["down 2", "same", "down 1", "down 1", "up 4"]


def test_rank_shift_when_nothing_moves() -> None:
    t = _table(agent=["a", "b"], raw_rate=[0.3, 0.1], z=[1.0, -1.0])
    s = review.rank_shift(t)
    assert s.n_changed == 0
    assert s.sentence.startswith("All 2 agents keep their place")


def test_rank_shift_on_demo_moves_the_hard_case_agent_down(comparison) -> None:
    s = review.rank_shift(comparison.table)
    places = {r["agent"]: r for r in s.places.rows(named=True)}
    hard, outlier = places[TRUTH.hard_case_agent], places[TRUTH.outlier_agent]
    assert hard["raw_place"] == 1  # tops the raw ranking ...
    assert hard["place"] >= 5  # ... but not the adjusted one
    assert outlier["place"] == 1 and outlier["raw_place"] > 1
    assert s.n_changed == int((s.places["move"] != 0).sum()) >= 2
    assert f"{TRUTH.hard_case_agent} from 1st to {review.ordinal(hard['place'])}" in s.sentence


def test_unjudged_sentence_lists_agents_below_the_minimum() -> None:
    t = _table(agent=["a", "b"], judged=[True, False])
    assert review.unjudged_sentence(t, 5).startswith(
        "1 of 2 agents (b) has fewer than 5 expected escalations in the period"
    )
    assert review.unjudged_sentence(t.with_columns(judged=pl.lit(True)), 5) is None


def test_agent_sentence_low_and_unflagged() -> None:
    row = {"agent": "bo", "tickets": 200, "escalated": 10, "expected": 25.0, "ratio": 0.4,
           "ratio_low": 0.19, "ratio_high": 0.74, "q_value": 0.003, "judged": True,
           "flagged": True, "direction": "low"}  # fmt: skip
    assert review.agent_sentence(row, min_expected=5, q_level=0.05).endswith(
        "0.40 times as many (95% interval 0.19 to 0.74). Flagged low (q = 0.003, below 0.05)."
    )
    calm = {**row, "flagged": False, "direction": None, "q_value": 0.31}
    assert "Not flagged (q = 0.31, not below 0.05)" in review.agent_sentence(
        calm, min_expected=5, q_level=0.05
    )


# ---------------------------------------------------------------------------- skill or policy

TAGS = pl.DataFrame(
    {"category": ["api", "sso", "refund", "deletion", "misc"],
     "kind": ["skill", "skill", "policy", "policy", "unknown"]}
)  # fmt: skip


def _breakdown(rows: list[tuple[str, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["category", "tickets", "escalated", "expected"], orient="row"
    ).with_columns(pl.col("expected").cast(pl.Float64))


def test_split_skill_dominates_with_exact_sums() -> None:
    b = _breakdown([("api", 60, 20, 9.0), ("sso", 40, 10, 7.5), ("refund", 10, 9, 8.0),
                    ("faq", 90, 3, 4.0)])  # fmt: skip
    s = review.skill_policy_split(b, TAGS, agent="ann")
    assert s.dominant == "skill"
    assert s.total_excess == pytest.approx(11 + 2.5 + 1 - 1)
    kinds = {r["kind"]: r for r in s.by_kind.rows(named=True)}
    assert kinds["skill"]["excess"] == pytest.approx(13.5)
    assert kinds["skill"]["categories"] == ["api", "sso"]  # largest excess first
    assert kinds["policy"]["excess"] == pytest.approx(1.0)
    assert kinds["untagged"]["excess"] == pytest.approx(-1.0)
    # 13.5 of the 14.5 escalations above expected (untagged is below, so not counted)
    assert "account for 13.5 of ann’s excess of 14.5 escalations against expected (93%)" in (
        s.sentence
    )
    assert "skill gap" in s.sentence
    calm = review.skill_policy_split(b, TAGS, agent="ann", flagged=False)
    assert calm.dominant == "skill" and "gap" not in calm.sentence
    assert calm.sentence.endswith("the agent is not flagged, so this may well be chance.")


def test_split_policy_dominates() -> None:
    b = _breakdown([("refund", 30, 29, 20.0), ("deletion", 10, 10, 8.0), ("api", 50, 9, 8.0)])
    s = review.skill_policy_split(b, TAGS, agent="bo")
    assert s.dominant == "policy"
    assert s.sentence.startswith(
        "Policy-based categories account for 11 of bo’s excess of 12 escalations against "
        "expected (92%), skill-based ones for 1"
    )
    assert "policy gap" in s.sentence


def test_split_mixed_when_neither_has_twice_the_other() -> None:
    b = _breakdown([("refund", 30, 26, 20.0), ("api", 50, 12, 8.0)])
    s = review.skill_policy_split(b, TAGS, agent="cy")
    assert s.dominant == "mixed"
    assert "skill-based (4) and policy-based (6)" in s.sentence


def test_split_says_untagged_instead_of_guessing() -> None:
    b = _breakdown([("api", 50, 12, 10.0), ("faq", 80, 20, 8.0), ("misc", 30, 9, 4.0)])
    s = review.skill_policy_split(b, TAGS, agent="di")
    # 12 + 5 (misc is tagged "unknown") untagged against 2 skill-based
    assert s.dominant == "untagged"
    assert "Most of di’s excess of 19 escalations against expected (17)" in s.sentence
    assert "(faq and misc)" in s.sentence and "Drivers page" in s.sentence
    nothing = review.skill_policy_split(b, TAGS.head(0), agent="di")
    assert nothing.dominant == "untagged"
    assert nothing.sentence.startswith("None of di’s categories is tagged")


def test_split_below_expected_and_no_excess() -> None:
    b = _breakdown([("api", 50, 2, 10.0), ("refund", 10, 8, 8.5)])
    s = review.skill_policy_split(b, TAGS, agent="ed")
    assert s.total_excess == pytest.approx(-8.5)
    assert s.dominant == "skill"
    assert "8 of ed’s shortfall of 8.5 escalations against expected" in s.sentence
    assert "escalate less where Tier 1 could solve with skill" in s.sentence
    even = review.skill_policy_split(_breakdown([("api", 50, 10, 10.2)]), TAGS, agent="fa")
    assert even.dominant == "none"
    assert even.sentence.startswith("fa’s escalations match what their case mix predicts")


def test_split_on_demo_outlier_is_skill_when_categories_are_tagged(demo, comparison) -> None:
    tags = pl.DataFrame(
        {"category": list(CATEGORIES),
         "kind": ["policy" if c in TRUTH.policy_categories else "skill" for c in CATEGORIES]}
    )  # fmt: skip
    b = agent_category_breakdown(demo, TRUTH.outlier_agent, model=comparison.model)
    s = review.skill_policy_split(b, tags, agent=TRUTH.outlier_agent)
    # The planted effect acts outside the policy categories only.
    assert s.dominant == "skill"
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert s.total_excess == pytest.approx(row["escalated"] - row["expected"], abs=1e-6)


# ---------------------------------------------------------------------------- stability


def _history() -> pl.DataFrame:
    months = [date(2024, m, 1) for m in (1, 2, 3)]
    return pl.DataFrame(
        {
            "agent": ["a"] * 3 + ["b"] * 3,
            "period_start": months * 2,
            "judged": [True, True, True, True, False, True],
            "flagged": [True, False, True, True, False, False],
            "direction": ["high", None, "low", "low", None, None],
        }
    )


def test_history_summary_counts_months() -> None:
    out = review.history_summary(_history())
    assert out.rows() == [
        ("a", 3, 3, 1, 1, "2 of 3 months"),
        ("b", 3, 2, 0, 1, "1 of 2 months"),
    ]


def test_stability_sentences() -> None:
    h = _history()
    assert review.stability_sentence(h, "a") == (
        "Flagged high in 1 of the 3 months judged on their own (Jan 2024); flagged low in 1 of "
        "the 3 months judged on their own (Mar 2024), including the latest (Mar 2024)."
    )
    assert review.stability_sentence(h, "b") == (
        "Flagged low in 1 of the 2 months judged on their own (Jan 2024); not flagged in the "
        "latest (Mar 2024). 1 month had too few expected escalations to judge."
    )
    calm = h.with_columns(flagged=pl.lit(False))
    assert review.stability_sentence(calm, "a") == (
        "Not flagged in any of the 3 months judged on their own."
    )


def test_demo_outlier_is_flagged_in_several_months_and_hard_case_in_none(demo) -> None:
    h = flag_history(demo)
    s = review.history_summary(h)
    rows = {r["agent"]: r for r in s.rows(named=True)}
    assert rows[TRUTH.outlier_agent]["months_high"] >= 3
    assert rows[TRUTH.hard_case_agent]["months_high"] == 0
    assert review.stability_sentence(h, TRUTH.outlier_agent).startswith("Flagged high in")


# ---------------------------------------------------------------------------- peers


def _peer_tickets() -> pl.DataFrame:
    c = datetime(2024, 1, 1, tzinfo=UTC)
    # agent "a": 10 tickets, 4 escalated; peers "b": 20 tickets, 2 escalated; 1 unassigned
    agent = ["a"] * 10 + ["b"] * 20 + [None]
    escalated = [True] * 4 + [False] * 6 + [True] * 2 + [False] * 18 + [True]
    reassign = [1, 2, 1, 3] + [1, 1, 1, 0, 0, 0] + [1, 1] + [1] * 2 + [0] * 16 + [5]
    hours = [2, 4, 6, 8] + [None] * 6 + [20, 30] + [None] * 18 + [1]
    first = [10.0] * 10 + [30.0] * 20 + [1.0]
    return pl.DataFrame(
        {
            "agent": agent,
            "created_at": [c] * 31,
            "escalated": escalated,
            "escalated_at": [None if h is None else c + timedelta(hours=h) for h in hours],
            "reassignments": reassign,
            "first_response_minutes": first,
        }
    )


def test_peer_comparison_numbers() -> None:
    out = review.peer_comparison(_peer_tickets(), "a", min_n=2)
    rows = {r["measure"]: r for r in out.rows(named=True)}
    not_esc = rows["Reassigned, tickets not escalated"]
    # a: 3 of 6 non-escalated reassigned; peers: 2 of 18 (unassigned ticket left out)
    assert (not_esc["agent_value"], not_esc["agent_n"]) == (0.5, 6)
    assert not_esc["peers_value"] == pytest.approx(2 / 18) and not_esc["peers_n"] == 18
    assert not_esc["p_value"] == pytest.approx(two_proportion_test(3, 6, 2, 18).p_value)
    assert not_esc["verdict"].startswith("higher than peers")
    all_t = rows["Reassigned, all tickets"]
    assert (all_t["agent_value"], all_t["peers_value"]) == (0.7, 0.2)
    per_esc = rows["Reassignments per escalated ticket (median)"]
    assert (per_esc["agent_value"], per_esc["peers_value"]) == (1.5, 1.0)
    hours = rows["Hours to escalate (median)"]
    assert (hours["agent_value"], hours["peers_value"], hours["agent_n"]) == (5.0, 25.0, 4)
    expected_p = stats.mannwhitneyu([2, 4, 6, 8], [20, 30], alternative="two-sided").pvalue
    assert hours["p_value"] == pytest.approx(expected_p)
    assert hours["agent_text"] == "5.0 h" and hours["peers_text"] == "25.0 h"
    frt = rows["Minutes to first reply (median)"]
    assert frt["agent_text"] == "10 min" and frt["verdict"].startswith("lower than peers")


def test_peer_comparison_too_few_and_missing_columns() -> None:
    t = _peer_tickets()
    out = review.peer_comparison(t, "a", min_n=8)
    hours = out.filter(pl.col("measure") == "Hours to escalate (median)").row(0, named=True)
    assert hours["verdict"] == "too few to compare"
    bare = review.peer_comparison(t.select("agent", "escalated"), "a")
    assert bare.height == 0 and "verdict" in bare.columns


def test_escalated_tickets_newest_first_only_that_agent(demo) -> None:
    out = review.escalated_tickets(demo, TRUTH.outlier_agent)
    row = agent_comparison(demo).table.filter(pl.col("agent") == TRUTH.outlier_agent)
    assert out.height == row.get_column("escalated").item()
    assert out.get_column("created_at").is_sorted(descending=True)
    assert out.columns[:4] == ["ticket_id", "created_at", "subject", "category"]


# ---------------------------------------------------------------------------- the drill-down


def test_agent_detail_adds_up_to_the_comparison(demo, comparison) -> None:
    d = review.agent_detail(demo, TRUTH.outlier_agent, comparison)
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert d.row["escalated"] == row["escalated"]
    for part in (d.categories, d.trend):
        assert part.get_column("escalated").sum() == row["escalated"]
        assert part.get_column("expected").sum() == pytest.approx(row["expected"], rel=1e-9)
    # the same expected counts as the lib functions would give on their own
    alone = agent_expected_trend(demo, TRUTH.outlier_agent, model=comparison.model)
    assert d.trend.equals(alone)
    assert d.escalated.height == row["escalated"]
    with pytest.raises(review.AgentReviewError, match="no tickets"):
        review.agent_detail(demo, "Nobody", comparison)


def test_trend_every() -> None:
    d0 = date(2024, 1, 1)
    assert review.trend_every(d0, d0 + timedelta(days=41)) == "1d"
    assert review.trend_every(d0, d0 + timedelta(days=42)) == "1w"
    assert review.trend_every(d0, d0 + timedelta(days=400)) == "1mo"


def test_flag_notes_name_the_agents_left_out_of_the_standard(comparison) -> None:
    notes = review.flag_notes(comparison)
    assert comparison.excluded_from_model == (TRUTH.outlier_agent,)
    assert TRUTH.outlier_agent in notes[-1]
    assert f"testing {comparison.n_judged} agents at once" in notes[0]
    assert "category, channel, priority and customer tier" in review.funnel_caption(
        comparison.model_terms
    )


# ---------------------------------------------------------------------------- figures


def test_funnel_figure_on_demo(comparison) -> None:
    table = review.adjusted_order(comparison.table)
    fig = charts.funnel_figure(table, comparison.funnel, highlight=TRUTH.hard_case_agent)
    names = [t.name for t in fig.data]
    assert names.count("95% limits") == 2 and names.count("99.8% limits") == 2
    high = next(t for t in fig.data if t.name == "Flagged high")
    assert [c[0] for c in high.customdata] == [TRUTH.outlier_agent]
    row = comparison.table.filter(pl.col("agent") == TRUTH.outlier_agent).row(0, named=True)
    assert high.x[0] == pytest.approx(row["expected"]) and high.y[0] == pytest.approx(row["ratio"])
    assert list(high.customdata[0][1:3]) == [row["tickets"], row["escalated"]]
    assert fig.layout.hovermode == "closest"
    ring = fig.data[-1]
    assert ring.name == "Selected" and ring.customdata[0][0] == TRUTH.hard_case_agent
    in_line = next(t for t in fig.data if t.name == "In line")
    assert len(in_line.x) == comparison.n_agents - 1
    # the drawn 99.8% upper line is the lib's funnel, point for point
    upper = next(t for t in fig.data if t.name == "99.8% limits")
    lib_upper = comparison.funnel.filter(pl.col("level") == 0.998).sort("expected")["upper"]
    assert np.allclose(upper.y, lib_upper.to_numpy())


def test_funnel_figure_escapes_names_and_hollow_unjudged() -> None:
    t = pl.DataFrame({"agent": ["<b>x</b>", "y"], "tickets": [50, 5], "escalated": [20, 1],
                      "expected": [8.0, 0.9], "ratio": [2.5, 1.1], "ratio_low": [1.5, 0.0],
                      "ratio_high": [3.9, 6.2], "q_value": [0.001, None],
                      "judged": [True, False], "flagged": [True, False],
                      "direction": ["high", None]})  # fmt: skip
    fig = charts.funnel_figure(t, pl.DataFrame(schema={"expected": pl.Float64,
                               "level": pl.Float64, "lower": pl.Float64,
                               "upper": pl.Float64}))  # fmt: skip
    high = next(tr for tr in fig.data if tr.name == "Flagged high")
    assert high.text == ("&lt;b&gt;x&lt;/b&gt;",)
    unjudged = next(tr for tr in fig.data if tr.name == "Not judged")
    assert unjudged.marker.symbol == "circle-open" and unjudged.customdata[0][6] == "not judged"


def test_category_and_trend_figures(demo, comparison) -> None:
    b = agent_category_breakdown(demo, TRUTH.outlier_agent, model=comparison.model)
    fig = charts.category_figure(b)
    observed, expected = fig.data
    assert list(observed.x) == b.get_column("escalated").to_list()[:12]
    assert list(expected.x) == pytest.approx(b.get_column("expected").to_list()[:12])
    tr = agent_expected_trend(demo, TRUTH.outlier_agent, model=comparison.model)
    bars, line = charts.expected_trend_figure(tr).data
    assert sum(bars.y) == tr.get_column("escalated").sum()
    assert list(line.y) == pytest.approx(tr.get_column("expected").to_list())
    assert list(bars.customdata) == tr.get_column("tickets").to_list()
