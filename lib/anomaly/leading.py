"""Leading indicators: per topic, whether volume, the negative share or the escalation rate of the
last days rises against the weeks before (rate ratio and Fisher tests, FDR across topics).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence

import numpy as np
import polars as pl
from scipy import special, stats

from lib.anomaly.grid import _topic_frame
from lib.anomaly.options import AnomalyError, _options
from lib.anomaly.tails import _bh

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
    holidays: Sequence[dt.date | str] = (),
) -> pl.DataFrame:
    """Per topic: is volume, the share of negative tickets, or the escalation rate rising?

    Compares the last ``recent`` days (ending at ``end``, default the last day with data) with the
    ``baseline`` days before them. Volume: rate ratio with a quasi-Poisson z test (dispersion from
    the baseline days' weekday-adjusted counts; a partial last day lowers the recent rate a bit).
    Negative share (sentiment <= -0.05) and escalation rate: two-sided Fisher exact test. Each
    p-value is adjusted across topics (Benjamini-Hochberg) and ``*_significant`` is
    ``q <= fdr``; ``*_direction`` is "up", "down" or "flat". ``rising`` marks topics with a
    significant rise of any of the three. ``holidays``: the same calendar as
    :func:`lib.anomaly.detect_anomalies`; its days are left out of both periods (their tickets
    and their days), so a holiday in the last two weeks is not read as falling volume.
    Columns: :data:`LEADING_SCHEMA`.

    >>> from lib.anomaly.simulate import simulate_tickets
    >>> t = simulate_tickets(days=84, topics={"a": 20.0})
    >>> leading_indicators(t).select("topic", "volume_direction", "volume_significant").rows()
    [('a', 'down', False)]
    """
    if recent < 1 or baseline < 7:
        raise AnomalyError("recent must be >= 1 day and baseline >= 7 days")
    opts = _options(topic=topic, tz=tz, end=end, holidays=holidays)
    frame = _topic_frame(tickets, opts, carry=("escalated",))
    if frame.is_empty():
        return pl.DataFrame(schema=LEADING_SCHEMA)
    last = end or frame.get_column("day").max()
    r0 = last - dt.timedelta(days=recent - 1)
    b0 = r0 - dt.timedelta(days=baseline)
    closed = set(opts.holidays)
    frame = frame.filter(pl.col("day").is_between(b0, last) & ~pl.col("day").is_in(closed))
    recent -= sum(r0 <= d <= last for d in closed)  # open days of each period
    baseline -= sum(b0 <= d < r0 for d in closed)
    if recent < 1 or baseline < 1:
        raise AnomalyError("the holiday calendar leaves no open day in one of the periods")
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
        phi = _baseline_dispersion(daily.filter(pl.col("topic") == name), b0, r0, closed)
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


def _baseline_dispersion(
    daily: pl.DataFrame, b0: dt.date, r0: dt.date, closed: Collection[dt.date] = ()
) -> float:
    """Pearson dispersion of the baseline days' counts around their weekday means (>= 1);
    ``closed`` days (holidays) left out."""
    n_days = (r0 - b0).days
    counts = np.zeros(n_days)
    part = daily.filter(pl.col("day") < r0)
    idx = (part.get_column("day") - b0).dt.total_days().to_numpy()
    counts[idx] = part.get_column("n").to_numpy()
    open_ = np.array([b0 + dt.timedelta(days=int(i)) not in closed for i in range(n_days)])
    counts, days = counts[open_], np.arange(n_days)[open_]
    wd = (b0.weekday() + days) % 7
    means = np.array([counts[wd == w].mean() if np.any(wd == w) else 0.0 for w in range(7)])
    mu = means[wd]
    ok = mu > 0
    if ok.sum() <= 7:
        return 1.0
    return max(1.0, float(((counts[ok] - mu[ok]) ** 2 / mu[ok]).sum() / (ok.sum() - 7)))
