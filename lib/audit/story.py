"""What changed in a review period and what drives it: one answer for every page (issue 19).

:func:`period_story` compares the review period with the previous period of the same length,
on escalation within a fixed horizon (:mod:`lib.audit.maturity`: tickets younger than the
horizon at the export date are left out of rates and counted as still maturing), and returns
a small typed :class:`Story`:

- the **headline**: the rate now and before, with their denominators and period dates, and the
  test of the change (and the baseline);
- the **significant changes**, across every dimension the data has (category, channel,
  priority, group, customer tier): each dimension is broken down with
  :func:`lib.audit.breakdown` (tests widened by day-clustered design effects), and the
  Benjamini-Hochberg q-values are taken across *all* the rows of *all* the dimensions at
  once, since a reader scans them all; ranked by the size of the change in rate, largest
  first, whichever dimension;
- the **top drivers**: the categories with most escalations in the review period (counts of the
  same period, with their change from the previous one);
- the **mix / performance split** (:mod:`lib.audit.decompose`) of the headline change, by the
  dimension of the largest significant change (else by category).

The Overview summary, the Breakdowns and Drivers headlines, the meeting agenda and the review
pack all read one :class:`Story`, so the same question gets the same answer everywhere. Every
sentence about it comes from :func:`story_words` (one function, to reword in one place).

Example
-------
>>> from datetime import UTC, datetime
>>> from lib.periods import review_periods
>>> t = pl.DataFrame({
...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9)],
...     "channel": ["chat", "email", "chat", "email"],
...     "category": ["sso", "sso", "sso", "billing"],
...     "escalated": [False, False, True, True],
... })
>>> s = period_story(t, review_periods(t, review_days=7))
>>> s.headline.escalations, s.headline.tickets, s.headline.previous_escalations
(2, 2, 0)
>>> [(d.value, d.escalations) for d in s.drivers]
[('billing', 1), ('sso', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import polars as pl

from lib import formatting, plain_words
from lib.audit.breakdowns import breakdown
from lib.audit.decompose import decompose_counts, explain_decomposition
from lib.audit.headline import kpis
from lib.audit.maturity import Horizon
from lib.audit.significance import DAY, bh_q_values
from lib.periods import Periods, in_dates
from lib.schema import LABELS

#: The dimensions a story looks across, with their labels. Agents are left out on purpose: an
#: agent's raw rate mostly reflects the tickets they get; the Agents page compares them on
#: their case mix.
DIMENSIONS: dict[str, str] = {
    d: LABELS[d] for d in ("category", "channel", "priority", "group", "customer_tier")
}

#: The dimension whose values are the "drivers" (where escalations come from).
DRIVER_DIMENSION = "category"


@dataclass(frozen=True)
class Counts:
    """A rate of the review period next to the previous period's, with their denominators."""

    tickets: int
    escalations: int
    rate: float | None
    previous_tickets: int
    previous_escalations: int
    previous_rate: float | None


@dataclass(frozen=True)
class Headline(Counts):
    """The escalation rate of the review period against the previous period (and baseline).

    Counts are the rates' denominators and numerators (mature tickets only under a horizon);
    ``maturing`` counts the review period's tickets too young to count.
    """

    review: tuple[date, date] = (date.min, date.min)
    previous: tuple[date, date] = (date.min, date.min)
    change: float | None = None
    p_value: float | None = None
    significant: bool = False
    maturing: int = 0
    baseline: tuple[date, date] | None = None
    baseline_rate: float | None = None
    baseline_tickets: int = 0
    baseline_significant: bool = False
    baseline_p_value: float | None = None


@dataclass(frozen=True)
class Change(Counts):
    """One value of one dimension whose rate changed significantly (see :func:`period_story`)."""

    dimension: str = ""
    value: str = ""
    change: float = 0.0
    escalations_change: int = 0
    p_value: float = 1.0
    q_value: float = 1.0
    design_effect: float = 1.0

    @property
    def label(self) -> str:
        """The dimension's label, e.g. ``"Channel"``."""
        return DIMENSIONS.get(self.dimension, self.dimension)


