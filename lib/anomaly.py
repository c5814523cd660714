"""Unusual ticket volume and sentiment per topic (DESIGN.md section 5).

Every topic (category by default; or exploded tags, channel, customer tier) gets a daily series on
the full topic x day grid, days without tickets counting as zeros. Each day ``t`` is judged against
a model fitted only on data before ``t - guard``:

* **Volume.** A count model ``log mu = level + weekday`` with negative binomial variance
  ``mu + alpha mu^2`` (day-to-day swings grow with volume, as in real exports). The weekday
  profile comes from up to a year of the topic's history (shrunk towards the profile of all topics
  when the topic is small); the level and ``alpha`` from the trailing ``window`` days, fitted by
  Poisson quasi-likelihood and moments. Outlying window days are clipped (3 SD), and days that a
  first pass had already put in an alert (before the day judged) are left out of the window, so
  an incident neither blinds the detector for weeks nor echoes as a "drop" when it ends.

  - *spike*: a day whose upper tail probability (negative binomial mid-p, widened to Student's t
    for the estimated dispersion) is below the sensitivity's per-topic rate ``spike_alpha``,
    survives Benjamini-Hochberg across the day's topics, and whose excess is meaningful. Up to
    ``BURST_DAYS`` (3) consecutive such days form one multi-day spike (a burst), not a level
    shift, as long as every one of them passed the one-day test on its own.
    ``spike_alpha`` is set apart from the sentiment test's rate and takes the largest share of
    the false-alarm budget ("balanced": 2e-3 a topic-day, i.e. 0.37 of the stated 0.82 false
    alerts per topic per six months; sentiment keeps 5e-4). A spike is seen on one day only,
    with one observation, whereas the CUSUMs add evidence up over days; and at small counts the
    test's power is bounded by its size, not by estimation. Measured on seeded series (seeds
    other than those reported), a test that knows the true mean finds 0.90 of x3 spikes on days
    expecting 5+ tickets at 5e-4, 0.92 at 2e-3; the detector's estimated mean, profile and
    dispersion cost it 0.02 at 5e-4 and 0.005 at 2e-3 (the Student widening 0.01, the weekday
    profile's shrinkage nothing measurable). The rate measured on clean series stays within a
    few percent of the stated one (BENCHMARKS.md);
  - *level_shift*: a one-sided CUSUM on the standardised (quantile) residuals alarms, with its
    threshold ``h`` set by simulation to the sensitivity's false-alarm rate (the simulation
    includes the estimation of the baseline from a trailing window);
  - *drop*: the lower CUSUM alarms (a topic going quiet or silent).

* **Sentiment.** The day's mean sentiment against the trailing window's mean, standardised with
  the day's own count (``SE^2 = s^2 / n``) plus the day-to-day variance seen in the window; a
  one-day test and a lower CUSUM flag a fall (kind ``drop``, metric ``sentiment``).

Topics whose fitted level is below ``min_daily`` tickets a day are judged per calendar week
(Monday to Sunday, judged on the Sunday) instead; the ``granularity`` column says which. Alarms of
one topic whose runs are at most ``MERGE_GAP`` days apart form one alert with a start and an end.
Nothing judged on day ``t`` depends on data after ``t``.

Example
-------
>>> tickets = simulate_tickets(events=[("billing", "volume", 100, 3.0, 1)])
>>> alerts = detect_anomalies(tickets)
>>> alerts.select("topic", "metric", "kind", "start", "end").rows()
[('billing', 'volume', 'spike', datetime.date(2024, 4, 10), datetime.date(2024, 4, 10))]
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import special, stats

from lib.errors import ReviewError

# --------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class Sensitivity:
    """One row of :data:`SENSITIVITY`: the false-alarm rates a user setting stands for.

    ``false_alerts_per_topic_month`` is the stated (design) rate on a series with no event: the
    sum of the two one-day tests (``spike_alpha`` per topic-day for a volume spike,
    ``sentiment_alpha`` for a one-day sentiment fall) and the three one-sided CUSUMs (one false
    alarm per ``cusum_arl`` days each). ``spike_fdr`` bounds the false discovery rate across the
    topics judged on one day (Benjamini-Hochberg; with more than ``spike_fdr / spike_alpha``
    topics it, not ``spike_alpha``, sets the bar for a lone spike). The rates measured on
    synthetic data are in BENCHMARKS.md (``scripts/bench_anomaly.py``).

    >>> round(SENSITIVITY["balanced"].false_alerts_per_topic_month * 6, 2)  # per six months
    0.82
    """

    label: str
    spike_alpha: float
    sentiment_alpha: float
    spike_fdr: float
    cusum_arl: float

    @property
    def false_alerts_per_topic_month(self) -> float:
        return 30.44 * (self.spike_alpha + self.sentiment_alpha + 3 / self.cusum_arl)

    @property
    def description(self) -> str:
        """One line for the settings screen.

        >>> SENSITIVITY["balanced"].description
        'Balanced: about one false alert per topic in 7 months'
        """
        months = 1 / self.false_alerts_per_topic_month
        return f"{self.label}: about one false alert per topic in {months:.0f} months"


#: User setting -> false-alarm rates. Weekly-judged topics use ``7 * spike_alpha`` (and
#: ``7 * sentiment_alpha``) per week and an average run length of ``cusum_arl / 7`` weeks, so the
#: rate per topic-month is the same. The one-day volume test gets the largest share of the budget
#: (see the module notes): in "balanced" 0.37 of the 0.82 false alerts per topic per six months.
SENSITIVITY: dict[str, Sensitivity] = {
    "conservative": Sensitivity("Conservative", 1e-4, 1e-4, 0.01, 4000.0),
    "balanced": Sensitivity("Balanced", 2e-3, 5e-4, 0.05, 1500.0),
    "sensitive": Sensitivity("Sensitive", 5e-3, 2e-3, 0.10, 500.0),
}

#: Reference value of the CUSUMs, in standard deviations (tuned to shifts of about 1 SD a day).
CUSUM_K = 0.5
#: Days of history the weekday profile is estimated from.
PROFILE_DAYS = 364
#: Prior weight (in tickets) pulling a topic's weekday profile towards that of all topics.
PROFILE_PRIOR = 30.0
#: Tickets added to a window's total so that a topic with an empty window has a small, non-zero
#: expected count (a first ticket after weeks of silence is then judged, not infinitely unusual).
LEVEL_PSEUDO = 0.1
#: Window days further than this many SD from the first fit are clipped before the final fit.
CLIP_SD = 3.0
#: Alarm runs of one topic and metric separated by at most this many days (one week when judged
#: weekly) merge into one alert: after an alarm the CUSUM restarts from 0 and a persisting shift
#: raises it again within days.
MERGE_GAP = 7
#: A rise over at most this many days, each flagged by the one-day test on its own, is reported
#: as one multi-day spike (a burst) rather than a level shift.
BURST_DAYS = 3
#: A topic judged weekly returns to daily judgement at ``HYSTERESIS * min_daily``.
HYSTERESIS = 1.25
#: Smallest mean sentiment fall (on -1..1) that a one-day sentiment test reports.
MIN_SENTIMENT_FALL = 0.1
#: Central coverage of the expected band returned by :func:`judgements` / :func:`topic_series`.
BAND = 0.99
#: Label of tickets without a topic.
NO_TOPIC = "(none)"
#: Cells (topics x days x window days) held at once in the 3-D window arrays (bounds memory).
_CHUNK_CELLS = 400_000
_TOPIC_COLUMNS = ("category", "tags", "channel", "customer_tier", "priority", "group", "customer")

ALERT_SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "metric": pl.String(),
    "kind": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
    "score": pl.Float64(),
    "granularity": pl.String(),
    "first_alarm": pl.Date(),
    "peak_day": pl.Date(),
    "days": pl.Int32(),
    "tickets": pl.Int64(),
    "p_value": pl.Float64(),
    "q_value": pl.Float64(),
    "explanation": pl.String(),
}


class AnomalyError(ReviewError, ValueError):
    """Anomaly detection was asked something it cannot do (unknown topic column, bad option)."""


@dataclass(frozen=True)
class _Options:
    topic: str = "category"
    sensitivity: str = "balanced"
    window: int = 56
    guard: int = 7
    min_history: int = 28
    min_daily: float = 3.0
    min_excess: float = 3.0
    min_rise: float = 0.3
    start: dt.date | None = None
    end: dt.date | None = None
    tz: str | None = None
    metrics: tuple[str, ...] = ("volume", "sentiment")


def _options(**options: object) -> _Options:
    known = _Options.__dataclass_fields__
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise AnomalyError(f"unknown option(s) {unknown}; known: {sorted(known)}")
    if "metrics" in options and isinstance(options["metrics"], str):
        options["metrics"] = (options["metrics"],)
    if "metrics" in options:
        options["metrics"] = tuple(options["metrics"])  # type: ignore[arg-type]
    opts = _Options(**options)  # type: ignore[arg-type]
    if opts.sensitivity not in SENSITIVITY:
        raise AnomalyError(f"sensitivity {opts.sensitivity!r} is not one of {sorted(SENSITIVITY)}")
    if not 7 <= opts.window <= 728:
        raise AnomalyError(f"window must be 7..728 days, got {opts.window}")
    if not 0 <= opts.guard <= 91:
        raise AnomalyError(f"guard must be 0..91 days, got {opts.guard}")
    if not 7 <= opts.min_history <= opts.window:
        raise AnomalyError(f"min_history must be 7..window ({opts.window}), got {opts.min_history}")
    if opts.min_daily < 0:
        raise AnomalyError("min_daily cannot be negative")
    bad = [m for m in opts.metrics if m not in ("volume", "sentiment")]
    if bad or not opts.metrics:
        raise AnomalyError(f"metrics must be 'volume' and/or 'sentiment', got {opts.metrics}")
    if opts.start and opts.end and opts.start > opts.end:
        raise AnomalyError(f"start {opts.start} is after end {opts.end}")
    return opts


# --------------------------------------------------------------------------------------------
# Small statistical helpers


def _siegmund_h(arl: float, k: float) -> float:
    """Siegmund's approximation of the h giving a CUSUM on N(0, 1) an average run length arl."""
    lo, hi = 0.0, 50.0
    for _ in range(60):
        h = (lo + hi) / 2
        b = 2 * k * (h + 1.166)
        lo, hi = (h, hi) if (math.exp(b) - b - 1) / (2 * k * k) < arl else (lo, h)
    return h


