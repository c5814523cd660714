"""Measure the topic anomaly detector on seeded synthetic helpdesks with known injected events.

Usage::

    .venv/bin/python scripts/bench_anomaly.py [--replicates 48] [--clean 120] [--seed 2026] \
        [--sensitivity balanced] [--no-timing]

Each dataset holds 20 topics of one length (60, 120 or 365 days) with their own level (1 to 200
tickets a weekday), weekend factor, overdispersion (negative binomial), sentiment mean and spread,
and, for clean topics, a slow trend. Most topics carry one injected event:

* one-day volume spikes x1.5, x2, x3, x5;
* level shifts x1.25, x1.5, x2 lasting 14-28 days; ramps rising to x1.5 or x2 over 28 days;
* drops: silence (x0) for 7 days, x0.5 for 14 days;
* sentiment falls of 0.25, 0.5, 1 ticket-level SD lasting 14-28 days.

The rest are clean. Everything goes through the public ``detect_anomalies`` on ticket frames.
The same run scores a simple baseline (same-weekday median + k * MAD over the same trailing
window and guard), once with the textbook k = 3 and once with k calibrated on *separate* clean
seeds to the detector's own false-alarm rate there. No detector setting is tuned on the seeds
reported: those start at ``--seed`` (default 2026); calibration uses seeds below 1000.
48 replicates per effect and baseline (about 270 x3 spikes on days expecting 5+ tickets) put
the recall of a target cell within about +-0.03; the earlier default of 16 (88 such spikes)
could not tell 0.87 from 0.93.

Spike recall is reported twice: by the topic's weekday baseline, and by the expected count of
the spike day itself (weekends run at 0.3-1.0 times the weekday level), next to the recall of a
one-day test that knows the true mean (the ceiling for any test at that false-alarm rate).

An event counts as found when an alert of its metric and direction (up: spike/level_shift; down:
drop) spans part of the event or the 7 days after it and was raised no later than that. Delay =
first alarm - event start. Precision = alerts that match an event / all alerts (alerts on clean
topics and echoes after an event count against it). False alerts per topic-month are measured on
the clean topics over their judged days.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import anomaly
from lib.anomaly import SENSITIVITY, detect_anomalies

BASELINES = (1, 2, 5, 10, 20, 50, 100, 200)
LENGTHS = (60, 120, 365, 365)  # cycled over replicates: half the events in year-long series
TOPICS_PER_DATASET = 20
START = date(2024, 1, 1)
TOLERANCE = 7  # days after an event's end in which an alert still counts for it
WINDOW, GUARD, MIN_HISTORY = 56, 7, 28
FIRST_JUDGED = MIN_HISTORY + GUARD

#: (event family, size, direction, metric)
EVENTS: list[tuple[str, float]] = (
    [("spike", s) for s in (1.5, 2.0, 3.0, 5.0)]
    + [("shift", s) for s in (1.25, 1.5, 2.0)]
    + [("ramp", s) for s in (1.5, 2.0)]
    + [("drop", s) for s in (0.0, 0.5)]
    + [("sentiment", s) for s in (0.25, 0.5, 1.0)]
)
#: Bands of the spike day's own expected count (without the spike): lower bounds and labels.
DAY_BANDS = (0.0, 2.0, 5.0, 10.0, 20.0)
DAY_LABELS = ("< 2", "2-5", "5-10", "10-20", "20+")
EXPECTED_KIND = {
    "spike": "spike",
    "shift": "level_shift",
    "ramp": "level_shift",
    "drop": "drop",
    "sentiment": "drop",
}


@dataclass
class Topic:
    name: str
    baseline: float
    days: int
    family: str | None = None  # None = clean
    size: float = 0.0
    start: int = 0
    length: int = 0
    weekend: float = 1.0
    dispersion: float = 0.0
    trend: float = 0.0
    s_mean: float = 0.0
    s_sd: float = 0.4
    expected: float = 0.0  # expected count of the event's first day without the event
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    s_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def metric(self) -> str:
        return "sentiment" if self.family == "sentiment" else "volume"

    @property
    def up(self) -> bool:
        return self.family in ("spike", "shift", "ramp")

    @property
    def end(self) -> int:
        return self.start + self.length - 1


def plan(replicates: int, clean_per_baseline: int, rng: np.random.Generator) -> list[Topic]:
    topics = []
    for family, size in EVENTS:
        for base in BASELINES:
            for r in range(replicates):
                days = LENGTHS[r % len(LENGTHS)]
                length = {"spike": 1, "ramp": 28, "drop": 7 if size == 0 else 14}.get(
                    family, int(rng.integers(14, 29))
                )
                length = min(length, days - FIRST_JUDGED - 8)
                first = FIRST_JUDGED + 3 if days < 120 else WINDOW + GUARD + 7
                last = days - length - 1
                start = int(rng.integers(first, max(last, first) + 1))
                topics.append(Topic("", base, days, family, size, start, length))
    for base in BASELINES:
        for r in range(clean_per_baseline):
            topics.append(Topic("", base, 365 if r % 4 else 120))
    for t in topics:
        t.weekend = float(rng.uniform(0.3, 1.0))
        t.dispersion = float(rng.uniform(0.0, 0.02))
        t.s_mean = float(rng.uniform(-0.2, 0.2))
        t.s_sd = float(rng.uniform(0.3, 0.5))
        if t.family is None:
            t.trend = float(rng.uniform(-0.3, 0.3))
    return topics


def simulate(topic: Topic, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Daily counts and, per ticket, the day index and sentiment."""
    days = topic.days
    wd = (START.weekday() + np.arange(days)) % 7
    mu = topic.baseline * np.where(wd >= 5, topic.weekend, 1.0)
    mu = mu * (1 + topic.trend * np.arange(days) / 365)
    mult = np.ones(days)
    fall = np.zeros(days)
    span = slice(topic.start, topic.start + topic.length)
    if topic.family in ("spike", "shift", "drop"):
        mult[span] = topic.size
    elif topic.family == "ramp":
        mult[span] = 1 + (topic.size - 1) * np.arange(1, topic.length + 1) / topic.length
    elif topic.family == "sentiment":
        fall[span] = topic.size * topic.s_sd
    topic.expected = float(mu[topic.start]) if topic.family else 0.0
    mu = mu * mult
    if topic.dispersion > 0:
        mu = rng.gamma(1 / topic.dispersion, mu * topic.dispersion)
    counts = rng.poisson(mu)
    day_of = np.repeat(np.arange(days), counts)
    senti = np.clip(rng.normal(topic.s_mean - fall[day_of], topic.s_sd), -1, 1)
    topic.counts = counts.astype(float)
    topic.s_sum = np.bincount(day_of, weights=senti, minlength=days)
    return day_of, senti