@dataclass(frozen=True)
class Driver(Counts):
    """A category and its escalations in the review period (and the change since the previous)."""

    value: str = ""
    share_of_escalations: float | None = None
    escalations_change: int = 0
    change: float | None = None
    significant: bool = False
    q_value: float | None = None


@dataclass(frozen=True)
class MixSplit:
    """The headline change split into mix and within-segment rates, by ``dimension``."""

    dimension: str
    change: float
    mix: float
    within: float
    sentence: str


@dataclass(frozen=True, eq=False)
class Story:
    """What changed in a review period and what drives it (see :func:`period_story`).

    ``strongest`` is the row with the strongest evidence of a change (smallest q-value, then
    p-value) when none is significant: named as "not significant", so a reader sees what the
    largest sign of change was and that it may be chance.

    ``tables`` holds the breakdown of each dimension the data has (:func:`lib.audit.breakdown`
    columns); for the ``dimensions`` tested, ``q_value`` and ``significant`` are taken across
    all ``rows_tested`` rows (a dimension with a single value is not tested: null q-values).
    """

    periods: Periods
    horizon: Horizon | None
    headline: Headline
    changes: tuple[Change, ...]
    drivers: tuple[Driver, ...]
    mix: MixSplit | None
    dimensions: tuple[str, ...]
    rows_tested: int
    level: float = 0.95
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    strongest: Change | None = None

    def changes_in(self, dimension: str) -> tuple[Change, ...]:
        """The significant changes of one dimension, largest first."""
        return tuple(c for c in self.changes if c.dimension == dimension)


def _headline(tickets: pl.DataFrame, periods: Periods, horizon: Horizon | None) -> Headline:
    k = kpis(tickets, periods, horizon=horizon)
    r, p, b = k.review, k.previous, k.baseline
    t = k.change("previous")
    tb = k.change("baseline")
    compare_base = not periods.baseline_overlaps_review and tb.testable
    return Headline(
        review=periods.review,
        previous=periods.previous,
        tickets=int(r["tickets"]),
        escalations=int(r["escalations"]),
        rate=r["rate"],
        previous_tickets=int(p["tickets"]),
        previous_escalations=int(p["escalations"]),
        previous_rate=p["rate"],
        change=t.diff if t.testable else None,
        p_value=t.p_value if t.testable else None,
        significant=bool(t.testable and t.significant),
        maturing=int(r.get("maturing") or 0),
        baseline=periods.baseline if compare_base else None,
        baseline_rate=b["rate"] if compare_base else None,
        baseline_tickets=int(b["tickets"]),
        baseline_significant=bool(compare_base and tb.significant),
        baseline_p_value=tb.p_value if compare_base else None,
    )


