"""Tests for lib.anomaly: injected events found and named, clean series quiet, no look-ahead."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lib import anomaly
from lib.anomaly import (
    ALERT_SCHEMA,
    SENSITIVITY,
    AnomalyError,
    cusum_threshold,
    detect_anomalies,
    judgements,
    leading_indicators,
    simulate_tickets,
    topic_granularity,
    topic_series,
)
from lib.schema import empty_tickets

START = dt.date(2024, 1, 1)


def day(i: int) -> dt.date:
    return START + dt.timedelta(days=i)


# --------------------------------------------------------------------------------------------
# Injected events are found and classified


@pytest.mark.parametrize(
    ("event", "kind", "metric"),
    [
        (("a", "volume", 100, 4.0, 1), "spike", "volume"),
        (("a", "volume", 100, 4.0, 3), "spike", "volume"),
        (("a", "volume", 95, 1.8, 21), "level_shift", "volume"),
        (("a", "ramp", 90, 2.5, 28), "level_shift", "volume"),
        (("a", "volume", 100, 0.0, 10), "drop", "volume"),
        (("a", "sentiment", 95, 1.0, 14), "drop", "sentiment"),
    ],
    ids=["spike", "burst", "level_shift", "ramp", "silence", "sentiment_fall"],
)
def test_injected_event_is_found_with_its_kind(event, kind, metric):
    tickets = simulate_tickets(days=130, topics={"a": 30.0, "b": 30.0}, events=[event], seed=3)
    alerts = detect_anomalies(tickets)
    start = day(event[2])
    end = day(event[2] + event[4] - 1)
    hits = alerts.filter(
        (pl.col("topic") == "a")
        & (pl.col("metric") == metric)
        & (pl.col("end") >= start)
        & (pl.col("start") <= end + dt.timedelta(days=7))
    )
    assert hits.height >= 1, alerts
    first = hits.sort("first_alarm").row(0, named=True)
    assert first["kind"] == kind
    assert start <= first["first_alarm"] <= start + dt.timedelta(days=10)
    # the event does not leak into the untouched topic on or after it, nor into the other
    # metric. "b" may hold one chance alert ("balanced" allows a false volume spike in 1 of 500
    # topic-days: 0.2 expected on b's ~95 judged days, 0.4 false alerts of any kind; with the
    # spike's seed, a false spike on day 97)
    other = alerts.filter(pl.col("topic") == "b")
    assert other.height <= 1, other
    near = (pl.col("end") >= start) & (pl.col("start") <= end + dt.timedelta(days=7))
    assert other.filter(near).height == 0, other
    assert alerts.filter((pl.col("topic") == "a") & (pl.col("metric") != metric)).height == 0


def test_spike_row_has_the_day_counts_and_a_tail_probability():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 101, 4.0, 1)])
    alert = detect_anomalies(tickets).row(0, named=True)
    observed = tickets.filter(pl.col("created_at").dt.date() == day(101)).height
    assert alert["kind"] == "spike"
    assert alert["start"] == alert["end"] == alert["peak_day"] == day(101)
    assert alert["observed"] == observed == alert["tickets"]
    assert 15 < alert["expected"] < 25  # a weekday of a 20-a-weekday topic
    assert alert["p_value"] < 1e-6 and alert["q_value"] >= alert["p_value"]
    assert str(observed) in alert["explanation"] and "a:" in alert["explanation"]


def test_three_day_burst_is_one_spike_alert_over_its_days():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 99, 4.0, 3)])
    alerts = detect_anomalies(tickets, metrics="volume")
    assert alerts.height == 1, alerts
    alert = alerts.row(0, named=True)
    burst = tickets.filter(pl.col("created_at").dt.date().is_between(day(99), day(101)))
    assert (alert["kind"], alert["start"], alert["end"]) == ("spike", day(99), day(101))
    assert alert["tickets"] == burst.height and alert["days"] == 3
    assert f"{burst.height} tickets in 3 days" in alert["explanation"]


def test_level_shift_start_is_near_the_true_change_and_one_alert():
    tickets = simulate_tickets(
        days=140, topics={"a": 20.0}, events=[("a", "volume", 98, 1.7, 28)], seed=5
    )
    alerts = detect_anomalies(tickets, metrics="volume")
    shifts = alerts.filter(pl.col("kind") == "level_shift")
    assert shifts.height == 1, alerts
    row = shifts.row(0, named=True)
    assert abs((row["start"] - day(98)).days) <= 3
    assert row["observed"] > 1.4 * row["expected"]
    assert row["days"] >= 7


# --------------------------------------------------------------------------------------------
# Clean series


def test_clean_series_raise_almost_nothing_when_conservative():
    """6 seeds x 2 topics x 2 judged months: 0.8 false alerts expected at the stated rate, fewer
    on Poisson data (the dispersion floor of 1 is conservative)."""
    alerts = [
        detect_anomalies(
            simulate_tickets(days=100, topics={"a": 8.0, "b": 40.0}, seed=100 + seed),
            sensitivity="conservative",
        ).height
        for seed in range(6)
    ]
    assert sum(alerts) <= 1, alerts


def test_clean_false_alarm_rate_is_within_the_stated_rate():
    """12 seeds x 4 topics x 6 judged months; count against a generous Poisson bound."""
    alerts = months = 0
    for seed in range(12):
        tickets = simulate_tickets(
            days=215,
            topics={"a": 2.0, "b": 8.0, "c": 30.0, "d": 90.0},
            dispersion=0.01,
            seed=200 + seed,
        )
        alerts += detect_anomalies(tickets).height
        months += 4 * (215 - 35) / 30.44
    stated = SENSITIVITY["balanced"].false_alerts_per_topic_month * months
    assert alerts <= stats.poisson.ppf(0.999, 2 * stated), (alerts, stated)
    assert alerts / months * 6 <= 1.0  # the issue's target: at most one per topic per 6 months


def test_sensitivity_orders_the_number_of_alerts():
    tickets = simulate_tickets(
        days=200, topics={"a": 10.0, "b": 40.0}, events=[("a", "volume", 150, 1.3, 20)], seed=9
    )
    n = {s: detect_anomalies(tickets, sensitivity=s).height for s in SENSITIVITY}
    assert n["conservative"] <= n["balanced"] <= n["sensitive"]
    assert n["sensitive"] >= 1


# --------------------------------------------------------------------------------------------
# No look-ahead


def _close(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.shape == b.shape
    for col in a.columns:
        x, y = a.get_column(col), b.get_column(col)
        if x.dtype == pl.Float64:
            np.testing.assert_allclose(
                x.fill_null(np.nan).to_numpy(), y.fill_null(np.nan).to_numpy(), rtol=1e-9
            )
        else:
            assert x.to_list() == y.to_list(), col


def test_changing_data_after_day_t_changes_nothing_judged_up_to_t():
    """After day t: a spike, a shift that goes on (its CUSUM onset lies before t), a small topic
    that grows past min_daily (granularity), a topic that fades, a new topic."""
    cut = 150
    base = simulate_tickets(
        days=200,
        topics={"a": 20.0, "b": 1.0, "c": 60.0, "d": 30.0},
        events=[
            ("a", "volume", 120, 3.0, 1),
            ("c", "volume", 100, 1.5, 30),
            ("d", "volume", cut - 20, 1.1, 21),
        ],
        seed=11,
    )
    later = simulate_tickets(
        days=200,
        topics={"a": 40.0, "b": 200.0, "c": 5.0, "d": 55.0, "new": 30.0},
        events=[("a", "volume", cut + 1, 5.0, 1), ("c", "sentiment", cut + 3, 2.0, 20)],
        seed=12,
    ).with_columns(pl.format("L{}", "ticket_id").alias("ticket_id"))
    t_end = dt.datetime.combine(day(cut + 1), dt.time(), tzinfo=dt.UTC)
    changed = pl.concat(
        [base.filter(pl.col("created_at") < t_end), later.filter(pl.col("created_at") >= t_end)]
    )
    keep = (pl.col("day") <= day(cut)) & pl.col("topic").is_in(["a", "b", "c", "d"])
    before, after = judgements(base).filter(keep), judgements(changed).filter(keep)
    assert before.filter(pl.col("judged")).height > 400
    _close(before, after)
    # the later data did change later judgements and alerts
    assert not judgements(base).equals(judgements(changed))
    d_changed = detect_anomalies(changed).filter(pl.col("topic") == "d")
    # a shift raised after t whose start (CUSUM onset) lies in the windows of days before t
    late = (pl.col("first_alarm") > day(cut)) & (pl.col("start") < day(cut - 10))
    assert d_changed.filter(late).height == 1, d_changed
    # alerts that were over before t are the same
    settled = pl.col("end") < day(cut - anomaly.MERGE_GAP - 1)
    _close(detect_anomalies(base).filter(settled), detect_anomalies(changed).filter(settled))
    assert detect_anomalies(base).filter(settled).height >= 2


def test_truncated_data_judges_earlier_days_the_same():
    full = simulate_tickets(days=160, topics={"a": 15.0, "b": 0.7}, seed=13)
    cut = dt.datetime.combine(day(130), dt.time(), tzinfo=dt.UTC)
    short = full.filter(pl.col("created_at") < cut)
    keep = pl.col("day") < day(129)  # the last day of the short data may be partial
    _close(judgements(full).filter(keep), judgements(short).filter(keep))
    # judging "as of" a day is the same as not having the later data
    _close(
        judgements(full, end=day(129)).filter(keep),
        judgements(short, end=day(129)).filter(keep),
    )


# --------------------------------------------------------------------------------------------
# Granularity, series, shapes


def test_small_topics_are_judged_weekly_and_alerts_span_whole_weeks():
    tickets = simulate_tickets(
        days=210,
        topics={"big": 20.0, "small": 0.8},
        events=[("small", "volume", 150, 4.0, 42)],
        seed=4,
    )
    gran = topic_granularity(tickets)
    assert dict(gran.select("topic", "granularity").iter_rows()) == {"big": "day", "small": "week"}
    alerts = detect_anomalies(tickets).filter(pl.col("topic") == "small")
    assert alerts.height >= 1
    row = alerts.row(0, named=True)
    assert row["granularity"] == "week" and row["metric"] == "volume"
    assert row["start"].weekday() == 0 and row["end"].weekday() == 6
    assert row["first_alarm"] >= day(150) and row["first_alarm"].weekday() == 6
    weekly = topic_series(tickets, "small")
    assert weekly.filter(pl.col("judged")).get_column("granularity").head(
        15
    ).unique().to_list() == ["week"]
    assert all(d.weekday() == 0 for d in weekly.get_column("day").to_list())


def test_topic_series_band_and_judged_days():
    tickets = simulate_tickets(days=120, topics={"a": 20.0}, events=[("a", "volume", 101, 4.0, 1)])
    s = topic_series(tickets, "a")
    assert s.height == 120
    assert not s.filter(pl.col("day") < day(35)).get_column("judged").any()
    assert s.filter(pl.col("day") >= day(35)).get_column("judged").all()
    spike = s.filter(pl.col("day") == day(101)).row(0, named=True)
    assert spike["observed"] > spike["upper"] > spike["expected"] > spike["lower"] >= 0
    ok = s.filter(pl.col("judged") & (pl.col("day") != day(101)))
    inside = ok.filter(pl.col("observed").is_between(pl.col("lower"), pl.col("upper"))).height
    assert inside / ok.height > 0.95  # a 99 % band
    senti = topic_series(tickets, "a", metric="sentiment")
    assert senti.filter(pl.col("judged")).get_column("expected").abs().max() < 0.1
    with pytest.raises(AnomalyError, match="no tickets"):
        topic_series(tickets, "nope")


def test_empty_input_gives_empty_frames_with_their_columns():
    empty = empty_tickets()
    out = detect_anomalies(empty)
    assert out.height == 0 and out.schema == pl.Schema(ALERT_SCHEMA)
    assert judgements(empty).height == 0
    assert topic_granularity(empty).height == 0
    assert leading_indicators(empty).height == 0


def test_one_topic_without_sentiment_column_and_too_short_history():
    tickets = simulate_tickets(days=30, topics={"only": 10.0}).drop("sentiment")
    assert detect_anomalies(tickets).height == 0  # nothing can be judged before 35 days
    longer = simulate_tickets(
        days=120, topics={"only": 10.0}, events=[("only", "volume", 100, 5, 1)]
    )
    alerts = detect_anomalies(longer.drop("sentiment"))
    assert alerts.select("topic", "metric", "kind").rows() == [("only", "volume", "spike")]


def test_tags_are_exploded_and_missing_topics_grouped():
    tickets = simulate_tickets(days=120, topics={"x": 20.0}, events=[("x", "volume", 100, 4.0, 1)])
    tags = np.where(np.arange(tickets.height) % 2 == 0, "login", "billing")
    tickets = tickets.with_columns(
        pl.concat_list(pl.lit("web"), pl.Series(tags)).alias("tags"),
        pl.when(pl.int_range(pl.len()) % 10 == 0)
        .then(None)
        .otherwise(pl.col("category"))
        .alias("category"),
    )
    gran = topic_granularity(tickets, topic="tags")
    assert sorted(gran.get_column("topic").to_list()) == ["billing", "login", "web"]
    alerts = detect_anomalies(tickets, topic="tags")
    assert {"web", "login", "billing"} >= set(alerts.get_column("topic").to_list()) >= {"web"}
    assert "(none)" in topic_granularity(tickets).get_column("topic").to_list()


def test_partial_last_day_is_not_a_drop():
    tickets = simulate_tickets(days=100, topics={"a": 60.0}, seed=2)
    cut = dt.datetime.combine(day(99), dt.time(6), tzinfo=dt.UTC)
    tickets = tickets.filter(pl.col("created_at") < cut)
    last = judgements(tickets).filter((pl.col("day") == day(99)) & (pl.col("metric") == "volume"))
    row = last.row(0, named=True)
    assert row["expected"] < 0.4 * 60  # a quarter of a day expected, not a full one
    assert detect_anomalies(tickets).filter(pl.col("kind") == "drop").height == 0


def test_time_zone_moves_days():
    tickets = simulate_tickets(days=60, topics={"a": 10.0})
    utc = judgements(tickets).filter(pl.col("metric") == "volume")
    tokyo = judgements(tickets, tz="Asia/Tokyo").filter(pl.col("metric") == "volume")
    assert utc.get_column("observed").sum() == tokyo.get_column("observed").sum()
    assert tokyo.get_column("day").max() == utc.get_column("day").max() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sensitivity": "max"}, "sensitivity"),
        ({"topic": "nope"}, "topic column"),
        ({"window": 3}, "window"),
        ({"colour": 1}, "unknown option"),
        ({"metrics": ("volume", "mood")}, "metrics"),
        ({"start": dt.date(2024, 3, 1), "end": dt.date(2024, 2, 1)}, "after"),
        ({"tz": "Mars/Olympus"}, "time zone"),
    ],
)
def test_bad_options_are_reported(options, message):
    with pytest.raises(AnomalyError, match=message):
        detect_anomalies(simulate_tickets(days=10), **options)


def test_start_and_end_filter_alerts_not_judgement():
    tickets = simulate_tickets(
        days=160,
        topics={"a": 20.0},
        events=[("a", "volume", 80, 4.0, 1), ("a", "volume", 140, 4.0, 1)],
    )
    both = detect_anomalies(tickets)
    assert both.get_column("start").to_list() == [day(140), day(80)]  # newest first
    late = detect_anomalies(tickets, start=day(100))
    assert late.get_column("start").to_list() == [day(140)]
    early = detect_anomalies(tickets, end=day(100))
    assert early.get_column("start").to_list() == [day(80)]


# --------------------------------------------------------------------------------------------
# The statistical pieces against references


def test_window_fit_equals_statsmodels_poisson_glm(monkeypatch):
    """With the profile taken from the same window and no shrinkage, pseudo-count or clipping,
    the expected count is the Poisson GLM with weekday terms, the degrees of freedom are the
    GLM's and alpha is the moment estimate of var = mu + alpha mu^2 from its fitted values."""
    monkeypatch.setattr(anomaly, "PROFILE_DAYS", 56)
    monkeypatch.setattr(anomaly, "PROFILE_PRIOR", 0.0)
    monkeypatch.setattr(anomaly, "LEVEL_PSEUDO", 0.0)
    monkeypatch.setattr(anomaly, "CLIP_SD", 1e9)
    tickets = simulate_tickets(days=90, topics={"a": 12.0}, weekend=0.3, dispersion=0.1, seed=8)
    opts = anomaly._options()
    grid = anomaly._build_grid(tickets, opts)
    fit = anomaly._fit(grid, opts)
    for t in (70, 83, 88):  # not the last day: it may be partial (expected scaled down)
        lo, hi = t - 7 - 56, t - 7
        y = grid.counts[0, lo:hi]
        wd = (START.weekday() + np.arange(lo, hi)) % 7
        x = np.eye(7)[wd]  # one column per weekday: the saturated weekday model
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
        mu_glm = res.predict(np.eye(7)[[(START.weekday() + t) % 7]])[0]
        assert fit.mu[0, t] == pytest.approx(mu_glm, rel=1e-9)
        assert fit.df[0, t] == res.df_resid == 49
        m = res.fittedvalues
        alpha = ((y - m) ** 2 - m).sum() * 56 / 49 / (m**2).sum()
        assert alpha > 0.03  # overdispersed data, so the Poisson floor is not in play
        assert fit.alpha[0, t] == pytest.approx(alpha, rel=1e-9)


