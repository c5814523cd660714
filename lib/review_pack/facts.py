"""The facts of a review period: headline numbers, weekly trend, top drivers, flagged agents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from lib import audit
from lib.errors import ReviewError
from lib.periods import Periods, in_dates
from lib.review_pack._common import ReviewPackError


def meeting_periods(
    tickets: pl.DataFrame | None,
    start: date,
    end: date,
    *,
    baseline: tuple[date, date] | None = None,
) -> Periods:
    """The periods of a meeting: its review period, the same length right before it, a baseline.

    The baseline is ``baseline`` when it ends before the review period starts, else the first 30
    days of data (see :func:`lib.periods.review_periods`).

    >>> p = meeting_periods(None, date(2024, 3, 18), date(2024, 3, 31),
    ...                     baseline=(date(2024, 1, 1), date(2024, 1, 30)))
    >>> p.previous, p.baseline
    ((datetime.date(2024, 3, 4), datetime.date(2024, 3, 17)), (datetime.date(2024, 1, 1), datetime.date(2024, 1, 30)))
    """  # noqa: E501
    if start > end:
        raise ReviewPackError(f"The review period starts ({start}) after it ends ({end})")
    from lib.periods import review_periods

    days = (end - start).days + 1
    base: Any = baseline if baseline is not None and baseline[1] < start else "first30"
    if base == "first30" and tickets is None:
        base = (start - timedelta(days=90), start - timedelta(days=1))
    return review_periods(tickets, review_days=days, review_end=end, baseline=base)


@dataclass(frozen=True)
class AgentFlags:
    """Agents flagged by the case-mix adjusted comparison, or why there are none.

    ``table`` holds the flagged rows of :func:`lib.outliers.agent_outliers` (``None`` when the
    comparison could not run); ``note`` says what was compared or what went wrong.
    """

    table: pl.DataFrame | None
    note: str

    @property
    def available(self) -> bool:
        return self.table is not None


def flagged_agents(tickets: pl.DataFrame, period: tuple[date, date], **options: Any) -> AgentFlags:
    """Run :func:`lib.outliers.agent_outliers` on ``period`` and keep the flagged agents.

    :mod:`lib.outliers` is imported here, not at module level: when it is missing or fails to
    import, or refuses the data (a :class:`~lib.errors.ReviewError`), the result says so in
    ``note`` and the rest of the meeting works without agent flags.
    """
    try:
        from lib.outliers import agent_outliers
    except ImportError as exc:
        return AgentFlags(None, f"The agent comparison is not available ({exc}).")
    if "agent" not in tickets.columns or tickets.get_column("agent").null_count() == tickets.height:
        return AgentFlags(None, "The data has no agent column, so agents are not compared.")
    try:
        table = agent_outliers(tickets, period=period, **options)
    except ReviewError as exc:
        return AgentFlags(None, f"Agents could not be compared: {exc}")
    flagged = table.filter(pl.col("flagged")) if "flagged" in table.columns else table.clear()
    note = (
        f"Case-mix adjusted comparison of {table.height} agents on tickets created "
        f"{period[0]} to {period[1]}: escalations compared with what each agent's own mix of "
        "categories, channels, priorities and tiers predicts (false discovery rate 5%)."
    )
    return AgentFlags(flagged, note)


@dataclass(frozen=True)
class ReviewFacts:
    """What a meeting looks at for its review period (see :func:`review_facts`).

    ``story`` is the period's :class:`lib.audit.Story` (what changed and what drives it), the
    one the Overview shows for the same period, filters and ``horizon``.
    """

    periods: Periods
    kpi: audit.KpiTable
    trend: pl.DataFrame
    drivers: pl.DataFrame
    agents: AgentFlags
    policy_categories: tuple[str, ...] = field(default_factory=tuple)
    story: audit.Story | None = None
    horizon: audit.Horizon | None = None


def review_facts(
    tickets: pl.DataFrame,
    periods: Periods,
    *,
    policy_categories: Sequence[str] = (),
    top_drivers: int = 5,
    agents: bool = True,
    horizon: audit.Horizon | None = None,
) -> ReviewFacts:
    """Headline numbers, weekly trend, top drivers and flagged agents of a review period.

    Everything compares periods the way the Overview does: pass the session's ``horizon``
    (escalated within it, among tickets old enough; ``None``: the state at the export).
    ``story`` is :func:`lib.audit.period_story` of the period; ``drivers`` is its breakdown by
    category (review vs previous period, q-values across every dimension) cut to the
    ``top_drivers`` categories with most escalations, plus any other category whose rate rose
    significantly. The trend is weekly, with weeks laid so that two end on the review
    period's last day. With ``agents=False`` (or no ``agent`` column) no agent is compared.
    """
    kpi = audit.kpis(tickets, periods, policy_categories=policy_categories, horizon=horizon)
    story = audit.period_story(tickets, periods, horizon=horizon, top_drivers=top_drivers)
    upto = tickets.filter(in_dates(None, periods.review[1]))
    trend = audit.trend(upto, every="1w", align_to=periods.review[1], horizon=horizon)
    drivers = _top_drivers(story, top_drivers)
    flags = (
        flagged_agents(tickets, periods.review)
        if agents
        else AgentFlags(None, "Agents were not compared.")
    )
    return ReviewFacts(
        periods, kpi, trend, drivers, flags, tuple(policy_categories), story, horizon
    )


def _top_drivers(story: audit.Story, top: int) -> pl.DataFrame:
    if "category" not in story.tables:
        return pl.DataFrame()
    b = story.tables["category"].filter(pl.col("tickets") > 0)
    head = b.filter(pl.col("escalations") > 0).head(top)
    rising = b.filter(
        pl.col("significant")
        & (pl.col("change") > 0)
        & ~pl.col("category").is_in(head.get_column("category").to_list())
    ).head(2)
    return pl.concat([head, rising]) if rising.height else head