def period_story(
    tickets: pl.DataFrame,
    periods: Periods,
    *,
    horizon: Horizon | None = None,
    dimensions: Sequence[str] | None = None,
    level: float = 0.95,
    cluster: str | None = DAY,
    top_drivers: int = 5,
) -> Story:
    """What changed from the previous period to the review period, and what drives it.

    ``horizon`` compares on escalation within that many days among tickets old enough (pass
    the session's horizon, as the Overview does; ``None``: the state at the export).
    ``dimensions`` default to those of :data:`DIMENSIONS` that the data has; a dimension with a
    single value (its one row would repeat the headline) is not tested. ``cluster`` and
    ``level`` are passed to :func:`lib.audit.breakdown`; the q-values are Benjamini-Hochberg
    across all the rows of all the dimensions tested.

    A channel whose rate doubled, all else constant:

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> days = [1] * 100 + [8] * 100
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in days],
    ...     "channel": (["phone"] * 50 + ["chat"] * 50) * 2,
    ...     "escalated": ([True] * 10 + [False] * 40 + [True] * 10 + [False] * 40)
    ...     + ([True] * 30 + [False] * 20 + [True] * 10 + [False] * 40),
    ... })
    >>> s = period_story(t, review_periods(t, review_days=7), cluster=None)
    >>> [(c.dimension, c.value, round(c.change, 2)) for c in s.changes]
    [('channel', 'phone', 0.4)]
    >>> s.mix.dimension, round(s.mix.within, 2), round(s.mix.mix, 2)
    ('channel', 0.2, 0.0)
    """
    head = _headline(tickets, periods, horizon)
    names = [d for d in (dimensions if dimensions is not None else DIMENSIONS) if d in tickets]
    span = tickets.filter(in_dates(*periods.previous) | in_dates(*periods.review))
    tables: dict[str, pl.DataFrame] = {}
    for d in names:
        if span.get_column(d).null_count() == span.height:
            continue
        b = breakdown(
            span, d, periods, level=level, cluster=cluster, fdr=False, horizon=horizon
        ).filter((pl.col("tickets") > 0) | (pl.col("previous_tickets") > 0))
        tables[d] = b
    # a single value would only repeat the headline: not tested
    tested = [d for d, b in tables.items() if b.height >= 2]
    # one family: every row of every dimension a reader scans
    p_all = [p for d in tested for p in tables[d].get_column("p_value").to_list()]
    q_all = iter(bh_q_values(p_all))
    for d, b in tables.items():
        q = [next(q_all) for _ in range(b.height)] if d in tested else [None] * b.height
        tables[d] = b.with_columns(pl.Series("q_value", q, pl.Float64)).with_columns(
            (pl.col("q_value") < 1 - level).fill_null(False).alias("significant")
        )
    changes = [
        Change(**_from_row(Change, r, dimension=d, value=str(r[d])))
        for d in tested
        for r in tables[d].filter(pl.col("significant")).iter_rows(named=True)
    ]
    tested_rows = [
        Change(**_from_row(Change, r, dimension=d, value=str(r[d])))
        for d in tested
        for r in tables[d]
        .filter(pl.col("q_value").is_not_null() & (pl.col("tickets") > 0))
        .sort("q_value", "p_value")
        .head(1)
        .iter_rows(named=True)
    ]
    strongest = (
        min(tested_rows, key=lambda c: (c.q_value, c.p_value, -abs(c.change)))
        if tested_rows and not changes
        else None
    )
    # largest change in rate first (equal to 1e-9: smaller q-value first)
    changes.sort(key=lambda c: (-round(abs(c.change), 9), c.q_value, c.dimension, c.value))
    drivers: tuple[Driver, ...] = ()
    if DRIVER_DIMENSION in tables:
        top = tables[DRIVER_DIMENSION].filter(pl.col("escalations") > 0).head(top_drivers)
        drivers = tuple(
            Driver(**_from_row(Driver, r, value=str(r[DRIVER_DIMENSION])))
            for r in top.iter_rows(named=True)
        )
    return Story(
        periods=periods,
        horizon=horizon,
        headline=head,
        changes=tuple(changes),
        drivers=drivers,
        mix=_mix({d: tables[d] for d in tested}, changes),
        dimensions=tuple(tested),
        rows_tested=sum(1 for p in p_all if p is not None),
        level=level,
        tables=tables,
        strongest=strongest,
    )


def _from_row(cls: type, row: Mapping[str, Any], **given: Any) -> dict[str, Any]:
    """The fields of dataclass ``cls`` taken from a breakdown row, then ``given``."""
    return {f.name: row[f.name] for f in fields(cls) if f.name in row} | given


def _mix(tables: Mapping[str, pl.DataFrame], changes: Sequence[Change]) -> MixSplit | None:
    """The headline change split by the lead change's dimension (else category, else the first)."""
    lead = changes[0].dimension if changes else None
    lead = lead or (DRIVER_DIMENSION if DRIVER_DIMENSION in tables else next(iter(tables), None))
    if lead is None:
        return None
    d = decompose_counts(tables[lead], lead)
    if d.change is None or d.mix is None or d.within is None:
        return None
    label = DIMENSIONS.get(lead, lead).lower()
    return MixSplit(lead, d.change, d.mix, d.within, explain_decomposition(d, label))