def test_count_tests_match_poisson_and_negative_binomial():
    y = np.array([0.0, 3.0, 10.0, 25.0])
    mu = np.array([2.0, 2.0, 5.0, 12.0])
    p, z = anomaly._count_tests(y, mu, np.full(4, 1.0 + 1e-9))
    mid = stats.poisson.sf(y, mu) + 0.5 * stats.poisson.pmf(y, mu)  # mid-p upper tail
    np.testing.assert_allclose(p, mid, rtol=1e-5)
    p2, _ = anomaly._count_tests(y, mu, np.full(4, 2.0))
    mid2 = stats.nbinom.sf(y, mu, 0.5) + 0.5 * stats.nbinom.pmf(y, mu, 0.5)
    np.testing.assert_allclose(p2, mid2, rtol=1e-9)
    assert np.all(p2[2:] > p[2:])  # overdispersion makes a high count less surprising
    assert z[0] < 0 < z[1] < z[2] < z[3]


def test_benjamini_hochberg_matches_statsmodels():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(12, 5)) ** 3
    p[[1, 4, 7], [0, 2, 2]] = np.nan
    q = anomaly._bh(p)
    for c in range(p.shape[1]):
        ok = ~np.isnan(p[:, c])
        np.testing.assert_allclose(q[ok, c], multipletests(p[ok, c], method="fdr_bh")[1])
        assert np.isnan(q[~ok, c]).all()