def tickets_of(topics: list[Topic], rng: np.random.Generator) -> pl.DataFrame:
    parts = []
    for t in topics:
        day_of, senti = simulate(t, rng)
        secs = rng.integers(0, 86_400, size=day_of.size)
        parts.append(pl.DataFrame({"day": day_of, "secs": secs, "category": t.name, "s": senti}))
    frame = pl.concat(parts)
    origin = datetime(START.year, START.month, START.day, tzinfo=UTC)
    return frame.select(
        pl.format("T{}", pl.int_range(pl.len())).alias("ticket_id"),
        (
            pl.lit(origin).cast(pl.Datetime("us", "UTC"))
            + pl.duration(days=pl.col("day"), seconds=pl.col("secs"))
        ).alias("created_at"),
        "category",
        pl.col("s").alias("sentiment"),
        pl.lit(False).alias("escalated"),
    )


# ------------------------------------------------------------------------------------------
# The simple baseline: same-weekday median + k * MAD


def baseline_alerts(topics: list[Topic], k: float) -> list[dict]:
    """Alerts of the same-weekday median + k*MAD rule on each topic's own daily series."""
    alerts = []
    lags = [7 * j for j in range(1, 20) if GUARD < 7 * j <= WINDOW + GUARD]
    for t in topics:
        y = t.counts
        days = len(y)
        n_s = y
        with np.errstate(all="ignore"):
            s_mean = np.where(n_s > 0, t.s_sum / np.maximum(n_s, 1), np.nan)
        hist = np.full((len(lags), days), np.nan)
        s_hist = np.full((WINDOW, days), np.nan)
        for i, lag in enumerate(lags):
            hist[i, lag:] = y[:-lag]
        for i, lag in enumerate(range(GUARD + 1, GUARD + WINDOW + 1)):
            s_hist[i, lag:] = s_mean[:-lag]
        ok = np.sum(~np.isnan(hist), 0) >= 4
        ok[:FIRST_JUDGED] = False
        with np.errstate(all="ignore"), _quiet():
            med = np.nanmedian(hist, 0)
            mad = np.maximum(1.4826 * np.nanmedian(np.abs(hist - med), 0), 1.0)
            s_med = np.nanmedian(s_hist, 0)
            s_mad = np.maximum(1.4826 * np.nanmedian(np.abs(s_hist - s_med), 0), 0.05)
        up = ok & (y > med + k * mad) & (y - med >= 3)
        down = ok & (y < med - k * mad)
        s_down = ok & ~np.isnan(s_mean) & (s_mean < s_med - k * s_mad)
        for metric, direction, flags in (
            ("volume", "up", up),
            ("volume", "down", down),
            ("sentiment", "down", s_down),
        ):
            for s, e in _runs(np.flatnonzero(flags), gap=2):
                kind = "drop" if direction == "down" else ("spike" if s == e else "level_shift")
                alerts.append(
                    dict(topic=t.name, metric=metric, kind=kind, start=s, end=e, first_alarm=s)
                )
    return alerts