# ---- words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryWords:
    """The sentences every page uses (see :func:`story_words`); values unescaped."""

    period: str
    headline: str
    changes: str
    drivers: str
    mix: str
    summary: str
    lines: tuple[str, ...] = ()
    dimension: str = ""


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _pts(x: float) -> str:
    return f"{100 * x:+.1f} pts"


def _change_text(c: Change, *, verdict: bool = True) -> str:
    word = "up" if c.change > 0 else "down"
    said = f": {plain_words.verdict(c.p_value, q=c.q_value)}" if verdict else ""
    return (
        f"{c.label} {c.value}: {formatting.pct(c.rate)} escalated ({c.escalations:,} of "
        f"{c.tickets:,}) vs {formatting.pct(c.previous_rate)} ({c.previous_escalations:,} of "
        f"{c.previous_tickets:,}), {word} {_pts(c.change)[1:]}{said}"
    )


def story_words(story: Story, *, dimension: str | None = None) -> StoryWords:
    """Every sentence about a :class:`Story`, in one place (values unescaped: escape before
    Markdown or HTML). ``dimension`` adds the Breakdowns headline of that dimension.

    >>> from datetime import UTC, datetime
    >>> from lib.periods import review_periods
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 8, 9)],
    ...     "category": ["sso", "sso", "sso", "billing"],
    ...     "escalated": [False, False, True, True],
    ... })
    >>> w = story_words(period_story(t, review_periods(t, review_days=7)))
    >>> print(w.period)
    Review period 2024-01-03 to 2024-01-09, compared with 2023-12-27 to 2024-01-02
    >>> print(w.drivers)
    Top drivers in the review period: billing 1 escalation (100.0% of its tickets, none in the previous period); sso 1 escalation (100.0% of its tickets, 0.0% in the previous period).
    """  # noqa: E501
    h, hz = story.headline, story.horizon
    period = (
        f"Review period {formatting.day_range(*h.review)}, compared with "
        f"{formatting.day_range(*h.previous)}"
    )
    counted = ""
    if hz is not None:
        counted = f" tickets at least {hz.days} days old"
        if h.maturing:
            counted += f"; {h.maturing:,} still maturing"
    within = f" within {hz.days} days" if hz is not None and hz.timed else ""
    if h.tickets == 0:
        headline = (
            f"All {h.maturing:,} tickets of the review period are still maturing (younger than "
            f"the {hz.days}-day horizon): end the review period earlier or shorten the horizon."
            if hz is not None and h.maturing
            else "No tickets in the review period: widen the filters or the period."
        )
    else:
        headline = (
            f"Escalation rate{within} {formatting.pct(h.rate)} this period "
            f"({h.escalations:,} of {h.tickets:,}{counted})"
        )
        if h.change is None:
            headline += ", with no tickets in the previous period to compare with."
        else:
            prev = (
                f"{formatting.pct(h.previous_rate)} in the previous period "
                f"({h.previous_escalations:,} of {h.previous_tickets:,})"
            )
            assert h.p_value is not None
            if h.significant:
                word = "up" if h.change > 0 else "down"
                headline += f", {word} from {prev}: {plain_words.verdict(h.p_value)}"
            else:
                headline += f", against {prev}: {plain_words.verdict(h.p_value)}"
            if h.baseline is not None and h.baseline_p_value is not None:
                verdict = (
                    f"different: {plain_words.verdict(h.baseline_p_value)}"
                    if h.baseline_significant
                    else "in line"
                )
                headline += f"; baseline {formatting.pct(h.baseline_rate)} ({verdict})"
            headline += "."
    names = [DIMENSIONS.get(d, d).lower() for d in story.dimensions]
    dims = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    family = (
        f"{story.rows_tested:,} rows across {dims or 'no dimension'} tested together, "
        "allowing for tickets of one day moving together"
    )
    if story.changes:
        lead = story.changes[0]
        changes = f"Largest significant change: {_change_text(lead)}."
        rest = story.changes[1:4]
        if rest:
            changes += " Also: " + "; ".join(_change_text(c) for c in rest)
            more = len(story.changes) - 4
            changes += f" and {more} more." if more > 0 else "."
        changes += f" ({family}.)"
    elif story.dimensions:
        changes = f"No dimension changed significantly ({family})."
        c = story.strongest
        if c is not None and c.change:
            changes += f" The strongest sign of change: {_change_text(c, verdict=False)}. " + (
                f"Alone it would look {plain_words.verdict(c.p_value)}, but with "
                f"{story.rows_tested:,} rows tested together it may be chance."
                if plain_words.is_real(c.p_value)
                else f"Even alone: {plain_words.verdict(c.p_value)}."
            )
    else:
        changes = "No dimension to compare (the data has none of " + ", ".join(DIMENSIONS) + ")."
    if story.drivers:
        drivers = (
            "Top drivers in the review period: "
            + "; ".join(
                f"{d.value} {_n(d.escalations, 'escalation')} ({formatting.pct(d.rate)} of its "
                + (
                    f"tickets, {formatting.pct(d.previous_rate)} in the previous period)"
                    if d.previous_rate is not None
                    else "tickets, none in the previous period)"
                )
                for d in story.drivers
            )
            + "."
        )
    else:
        drivers = "No category has escalations in the review period."
    mix = story.mix.sentence if story.mix is not None else ""
    # the summary, line by line: the period, the rate, what changed, the drivers, mix or not
    lines = [f"{period}.", headline]
    if h.tickets:
        lines += [changes, drivers]
        if mix and h.change is not None and abs(h.change) >= 0.0005:
            lines.append(mix)
    line = ""
    if dimension is not None:
        label = DIMENSIONS.get(dimension, dimension)
        if dimension not in story.dimensions:
            line = f"{label} is not among the dimensions the review compares together" + (
                f" ({dims})." if dims else "."
            )
        else:
            mine = story.changes_in(dimension)
            if mine:
                line = f"{label}, significant changes: " + "; ".join(
                    _change_text(c) for c in mine[:3]
                )
                line += f" and {len(mine) - 3} more." if len(mine) > 3 else "."
            else:
                line = f"No {label.lower()} changed significantly."
            line += f" ({family}.)"
        if story.changes and story.changes[0].dimension != dimension:
            line += f" Largest change in any dimension: {_change_text(story.changes[0])}."
        elif not story.changes and dimension not in story.dimensions and story.dimensions:
            line += " None of them changed significantly."
    return StoryWords(period, headline, changes, drivers, mix, " ".join(lines), tuple(lines), line)