def test_cusum_threshold_gives_its_alarm_rate():
    h = cusum_threshold(300.0)
    assert h == pytest.approx(anomaly._siegmund_h(300.0, 0.5), abs=0.15)
    rng = np.random.default_rng(99)  # not the seed the threshold was simulated with
    z = rng.standard_normal((300, 3000))
    _, alarm, onset = anomaly._cusum(z, np.ones_like(z, dtype=bool), h)
    rate = alarm.sum() / z.size
    assert 1 / 300 / 1.3 < rate < 1 / 300 * 1.3
    assert np.all(onset[alarm] <= np.nonzero(alarm)[1])
    # estimated baselines make residuals drift together: a higher threshold for the same rate
    assert cusum_threshold(300.0, fitted_on=56, guard=7) > h + 0.3


def test_sensitivity_table_is_documented_and_ordered():
    rates = [SENSITIVITY[s].false_alerts_per_topic_month for s in SENSITIVITY]
    assert list(SENSITIVITY) == ["conservative", "balanced", "sensitive"]
    assert rates == sorted(rates)
    for name in ("spike_alpha", "sentiment_alpha", "spike_fdr"):
        values = [getattr(s, name) for s in SENSITIVITY.values()]
        assert values == sorted(values) and len(set(values)) == 3, name
    assert [s.cusum_arl for s in SENSITIVITY.values()] == [4000.0, 1500.0, 500.0]
    for s in SENSITIVITY.values():
        assert s.description and 0 < s.sentiment_alpha <= s.spike_alpha < s.spike_fdr < 1


