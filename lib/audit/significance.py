"""Significance that survives many rows and tickets that arrive together (DESIGN.md section 5).

Two corrections for the per-row "did the rate change?" tests of :func:`lib.audit.breakdown`:

- **Clustering (design effect).** One outage brings many tickets on the same day that
  escalate together, so the tickets are not independent and the plain two-proportion z-test
  overstates the evidence. Each row's test is corrected by its *design effect* (a first-order
  Rao-Scott correction): for each period the cluster-robust (sandwich) variance of the rate,
  with the tickets grouped into clusters (by default the UTC day of creation),
  ``V_robust = G / (G - 1) * sum_c (k_c - p * n_c)^2 / N^2``, is compared with the binomial
  variance ``p * (1 - p) / N``; the design effect is
  ``d = (V_robust_review + V_robust_previous) / (V_binomial_review + V_binomial_previous)``,
  never below 1 (the correction only ever makes a test more cautious), and the z statistic is
  divided by ``sqrt(d)``. A period with a single cluster cannot show clustering; its robust
  variance is taken to be the binomial one. ``V_robust`` is the variance a linear
  probability model with ``cov_type="cluster"`` gives the period's rate (tests check it
  against statsmodels).
- **Many rows (false discovery rate).** The q-value of each row is the Benjamini-Hochberg
  adjusted p-value across the rows tested together (``statsmodels.stats.multitest``); a row
  is called significant when its q-value is below ``1 - level``.

Example
-------
>>> bh_q_values([0.01, 0.04, None, 0.03])
[0.03, 0.04, None, 0.04]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.special import ndtr, ndtri
from statsmodels.stats.multitest import multipletests

from lib import plain_words
from lib.audit._common import MetricsError, _key
from lib.formatting import pts
from lib.periods import Periods, in_dates, local_day

#: Cluster by the UTC day of creation (tickets of one outage day move together).
DAY = "day"


def bh_q_values(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (q-values); ``None`` stays ``None`` and is not
    counted as a test.

    >>> bh_q_values([0.2, 0.01, 0.02])
    [0.2, 0.03, 0.03]
    """
    vals = [p for p in p_values if p is not None]
    if not vals:
        return [None] * len(p_values)
    q = iter(multipletests(np.asarray(vals, float), method="fdr_bh")[1].tolist())
    return [None if p is None else round(next(q), 12) for p in p_values]


def _cluster_key(cluster: str, tickets_schema: pl.Schema) -> pl.Expr:
    if cluster == DAY:
        return local_day("created_at").alias("_cluster")
    if cluster not in tickets_schema:
        raise MetricsError(f"cannot cluster by {cluster!r}: there is no such column")
    # a ticket without a value is a cluster of its own
    own = pl.lit("\x00row") + pl.int_range(pl.len()).cast(pl.String)
    return pl.coalesce(pl.col(cluster).cast(pl.String), own).alias("_cluster")


def design_effects(
    tickets: pl.DataFrame, by: str, periods: Periods, *, cluster: str = DAY
) -> pl.DataFrame:
    """Per value of ``by``: the design effect of its review-vs-previous rate change.

    Columns: ``by``, ``design_effect`` (>= 1; 1 when the spread between clusters is no more
    than chance, or when it cannot be measured) and ``clusters`` (clusters with tickets in the
    two periods together). ``cluster`` is ``"day"`` (UTC day of creation) or a column name
    (e.g. ``"customer"``; tickets without a value are clusters of their own).

    Two days each period, every ticket of a day escalated or none: the rates move by whole
    days, and the design effect is about the number of tickets per day.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> days = [1, 1, 1, 1, 2, 2, 2, 2, 8, 8, 8, 8, 9, 9, 9, 9]
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in days],
    ...     "channel": ["chat"] * 16,
    ...     "escalated": [d in (1, 8) for d in days],
    ... })
    >>> design_effects(t, "channel", review_periods(t, review_days=7)).rows()
    [('chat', 8.0, 4)]
    """
    lf = tickets.lazy()
    period = (
        pl.when(in_dates(*periods.review))
        .then(pl.lit(1))
        .when(in_dates(*periods.previous))
        .then(pl.lit(0))
        .alias("_period")
    )
    cells = (
        lf.with_columns(period)
        .filter(pl.col("_period").is_not_null())
        .with_columns(_cluster_key(cluster, tickets.schema), _key(by))
        .group_by(by, "_period", "_cluster")
        .agg(
            pl.len().cast(pl.Float64).alias("_n"),
            pl.col("escalated").sum().cast(pl.Float64).alias("_k"),
        )
    )
    n, k = pl.col("_n").sum().over(by, "_period"), pl.col("_k").sum().over(by, "_period")
    g = pl.len().over(by, "_period").cast(pl.Float64)
    p = k / n
    per = (
        cells.with_columns(
            ((pl.col("_k") - p * pl.col("_n")) ** 2).alias("_r2"), n.alias("_N"), p.alias("_p")
        )
        .with_columns(g.alias("_G"))
        .group_by(by, "_period")
        .agg(
            pl.col("_r2").sum(),
            pl.col("_N").first(),
            pl.col("_p").first(),
            pl.col("_G").first(),
        )
        .with_columns((pl.col("_p") * (1 - pl.col("_p")) / pl.col("_N")).alias("_vb"))
        .with_columns(
            pl.when(pl.col("_G") >= 2)
            .then(pl.col("_G") / (pl.col("_G") - 1) * pl.col("_r2") / pl.col("_N") ** 2)
            .otherwise(pl.col("_vb"))
            .alias("_vr")
        )
        .group_by(by)
        .agg(pl.col("_vr").sum(), pl.col("_vb").sum(), pl.col("_G").sum().cast(pl.Int64))
    )
    out = per.collect().with_columns(
        pl.when(pl.col("_vb") > 0)
        .then(pl.max_horizontal(pl.col("_vr") / pl.col("_vb"), pl.lit(1.0)))
        .otherwise(pl.lit(1.0))
        .alias("design_effect")
    )
    return out.select(by, "design_effect", pl.col("_G").alias("clusters")).sort(by)