def with_story_q(table: pl.DataFrame, story: Story, by: str) -> pl.DataFrame:
    """A :func:`lib.audit.breakdown` table of ``by`` with the story's q-values (one correction
    across every row of every dimension) in place of its own per-dimension ones, so that the
    page's "significant rises" agree with the story's headline; unchanged when the story did
    not test ``by`` (agents, for example, are compared on their case mix instead).

    >>> b = pl.DataFrame({"channel": ["phone", "chat"], "q_value": [0.01, 0.9],
    ...                   "significant": [True, False]})
    >>> s = Story.__new__(Story)
    >>> object.__setattr__(s, "tables", {"channel": pl.DataFrame(
    ...     {"channel": ["phone", "chat"], "q_value": [0.2, 0.9]})})
    >>> object.__setattr__(s, "level", 0.95)
    >>> with_story_q(b, s, "channel").get_column("significant").to_list()
    [False, False]
    >>> with_story_q(b, s, "agent").equals(b)
    True
    """
    own = story.tables.get(by)
    if own is None or by not in table.columns or "q_value" not in own.columns:
        return table
    q = own.select(pl.col(by).cast(table.schema[by]), pl.col("q_value").alias("__story_q"))
    return (
        table.join(q, on=by, how="left", nulls_equal=True)
        .with_columns(
            q_value=pl.col("__story_q"),
            significant=(pl.col("__story_q") < 1 - story.level).fill_null(False),
        )
        .drop("__story_q")
    )