def test_stated_rate_adds_up_its_tests_and_fits_the_issue_budget():
    """balanced: volume spike 2e-3 + sentiment 5e-4 a topic-day + three CUSUMs of ARL 1500 days,
    over 30.44 days = 0.137 a topic-month = 0.82 per six months (issue 5: at most 1)."""
    b = SENSITIVITY["balanced"]
    assert (b.spike_alpha, b.sentiment_alpha) == (2e-3, 5e-4)
    assert b.false_alerts_per_topic_month == pytest.approx(30.44 * (2e-3 + 5e-4 + 3 / 1500))
    assert b.false_alerts_per_topic_month * 6 == pytest.approx(0.8219, abs=1e-4)
    assert b.description == "Balanced: about one false alert per topic in 7 months"
    assert SENSITIVITY["conservative"].description.endswith("in 35 months")
    assert SENSITIVITY["sensitive"].description.endswith("in 3 months")


def test_volume_and_sentiment_one_day_tests_use_their_own_alpha(monkeypatch):
    """A spike whose p-value lies between the sentiment alpha and the volume alpha is raised only
    while the volume alpha is above it; the sentiment alpha does not move it."""
    tickets = simulate_tickets(days=120, topics={"a": 10.0}, events=[("a", "volume", 101, 2.0, 1)])
    j = judgements(tickets, metrics="volume").filter(pl.col("day") == day(101)).row(0, named=True)
    p = j["p_value"]
    assert 5e-4 < p < 2e-3, p  # the seeded day sits between the two rates
    spikes = lambda: detect_anomalies(tickets, metrics="volume").filter(  # noqa: E731
        pl.col("kind") == "spike"
    )
    assert spikes().get_column("start").to_list() == [day(101)]
    balanced = SENSITIVITY["balanced"]
    monkeypatch.setitem(
        SENSITIVITY, "balanced", dataclasses.replace(balanced, sentiment_alpha=1e-9)
    )
    assert spikes().height == 1
    # at the sentiment test's rate (balanced's volume rate before it got its own), no spike
    monkeypatch.setitem(SENSITIVITY, "balanced", dataclasses.replace(balanced, spike_alpha=5e-4))
    assert spikes().height == 0


