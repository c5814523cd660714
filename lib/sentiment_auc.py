"""The AUC of a sentiment score against bad satisfaction ratings, with its interval (no text
scoring here, so :mod:`lib.sentiment_model` and :mod:`lib.sentiment_check` can both use it).

>>> import polars as pl
>>> rating_check(pl.Series([-0.5, 0.5] * 30), pl.Series([0.0, 1.0] * 30)).auc
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

#: A rating below this (0..1 scale) is a bad rating.
BAD_BELOW = 0.5

#: Fewer bad or fewer good ratings than this: no verdict.
MIN_EACH = 20

#: (lowest AUC, words) from the top: what an AUC means for a support leader.
VERDICTS = (
    (0.8, "a strong signal"),
    (0.7, "a useful signal"),
    (0.6, "a weak signal: read sentiment alerts as hints"),
    (0.0, "barely better than a coin toss: do not act on sentiment alerts alone"),
)


@dataclass(frozen=True)
class RatingCheck:
    """One sentiment source against the ratings: AUC with its 95% interval (Hanley–McNeil)."""

    source: str
    rated: int
    bad: int
    auc: float | None
    low: float | None
    high: float | None

    @property
    def verdict(self) -> str:
        """The AUC in words (``"too few ratings"`` without one).

        >>> RatingCheck("subject", 500, 100, 0.64, 0.58, 0.70).verdict
        'a weak signal: read sentiment alerts as hints'
        """
        if self.auc is None:
            return f"too few ratings to check (needs {MIN_EACH} bad and {MIN_EACH} good)"
        return next(words for floor, words in VERDICTS if self.auc >= floor)

    def sentence(self) -> str:
        """The check in one sentence for the page.

        >>> RatingCheck("subject", 1200, 300, 0.642, 0.61, 0.675).sentence()
        'Sentiment from subject puts the badly rated ticket lower in 64% of pairs of a bad and a good rating (AUC 0.64, 95% 0.61 to 0.68; 1,200 rated tickets, 300 rated bad; 0.50 is a coin toss): a weak signal: read sentiment alerts as hints.'
        """  # noqa: E501
        if self.auc is None:
            return (
                f"Sentiment from {self.source} could not be checked against ratings: "
                f"{self.rated:,} rated tickets, {self.bad:,} rated bad; {self.verdict}."
            )
        return (
            f"Sentiment from {self.source} puts the badly rated ticket lower in "
            f"{self.auc:.0%} of pairs of a bad and a good rating (AUC {self.auc:.2f}, 95% "
            f"{self.low:.2f} to {self.high:.2f}; {self.rated:,} rated tickets, {self.bad:,} rated "
            f"bad; 0.50 is a coin toss): {self.verdict}."
        )


def rating_check(
    sentiment: pl.Series, satisfaction: pl.Series, *, source: str = "sentiment"
) -> RatingCheck:
    """AUC of ``sentiment`` for telling bad ratings (``satisfaction < 0.5``) from good ones.

    Tickets missing either value are left out. Ties in sentiment count half (Mann–Whitney).

    >>> s = pl.Series([0.0] * 50 + [0.5] * 50)
    >>> r = pl.Series([0.0] * 25 + [1.0] * 25 + [0.0] * 25 + [1.0] * 25)
    >>> rating_check(s, r).auc
    0.5
    """
    frame = pl.DataFrame(
        {
            "s": sentiment.cast(pl.Float64, strict=False),
            "r": satisfaction.cast(pl.Float64, strict=False),
        }
    ).drop_nulls()
    frame = frame.filter(pl.col("s").is_not_nan() & pl.col("r").is_not_nan())
    bad_mask = frame.get_column("r") < BAD_BELOW
    n_bad = int(bad_mask.sum())
    n_good = frame.height - n_bad
    if n_bad < MIN_EACH or n_good < MIN_EACH:
        return RatingCheck(source, frame.height, n_bad, None, None, None)
    ranks = frame.get_column("s").rank("average")
    rank_sum_good = float(ranks.filter(~bad_mask).sum())
    u_good = rank_sum_good - n_good * (n_good + 1) / 2
    auc = u_good / (n_good * n_bad)
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_bad - 1) * (q1 - auc**2) + (n_good - 1) * (q2 - auc**2)) / (
        n_bad * n_good
    )
    se = math.sqrt(max(var, 0.0))
    return RatingCheck(
        source,
        frame.height,
        n_bad,
        round(auc, 4),
        round(max(0.0, auc - 1.96 * se), 4),
        round(min(1.0, auc + 1.96 * se), 4),
    )