class _quiet:
    def __enter__(self) -> None:
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._w.__exit__(*exc)


def _runs(idx: np.ndarray, gap: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in idx.tolist():
        if runs and i <= runs[-1][1] + 1 + gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


# ------------------------------------------------------------------------------------------
# Scoring


def detector_alerts(tickets: pl.DataFrame, sensitivity: str) -> list[dict]:
    out = detect_anomalies(tickets, sensitivity=sensitivity)
    day = pl.col("start").dt.epoch("d") - (START - date(1970, 1, 1)).days
    return out.select(
        "topic",
        "metric",
        "kind",
        day.alias("start"),
        (pl.col("end").dt.epoch("d") - (START - date(1970, 1, 1)).days).alias("end"),
        (pl.col("first_alarm").dt.epoch("d") - (START - date(1970, 1, 1)).days).alias(
            "first_alarm"
        ),
        "granularity",
    ).to_dicts()


def matches(alert: dict, t: Topic) -> bool:
    if t.family is None or alert["metric"] != t.metric:
        return False
    if (alert["kind"] != "drop") != t.up:
        return False
    horizon = t.end + TOLERANCE
    return alert["end"] >= t.start and alert["start"] <= horizon and alert["first_alarm"] <= horizon


@dataclass
class Score:
    found: dict = field(default_factory=dict)  # (family, size, baseline) -> [bool]
    found_day: dict = field(default_factory=dict)  # (spike size, day band) -> [bool]
    kind_ok: dict = field(default_factory=dict)  # (family, size) -> [bool]
    delay: dict = field(default_factory=dict)  # (family, size) -> [days]
    delay_target: list = field(default_factory=list)
    tp: int = 0
    fp: int = 0
    echo: int = 0
    near: int = 0  # alerts on event topics starting from 14 days before to window+guard after
    near_tp: int = 0
    event_months: float = 0.0
    clean_alerts: dict = field(default_factory=dict)  # baseline -> alerts
    clean_months: dict = field(default_factory=dict)  # baseline -> topic-months


def score(score_: Score, topics: list[Topic], alerts: list[dict]) -> None:
    by_topic: dict[str, list[dict]] = {}
    for a in alerts:
        by_topic.setdefault(a["topic"], []).append(a)
    for t in topics:
        mine = sorted(by_topic.get(t.name, []), key=lambda a: a["first_alarm"])
        if t.family is None:
            months = (t.days - FIRST_JUDGED) / 30.44
            score_.clean_alerts[t.baseline] = score_.clean_alerts.get(t.baseline, 0) + len(mine)
            score_.clean_months[t.baseline] = score_.clean_months.get(t.baseline, 0) + months
            score_.fp += len(mine)
            continue
        hits = [a for a in mine if matches(a, t)]
        score_.tp += len(hits)
        score_.event_months += (t.days - FIRST_JUDGED) / 30.44
        for a in mine:
            if t.start - 14 <= a["start"] <= t.end + WINDOW + GUARD:
                score_.near += 1
                score_.near_tp += a in hits
            if a in hits:
                continue
            score_.fp += 1
            if t.end < a["start"] <= t.end + WINDOW + GUARD:
                score_.echo += 1
        key = (t.family, t.size)
        score_.found.setdefault((*key, t.baseline), []).append(bool(hits))
        if t.family == "spike":
            score_.found_day.setdefault((t.size, day_band(t.expected)), []).append(bool(hits))
        if hits:
            first = hits[0]
            score_.kind_ok.setdefault(key, []).append(first["kind"] == EXPECTED_KIND[t.family])
            delay = max(0, first["first_alarm"] - t.start)
            score_.delay.setdefault(key, []).append(delay)


def day_band(expected: float) -> int:
    """Index in DAY_BANDS of a day's expected count."""
    return int(np.searchsorted(DAY_BANDS, expected, side="right") - 1)


def oracle_found(topics: list[Topic], alpha: float) -> dict:
    """(spike size, day band) -> [bool]: a test that knows the day's true mean and dispersion
    and flags the day when its mid-p P(Y > y) + P(Y = y) / 2 (as the detector's) <= alpha. No
    estimation, no gates: at a false-alarm rate alpha per topic-day, a one-day test can do
    little better on these spikes (Neyman-Pearson, up to the discreteness of counts)."""
    out: dict = {}
    for t in topics:
        if t.family != "spike":
            continue
        mu, y = t.expected, t.counts[t.start]
        if t.dispersion > 0:
            dist = stats.nbinom(1 / t.dispersion, 1 / (1 + t.dispersion * mu))
        else:
            dist = stats.poisson(mu)
        p = dist.sf(y) + 0.5 * dist.pmf(y)
        out.setdefault((t.size, day_band(t.expected)), []).append(bool(p <= alpha))
    return out


# ------------------------------------------------------------------------------------------
# Reports


def flat(lists) -> list:
    return list(itertools.chain.from_iterable(lists))


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def recall(values: list[bool]) -> float:
    return float(np.mean(values)) if values else float("nan")


def share(values: list[bool]) -> str:
    """Recall with its counts, e.g. '0.90 (78/87)' (so 0.896 is not read as 0.90 met)."""
    return f"{fmt(recall(values))} ({sum(values)}/{len(values)})"


def recall_table(name: str, s: Score) -> list[str]:
    lines = [
        f"#### Recall by effect and baseline (tickets a weekday): {name}",
        "",
        "| event | " + " | ".join(str(b) for b in BASELINES) + " | all |",
        "| --- |" + " ---: |" * (len(BASELINES) + 1),
    ]
    for family, size in EVENTS:
        row = [recall(s.found.get((family, size, b), [])) for b in BASELINES]
        every = flat(s.found.get((family, size, b), []) for b in BASELINES)
        lines.append(
            f"| {label(family, size)} | "
            + " | ".join(fmt(v) for v in row)
            + f" | {fmt(recall(every))} |"
        )
    return [*lines, ""]


def day_table(rows: dict[str, dict]) -> list[str]:
    """Recall of one-day spikes by the spike day's own expected count, per method."""
    lines = [
        "| spike | method | " + " | ".join(DAY_LABELS) + " | >= 5 |",
        "| --- | --- |" + " ---: |" * (len(DAY_LABELS) + 1),
    ]
    for size in (s for f, s in EVENTS if f == "spike"):
        for name, found in rows.items():
            cells = []
            for b in range(len(DAY_BANDS)):
                v = found.get((size, b), [])
                cells.append(f"{fmt(recall(v))} ({len(v)})")
            target = flat(found.get((size, b), []) for b in range(len(DAY_BANDS)) if b >= 2)
            lines.append(
                f"| x{size:g} | {name} | " + " | ".join(cells) + f" | {fmt(recall(target))} |"
            )
    return [*lines, ""]


def label(family: str, size: float) -> str:
    if family == "sentiment":
        return f"sentiment fall {size:g} SD"
    if family == "drop":
        return "silence 7 d" if size == 0 else f"drop x{size:g} 14 d"
    return f"{family} x{size:g}"


def summary_table(scores: dict[str, Score]) -> list[str]:
    lines = [
        "| event | method | recall | recall at target baselines | right kind | delay median"
        " | delay p90 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for family, size in EVENTS:
        for name, s in scores.items():
            every = flat(s.found.get((family, size, b), []) for b in BASELINES)
            lo = 5 if family == "spike" else 10
            target = flat(s.found.get((family, size, b), []) for b in BASELINES if b >= lo)
            kinds = s.kind_ok.get((family, size), [])
            delays = s.delay.get((family, size), [])
            lines.append(
                f"| {label(family, size)} | {name} | {fmt(recall(every))} | "
                f"{fmt(recall(target))} (>= {lo}/day) | {fmt(recall(kinds))} | "
                f"{fmt(float(np.median(delays)) if delays else None, 0)} | "
                f"{fmt(float(np.percentile(delays, 90)) if delays else None, 0)} |"
            )
    return [*lines, ""]


def false_alarm_table(scores: dict[str, Score]) -> list[str]:
    lines = [
        "| method | " + " | ".join(str(b) for b in BASELINES) + " | all | per 6 months |"
        " precision, all alerts | precision near events | echoes |",
        "| --- |" + " ---: |" * (len(BASELINES) + 5),
    ]
    for name, s in scores.items():
        rates = [s.clean_alerts.get(b, 0) / s.clean_months[b] for b in BASELINES]
        total = sum(s.clean_alerts.values()) / sum(s.clean_months.values())
        precision = s.tp / (s.tp + s.fp) if s.tp + s.fp else float("nan")
        near = s.near_tp / s.near if s.near else float("nan")
        lines.append(
            f"| {name} | "
            + " | ".join(fmt(r, 3) for r in rates)
            + f" | {fmt(total, 3)} | {fmt(total * 6, 2)} | {fmt(precision)} | {fmt(near)}"
            f" | {s.echo} |"
        )
    return [*lines, ""]


# ------------------------------------------------------------------------------------------


def run(topics: list[Topic], rng: np.random.Generator, sensitivity: str, ks: list[float]):
    """Detector and baselines over all datasets; returns scores."""
    scores = {"detector": Score(), **{f"median+{k:g}MAD": Score() for k in ks}}
    groups: dict[int, list[Topic]] = {}
    for t in topics:
        groups.setdefault(t.days, []).append(t)
    for days, ts in sorted(groups.items()):
        order = rng.permutation(len(ts))
        ts = [ts[i] for i in order]
        for i in range(0, len(ts), TOPICS_PER_DATASET):
            chunk = ts[i : i + TOPICS_PER_DATASET]
            for j, t in enumerate(chunk):
                t.name = f"d{days}-{i // TOPICS_PER_DATASET}-t{j:02d}"
            tickets = tickets_of(chunk, rng)
            score(scores["detector"], chunk, detector_alerts(tickets, sensitivity))
            for k in ks:
                score(scores[f"median+{k:g}MAD"], chunk, baseline_alerts(chunk, k))
    return scores


def calibrate_k(sensitivity: str, seed: int) -> tuple[float, float]:
    """k of the simple baseline giving the detector's false-alarm rate on separate clean seeds."""
    rng = np.random.default_rng(seed)
    topics = plan(0, 10, rng)
    grid = [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 8.0]
    scores = run(topics, rng, sensitivity, grid)
    det = scores.pop("detector")
    target = sum(det.clean_alerts.values()) / sum(det.clean_months.values())
    rates = {
        k: sum(scores[f"median+{k:g}MAD"].clean_alerts.values())
        / sum(scores[f"median+{k:g}MAD"].clean_months.values())
        for k in grid
    }
    k = next((k for k in grid if rates[k] <= target), grid[-1])
    return k, target


def timing(sensitivity: str) -> list[str]:
    rng = np.random.default_rng(7)
    rates = np.geomspace(2, 300, 50)
    rates = rates * 1_000_000 / (rates.sum() * 365 * (5 + 2 * 0.6) / 7)
    tickets = anomaly.simulate_tickets(
        days=365,
        topics={f"topic{i:02d}": float(r) for i, r in enumerate(rates)},
        dispersion=0.01,
        seed=int(rng.integers(1 << 30)),
    )
    anomaly.cusum_threshold.cache_clear()
    t0 = time.perf_counter()
    detect_anomalies(tickets, sensitivity=sensitivity)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(3):
        t0 = time.perf_counter()
        alerts = detect_anomalies(tickets, sensitivity=sensitivity)
        warm.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    anomaly.topic_series(tickets, "topic10", sensitivity=sensitivity)
    series = time.perf_counter() - t0
    t0 = time.perf_counter()
    anomaly.leading_indicators(tickets)
    leading = time.perf_counter() - t0
    return [
        "| step | seconds |",
        "| --- | ---: |",
        f"| detect_anomalies, {tickets.height:,} tickets, 50 topics, 365 days, first call"
        f" (includes the CUSUM threshold simulation) | {cold:.2f} |",
        f"| detect_anomalies, same, best of 3 ({len(alerts)} alerts) | {min(warm):.2f} |",
        f"| topic_series, one topic | {series:.2f} |",
        f"| leading_indicators | {leading:.2f} |",
        "",
    ]


def sentiment_timing() -> list[str]:
    from lib.sentiment import _score_one, score_text

    rng = np.random.default_rng(3)
    words = ["refund", "login", "broken", "thanks", "slow", "invoice", "error", "great"]
    words += ["cannot", "urgent", "help", "password", "not working", "charged twice", "crash"]
    unique = [f"{' '.join(rng.choice(words, size=rng.integers(3, 8)))} #{i}" for i in range(20_000)]
    texts = pl.Series("subject", np.asarray(unique)[rng.zipf(1.3, 1_000_000) % len(unique)])
    _score_one.cache_clear()
    t0 = time.perf_counter()
    score_text(texts)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    score_text(texts)
    warm = time.perf_counter() - t0
    return [
        "| step | seconds |",
        "| --- | ---: |",
        f"| score_text, 1,000,000 subjects, {texts.n_unique():,} distinct, cold | {cold:.2f} |",
        f"| same again (process cache warm) | {warm:.2f} |",
        "",
    ]


# ------------------------------------------------------------------------------------------
# Real-shaped clean series (issue 14): persistent levels, holidays, trends, weekly rhythm

REAL_LEVELS = (20.0, 100.0, 300.0)


def _overlaps(alerts: pl.DataFrame, days: list[date]) -> pl.Expr:
    """Alerts whose span holds one of ``days``."""
    return pl.any_horizontal(
        [(pl.col("start") <= d) & (pl.col("end") >= d) for d in days] or [pl.lit(False)]
    )


def _shared(tickets: pl.DataFrame, **opts: object) -> pl.DataFrame | None:
    """Shared events, when the detector has them (absent before issue 14)."""
    fn = getattr(anomaly, "shared_events", None)
    return None if fn is None else fn(tickets, **opts)


def real_shaped(sensitivity: str, datasets: int, seed: int) -> list[str]:
    """False alerts per topic-month on clean real-shaped helpdesks, beside the stated rates."""
    from lib.anomaly.realistic import simulate_helpdesk

    sens = SENSITIVITY[sensitivity]
    stated_v = 30.44 * (sens.spike_alpha + 2 / sens.cusum_arl)
    stated_s = 30.44 * (sens.sentiment_alpha + 1 / sens.cusum_arl)
    calendar = "holidays" in anomaly.options._Options.__dataclass_fields__
    modes = [("no calendar", False)] + ([("holiday calendar", True)] if calendar else [])
    lines = [
        "| tickets a weekday per topic | holiday calendar | volume alerts per topic-month |"
        " of them on a holiday | volume, holidays left out | sentiment alerts per topic-month"
        " | holidays found as one shared event | other shared events |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level in REAL_LEVELS:
        acc = {m: dict(v=0, vh=0, s=0, months=0.0, hol=0, hol_found=0, other=0) for m, _ in modes}
        for i in range(datasets):
            desk = simulate_helpdesk(level=level, seed=seed + 100 * i + int(level))
            judged = [h for h in desk.holidays if (h - START).days >= FIRST_JUDGED]
            for mode, use in modes:
                opts: dict = {"sensitivity": sensitivity}
                if use:
                    opts["holidays"] = desk.holidays
                alerts = detect_anomalies(desk.tickets, **opts)
                on_hol = _overlaps(alerts, judged)
                a = acc[mode]
                vol = alerts.filter(pl.col("metric") == "volume")
                a["v"] += vol.height
                a["vh"] += vol.filter(on_hol).height
                a["s"] += alerts.filter(pl.col("metric") == "sentiment").height
                a["months"] += 20 * (365 - FIRST_JUDGED) / 30.44
                shared = _shared(desk.tickets, **opts)
                if shared is not None and not use:
                    hit = shared.filter(_overlaps(shared, judged))
                    a["hol"] += len(judged)
                    a["hol_found"] += sum(
                        hit.filter(_overlaps(hit, [h])).height > 0 for h in judged
                    )
                    a["other"] += shared.height - hit.height
                elif shared is not None:
                    a["other"] += shared.height
        for mode, _ in modes:
            a = acc[mode]
            found = f"{a['hol_found']}/{a['hol']}" if a["hol"] else "-"
            other = str(a["other"]) if calendar else "-"
            lines.append(
                f"| {level:g} | {mode} | {a['v'] / a['months']:.3f} | {a['vh']} |"
                f" {(a['v'] - a['vh']) / a['months']:.3f} | {a['s'] / a['months']:.3f} |"
                f" {found} | {other} |"
            )
    return [
        f"#### False alerts on clean real-shaped series (sensitivity {sensitivity})",
        "",
        f"{datasets} helpdesks per level, 20 topics x 365 days each (`lib.anomaly.realistic`):"
        " AR(1) level (rho 0.8, 10% CV), linear trend up to 30% a year, weekly rhythm,"
        " negative binomial days, 9 public holidays on which 85% of topics fall to 15-45%,"
        " sentiment day means wandering (AR(1), SD 0.03). No planted event: every topic alert"
        f" is false. Stated: volume {stated_v:.3f}, sentiment {stated_s:.3f} per topic-month.",
        "",
        *lines,
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=48)
    parser.add_argument("--clean", type=int, default=120, help="clean topics per baseline")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sensitivity", default="balanced", choices=sorted(SENSITIVITY))
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--real-shaped", type=int, default=3, help="helpdesks per level")
    parser.add_argument(
        "--only-real-shaped", action="store_true", help="only the real-shaped clean series"
    )
    args = parser.parse_args()
    if args.only_real_shaped:
        print("\n".join(real_shaped(args.sensitivity, args.real_shaped, args.seed)))
        return
    if args.seed < 1000:
        print("note: seeds below 1000 are the calibration seeds", file=sys.stderr)
    t_start = time.perf_counter()
    k_cal, dev_rate = calibrate_k(args.sensitivity, seed=args.seed % 1000)
    rng = np.random.default_rng(args.seed)
    topics = plan(args.replicates, args.clean, rng)
    ks = [3.0, k_cal] if k_cal != 3.0 else [3.0]
    scores = run(topics, rng, args.sensitivity, ks)
    n_events = sum(t.family is not None for t in topics)
    n_clean = len(topics) - n_events
    sens = SENSITIVITY[args.sensitivity]
    budget = 1 / (6 * 30.44)
    out = [
        f"### Anomaly detection benchmark (sensitivity {args.sensitivity}, seed {args.seed})",
        "",
        f"{n_events} topics with one injected event ({args.replicates} per effect and baseline),"
        f" {n_clean} clean topics, {TOPICS_PER_DATASET} topics per dataset, lengths"
        f" {sorted(set(LENGTHS))} days. Stated false-alarm rate of '{args.sensitivity}':"
        f" {sens.false_alerts_per_topic_month:.3f} per topic-month. Simple baseline k ="
        f" {k_cal:g} calibrated on separate clean seeds to the detector's rate there"
        f" ({dev_rate:.3f} per topic-month).",
        "",
        *recall_table("detector", scores["detector"]),
        *recall_table(f"median+{k_cal:g}MAD", scores[f"median+{k_cal:g}MAD"]),
        "#### Recall of one-day spikes by the spike day's own expected count",
        "",
        "The tables above group spikes by the topic's weekday baseline, but weekends run at"
        " 0.3-1.0 times that, so a spike on a weekend day of a 5-a-weekday topic is a spike on a"
        " day expecting 1.5-5 tickets. Here spikes are grouped by the expected count of the spike"
        " day itself, without the spike (number of spikes in brackets). The two 'known mean' rows"
        " are ceilings, not methods: the detector's one-day test (mid-p upper tail <= alpha)"
        " given the day's true mean and dispersion instead of estimating them, at the detector's"
        f" per-day alpha ({sens.spike_alpha:g}) and at alpha = {budget:.2g}, i.e. the whole budget"
        " of one false alert per topic per six months spent on this one test.",
        "",
        *day_table(
            {
                "detector": scores["detector"].found_day,
                **{name: scores[name].found_day for name in scores if name != "detector"},
                f"known mean, alpha {sens.spike_alpha:g}": oracle_found(topics, sens.spike_alpha),
                f"known mean, alpha {budget:.2g}": oracle_found(topics, budget),
            }
        ),
        "#### Summary",
        "",
        *summary_table(scores),
        "#### False alerts per topic-month on clean series, by baseline; precision",
        "",
        "Precision over all alerts depends on how often events happen: here one event per"
        f" {scores['detector'].event_months / max(n_events, 1):.1f} topic-months on the event"
        " topics, clean topics included in the count. 'Near events' counts only alerts starting"
        " from 14 days before an event to window + guard days after it (wrong direction, wrong"
        " metric, echoes). Echoes: false alerts starting within window + guard days after an"
        " event ended.",
        "",
        *false_alarm_table(scores),
    ]
    det = scores["detector"]
    spikes = flat(det.found.get(("spike", 3.0, b), []) for b in BASELINES if b >= 5)
    spikes_day = flat(det.found_day.get((3.0, b), []) for b in range(len(DAY_BANDS)) if b >= 2)
    ceiling = oracle_found(topics, sens.spike_alpha)
    ceiling = flat(ceiling.get((3.0, b), []) for b in range(len(DAY_BANDS)) if b >= 2)
    shifts = flat(det.found.get(("shift", 1.5, b), []) for b in BASELINES if b >= 10)
    delays = flat(det.delay.get(k, []) for k in det.delay if k[0] in ("shift", "ramp"))
    fa = sum(det.clean_alerts.values()) / sum(det.clean_months.values())
    out += [
        "#### Targets",
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
        f"| recall x3 spikes >= 0.9, topics of >= 5 tickets a weekday (any day of the week)"
        f" | {share(spikes)} | {'yes' if recall(spikes) >= 0.9 else 'no'} |",
        f"| recall x3 spikes >= 0.9, spike days expecting >= 5 tickets (known-mean ceiling at the"
        f" detector's alpha: {share(ceiling)}) | {share(spikes_day)} |"
        f" {'yes' if recall(spikes_day) >= 0.9 else 'no'} |",
        f"| recall x1.5 level shifts at >= 10/day >= 0.9 | {recall(shifts):.2f} |"
        f" {'yes' if recall(shifts) >= 0.9 else 'no'} |",
        f"| median delay of shifts and ramps <= 7 days | {np.median(delays):.0f} |"
        f" {'yes' if np.median(delays) <= 7 else 'no'} |",
        f"| false alerts per topic per 6 months <= 1 | {fa * 6:.2f} |"
        f" {'yes' if fa * 6 <= 1 else 'no'} |",
        "",
    ]
    out += real_shaped(args.sensitivity, args.real_shaped, args.seed)
    if not args.no_timing:
        out += ["#### Timing (2 cores shared)", "", *timing(args.sensitivity)]
        out += sentiment_timing()
    out.append(f"Benchmark wall time: {time.perf_counter() - t_start:.0f} s.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