# --------------------------------------------------------------------------------------------
# Leading indicators


def test_leading_indicators_flag_rising_escalation_and_volume():
    calm = simulate_tickets(days=84, topics={"flat": 20.0, "hot": 20.0}, seed=21)
    recent = pl.col("created_at") >= dt.datetime.combine(day(70), dt.time(), tzinfo=dt.UTC)
    surge = simulate_tickets(
        days=14, topics={"hot": 20.0}, start=day(70), escalation_rate=0.5, seed=22
    ).with_columns(pl.format("S{}", "ticket_id").alias("ticket_id"))
    tickets = pl.concat([calm, surge]).with_columns(
        pl.when(recent & (pl.col("category") == "hot") & pl.col("ticket_id").str.starts_with("T"))
        .then(True)
        .otherwise(pl.col("escalated"))
        .alias("escalated")
    )
    out = {r["topic"]: r for r in leading_indicators(tickets).iter_rows(named=True)}
    hot, flat = out["hot"], out["flat"]
    assert hot["escalation_direction"] == "up" and hot["escalation_significant"]
    assert hot["volume_direction"] == "up" and hot["volume_significant"]
    assert hot["volume_ratio"] == pytest.approx(
        (hot["tickets_recent"] / 14) / (hot["tickets_baseline"] / 56)
    )
    assert hot["rising"] and not flat["rising"]
    assert not flat["escalation_significant"]
    assert math.isclose(
        flat["escalation_rate_recent"],
        calm.filter(recent & (pl.col("category") == "flat")).get_column("escalated").mean(),
    )


