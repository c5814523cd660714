"""How far to trust sentiment: does it tell a badly rated ticket from a well rated one?

When an export has satisfaction ratings, each sentiment source (the export's own score, VADER on
the subject, VADER on the customer's description) is checked against them: the AUC is the share
of (badly rated, well rated) ticket pairs in which the badly rated ticket has the lower sentiment
(ties count half; 0.5 is a coin toss, 1.0 perfect). A rating below 0.5 on the 0..1 scale is
"bad" (1 or 2 of 5 stars, a "bad" Zendesk rating); 0.5 and above is "good".

Example
-------
>>> import polars as pl
>>> t = pl.DataFrame({"sentiment": [-0.8, -0.2, 0.1, 0.6] * 10,
...                   "satisfaction": [0.0, 0.25, 1.0, 0.75] * 10})
>>> rating_check(t["sentiment"], t["satisfaction"]).auc
1.0
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from lib.sentiment import score_english
from lib.sentiment_auc import (  # noqa: F401 (re-exported)
    BAD_BELOW,
    MIN_EACH,
    VERDICTS,
    RatingCheck,
    rating_check,
)


def source_checks(
    tickets: pl.DataFrame,
    *,
    description: pl.Series | None = None,
    text_columns: Sequence[str] = ("subject",),
) -> list[RatingCheck]:
    """Check every sentiment source the export offers against its ratings, best first.

    Sources: the export's own ``sentiment`` (when present), VADER on each text column and on
    ``description`` (aligned with ``tickets``), English text only (:func:`score_english`).
    Only rated tickets are scored, so the cost follows the number of ratings. Empty when the
    export has no ratings.

    >>> t = pl.DataFrame({"subject": ["Thanks, great help", "Broken again, awful"] * 30,
    ...                   "satisfaction": [1.0, 0.0] * 30})
    >>> [(c.source, c.auc) for c in source_checks(t)]
    [('subject', 1.0)]
    """
    if "satisfaction" not in tickets.columns:
        return []
    frame = tickets
    if description is not None:
        frame = frame.with_columns(description.alias("_check_description"))
    rated = frame.filter(pl.col("satisfaction").is_not_null())
    if rated.height == 0:
        return []
    sat = rated.get_column("satisfaction")
    checks: list[RatingCheck] = []
    if "sentiment" in rated.columns and rated.get_column("sentiment").null_count() < rated.height:
        checks.append(rating_check(rated["sentiment"], sat, source="the export's own score"))
    texts = [(c, c) for c in text_columns if c in rated.columns]
    if description is not None:
        texts.append(("_check_description", "description"))
    for column, name in texts:
        text = rated.get_column(column).cast(pl.String, strict=False)
        if text.str.strip_chars().replace("", None).null_count() == rated.height:
            continue
        checks.append(rating_check(score_english(text), sat, source=name))
    return sorted(checks, key=lambda c: -1.0 if c.auc is None else c.auc, reverse=True)
