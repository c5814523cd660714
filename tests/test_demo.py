"""The seeded demo helpdesk: shape, consistency, the planted effects, the export and its file.

The planted effects are checked with simple direct computations (daily counts against the
topic's own same-weekday median, a logistic case-mix fit, a lexicon sentiment scorer), so a
change to the generator that weakens or hides them fails here, not in a demo in front of users.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.demo import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_END,
    ESCALATION_GROUPS,
    EXPORT_COLUMNS,
    GROUPS,
    SUBJECT_TEMPLATES,
    TIERS,
    DemoTruth,
    demo_export,
    demo_tickets,
    demo_truth,
    write_demo_export,
)
from lib.schema import validate

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "demo_helpdesk.csv.gz"
AS_OF = datetime.combine(DEFAULT_END + timedelta(days=1), datetime.min.time(), UTC)
HARD = ("Login & SSO", "API & integrations", "Bug report")


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return demo_tickets()


@pytest.fixture(scope="module")
def truth() -> DemoTruth:
    return demo_truth()


@pytest.fixture(scope="module")
def export() -> pl.DataFrame:
    return demo_export()


@pytest.fixture(scope="module")
def daily(tickets: pl.DataFrame) -> pl.DataFrame:
    """Topic x day counts, zeros included, with the weekday (1 = Monday)."""
    days = pl.date_range(DEFAULT_END - timedelta(days=179), DEFAULT_END, eager=True).alias("day")
    grid = pl.DataFrame({"category": list(CATEGORIES)}).join(days.to_frame(), how="cross")
    counts = tickets.group_by("category", day=pl.col("created_at").dt.date()).len("n")
    return (
        grid.join(counts, on=["category", "day"], how="left")
        .with_columns(pl.col("n").fill_null(0), weekday=pl.col("day").dt.weekday())
        .sort("category", "day")
    )


@pytest.fixture(scope="module")
def case_mix(tickets: pl.DataFrame) -> pl.DataFrame:
    return _case_mix(tickets)


def _case_mix(tickets: pl.DataFrame) -> pl.DataFrame:
    """Per agent: tickets, observed and expected escalations from a logistic case-mix model."""
    data = tickets.filter(pl.col("agent").is_not_null()).select(
        y=pl.col("escalated").cast(pl.Int64),
        category="category",
        channel="channel",
        priority="priority",
        tier="customer_tier",
        agent="agent",
    )
    frame = data.to_pandas()
    model = smf.glm(
        "y ~ C(category) + C(channel) + C(priority) + C(tier)",
        frame,
        family=sm.families.Binomial(),
    ).fit()
    fitted = np.asarray(model.fittedvalues)
    return (
        data.with_columns(expected=pl.Series(fitted), variance=pl.Series(fitted * (1 - fitted)))
        .group_by("agent")
        .agg(
            tickets=pl.len(),
            observed=pl.col("y").sum(),
            expected=pl.col("expected").sum(),
            variance=pl.col("variance").sum(),
        )
        .with_columns(
            rate=pl.col("observed") / pl.col("tickets"),
            ratio=pl.col("observed") / pl.col("expected"),
            z=(pl.col("observed") - pl.col("expected")) / pl.col("variance").sqrt(),
        )
        .sort("rate", descending=True)
    )


def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


# --- determinism and parameters -----------------------------------------------------------


def test_same_seed_gives_identical_frames_and_different_seeds_differ() -> None:
    a = demo_tickets(seed=3, days=60, tickets_per_day=20)
    b = demo_tickets(seed=3, days=60, tickets_per_day=20)
    c = demo_tickets(seed=4, days=60, tickets_per_day=20)
    assert a.equals(b)
    assert not a.equals(c)
    assert demo_truth(seed=3, days=60) != demo_truth(seed=4, days=60)
    assert demo_export(seed=3, days=60, tickets_per_day=20).equals(
        demo_export(seed=3, days=60, tickets_per_day=20)
    )


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


def test_parameters_are_respected() -> None:
    end = date(2025, 6, 30)
    t = demo_tickets(seed=1, days=70, tickets_per_day=15, end=end, n_agents=8)
    created = t.get_column("created_at").dt.date()
    assert created.max() == end
    assert created.min() == end - timedelta(days=69)
    assert t.get_column("agent").drop_nulls().n_unique() == 8
    assert 0.8 * 70 * 15 < t.height < 1.3 * 70 * 15
    validate(t)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 10}, "days must be"),
        ({"n_agents": 3}, "n_agents must be"),
        ({"n_agents": 41}, "n_agents must be"),
        ({"tickets_per_day": 0}, "tickets_per_day must be"),
        ({"tickets_per_day": "many"}, "tickets_per_day must be"),
        ({"seed": -1}, "seed must be"),
        ({"end": datetime(2025, 1, 1)}, "end must be a datetime.date"),
    ],
)
def test_bad_parameters_raise_a_readable_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        demo_tickets(**kwargs)


# --- shape and consistency ------------------------------------------------------------------


def test_canonical_frame_validates(tickets: pl.DataFrame) -> None:
    validate(tickets)
    assert tickets.get_column("source").unique().to_list() == ["demo"]
    assert tickets.get_column("sentiment").null_count() == tickets.height


def test_shape_facts(tickets: pl.DataFrame) -> None:
    created = tickets.get_column("created_at").dt.date()
    assert created.min() == DEFAULT_END - timedelta(days=179)
    assert created.max() == DEFAULT_END
    assert 10_000 < tickets.height < 12_500
    assert tickets.get_column("agent").drop_nulls().n_unique() == 15
    assert sorted(tickets.get_column("channel").unique()) == sorted(CHANNELS)
    assert sorted(tickets.get_column("category").unique()) == sorted(CATEGORIES)
    assert len(CATEGORIES) == 10
    assert sorted(tickets.get_column("customer_tier").unique()) == sorted(TIERS)
    assert sorted(tickets.get_column("priority").unique()) == ["high", "low", "normal", "urgent"]
    assert sorted(tickets.get_column("group").unique()) == sorted(GROUPS)
    assert 150 <= tickets.get_column("customer").n_unique() <= 200
    rate = tickets.get_column("escalated").mean()
    assert 0.10 <= rate <= 0.15


def test_agent_volumes_differ(tickets: pl.DataFrame) -> None:
    volume = tickets.group_by("agent").len().drop_nulls().get_column("len")
    assert volume.max() > 3 * volume.min()  # part-timers next to full-timers
    assert (volume < 0.6 * volume.median()).sum() >= 2


def test_weekly_rhythm_and_trend(tickets: pl.DataFrame, daily: pl.DataFrame) -> None:
    per_day = daily.group_by("day", "weekday").agg(pl.col("n").sum())
    weekday = per_day.filter(pl.col("weekday") <= 5).get_column("n").mean()
    weekend = per_day.filter(pl.col("weekday") >= 6).get_column("n").mean()
    assert 0.2 < weekend / weekday < 0.4
    # a mild upward trend: compare the first and the last eight weeks (without the event topics)
    calm = per_day.sort("day")
    first, last = calm.head(56).get_column("n").sum(), calm.slice(-84, 56).get_column("n").sum()
    assert 1.05 < last / first < 1.35


def test_escalation_rates_differ_by_category_and_channel(tickets: pl.DataFrame) -> None:
    by_cat = dict(tickets.group_by("category").agg(pl.col("escalated").mean()).iter_rows())
    for cat in HARD:
        assert 0.25 <= by_cat[cat] <= 0.45, (cat, by_cat[cat])
    for cat in ("How-to", "Onboarding", "Billing & invoices"):
        assert 0.02 <= by_cat[cat] <= 0.07, (cat, by_cat[cat])
    by_channel = dict(tickets.group_by("channel").agg(pl.col("escalated").mean()).iter_rows())
    assert by_channel["phone"] > 1.3 * by_channel["chat"]
    by_tier = dict(tickets.group_by("customer_tier").agg(pl.col("escalated").mean()).iter_rows())
    assert by_tier["enterprise"] > 1.5 * by_tier["free"]


def test_escalation_is_carried_by_group_tags_and_times(tickets: pl.DataFrame) -> None:
    esc = tickets.filter(pl.col("escalated"))
    rest = tickets.filter(~pl.col("escalated"))
    assert esc.get_column("group").is_in(list(ESCALATION_GROUPS)).all()
    assert not rest.get_column("group").is_in(list(ESCALATION_GROUPS)).any()
    assert (esc.get_column("escalation_reason") == "Group names a higher tier").all()
    assert rest.get_column("escalation_reason").null_count() == rest.height
    tagged = esc.get_column("tags").list.contains("escalated").mean()
    assert 0.7 <= tagged <= 0.9
    assert not rest.get_column("tags").list.contains("escalated").any()
    assert (esc.get_column("reassignments") >= 1).all()
    assert esc.get_column("escalated_at").null_count() == 0
    assert rest.get_column("escalated_at").null_count() == rest.height
    stop = pl.coalesce("solved_at", pl.lit(AS_OF))
    inside = esc.select(
        (pl.col("escalated_at") >= pl.col("created_at")) & (pl.col("escalated_at") <= stop)
    ).to_series()
    assert inside.all()


def test_status_and_times_are_consistent(tickets: pl.DataFrame) -> None:
    done = pl.col("status").is_in(["solved", "closed"])
    assert (tickets.select(done == pl.col("solved_at").is_not_null()).to_series()).all()
    checks = tickets.select(
        solved_after_created=pl.col("solved_at").is_null()
        | (pl.col("solved_at") >= pl.col("created_at")),
        updated_after_created=pl.col("updated_at") >= pl.col("created_at"),
        updated_after_solved=pl.col("solved_at").is_null()
        | (pl.col("updated_at") >= pl.col("solved_at")),
        before_export=pl.max_horizontal("created_at", "solved_at", "updated_at") < pl.lit(AS_OF),
        rated_when_solved=pl.col("satisfaction").is_null() | done,
        replied_unless_new=pl.col("first_response_minutes").is_null()
        == (pl.col("status") == "new"),
    )
    for column in checks.columns:
        assert checks.get_column(column).all(), column
    unsolved = tickets.filter(~done)
    assert 0 < unsolved.height < 0.1 * tickets.height
    recent = unsolved.get_column("created_at").min()
    assert recent > AS_OF - timedelta(days=60)
    assert tickets.filter(pl.col("status") == "on_hold").get_column("escalated").all()
    assert (tickets.filter(pl.col("status") == "new").get_column("agent").null_count()) == (
        tickets.filter(pl.col("status") == "new").height
    )


def test_first_response_and_satisfaction(tickets: pl.DataFrame) -> None:
    median = dict(
        tickets.group_by("channel").agg(pl.col("first_response_minutes").median()).iter_rows()
    )
    assert median["phone"] < median["chat"] < median["messaging"] < median["email"]
    good = dict(tickets.group_by("escalated").agg(pl.col("satisfaction").mean()).iter_rows())
    assert good[False] > 0.85
    assert good[True] < good[False] - 0.15
    assert 0.05 < (tickets.get_column("reopens") > 0).mean() < 0.15


# --- the planted effects --------------------------------------------------------------------


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


# --- the Zendesk-style export ---------------------------------------------------------------


def test_export_matches_the_tickets(tickets: pl.DataFrame, export: pl.DataFrame) -> None:
    assert export.columns == list(EXPORT_COLUMNS)
    assert set(export.dtypes) == {pl.String}
    assert "Escalated" not in " ".join(export.columns)
    assert export.height == tickets.height
    assert export.get_column("Id").to_list() == tickets.get_column("ticket_id").to_list()
    assert export.get_column("Group").to_list() == tickets.get_column("group").to_list()
    assert export.get_column("Subject").to_list() == tickets.get_column("subject").to_list()
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$")
    assert all(stamp.match(s) for s in export.get_column("Created at").head(500))
    parsed = export.get_column("Created at").str.to_datetime("%Y-%m-%d %H:%M:%S %z")
    assert (parsed == tickets.get_column("created_at")).all()
    solved = export.get_column("Solved at").is_not_null()
    assert (solved == tickets.get_column("solved_at").is_not_null()).all()
    assert set(export.get_column("Satisfaction Score").unique()) == {
        "Good",
        "Bad",
        "Offered",
        "Unoffered",
    }
    assert set(export.get_column("Status").unique()) <= {
        "New",
        "Open",
        "Pending",
        "Hold",
        "Solved",
        "Closed",
    }


def test_escalation_is_recoverable_from_the_export(
    tickets: pl.DataFrame, export: pl.DataFrame
) -> None:
    by_group = export.get_column("Group").is_in(list(ESCALATION_GROUPS))
    escalated = tickets.get_column("escalated")
    assert (by_group == escalated).all()
    stations = export.get_column("Group stations").cast(pl.Int32)
    assert (stations.filter(by_group) >= 2).all()
    tagged = export.get_column("Tags").str.split(" ").list.contains("escalated")
    assert not tagged.filter(~escalated).any()
    assert 0.7 < tagged.filter(escalated).mean() < 0.9


def test_write_and_read_back(tmp_path: Path) -> None:
    params = {"seed": 5, "days": 60, "tickets_per_day": 12}
    frame = demo_export(**params)
    gz = write_demo_export(tmp_path / "a" / "demo.csv.gz", **params)
    again = write_demo_export(tmp_path / "b.csv.gz", **params)
    plain = write_demo_export(tmp_path / "demo.csv", **params)
    assert gz.read_bytes() == again.read_bytes()
    assert gzip.decompress(gz.read_bytes()) == plain.read_bytes()
    back = pl.read_csv(gz, infer_schema=False)
    assert back.equals(frame)


def test_shipped_demo_file_is_current(tmp_path: Path) -> None:
    assert SHIPPED.exists(), "run `make demo` (scripts/make_demo.py) to write the demo file"
    assert SHIPPED.stat().st_size < 3_000_000
    fresh = write_demo_export(tmp_path / "demo.csv.gz")
    assert gzip.decompress(SHIPPED.read_bytes()) == gzip.decompress(fresh.read_bytes()), (
        "data/demo_helpdesk.csv.gz is stale: run `make demo`"
    )


def test_make_demo_script_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(["--out", str(tmp_path / "d.csv.gz"), "--days", "60", "--seed", "2"])
    assert out.exists()
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        module.main(["--out", str(tmp_path / "e.csv"), "--days", "5"])


# --- scale ----------------------------------------------------------------------------------


def test_a_million_tickets_in_seconds() -> None:
    start = time.perf_counter()
    big = demo_tickets(days=365, tickets_per_day=1_000_000 / 365)
    elapsed = time.perf_counter() - start
    print(f"\n1,000,000-ticket demo generated in {elapsed:.1f} s ({big.height:,} rows)")
    assert 950_000 < big.height < 1_080_000
    assert elapsed < 60