def test_estimated_dispersion_widens_the_tail_like_student_t():
    p = np.array([1e-4, 1e-4, 0.7])
    out = anomaly._estimated_tail(p, alpha=np.array([0.0, 0.05, 0.05]), df=np.array([49, 49, 49]))
    assert out[0] == p[0]  # Poisson floor: the variance is not an estimate
    assert out[1] == pytest.approx(stats.t.sf(stats.norm.isf(1e-4), 49))
    assert 2 * p[1] < out[1] < 10 * p[1]
    assert out[2] == p[2]  # lower half untouched


def test_mid_p_spike_test_is_not_conservative_on_small_counts():
    """At a mean of 5 the exact tail needs 15 tickets for p <= 5e-4 (size 2.3e-4); the mid-p
    needs 14 (size 7.0e-4). Over means 3..20 the mid-p test's size averages about alpha."""
    alpha = 5e-4
    y = np.arange(0.0, 80.0)
    p, _ = anomaly._count_tests(y, np.full(y.size, 5.0), np.full(y.size, 1.0 + 1e-9))
    assert y[p <= alpha].min() == 14
    sizes = []
    for mu in np.linspace(3, 20, 35):
        p, _ = anomaly._count_tests(y, np.full(y.size, mu), np.full(y.size, 1.0 + 1e-9))
        sizes.append(stats.poisson.pmf(y, mu)[p <= alpha].sum())
        exact = stats.poisson.pmf(y, mu)[stats.poisson.sf(y - 1, mu) <= alpha].sum()
        assert sizes[-1] >= exact
    assert 0.7 * alpha < np.mean(sizes) < 1.3 * alpha
    # the x3 spike at an expected 5: the mid-p test finds P(Poisson(15) >= 14) = 0.64 of them
    assert stats.poisson.sf(13, 15) == pytest.approx(0.64, abs=0.01)