@lru_cache(maxsize=32)
def cusum_threshold(
    arl: float, k: float = CUSUM_K, *, fitted_on: int = 0, guard: int = 0, df_step: int = 1
) -> float:
    """Threshold ``h`` at which a one-sided CUSUM ``S = max(0, S + z - k)``, reset after each
    alarm, raises one false alarm per ``arl`` steps in the long run (seeded simulation).

    With ``fitted_on = n`` the residuals are made as the detector makes them: each step's mean
    and variance are estimated from ``n`` steps ending ``guard`` steps before it (``df_step``
    degrees of freedom a step for the variance). The estimation error is shared by neighbouring
    steps, which makes their residuals drift together; the simulated alarm rate includes that.
    Cached; a call takes a fraction of a second.

    >>> round(cusum_threshold(930.0), 1)  # Siegmund's approximation gives 5.0
    5.0
    >>> cusum_threshold(930.0, fitted_on=56) > cusum_threshold(930.0)
    True
    """
    if arl < 2:
        raise AnomalyError("the average run length must be at least 2")
    rng = np.random.default_rng(20240501)
    n, g = fitted_on, guard if fitted_on else 0
    chains = 500  # about 500 alarms at the answer: the rate is known to about 5%
    steps = int(max(arl, 20 * (n + g), 200))
    h0 = _siegmund_h(arl, k)
    hs = np.linspace(max(h0 - 1.0, 0.1), h0 + 3.5, 16)
    s = np.zeros((chains, hs.size))
    alarms = np.zeros(hs.size)
    tail_x = rng.standard_normal((n + g, chains))
    tail_u = rng.chisquare(df_step, (n + g, chains)) / df_step
    for first in range(0, steps, 2048):
        rows = min(2048, steps - first)
        x = rng.standard_normal((rows, chains))
        z = x
        if n:
            u = rng.chisquare(df_step, (rows, chains)) / df_step
            cx = np.cumsum(np.vstack([np.zeros((1, chains)), tail_x, x]), axis=0)
            cu = np.cumsum(np.vstack([np.zeros((1, chains)), tail_u, u]), axis=0)
            mean = (cx[n : n + rows] - cx[:rows]) / n  # steps [t - g - n, t - g)
            var = (cu[n : n + rows] - cu[:rows]) / n
            z = (x - mean) / np.sqrt(var * (1 + 1 / n))
            tail_x, tail_u = np.vstack([tail_x, x])[-n - g :], np.vstack([tail_u, u])[-n - g :]
        for zi in z - k:
            s += zi[:, None]
            np.maximum(s, 0.0, out=s)
            hit = s > hs
            alarms += hit.sum(0)
            s[hit] = 0.0
    rate = np.maximum(alarms, 0.5) / (chains * steps)
    # log alarm rate falls almost linearly in h: interpolate where it equals 1 / arl
    return round(float(np.interp(math.log(1 / arl), np.log(rate[::-1]), hs[::-1])), 2)


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values along axis 0 (topics) for each column; NaN = not tested."""
    q = np.full(p.shape, np.nan)
    if p.size == 0:
        return q
    m = np.sum(~np.isnan(p), axis=0)
    order = np.argsort(np.where(np.isnan(p), np.inf, p), axis=0, kind="stable")
    ps = np.take_along_axis(p, order, axis=0)
    rank = np.arange(1, p.shape[0] + 1)[:, None]
    raw = np.where(rank <= m, ps * m / rank, np.inf)
    adj = np.minimum.accumulate(raw[::-1], axis=0)[::-1]
    adj = np.minimum(adj, 1.0)
    np.put_along_axis(q, order, np.where(rank <= m, adj, np.nan), axis=0)
    return q


def _nb(mu: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy ``nbinom`` (n, p) for mean ``mu`` and variance ``phi * mu`` (phi > 1)."""
    phi = np.maximum(phi, 1.0 + 1e-9)
    return mu / (phi - 1.0), 1.0 / phi


