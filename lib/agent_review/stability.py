"""Month-over-month stability: per agent, the months judged and flagged, and whether a flag
repeats across months.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from lib.agent_review._common import _names, _require


def history_summary(history: pl.DataFrame) -> pl.DataFrame:
    """Per agent: months judged, months flagged high and low, and a short label.

    ``history`` is :func:`lib.outliers.flag_history` (one row per agent and month).
    Columns: agent, months, months_judged, months_high, months_low, flagged_label
    (``"2 of 5 months"``, ``"not judged"`` when no month was judged).

    >>> from datetime import date
    >>> h = pl.DataFrame({"agent": ["a"] * 3 + ["b"],
    ...     "period_start": [date(2024, m, 1) for m in (1, 2, 3)] + [date(2024, 1, 1)],
    ...     "judged": [True, True, False, False], "flagged": [True, False, False, False],
    ...     "direction": ["high", None, None, None]})
    >>> history_summary(h).select("agent", "months_judged", "months_high", "flagged_label").rows()
    [('a', 2, 1, '1 of 2 months'), ('b', 0, 0, 'not judged')]
    """
    _require(history, ["agent", "period_start", "judged", "flagged", "direction"], "history")
    flagged = pl.col("flagged").fill_null(False)
    return (
        history.group_by("agent")
        .agg(
            months=pl.len().cast(pl.Int64),
            months_judged=pl.col("judged").fill_null(False).sum().cast(pl.Int64),
            months_high=(flagged & (pl.col("direction") == "high")).sum().cast(pl.Int64),
            months_low=(flagged & (pl.col("direction") == "low")).sum().cast(pl.Int64),
        )
        .with_columns(
            flagged_label=pl.when(pl.col("months_judged") == 0)
            .then(pl.lit("not judged"))
            .otherwise(
                pl.format(
                    "{} of {} month{}",
                    pl.col("months_high") + pl.col("months_low"),
                    pl.col("months_judged"),
                    pl.when(pl.col("months_judged") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
                )
            )
        )
        .sort("agent")
    )


def _month(d: date) -> str:
    return d.strftime("%b %Y")


def stability_sentence(history: pl.DataFrame, agent: str) -> str:
    """Whether ``agent`` was flagged in earlier months too, in one sentence.

    Each month is judged on its own tickets (:func:`lib.outliers.flag_history`).

    >>> from datetime import date
    >>> h = pl.DataFrame({"agent": ["a"] * 4,
    ...     "period_start": [date(2024, m, 1) for m in (1, 2, 3, 4)],
    ...     "judged": [False, True, True, True], "flagged": [False, True, False, True],
    ...     "direction": [None, "high", None, "high"]})
    >>> stability_sentence(h, "a")
    'Flagged high in 2 of the 3 months judged on their own (Feb 2024 and Apr 2024), including the latest (Apr 2024). 1 month had too few expected escalations to judge.'
    >>> stability_sentence(h, "zed")
    'zed has no tickets in the months on record.'
    """  # noqa: E501
    mine = history.filter(pl.col("agent") == agent).sort("period_start")
    if mine.height == 0:
        return f"{agent} has no tickets in the months on record."
    judged = mine.filter(pl.col("judged").fill_null(False))
    unjudged = mine.height - judged.height
    tail = (
        f" {unjudged} month{'' if unjudged == 1 else 's'} had too few expected escalations to "
        "judge."
        if unjudged
        else ""
    )
    if judged.height == 0:
        return (
            f"No month had enough expected escalations to judge {agent} on its own "
            f"({mine.height} month{'' if mine.height == 1 else 's'} on record)."
        )
    flagged = judged.filter(pl.col("flagged").fill_null(False))
    n = judged.height
    months = "month" if n == 1 else "months"
    if flagged.height == 0:
        return f"Not flagged in any of the {n} {months} judged on their own.{tail}"
    parts = []
    for direction in ("high", "low"):
        hit = flagged.filter(pl.col("direction") == direction).get_column("period_start")
        if hit.len():
            parts.append(
                f"flagged {direction} in {hit.len()} of the {n} {months} judged on their own "
                f"({_names([_month(d) for d in hit.to_list()], 4)})"
            )
    sentence = "; ".join(parts)
    sentence = sentence[0].upper() + sentence[1:]
    last = judged.row(-1, named=True)
    latest = _month(last["period_start"])
    if last["flagged"]:
        sentence += f", including the latest ({latest})."
    else:
        sentence += f"; not flagged in the latest ({latest})."
    return sentence + tail