def corrected_p_values(
    p_values: Sequence[float | None], design_effect: Sequence[float | None]
) -> list[float | None]:
    """Two-sided p-values of z statistics divided by ``sqrt(design_effect)``.

    The z statistic is recovered from the plain p-value (``|z| = -ndtri(p / 2)``).

    >>> [round(p, 4) for p in corrected_p_values([0.05, 0.05], [1.0, 4.0])]
    [0.05, 0.3271]
    """
    out: list[float | None] = []
    for p, d in zip(p_values, design_effect, strict=True):
        if p is None:
            out.append(None)
            continue
        z = -float(ndtri(p / 2)) if p > 0 else np.inf
        out.append(float(2 * ndtr(-z / np.sqrt(max(d or 1.0, 1.0)))))
    return out


def rises_in_words(frame: pl.DataFrame, by: str, *, level: float = 0.95, top: int = 3) -> str:
    """One sentence on the significant rises of a :func:`lib.audit.breakdown` table, with the
    corrections spelled out (values unescaped: escape before Markdown).

    >>> f = pl.DataFrame({"agent": ["ann", "bob", "cy"], "change": [0.12, 0.03, -0.2],
    ...     "plain_p_value": [0.0001, 0.04, 0.001], "q_value": [0.0003, 0.06, 0.0015],
    ...     "significant": [True, False, True], "design_effect": [1.0, 2.5, 1.0]})
    >>> rises_in_words(f, "agent")
    '1 of 3 rows rose beyond chance (ann +12.0 pts, about 1 in 3,000), allowing for \
tickets that arrive together on the same day and for the 3 rows tested at once (chance it is \
noise below 5%). Testing each row on its own would have called 2 rises.'
    """
    tested = frame.filter(pl.col("q_value").is_not_null())
    rises = tested.filter(pl.col("significant") & (pl.col("change") > 0)).sort("q_value")
    plain = tested.filter((pl.col("plain_p_value") < 1 - level) & (pl.col("change") > 0)).height
    alpha = f"{1 - level:.0%}"
    named = ", ".join(
        f"{r[by]} {pts(r['change'])}, {plain_words.odds(r['q_value'])}"
        for r in rises.head(top).iter_rows(named=True)
    )
    more = f" and {rises.height - top} more" if rises.height > top else ""
    head = (
        f"{rises.height} of {tested.height} rows rose beyond chance"
        + (f" ({named}{more})" if named else "")
        if rises.height
        else f"No row of {tested.height} rose beyond chance"
    )
    rows = "row" if tested.height == 1 else "rows"
    text = (
        f"{head}, allowing for tickets that arrive together on the same day and for the "
        f"{tested.height} {rows} tested at once (chance it is noise below {alpha})."
    )
    if plain != rises.height:
        text += (
            f" Testing each row on its own would have called {plain} rise"
            + ("" if plain == 1 else "s")
            + "."
        )
    return text