def _count_tests(y: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper tail mid-p ``P(Y > y) + P(Y = y) / 2`` and the mid-p quantile residual (N(0,1)
    scale) of each count.

    The mid-p (Lancaster) rather than ``P(Y >= y)``: on small counts the exact tail is
    conservative, a test at ``alpha`` then firing at well under ``alpha`` (at a mean of 5 and
    ``alpha = 5e-4``, at 2.3e-4: 15 tickets needed, 14 with the mid-p), which costs recall exactly
    where counts are small. The mid-p test's false-alarm rate is ``alpha`` on average over means;
    on large counts the two agree."""
    n, p = _nb(mu, phi)
    pmf = stats.nbinom.pmf(y, n, p)
    upper = stats.nbinom.sf(y, n, p)  # P(Y > y)
    lower = stats.nbinom.cdf(y - 1, n, p)  # P(Y < y)
    z = np.where(
        lower < upper,
        special.ndtri(np.clip(lower + 0.5 * pmf, 1e-300, 1.0)),
        -special.ndtri(np.clip(upper + 0.5 * pmf, 1e-300, 1.0)),
    )
    return np.clip(upper + 0.5 * pmf, 0.0, 1.0), z


def _estimated_tail(p: np.ndarray, alpha: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Widen an upper tail probability whose variance was estimated from the window.

    The excess of the window's sum of squares over Poisson estimates the variance with about
    ``df`` degrees of freedom, so the equivalent normal deviate is referred to Student's t with
    ``df`` degrees of freedom. Where no overdispersion was found (``alpha`` = 0, the Poisson
    floor) the variance is not an estimate and ``p`` is kept.
    """
    z = -special.ndtri(np.clip(p, 1e-300, 1.0))
    widened = np.maximum(stats.t.sf(z, np.maximum(df, 1.0)), p)
    return np.where((z > 0) & (alpha > 0), widened, p)


def _cusum(
    z: np.ndarray, active: np.ndarray, h: float, k: float = CUSUM_K
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-sided upper CUSUM per row, reset to 0 after an alarm; inactive steps leave S as is.

    Returns the statistic (before reset), the alarm mask and, at each alarm, the onset index
    (the step after S last stood at 0).
    """
    rows, steps = z.shape
    s = np.zeros(rows)
    last_zero = np.full(rows, -1)
    stat = np.zeros((rows, steps))
    alarm = np.zeros((rows, steps), dtype=bool)
    onset = np.full((rows, steps), -1)
    for t in range(steps):
        act = active[:, t]
        s = np.where(act, np.maximum(s + z[:, t] - k, 0.0), s)
        stat[:, t] = s
        hit = act & (s > h)
        alarm[:, t] = hit
        onset[:, t] = np.where(hit, last_zero + 1, -1)
        s = np.where(hit, 0.0, s)
        last_zero = np.where(s == 0.0, t, last_zero)
    return stat, alarm, onset


# --------------------------------------------------------------------------------------------
# The topic x day grid


@dataclass
class _Grid:
    topics: list[str]
    first_day: dt.date
    counts: np.ndarray  # K x T tickets
    s_n: np.ndarray  # K x T tickets with a sentiment
    s_sum: np.ndarray
    s_sq: np.ndarray
    born: np.ndarray  # K: index of the topic's first ticket day
    exposure: np.ndarray  # T: share of the day covered by the data (last day may be partial)

    @property
    def weekday0(self) -> int:  # Monday = 0
        return self.first_day.weekday()


def _topic_frame(tickets: pl.DataFrame, opts: _Options, carry: Sequence[str] = ()) -> pl.DataFrame:
    if "created_at" not in tickets.columns:
        raise AnomalyError("the tickets have no created_at column")
    if opts.topic not in tickets.columns:
        raise AnomalyError(
            f"topic column {opts.topic!r} is not in the tickets; try one of "
            f"{[c for c in _TOPIC_COLUMNS if c in tickets.columns]}"
        )
    created = pl.col("created_at")
    if opts.tz:
        try:
            created = created.dt.convert_time_zone(opts.tz)
            tickets.head(1).select(created)
        except Exception as exc:
            raise AnomalyError(f"unknown time zone {opts.tz!r}") from exc
    sentiment = (
        pl.col("sentiment").cast(pl.Float64)
        if "sentiment" in tickets.columns
        else pl.lit(None, pl.Float64)
    )
    extra = [
        (pl.col(c) if c in tickets.columns else pl.lit(None, pl.Boolean)).alias(c) for c in carry
    ]
    frame = tickets.select(
        created.alias("ts"),
        pl.col(opts.topic).alias("topic"),
        sentiment.alias("sentiment"),
        *extra,
    ).filter(pl.col("ts").is_not_null())
    if isinstance(frame.schema["topic"], pl.List):
        frame = frame.explode("topic", empty_as_null=True)  # no tag: topic "(none)"
    topic = pl.col("topic").cast(pl.String)
    frame = frame.with_columns(
        pl.when(topic.is_null() | (topic.str.strip_chars() == ""))
        .then(pl.lit(NO_TOPIC))
        .otherwise(topic)
        .alias("topic"),
        pl.col("ts").dt.date().alias("day"),
    )
    if opts.end is not None:
        frame = frame.filter(pl.col("day") <= opts.end)
    return frame


def _build_grid(tickets: pl.DataFrame, opts: _Options) -> _Grid | None:
    frame = _topic_frame(tickets, opts)
    if frame.is_empty():
        return None
    agg = frame.group_by("topic", "day").agg(
        pl.len().alias("n"),
        pl.col("sentiment").count().alias("s_n"),
        pl.col("sentiment").sum().alias("s_sum"),
        (pl.col("sentiment") ** 2).sum().alias("s_sq"),
    )
    first, last = frame.get_column("day").min(), frame.get_column("day").max()
    topics = sorted(agg.get_column("topic").unique().to_list())
    index = {t: i for i, t in enumerate(topics)}
    n_days = (last - first).days + 1
    ki = np.array([index[t] for t in agg.get_column("topic").to_list()], dtype=np.int64)
    ti = (agg.get_column("day") - first).dt.total_days().to_numpy().astype(np.int64)
    mats = []
    for col in ("n", "s_n", "s_sum", "s_sq"):
        m = np.zeros((len(topics), n_days))
        m[ki, ti] = agg.get_column(col).fill_null(0).to_numpy()
        mats.append(m)
    counts = mats[0]
    born = np.argmax(counts > 0, axis=1)
    exposure = np.ones(n_days)
    truncated = (
        opts.end is not None and opts.end < tickets.select(pl.col("created_at").max()).item().date()
    )
    if not truncated and n_days > 1:
        tod = (pl.col("ts") - pl.col("ts").dt.truncate("1d")).dt.total_seconds()
        last_tod = frame.filter(pl.col("day") == last).select(tod.max()).item()
        before = frame.filter(pl.col("day") < last).select(tod.alias("tod"))
        if before.height >= 100:
            share = before.select((pl.col("tod") <= last_tod).mean()).item()
            exposure[-1] = 1.0 if share >= 0.98 else max(share, 0.02)
    return _Grid(topics, first, counts, mats[1], mats[2], mats[3], born, exposure)


# --------------------------------------------------------------------------------------------
# Fitting: one fit per topic and judged day, on data before day - guard only


@dataclass
class _Fit:
    judged: np.ndarray  # K x T: enough history to judge
    level: np.ndarray  # K x T: fitted mean tickets a day over the window
    mu: np.ndarray  # K x T: expected count of the day
    alpha: np.ndarray  # K x T: negative binomial overdispersion (variance = mu + alpha mu^2)
    df: np.ndarray  # K x T: degrees of freedom of alpha
    phi: np.ndarray  # K x T: predictive variance / mu, including the level's uncertainty
    s_judged: np.ndarray  # K x T: sentiment baseline usable
    s_mean: np.ndarray  # K x T: baseline mean sentiment
    s_var: np.ndarray  # K x T: ticket-level variance
    s_tau2: np.ndarray  # K x T: day-to-day variance of day means
    s_mean_var: np.ndarray  # K x T: variance of the baseline mean


def _weekday_profile(grid: _Grid, opts: _Options) -> tuple[np.ndarray, np.ndarray]:
    """K x T x 7 weekday factors (mean 1) from up to PROFILE_DAYS of data before t - guard, and
    K x T the number of days they were estimated from."""
    k_n, t_n = grid.counts.shape
    wd = (grid.weekday0 + np.arange(t_n)) % 7
    cum = np.zeros((k_n, 7, t_n + 1))
    days = np.zeros((7, t_n + 1))
    for w in range(7):
        on = wd == w
        cum[:, w, 1:] = np.cumsum(grid.counts * on, axis=1)
        days[w, 1:] = np.cumsum(on)
    end = np.clip(np.arange(t_n) - opts.guard, 0, t_n)  # exclusive end, per t
    begin = np.maximum(end - PROFILE_DAYS, 0)
    begin_k = np.minimum(np.maximum(begin[None, :], grid.born[:, None]), end[None, :])  # K x T
    s_kw = cum[:, :, end] - np.take_along_axis(cum, np.repeat(begin_k[:, None, :], 7, 1), axis=2)
    n_kw = days[:, end][None, :, :] - days[:, begin_k].transpose(1, 0, 2)  # K x 7 x T
    g_rate = (cum[:, :, end] - cum[:, :, begin][:, :, :]).sum(0) / np.maximum(
        days[:, end] - days[:, begin], 1
    )  # 7 x T
    g_mean = g_rate.mean(0, keepdims=True)
    g = np.where(g_mean > 0, g_rate / np.where(g_mean > 0, g_mean, 1.0), 1.0)
    g = np.maximum(g, 0.05)
    m_k = s_kw.sum(1) / np.maximum(n_kw.sum(1), 1)  # K x T mean daily count
    prior_mean = np.maximum(m_k[:, None, :] * g[None], 1e-9)
    with np.errstate(all="ignore"):
        rate = (s_kw + PROFILE_PRIOR) / (n_kw + PROFILE_PRIOR / prior_mean)
        f = rate / rate.mean(1, keepdims=True)
    f = np.where(np.isfinite(f), f, 1.0)
    return f.transpose(0, 2, 1), end[None, :] - begin_k  # K x T x 7; days behind each profile


def _windows(a: np.ndarray, pad: int, width: int, t_n: int, fill: float = 0.0) -> np.ndarray:
    padded = np.concatenate([np.full((a.shape[0], pad), fill), a], axis=1)
    return np.lib.stride_tricks.sliding_window_view(padded, width, axis=1)[:, :t_n, :]


def _usable(
    valid: np.ndarray, known: np.ndarray | None, pad: int, w_n: int, t_n: int
) -> np.ndarray:
    """Window days to fit on: ``valid`` without the days already known (alarm raised before the
    judged day) to be part of an alert, unless fewer than 14 days would be left. A lasting change
    stops raising first-pass alarms once that pass has absorbed it, and then enters the window."""
    if known is None:
        return valid
    alarmed = _windows(known, pad, w_n, t_n, fill=np.inf) < np.arange(t_n)[None, :, None]
    keep = valid & ~alarmed
    return np.where((keep.sum(-1) >= 14)[..., None], keep, valid)


def _fit(grid: _Grid, opts: _Options, known: tuple[np.ndarray, np.ndarray] | None = None) -> _Fit:
    """Fit every topic and day; ``known`` (volume, sentiment): K x T day index from which a day
    is known to belong to an alert (inf if never), left out of later windows."""
    k_n, t_n = grid.counts.shape
    w_n, guard = opts.window, opts.guard
    profile, profile_days = _weekday_profile(grid, opts)
    pos = np.arange(t_n)[:, None] - guard - w_n + np.arange(w_n)[None, :]  # T x W day index
    wd_pos = (grid.weekday0 + pos) % 7
    wd_t = (grid.weekday0 + np.arange(t_n)) % 7
    out = {name: np.zeros((k_n, t_n)) for name in _Fit.__dataclass_fields__}
    pad = w_n + guard
    chunk = max(1, _CHUNK_CELLS // (t_n * w_n))
    for lo in range(0, k_n, chunk):
        sl = slice(lo, min(lo + chunk, k_n))
        prof = profile[sl]
        y = _windows(grid.counts[sl], pad, w_n, t_n)
        exists = pos[None] >= np.maximum(grid.born[sl], 0)[:, None, None]
        n_exists = exists.sum(-1)
        valid = _usable(exists, None if known is None else known[0][sl], pad, w_n, t_n)
        n_valid = valid.sum(-1)
        f = np.take_along_axis(prof, np.broadcast_to(wd_pos, (prof.shape[0], t_n, w_n)), axis=2)
        f = np.where(valid, f, 0.0)
        yv = np.where(valid, y, 0.0)
        # first pass; robust dispersion (median squared residual); clip; final fit
        level0 = (yv.sum(-1) + LEVEL_PSEUDO) / np.maximum(f.sum(-1), 1e-9)
        mu0 = np.maximum(level0[..., None] * f, 1e-3)
        r2 = np.where(valid, (yv - mu0) ** 2 / mu0, np.nan)
        with warnings.catch_warnings():  # all-NaN rows: days with no window yet
            warnings.simplefilter("ignore", RuntimeWarning)
            phi0 = np.maximum(np.nan_to_num(np.nanmedian(r2, axis=-1) / 0.455, nan=1.0), 1.0)
            typical = np.nan_to_num(np.nanmedian(np.where(valid, mu0, np.nan), axis=-1), nan=1.0)
        alpha0 = (phi0 - 1.0) / np.maximum(typical, 1e-3)
        sd0 = np.sqrt(mu0 * (1.0 + alpha0[..., None] * mu0))
        yc = np.where(valid, np.clip(yv, mu0 - CLIP_SD * sd0, mu0 + CLIP_SD * sd0 + 1.0), 0.0)
        level = np.where(n_valid > 0, (yc.sum(-1) + LEVEL_PSEUDO) / np.maximum(f.sum(-1), 1e-9), 0)
        mu_w = np.where(valid, np.maximum(level[..., None] * f, 1e-3), 0.0)
        excess = np.where(valid, (yc - mu_w) ** 2 - mu_w, 0.0).sum(-1)
        sq = (mu_w**2).sum(-1)
        # parameters fitted to the window: the level, and the weekday effects in the share of
        # their data that the window is
        share = np.minimum(n_exists / np.maximum(profile_days[sl], 1), 1.0)
        df = np.maximum(n_valid - 1 - 6 * share, 1)
        alpha = np.maximum(excess * n_valid / df, 0.0) / np.maximum(sq, 1e-9)
        f_t = np.take_along_axis(prof, wd_t[None, :, None].repeat(prof.shape[0], 0), 2)[..., 0]
        mu = np.maximum(level * f_t * grid.exposure[None, :], 0.01)
        total = np.maximum(level * f.sum(-1), 0.1)
        out["judged"][sl] = n_exists >= opts.min_history
        out["level"][sl] = level
        out["mu"][sl] = mu
        out["alpha"][sl] = alpha
        out["df"][sl] = df
        # variance / mu: the day's own (1 + alpha mu) plus the uncertainty of the fitted level
        out["phi"][sl] = 1.0 + alpha * mu + mu * (1.0 / total + alpha * sq / total**2)
        # sentiment baseline
        valid = _usable(exists, None if known is None else known[1][sl], pad, w_n, t_n)
        sn = np.where(valid, _windows(grid.s_n[sl], pad, w_n, t_n), 0.0)
        ss = np.where(valid, _windows(grid.s_sum[sl], pad, w_n, t_n), 0.0)
        s2 = np.where(valid, _windows(grid.s_sq[sl], pad, w_n, t_n), 0.0)
        keep = sn > 0
        for _ in range(2):  # second round leaves out days > 3 SE from the first
            nw = np.where(keep, sn, 0).sum(-1)
            with np.errstate(all="ignore"):
                mean = np.where(keep, ss, 0).sum(-1) / nw
                var = np.maximum(np.where(keep, s2, 0).sum(-1) / nw - mean**2, 1e-4)
                day_mean = ss / sn
                dev = (day_mean - mean[..., None]) ** 2 - var[..., None] / sn
                n_days = keep.sum(-1)
                tau2 = np.maximum(np.where(keep, dev, 0.0).sum(-1) / np.maximum(n_days - 1, 1), 0.0)
                z = (day_mean - mean[..., None]) / np.sqrt(var[..., None] / sn + tau2[..., None])
            keep = keep & (np.abs(np.nan_to_num(z)) <= CLIP_SD)
        out["s_judged"][sl] = (n_exists >= opts.min_history) & (n_days >= 7) & (nw >= 20)
        out["s_mean"][sl] = np.nan_to_num(mean)
        out["s_var"][sl] = np.nan_to_num(var, nan=1e-4)
        out["s_tau2"][sl] = np.nan_to_num(tau2)
        with np.errstate(all="ignore"):  # variance of the baseline mean itself
            out["s_mean_var"][sl] = np.nan_to_num(var / nw + tau2 / n_days, nan=1.0)
    out["judged"] = out["judged"].astype(bool)
    out["s_judged"] = out["s_judged"].astype(bool)
    return _Fit(**out)


# --------------------------------------------------------------------------------------------
# Judging: daily and weekly statistics, granularity, alarms


@dataclass
class _Judged:
    grid: _Grid
    fit: _Fit
    opts: _Options
    daily: np.ndarray  # K x T: judged per day (else per week)
    series: dict[str, dict[str, np.ndarray]]  # unit ("day"/"week") -> arrays
    week_start: np.ndarray  # W: day index of each complete week's Monday


def _granularity(fit: _Fit, grid: _Grid, min_daily: float) -> np.ndarray:
    k_n, t_n = fit.level.shape
    week = (grid.weekday0 + np.arange(t_n)) // 7
    firsts = np.flatnonzero(np.r_[True, np.diff(week) > 0])
    state = np.ones(k_n, dtype=bool)
    daily = np.ones((k_n, t_n), dtype=bool)
    started = np.zeros(k_n, dtype=bool)
    for i, first in enumerate(firsts):
        stop = firsts[i + 1] if i + 1 < len(firsts) else t_n
        lvl = fit.level[:, first]
        fresh = ~started
        state = np.where(
            fresh,
            lvl >= min_daily,
            np.where(state, lvl >= min_daily, lvl >= HYSTERESIS * min_daily),
        )
        started |= fit.judged[:, first]
        daily[:, first:stop] = state[:, None]
    return daily


def _judge(tickets: pl.DataFrame, opts: _Options) -> _Judged | None:
    """Fit and judge twice: the second fit leaves out of each window the days that the first
    pass had already put in an alert before the day judged (no echo of an incident in its own
    baseline, no look-ahead)."""
    grid = _build_grid(tickets, opts)
    if grid is None:
        return None
    first = _assess(grid, _fit(grid, opts), opts)
    return _assess(grid, _fit(grid, opts, known=_known(first, _alarms(first))), opts)


def _known(j: _Judged, events: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """K x T day index at which each day became part of an alert (inf if never)."""
    shape = j.grid.counts.shape
    known = {"volume": np.full(shape, np.inf), "sentiment": np.full(shape, np.inf)}
    for e in events:
        if e["unit"] == "week":
            a, b = j.week_start[e["onset"]], j.week_start[e["t"]] + 6
        else:
            a, b = e["onset"], e["t"]
        row = known[e["metric"]][e["k"]]
        row[a : b + 1] = np.minimum(row[a : b + 1], b)
    return known["volume"], known["sentiment"]


def _assess(grid: _Grid, fit: _Fit, opts: _Options) -> _Judged:
    t_n = grid.counts.shape[1]
    daily = _granularity(fit, grid, opts.min_daily)
    y, mu, phi = grid.counts, fit.mu, fit.phi
    p_up, z = _count_tests(y, mu, phi)
    p_up = _estimated_tail(p_up, fit.alpha, fit.df)
    with np.errstate(all="ignore"):
        s_obs = grid.s_sum / grid.s_n
        s_se2 = fit.s_var / grid.s_n + fit.s_tau2 + fit.s_mean_var
        s_z = (s_obs - fit.s_mean) / np.sqrt(s_se2)
    s_active = fit.s_judged & (grid.s_n > 0)
    s_z = np.where(s_active, s_z, 0.0)
    series = {
        "day": {
            "y": y,
            "mu": mu,
            "var": phi * mu,
            "p_up": p_up,
            "z": z,
            "active": fit.judged,
            "report": fit.judged & daily,
            "s_n": grid.s_n,
            "s_obs": s_obs,
            "s_exp": fit.s_mean,
            "s_se2": s_se2,
            "s_z": s_z,
            "s_active": s_active,
            "s_report": s_active & daily,
        }
    }
    # complete Monday..Sunday weeks
    first_monday = (7 - grid.weekday0) % 7
    n_weeks = max((t_n - first_monday) // 7, 0)
    week_start = first_monday + 7 * np.arange(n_weeks)
    if n_weeks:
        idx = week_start[:, None] + np.arange(7)[None, :]  # Wk x 7

        def wsum(a: np.ndarray) -> np.ndarray:
            return a[:, idx].sum(-1)

        wy, wmu, wvar = wsum(y), wsum(mu), wsum(phi * mu)
        wp, wz = _count_tests(wy, wmu, wvar / wmu)
        wp = _estimated_tail(wp, fit.alpha[:, week_start], fit.df[:, week_start])
        w_active = fit.judged[:, idx].all(-1)
        sn = wsum(grid.s_n)
        with np.errstate(all="ignore"):
            s_obs_w = wsum(grid.s_sum) / sn
            s_exp_w = wsum(grid.s_n * fit.s_mean) / sn
            s_se2_w = (
                wsum(grid.s_n * fit.s_var + grid.s_n**2 * fit.s_tau2) / sn**2
                + fit.s_mean_var[:, week_start]
            )
            s_z_w = (s_obs_w - s_exp_w) / np.sqrt(s_se2_w)
        s_active_w = fit.s_judged[:, idx].all(-1) & (sn > 0)
        last_day = week_start + 6
        weekly = ~daily[:, week_start]
        series["week"] = {
            "y": wy,
            "mu": wmu,
            "var": wvar,
            "p_up": wp,
            "z": wz,
            "active": w_active,
            "report": w_active & weekly,
            "s_n": sn,
            "s_obs": s_obs_w,
            "s_exp": s_exp_w,
            "s_se2": s_se2_w,
            "s_z": np.where(s_active_w, s_z_w, 0.0),
            "s_active": s_active_w,
            "s_report": s_active_w & weekly,
            "last_day": last_day,
        }
    return _Judged(grid, fit, opts, daily, series, week_start)


def _alarms(j: _Judged, metrics: Sequence[str] = ("volume", "sentiment")) -> list[dict]:
    """Run the tests and CUSUMs; return alarm events before merging."""
    sens = SENSITIVITY[j.opts.sensitivity]
    events: list[dict] = []
    for unit, arrays in j.series.items():
        per = 7 if unit == "week" else 1
        h = cusum_threshold(
            sens.cusum_arl / per,
            fitted_on=max(j.opts.window // per, 2),
            guard=-(-j.opts.guard // per),
            df_step=per,
        )
        if "volume" in metrics:
            y, mu, p = arrays["y"], arrays["mu"], arrays["p_up"]
            report = arrays["report"]
            q = _bh(np.where(report, p, np.nan))
            excess = y - mu >= np.maximum(j.opts.min_excess, j.opts.min_rise * mu)
            alpha = min(sens.spike_alpha * per, 0.5)
            spike = report & (q <= sens.spike_fdr) & (p <= alpha) & excess
            _, up, up_on = _cusum(arrays["z"], arrays["active"], h)
            _, down, down_on = _cusum(-arrays["z"], arrays["active"], h)
            events += _collect(unit, "volume", "up", spike, up & report, up_on, p, q)
            events += _collect(unit, "volume", "down", None, down & report, down_on, p, q)
        if "sentiment" in metrics:
            sz, report = arrays["s_z"], arrays["s_report"]
            p = special.ndtr(sz)
            q = _bh(np.where(report, p, np.nan))
            alpha = min(sens.sentiment_alpha * per, 0.5)
            fall = arrays["s_exp"] - arrays["s_obs"] >= MIN_SENTIMENT_FALL
            one_day = report & (q <= sens.spike_fdr) & (p <= alpha) & np.nan_to_num(fall)
            _, down, down_on = _cusum(-sz, arrays["s_active"], h)
            events += _collect(unit, "sentiment", "down", one_day, down & report, down_on, p, q)
    return events


def _collect(
    unit: str,
    metric: str,
    direction: str,
    single: np.ndarray | None,
    cusum: np.ndarray,
    onset: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
) -> list[dict]:
    """Alarm events (topic index, step, onset). Where there is a one-day test, a CUSUM alarm on a
    step the test flagged, or that accumulated nothing before the step, is left to that test."""
    events = []
    if single is not None:
        for k, t in zip(*np.nonzero(single), strict=True):
            events.append(
                dict(
                    unit=unit,
                    metric=metric,
                    direction=direction,
                    k=int(k),
                    t=int(t),
                    onset=int(t),
                    p=float(p[k, t]),
                    q=float(q[k, t]),
                )
            )
    for k, t in zip(*np.nonzero(cusum), strict=True):
        o = int(onset[k, t])
        if single is not None and (o == t or single[k, t]):
            continue  # the day's own test decides: a spike, or nothing
        events.append(
            dict(
                unit=unit,
                metric=metric,
                direction=direction,
                k=int(k),
                t=int(t),
                onset=o,
                p=math.nan,
                q=math.nan,
            )
        )
    return events


# --------------------------------------------------------------------------------------------
# Alerts


def _nanmin(a: float, b: float) -> float:
    return b if math.isnan(a) else a if math.isnan(b) else min(a, b)


def _merge(events: list[dict]) -> list[dict]:
    groups: list[dict] = []
    key = lambda e: (e["unit"], e["metric"], e["direction"], e["k"])  # noqa: E731
    for e in sorted(events, key=lambda e: (*key(e), e["t"], e["onset"])):
        gap = 1 if e["unit"] == "week" else MERGE_GAP
        g = groups[-1] if groups else None
        if g is not None and key(g) == key(e) and e["onset"] <= g["end"] + 1 + gap:
            g["end"] = max(g["end"], e["t"])
            g["start"] = min(g["start"], e["onset"])
            g["alarms"].append(e["t"])
            g["p"] = _nanmin(g["p"], e["p"])
            g["q"] = _nanmin(g["q"], e["q"])
        else:
            groups.append(dict(**e, start=e["onset"], end=e["t"], alarms=[e["t"]], singles=set()))
            g = groups[-1]
        if not math.isnan(e["p"]):  # raised by the one-step test (a CUSUM alarm has no p)
            g["singles"].add(e["t"])
    return groups


def _is_burst(g: dict) -> bool:
    """A rise of at most :data:`BURST_DAYS` days each of which the one-day test flagged on its
    own: a short spike, not a level shift."""
    s, e = g["start"], g["end"]
    return (
        g["direction"] == "up"
        and g["unit"] == "day"
        and e - s + 1 <= BURST_DAYS
        and set(range(s, e + 1)) <= g["singles"]
    )


def _fmt_day(d: dt.date) -> str:
    return f"{d:%a} {d.isoformat()}"


def _alert_rows(j: _Judged, groups: list[dict]) -> list[dict]:
    grid = j.grid
    days = [grid.first_day + dt.timedelta(days=int(i)) for i in range(grid.counts.shape[1])]
    rows = []
    for g in groups:
        a = j.series[g["unit"]]
        k, s, e = g["k"], g["start"], g["end"]
        span = slice(s, e + 1)
        if g["unit"] == "week":
            start_day, end_day = days[j.week_start[s]], days[j.week_start[e] + 6]
            first_alarm = days[j.week_start[min(g["alarms"])] + 6]
            steps = e - s + 1
            per = "a week"
        else:
            start_day, end_day = days[s], days[e]
            first_alarm = days[min(g["alarms"])]
            steps = e - s + 1
            per = "a day"
        topic = grid.topics[k]
        if g["metric"] == "volume":
            y, mu, var = a["y"][k, span], a["mu"][k, span], a["var"][k, span]
            observed, expected = float(y.mean()), float(mu.mean())
            score = abs(float((y - mu).sum())) / math.sqrt(float(var.sum()))
            zs = a["z"][k, span]
            peak = int(np.argmax(zs) if g["direction"] == "up" else np.argmin(zs))
            tickets = int(y.sum())
            burst = s != e and _is_burst(g)
            if g["direction"] == "down":
                kind = "drop"
            else:
                kind = "spike" if s == e or burst else "level_shift"
            if burst:
                pv = f" (smallest p = {g['p']:.1g})" if not math.isnan(g["p"]) else ""
                text = (
                    f"{topic}: {tickets} tickets in {steps} days from {_fmt_day(start_day)} to "
                    f"{_fmt_day(end_day)} against {float(mu.sum()):.1f} expected, each day "
                    f"unusual on its own{pv}"
                )
            elif kind == "spike":
                when = _fmt_day(start_day) if g["unit"] == "day" else f"the week of {start_day}"
                pv = f" (p = {g['p']:.1g})" if not math.isnan(g["p"]) else ""
                text = (
                    f"{topic}: {observed:.0f} tickets on {when} against {expected:.1f} expected{pv}"
                )
                text = text.replace("on the week", "in the week")
            else:
                word = "up" if kind == "level_shift" else "down"
                text = (
                    f"{topic}: volume {word} since {start_day}: {observed:.1f} tickets {per} "
                    f"against {expected:.1f} expected over {steps} {g['unit']}s"
                )
        else:
            n = np.nan_to_num(a["s_n"][k, span])
            obs_sum = float((np.nan_to_num(a["s_obs"][k, span]) * n).sum())
            exp_sum = float((np.nan_to_num(a["s_exp"][k, span]) * n).sum())
            total = float(n.sum())
            observed, expected = obs_sum / total, exp_sum / total
            se2 = np.nan_to_num(a["s_se2"][k, span]) * n**2
            score = abs(obs_sum - exp_sum) / math.sqrt(float(se2.sum()))
            peak = int(np.argmin(a["s_z"][k, span]))
            tickets = int(total)
            kind = "drop"
            when = (
                f"on {_fmt_day(start_day)}"
                if s == e and g["unit"] == "day"
                else f"since {start_day} ({steps} {g['unit']}s)"
            )
            text = (
                f"{topic}: mean sentiment {observed:+.2f} against {expected:+.2f} expected "
                f"{when}, {tickets} tickets"
            )
        peak_day = days[j.week_start[s + peak]] if g["unit"] == "week" else days[s + peak]
        rows.append(
            dict(
                topic=topic,
                metric=g["metric"],
                kind=kind,
                start=start_day,
                end=end_day,
                observed=observed,
                expected=expected,
                score=score,
                granularity=g["unit"],
                first_alarm=first_alarm,
                peak_day=peak_day,
                days=(end_day - start_day).days + 1,
                tickets=tickets,
                p_value=None if math.isnan(g["p"]) else float(g["p"]),
                q_value=None if math.isnan(g["q"]) else float(g["q"]),
                explanation=text,
            )
        )
    return rows


def detect_anomalies(tickets: pl.DataFrame, **options: object) -> pl.DataFrame:
    """Unusual volume and sentiment per topic: one row per alert, newest and strongest first.

    Options (keyword-only)
    ----------------------
    topic : str, default "category"
        Column holding the topic; ``"tags"`` (a list column) is exploded, so a ticket counts once
        per tag. Tickets without a topic form the topic ``"(none)"``.
    sensitivity : {"conservative", "balanced", "sensitive"}
        False-alarm rates, see :data:`SENSITIVITY`.
    window : int, default 56
        Trailing days the level, dispersion and sentiment baseline are fitted on.
    guard : int, default 7
        Days left out between the window and the day judged (an event is not absorbed into its
        own baseline before it is judged).
    min_history : int, default 28
        A topic is judged once its window holds this many days since its first ticket.
    min_daily : float, default 3.0
        Topics whose fitted level is below this many tickets a day are judged per week.
    min_excess, min_rise : float, default 3 and 0.3
        A spike must exceed the expected count by at least ``max(min_excess, min_rise * expected)``.
    start, end : date, optional
        Keep alerts overlapping this period. Data after ``end`` is ignored (judging "as of" end);
        all earlier days are always judged, so the result does not depend on ``start``.
    tz : str, optional
        Time zone whose calendar days are used (default UTC).
    metrics : tuple, default ("volume", "sentiment")

    Returns
    -------
    DataFrame with the columns of :data:`ALERT_SCHEMA`: topic, metric ("volume"/"sentiment"),
    kind ("spike"/"level_shift"/"drop"), start, end, observed and expected (mean per day, or per
    week when ``granularity`` is "week"; mean sentiment for metric "sentiment"), score (size of
    the alert's total deviation in standard errors), granularity, first_alarm (day the alert was
    first raised), peak_day, days, tickets, p_value and q_value (one-day tests only), explanation.

    >>> detect_anomalies(simulate_tickets(days=90)).height  # a clean series raises nothing
    0
    """
    opts = _options(**options)
    j = _judge(tickets, opts)
    if j is None:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    rows = _alert_rows(j, _merge(_alarms(j, opts.metrics)))
    out = pl.DataFrame(rows, schema=ALERT_SCHEMA, orient="row") if rows else None
    if out is None:
        return pl.DataFrame(schema=ALERT_SCHEMA)
    if opts.start is not None:
        out = out.filter(pl.col("end") >= opts.start)
    if opts.end is not None:
        out = out.filter(pl.col("start") <= opts.end)
    return out.sort(["end", "score"], descending=[True, True])


# --------------------------------------------------------------------------------------------
# Series for charts, granularity, judgements


JUDGEMENT_SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "day": pl.Date(),
    "metric": pl.String(),
    "granularity": pl.String(),
    "judged": pl.Boolean(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "z": pl.Float64(),
    "p_value": pl.Float64(),
}


def judgements(tickets: pl.DataFrame, *, unit: str = "day", **options: object) -> pl.DataFrame:
    """Every topic-day's judgement (or topic-week's with ``unit="week"``, ``day`` = the Monday).

    Same options as :func:`detect_anomalies`. Columns (:data:`JUDGEMENT_SCHEMA`): topic, day,
    metric, granularity (how the topic was judged then), judged, observed, expected, lower, upper
    (central ``BAND`` predictive interval), z (standardised residual), p_value (upper tail mid-p for
    volume, lower tail for sentiment). Rows a topic cannot be judged on yet have ``judged`` false
    and null expectations. One call serves the charts of every topic.

    >>> j = judgements(simulate_tickets(days=60, topics={"a": 10.0}))
    >>> j.filter(pl.col("judged")).select(pl.col("day").min()).item()
    datetime.date(2024, 2, 5)
    """
    if unit not in ("day", "week"):
        raise AnomalyError(f"unit must be 'day' or 'week', got {unit!r}")
    opts = _options(**options)
    j = _judge(tickets, opts)
    if j is None or unit not in j.series:
        return pl.DataFrame(schema=JUDGEMENT_SCHEMA)
    return _series_frame(j, unit, opts.metrics, range(len(j.grid.topics)))


def _series_frame(
    j: _Judged, unit: str, metrics: Sequence[str], rows: Sequence[int]
) -> pl.DataFrame:
    rows = list(rows)
    a = {key: (v[rows] if v.ndim == 2 else v) for key, v in j.series[unit].items()}
    day_idx = j.week_start if unit == "week" else np.arange(j.grid.counts.shape[1])
    daily = j.daily[rows][:, day_idx]
    days = np.datetime64(j.grid.first_day, "D") + day_idx
    t_n = len(day_idx)
    tail = (1 - BAND) / 2
    frames = []
    for metric in metrics:
        act = a["active"] if metric == "volume" else a["s_active"]
        gran = np.where(daily == (unit == "day"), unit, "week" if unit == "day" else "day")
        base = {
            "topic": np.repeat(np.array([j.grid.topics[k] for k in rows], dtype=str), t_n),
            "day": np.tile(days, len(rows)),
            "metric": metric,
            "granularity": np.where(act, gran, None).reshape(-1).tolist(),
            "judged": act.reshape(-1),
        }
        if metric == "volume":
            mu, var = a["mu"], a["var"]
            n_, p_ = _nb(mu, var / mu)
            values = {
                "observed": a["y"],
                "expected": mu,
                "lower": stats.nbinom.ppf(tail, n_, p_),
                "upper": stats.nbinom.ppf(1 - tail, n_, p_),
                "z": a["z"],
                "p_value": a["p_up"],
            }
        else:
            half = special.ndtri(1 - tail) * np.sqrt(a["s_se2"])
            values = {
                "observed": a["s_obs"],
                "expected": a["s_exp"],
                "lower": a["s_exp"] - half,
                "upper": a["s_exp"] + half,
                "z": a["s_z"],
                "p_value": special.ndtr(a["s_z"]),
            }
        for name, v in values.items():
            keep = (a["s_n"] > 0) if (metric, name) == ("sentiment", "observed") else act
            if name == "observed" and metric == "volume":
                keep = np.ones_like(act)
            base[name] = np.where(keep, v, np.nan).reshape(-1)
        frames.append(pl.DataFrame(base))
    out = pl.concat(frames) if frames else pl.DataFrame(schema=JUDGEMENT_SCHEMA)
    return (
        out.with_columns(pl.col("day").cast(pl.Date), pl.col(pl.Float64).fill_nan(None))
        .cast(JUDGEMENT_SCHEMA)
        .select(JUDGEMENT_SCHEMA.keys())
        .sort(["metric", "topic", "day"])
    )


def topic_series(
    tickets: pl.DataFrame,
    topic_value: str,
    *,
    metric: str = "volume",
    granularity: str | None = None,
    **options: object,
) -> pl.DataFrame:
    """One topic's series for a small chart: day, observed, expected, lower, upper, judged,
    granularity.

    ``granularity`` "day" or "week" (rows per Monday-to-Sunday week, ``day`` = the Monday); by
    default the topic's current granularity. Same other options as :func:`detect_anomalies`.
    (For many topics, call :func:`judgements` once and filter it.)

    >>> s = topic_series(simulate_tickets(days=70, topics={"a": 10.0}), "a")
    >>> s.columns
    ['day', 'observed', 'expected', 'lower', 'upper', 'judged', 'granularity']
    """
    if metric not in ("volume", "sentiment"):
        raise AnomalyError(f"metric must be 'volume' or 'sentiment', got {metric!r}")
    if granularity not in (None, "day", "week"):
        raise AnomalyError(f"granularity must be 'day' or 'week', got {granularity!r}")
    opts = _options(**options)
    j = _judge(tickets, opts)
    if j is None or topic_value not in j.grid.topics:
        known = [] if j is None else j.grid.topics[:10]
        raise AnomalyError(f"topic {topic_value!r} has no tickets (topics: {known})")
    k = j.grid.topics.index(topic_value)
    unit = granularity or ("day" if j.daily[k, -1] else "week")
    if unit not in j.series:
        unit = "day"  # not one complete week of data
    cols = ["day", "observed", "expected", "lower", "upper", "judged", "granularity"]
    return _series_frame(j, unit, (metric,), [k]).select(cols)


def topic_granularity(tickets: pl.DataFrame, **options: object) -> pl.DataFrame:
    """Per topic: mean tickets a day in the latest window and whether it is judged per day or week.

    >>> t = simulate_tickets(days=70, topics={"big": 20.0, "small": 0.5})
    >>> topic_granularity(t).select("topic", "granularity").rows()
    [('big', 'day'), ('small', 'week')]
    """
    opts = _options(**options)
    j = _judge(tickets, opts)
    if j is None:
        return pl.DataFrame(
            schema={
                "topic": pl.String(),
                "mean_daily": pl.Float64(),
                "granularity": pl.String(),
                "judged": pl.Boolean(),
            }
        )
    return pl.DataFrame(
        {
            "topic": j.grid.topics,
            "mean_daily": j.fit.level[:, -1],
            "granularity": np.where(j.daily[:, -1], "day", "week"),
            "judged": j.fit.judged[:, -1],
        }
    )


# --------------------------------------------------------------------------------------------
# Leading indicators


LEADING_SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "tickets_recent": pl.Int64(),
    "tickets_baseline": pl.Int64(),
    "volume_recent": pl.Float64(),  # tickets a day
    "volume_baseline": pl.Float64(),
    "volume_ratio": pl.Float64(),
    "volume_p": pl.Float64(),
    "volume_direction": pl.String(),
    "volume_significant": pl.Boolean(),
    "negative_share_recent": pl.Float64(),
    "negative_share_baseline": pl.Float64(),
    "negative_p": pl.Float64(),
    "negative_direction": pl.String(),
    "negative_significant": pl.Boolean(),
    "escalation_rate_recent": pl.Float64(),
    "escalation_rate_baseline": pl.Float64(),
    "escalation_p": pl.Float64(),
    "escalation_direction": pl.String(),
    "escalation_significant": pl.Boolean(),
    "rising": pl.Boolean(),
}


def _direction(recent: float, before: float) -> str:
    if math.isnan(recent) or math.isnan(before) or recent == before:
        return "flat"
    return "up" if recent > before else "down"


def leading_indicators(
    tickets: pl.DataFrame,
    *,
    topic: str = "category",
    recent: int = 14,
    baseline: int = 56,
    end: dt.date | None = None,
    tz: str | None = None,
    fdr: float = 0.05,
) -> pl.DataFrame:
    """Per topic: is volume, the share of negative tickets, or the escalation rate rising?

    Compares the last ``recent`` days (ending at ``end``, default the last day with data) with the
    ``baseline`` days before them. Volume: rate ratio with a quasi-Poisson z test (dispersion from
    the baseline days' weekday-adjusted counts; a partial last day lowers the recent rate a bit).
    Negative share (sentiment <= -0.05) and escalation rate: two-sided Fisher exact test. Each
    p-value is adjusted across topics (Benjamini-Hochberg) and ``*_significant`` is
    ``q <= fdr``; ``*_direction`` is "up", "down" or "flat". ``rising`` marks topics with a
    significant rise of any of the three. Columns: :data:`LEADING_SCHEMA`.

    >>> t = simulate_tickets(days=84, topics={"a": 20.0})
    >>> leading_indicators(t).select("topic", "volume_direction", "volume_significant").rows()
    [('a', 'down', False)]
    """
    if recent < 1 or baseline < 7:
        raise AnomalyError("recent must be >= 1 day and baseline >= 7 days")
    opts = _options(topic=topic, tz=tz, end=end)
    frame = _topic_frame(tickets, opts, carry=("escalated",))
    if frame.is_empty():
        return pl.DataFrame(schema=LEADING_SCHEMA)
    last = end or frame.get_column("day").max()
    r0 = last - dt.timedelta(days=recent - 1)
    b0 = r0 - dt.timedelta(days=baseline)
    frame = frame.filter(pl.col("day").is_between(b0, last))
    frame = frame.with_columns((pl.col("day") >= r0).alias("is_recent"))
    per = frame.group_by("topic", "is_recent").agg(
        pl.len().alias("n"),
        (pl.col("sentiment") <= -0.05).sum().alias("neg"),
        pl.col("sentiment").count().alias("scored"),
        pl.col("escalated").sum().alias("esc"),
        pl.col("escalated").count().alias("esc_known"),
    )
    daily = frame.group_by("topic", "day").agg(pl.len().alias("n"))
    topics = sorted(frame.get_column("topic").unique().to_list())
    rows = []
    for name in topics:
        get = {r["is_recent"]: r for r in per.filter(pl.col("topic") == name).iter_rows(named=True)}
        rec = get.get(True, dict(n=0, neg=0, scored=0, esc=0, esc_known=0))
        bas = get.get(False, dict(n=0, neg=0, scored=0, esc=0, esc_known=0))
        phi = _baseline_dispersion(daily.filter(pl.col("topic") == name), b0, r0)
        v_rec, v_bas = rec["n"] / recent, bas["n"] / baseline
        # log rate ratio with 0.5 added to each count (defined when a period is empty)
        n_r, n_b = rec["n"] + 0.5, bas["n"] + 0.5
        z = math.log((n_r / recent) / (n_b / baseline)) / math.sqrt(phi * (1 / n_r + 1 / n_b))
        vp = float(2 * special.ndtr(-abs(z)))
        neg_r = rec["neg"] / rec["scored"] if rec["scored"] else math.nan
        neg_b = bas["neg"] / bas["scored"] if bas["scored"] else math.nan
        neg_p = _fisher(rec["neg"], rec["scored"], bas["neg"], bas["scored"])
        esc_r = rec["esc"] / rec["esc_known"] if rec["esc_known"] else math.nan
        esc_b = bas["esc"] / bas["esc_known"] if bas["esc_known"] else math.nan
        esc_p = _fisher(rec["esc"], rec["esc_known"], bas["esc"], bas["esc_known"])
        rows.append(
            dict(
                topic=name,
                tickets_recent=rec["n"],
                tickets_baseline=bas["n"],
                volume_recent=v_rec,
                volume_baseline=v_bas,
                volume_ratio=v_rec / v_bas if v_bas > 0 else math.nan,
                volume_p=vp,
                volume_direction=_direction(v_rec, v_bas),
                negative_share_recent=neg_r,
                negative_share_baseline=neg_b,
                negative_p=neg_p,
                negative_direction=_direction(neg_r, neg_b),
                escalation_rate_recent=esc_r,
                escalation_rate_baseline=esc_b,
                escalation_p=esc_p,
                escalation_direction=_direction(esc_r, esc_b),
            )
        )
    out = pl.DataFrame(rows)
    for name in ("volume", "negative", "escalation"):
        q = _bh(out.get_column(f"{name}_p").to_numpy()[:, None])[:, 0]
        out = out.with_columns(pl.Series(f"{name}_significant", q <= fdr))
    rising = (
        (pl.col("volume_significant") & (pl.col("volume_direction") == "up"))
        | (pl.col("negative_significant") & (pl.col("negative_direction") == "up"))
        | (pl.col("escalation_significant") & (pl.col("escalation_direction") == "up"))
    )
    return (
        out.with_columns(rising.alias("rising"), pl.col(pl.Float64).fill_nan(None))
        .select(LEADING_SCHEMA.keys())
        .cast(LEADING_SCHEMA)
        .sort(["rising", "topic"], descending=[True, False])
    )


def _fisher(a: int, n_a: int, b: int, n_b: int) -> float:
    if n_a == 0 or n_b == 0:
        return 1.0
    return float(stats.fisher_exact([[a, n_a - a], [b, n_b - b]]).pvalue)


def _baseline_dispersion(daily: pl.DataFrame, b0: dt.date, r0: dt.date) -> float:
    """Pearson dispersion of the baseline days' counts around their weekday means (>= 1)."""
    n_days = (r0 - b0).days
    counts = np.zeros(n_days)
    part = daily.filter(pl.col("day") < r0)
    idx = (part.get_column("day") - b0).dt.total_days().to_numpy()
    counts[idx] = part.get_column("n").to_numpy()
    wd = (b0.weekday() + np.arange(n_days)) % 7
    means = np.array([counts[wd == w].mean() if np.any(wd == w) else 0.0 for w in range(7)])
    mu = means[wd]
    ok = mu > 0
    if ok.sum() <= 7:
        return 1.0
    return max(1.0, float(((counts[ok] - mu[ok]) ** 2 / mu[ok]).sum() / (ok.sum() - 7)))


# --------------------------------------------------------------------------------------------
# Synthetic data (examples, tests, benchmark)


def simulate_tickets(
    *,
    days: int = 120,
    topics: dict[str, float] | None = None,
    start: dt.date = dt.date(2024, 1, 1),
    weekend: float = 0.6,
    dispersion: float = 0.0,
    sentiment_mean: float = 0.0,
    sentiment_sd: float = 0.4,
    escalation_rate: float = 0.1,
    events: Sequence[tuple[str, str, int, float, int]] = (),
    seed: int = 0,
) -> pl.DataFrame:
    """Seeded tickets (ticket_id, created_at, category, sentiment, escalated) for examples, tests.

    ``topics`` maps a category to its mean tickets per weekday (weekends at ``weekend`` times
    that); daily counts are Poisson, or negative binomial with ``var = mu + dispersion * mu^2``.
    ``events`` are ``(topic, kind, day, size, length)`` with kind ``"volume"`` (counts times
    ``size`` for ``length`` days), ``"ramp"`` (rising linearly to times ``size`` over ``length``
    days) or ``"sentiment"`` (mean sentiment lower by ``size`` ticket-level SDs).

    >>> simulate_tickets(days=7, topics={"a": 2.0}).height
    14
    """
    rng = np.random.default_rng(seed)
    topics = {"billing": 20.0} if topics is None else topics
    wd = (start.weekday() + np.arange(days)) % 7
    day_factor = np.where(wd >= 5, weekend, 1.0)
    parts = []
    for name, rate in topics.items():
        mult = np.ones(days)
        fall = np.zeros(days)
        for topic, kind, day, size, length in events:
            if topic != name:
                continue
            span = slice(day, min(day + length, days))
            if kind == "volume":
                mult[span] *= size
            elif kind == "ramp":
                steps = np.arange(1, length + 1)[: days - day]
                mult[span] *= 1 + (size - 1) * steps / length
            elif kind == "sentiment":
                fall[span] += size * sentiment_sd
            else:
                raise AnomalyError(f"unknown event kind {kind!r}")
        mu = rate * day_factor * mult
        if dispersion > 0:
            mu = rng.gamma(1 / dispersion, mu * dispersion)
        counts = rng.poisson(mu)
        day_of = np.repeat(np.arange(days), counts)
        secs = rng.integers(0, 86_400, size=day_of.size)
        senti = np.clip(rng.normal(sentiment_mean - fall[day_of], sentiment_sd), -1.0, 1.0)
        parts.append(
            pl.DataFrame(
                {
                    "day": day_of,
                    "secs": secs,
                    "category": name,
                    "sentiment": senti,
                    "escalated": rng.random(day_of.size) < escalation_rate,
                }
            )
        )
    frame = pl.concat(parts)
    origin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    return frame.select(
        pl.format("T{}", pl.int_range(pl.len())).alias("ticket_id"),
        (
            pl.lit(origin).cast(pl.Datetime("us", "UTC"))
            + pl.duration(days=pl.col("day"), seconds=pl.col("secs"))
        ).alias("created_at"),
        pl.col("category"),
        pl.col("sentiment").round(4),
        pl.col("escalated"),
    ).sort("created_at", "ticket_id")
