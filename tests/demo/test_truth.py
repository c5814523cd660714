"""The effects planted in the demo helpdesk, and the truth that names them.

The planted effects are checked with simple direct computations (daily counts against the
topic's own same-weekday median, a logistic case-mix fit, a lexicon sentiment scorer), so a
change to the generator that weakens or hides them fails here, not in a demo in front of users.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from scipy import stats
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.demo import CATEGORIES, SUBJECT_TEMPLATES, DemoTruth, demo_tickets, demo_truth
from tests.demo.helpers import HARD, _case_mix


def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def test_truth_does_not_depend_on_volume_and_matches_the_tickets() -> None:
    t = demo_truth(seed=11, days=90)
    small = demo_tickets(seed=11, days=90, tickets_per_day=10)
    large = demo_tickets(seed=11, days=90, tickets_per_day=40)
    assert {t.outlier_agent, t.hard_case_agent} <= set(small.get_column("agent").drop_nulls())
    assert set(small.get_column("agent").drop_nulls()) == set(
        large.get_column("agent").drop_nulls()
    )


@pytest.mark.parametrize("seed", range(12))
def test_truth_windows(seed: int) -> None:
    end = date(2025, 3, 31)
    t = demo_truth(seed=seed, end=end)
    assert t.spike_end - t.spike_start == timedelta(days=2)
    assert end - timedelta(days=30) <= t.spike_start and t.spike_end < end
    assert all((t.spike_start + timedelta(days=k)).weekday() < 5 for k in range(3))
    assert 23 <= (end - t.shift_start).days <= 27
    assert 18 <= (end - t.sentiment_start).days <= 22
    assert len({t.spike_topic, t.shift_topic, t.sentiment_topic}) == 3
    assert not {t.spike_topic, t.shift_topic, t.sentiment_topic} & set(t.policy_categories)
    assert t.outlier_agent != t.hard_case_agent
    assert t.policy_categories == ("Refunds & credits", "Account deletion")


def test_spike_is_about_three_times_the_usual_count(daily: pl.DataFrame, truth: DemoTruth) -> None:
    topic = daily.filter(pl.col("category") == truth.spike_topic)
    ratios = []
    for k in range(3):
        day = truth.spike_start + timedelta(days=k)
        history = topic.filter(
            (pl.col("day") < truth.spike_start)
            & (pl.col("day") >= truth.spike_start - timedelta(days=56))
            & (pl.col("weekday") == day.isoweekday())
        )
        count = topic.filter(pl.col("day") == day).get_column("n").item()
        ratios.append(count / history.get_column("n").median())
    assert min(ratios) > 1.8, ratios
    assert 2.3 < float(np.mean(ratios)) < 4.0, ratios


def test_level_shift_is_about_one_point_six(daily: pl.DataFrame, truth: DemoTruth) -> None:
    def ratio(topic: str) -> float:
        rows = daily.filter((pl.col("category") == topic) & (pl.col("weekday") <= 5))
        after = rows.filter(pl.col("day") >= truth.shift_start).get_column("n").mean()
        before = rows.filter(
            (pl.col("day") < truth.shift_start)
            & (pl.col("day") >= truth.shift_start - timedelta(days=56))
        )
        return after / before.get_column("n").mean()

    assert 1.35 < ratio(truth.shift_topic) < 1.9
    for topic in CATEGORIES:  # no other topic moves like that (the spike topic aside)
        if topic not in (truth.shift_topic, truth.spike_topic, *truth.policy_categories):
            assert 0.75 < ratio(topic) < 1.3, topic


def test_subject_templates_carry_the_intended_sentiment() -> None:
    vader = _vader()
    for category, (fillers, negative, neutral, positive) in SUBJECT_TEMPLATES.items():
        for tone, templates in (("neg", negative), ("neu", neutral), ("pos", positive)):
            for template in templates:
                for filler in fillers:
                    score = vader.polarity_scores(template.format(x=filler))["compound"]
                    if tone == "neg":
                        assert score <= -0.2, (category, template, filler, score)
                    elif tone == "pos":
                        assert score >= 0.2, (category, template, filler, score)
                    else:
                        assert -0.2 < score < 0.2, (category, template, filler, score)


def test_sentiment_drop_is_measurable(tickets: pl.DataFrame, truth: DemoTruth) -> None:
    vader = _vader()
    subjects = tickets.get_column("subject").unique()
    score = pl.DataFrame(
        {"subject": subjects, "score": [vader.polarity_scores(s)["compound"] for s in subjects]}
    )
    scored = tickets.join(score, on="subject").with_columns(
        negative=pl.col("score") <= -0.05,
        period=pl.when(pl.col("created_at").dt.date() >= truth.sentiment_start)
        .then(pl.lit("after"))
        .when(pl.col("created_at").dt.date() >= truth.sentiment_start - timedelta(days=60))
        .then(pl.lit("before")),
    )
    summary = (
        scored.filter(pl.col("period").is_not_null())
        .group_by("category", "period")
        .agg(pl.col("negative").mean(), pl.col("score").mean())
    )

    def change(topic: str, column: str) -> float:
        rows = dict(
            summary.filter(pl.col("category") == topic).select("period", column).iter_rows()
        )
        return rows["after"] - rows["before"]

    assert change(truth.sentiment_topic, "negative") > 0.25
    assert change(truth.sentiment_topic, "score") < -0.25
    for topic in CATEGORIES:
        if topic != truth.sentiment_topic and topic not in truth.policy_categories:
            assert abs(change(topic, "negative")) < 0.15, topic
    # escalated tickets read more negative everywhere
    by_escalation = dict(scored.group_by("escalated").agg(pl.col("negative").mean()).iter_rows())
    assert by_escalation[True] > by_escalation[False] + 0.2


def test_hard_case_agent_tops_the_raw_ranking(
    tickets: pl.DataFrame, truth: DemoTruth, case_mix: pl.DataFrame
) -> None:
    assert case_mix.get_column("agent")[0] == truth.hard_case_agent
    overall = tickets.get_column("escalated").mean()
    hard_rate = case_mix.filter(pl.col("agent") == truth.hard_case_agent).get_column("rate").item()
    assert 1.7 < hard_rate / overall < 2.4
    mine = tickets.filter(pl.col("agent") == truth.hard_case_agent)
    assert mine.get_column("category").is_in(HARD).mean() > 0.5
    enterprise = tickets.get_column("customer_tier").eq("enterprise").mean()
    assert mine.get_column("customer_tier").eq("enterprise").mean() > 1.8 * enterprise


def test_only_case_mix_adjustment_finds_the_outlier(
    tickets: pl.DataFrame, truth: DemoTruth, case_mix: pl.DataFrame
) -> None:
    by_agent = {row["agent"]: row for row in case_mix.iter_rows(named=True)}
    outlier, hard = by_agent[truth.outlier_agent], by_agent[truth.hard_case_agent]
    assert outlier["ratio"] >= 1.8
    assert 0.85 <= hard["ratio"] <= 1.15
    assert max(by_agent.values(), key=lambda r: r["ratio"])["agent"] == truth.outlier_agent
    assert outlier["z"] > 5
    # raw view: the hard-case agent's rate is far above average, the outlier's is not
    overall = tickets.filter(pl.col("agent").is_not_null()).get_column("escalated").mean()

    def raw_p(row: dict) -> float:
        return stats.binomtest(row["observed"], row["tickets"], overall).pvalue

    assert raw_p(hard) < 1e-9
    assert raw_p(outlier) > 0.05
    assert case_mix.get_column("agent").to_list().index(truth.outlier_agent) >= 2
    # nobody else stands out beyond chance after adjustment
    others = case_mix.filter(pl.col("agent") != truth.outlier_agent).get_column("z")
    assert others.abs().max() < 3.0


@pytest.mark.parametrize("seed", [4])
def test_the_adjusted_story_holds_for_other_seeds(seed: int) -> None:
    truth = demo_truth(seed=seed)
    table = _case_mix(demo_tickets(seed=seed))
    by_agent = {row["agent"]: row for row in table.iter_rows(named=True)}
    assert table.get_column("agent")[0] == truth.hard_case_agent
    assert 0.8 <= by_agent[truth.hard_case_agent]["ratio"] <= 1.2
    assert by_agent[truth.outlier_agent]["ratio"] >= 1.4
    assert by_agent[truth.outlier_agent]["z"] > 4


def test_policy_categories_escalate_whoever_handles_them(
    tickets: pl.DataFrame, truth: DemoTruth
) -> None:
    policy = tickets.filter(pl.col("category").is_in(list(truth.policy_categories)))
    assert policy.get_column("escalated").mean() > 0.85
    per_agent = (
        policy.filter(pl.col("agent").is_not_null())
        .group_by("agent")
        .agg(pl.len(), pl.col("escalated").mean())
        .filter(pl.col("len") >= 10)
    )
    assert per_agent.height >= 5
    assert (per_agent.get_column("escalated") > 0.7).all()
