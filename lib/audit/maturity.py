"""The escalation horizon: compare periods on "escalated within H days" among tickets old enough.

``escalated`` is the state at export time. A ticket opened two days before the export has had two
days to escalate, so the newest period always looks better than it is (DESIGN.md section 5). The
fix is a fixed horizon of ``H`` whole days:

- a ticket is **mature** when it is at least ``H`` days old at the export date (the newest
  timestamp of the dataset); younger tickets are **still maturing** and left out of rates;
- with escalation times, a mature ticket counts as escalated only when it escalated within
  ``H`` days of creation (``escalated_at - created_at <= H``); an escalated ticket without a
  time is counted (its state is known, its time is not);
- without escalation times, the state at the export is all there is: a mature ticket counts as
  escalated when it is escalated now, and ``H`` means "old enough that its escalation has
  (almost always) happened by the export". Solved or closed tickets younger than ``H`` are
  *not* counted as mature: escalated tickets take longer to solve, so the young ones already
  solved are mostly the easy ones, and counting them makes the newest period look better
  again (measured in BENCHMARKS.md, "Escalation horizon").

:func:`choose_horizon` suggests ``H`` from the data: the smallest whole number of days within
which ``coverage`` (90%) of the escalations with a known time happened, between
:data:`FLOOR_DAYS` and :data:`CEILING_DAYS`; :data:`DEFAULT_DAYS` when fewer than
:data:`MIN_TIMED` escalations have a time.

Example
-------
>>> from datetime import UTC, datetime
>>> t = pl.DataFrame({
...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 9)],
...     "escalated": [True, True, True],
...     "escalated_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (2, 8, 9)],
... })
>>> h = Horizon(days=3, as_of=datetime(2024, 1, 10, tzinfo=UTC))
>>> t.select(mature_expr(h).alias("mature"), within_horizon_expr(h).alias("within")).rows()
[(True, True), (True, False), (False, True)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from lib.audit._common import MetricsError, _with_optional

#: Suggested horizon when the data cannot tell (too few escalations with a time).
DEFAULT_DAYS = 7
#: Bounds of the suggested horizon, in whole days.
FLOOR_DAYS = 1
CEILING_DAYS = 28
#: Largest horizon a user may choose.
MAX_DAYS = 90
#: Share of timed escalations the suggested horizon covers.
COVERAGE = 0.9
#: Fewest timed escalations to suggest a horizon from.
MIN_TIMED = 20

#: An empty escalation time column (for frames without one).
NO_TIME = pl.lit(None, dtype=pl.Datetime("us", "UTC"))

_TIME_COLUMNS = ("created_at", "updated_at", "solved_at", "escalated_at")
_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Horizon:
    """A fixed escalation horizon of ``days`` whole days, judged at ``as_of`` (the export date).

    ``timed`` says whether escalation times are used for "escalated within the horizon" (else
    the state at the export counts, see the module notes).

    >>> from datetime import UTC, datetime
    >>> h = Horizon(days=7, as_of=datetime(2024, 3, 31, 18, tzinfo=UTC))
    >>> h.mature_until
    datetime.datetime(2024, 3, 24, 18, 0, tzinfo=datetime.timezone.utc)
    >>> print(h.describe())
    escalated within 7 days of creation, among tickets at least 7 days old on 2024-03-31
    """

    days: int
    as_of: datetime
    timed: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 0:
            raise MetricsError(
                f"the horizon must be a whole number of days >= 0, not {self.days!r}"
            )
        if not isinstance(self.as_of, datetime):
            raise MetricsError(f"the export date must be a datetime, not {self.as_of!r}")

    @property
    def mature_until(self) -> datetime:
        """Tickets created at or before this moment are mature."""
        return self.as_of - timedelta(days=self.days)

    def describe(self) -> str:
        """What a rate under this horizon counts, in one phrase."""
        day_word = "day" if self.days == 1 else "days"
        if self.timed:
            what = f"escalated within {self.days} {day_word} of creation"
        else:
            what = "escalated by the export (no escalation times)"
        return f"{what}, among tickets at least {self.days} {day_word} old on {self.as_of:%Y-%m-%d}"


@dataclass(frozen=True)
class HorizonChoice:
    """The suggested horizon and the evidence behind it (see :func:`choose_horizon`).

    ``shares[d]`` is the share of the measured delays within ``d`` whole days (``d`` from 0 to
    :data:`MAX_DAYS`): delays from creation to escalation when ``timed``, else from creation to
    solving of escalated tickets (an escalation happens before the solve, so those shares are a
    lower bound of the escalations that had happened). ``measured`` counts those delays.
    """

    days: int
    as_of: datetime | None
    timed: bool
    escalations: int
    measured: int
    shares: tuple[float, ...]
    coverage: float = COVERAGE

    def covered(self, days: int) -> float | None:
        """Share of the measured delays within ``days`` days, or ``None`` without delays."""
        if not self.measured:
            return None
        return self.shares[min(max(days, 0), len(self.shares) - 1)]

    def horizon(self, days: int | None = None) -> Horizon | None:
        """The :class:`Horizon` of ``days`` (default: the suggestion); ``None`` without data."""
        if self.as_of is None:
            return None
        return Horizon(days=self.days if days is None else days, as_of=self.as_of, timed=self.timed)

    def explain(self, days: int | None = None) -> str:
        """Why this horizon, in a sentence for a caption (Markdown-safe: no user text).

        >>> from datetime import UTC, datetime
        >>> c = HorizonChoice(3, datetime(2024, 1, 9, tzinfo=UTC), True, 40, 40,
        ...                   (0.0, 0.5, 0.8, 0.9, 1.0))
        >>> print(c.explain())
        3 days cover 90% of the 40 escalations with a known time (suggested: 3).
        >>> print(c.explain(1))
        1 day covers 50% of the 40 escalations with a known time (suggested: 3).
        """
        days = self.days if days is None else days
        share = self.covered(days)
        pct = f"{100 * share:.0f}%" if share is not None else "n/a"
        verb = f"{days} day covers" if days == 1 else f"{days} days cover"
        if self.timed:
            if self.measured < MIN_TIMED:
                return (
                    f"Only {self.measured:,} escalations have a known time, too few to choose "
                    f"from: {DEFAULT_DAYS} days by default ({verb} {pct} of them)."
                )
            return (
                f"{verb} {pct} of the {self.measured:,} escalations with a known time "
                f"(suggested: {self.days})."
            )
        text = (
            "This export has no escalation times, so the horizon cannot be measured and "
            f"defaults to {DEFAULT_DAYS} days; a ticket counts once it is that old, with its "
            "escalation as it stands at the export."
        )
        if self.measured:
            text += (
                f" {pct} of the {self.measured:,} solved escalated tickets were solved within "
                f"{days} days (their escalation came before), so at least that share of "
                "escalations had happened by then."
            )
        return text


def export_time(tickets: pl.DataFrame) -> datetime | None:
    """The export date: the newest of the ticket timestamps (created, updated, solved, escalated).

    Compute it on the whole dataset, before any filter, and pass it on through a
    :class:`Horizon`: a filtered slice's newest ticket is not the export date.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, 1, tzinfo=UTC)],
    ...                   "updated_at": [datetime(2024, 1, 3, 12, tzinfo=UTC)]})
    >>> export_time(t)
    datetime.datetime(2024, 1, 3, 12, 0, tzinfo=datetime.timezone.utc)
    >>> export_time(t.clear()) is None
    True
    """
    cols = [c for c in _TIME_COLUMNS if c in tickets.columns]
    if not cols or tickets.height == 0:
        return None
    newest = tickets.select(pl.max_horizontal(pl.col(c).max() for c in cols)).item()
    if newest is None:
        return None
    return newest.astimezone(UTC) if newest.tzinfo else newest.replace(tzinfo=UTC)


def _time(column: str) -> pl.Expr:
    """A timestamp column as UTC microseconds (an all-null column may come typed as Null)."""
    return pl.col(column).cast(pl.Datetime("us", "UTC"))


def _delays_days(tickets: pl.DataFrame, end: str) -> pl.Series:
    """Days from creation to ``end`` of escalated tickets with a usable ``end`` (negatives = 0)."""
    t = _with_optional(tickets, "escalated_at", "solved_at")
    return (
        t.lazy()
        .filter(pl.col("escalated") & pl.col(end).is_not_null())
        .select(
            ((_time(end) - _time("created_at")).dt.total_microseconds() / _US_PER_DAY)
            .clip(lower_bound=0.0)
            .alias("days")
        )
        .collect()
        .get_column("days")
    )


def _shares(delays: pl.Series) -> tuple[float, ...]:
    """Share of ``delays`` (days) within ``d`` whole days, for ``d`` = 0..MAX_DAYS."""
    if delays.len() == 0:
        return tuple(0.0 for _ in range(MAX_DAYS + 1))
    # a delay of 2.3 days needs a horizon of 3 whole days
    need = delays.ceil().clip(0, MAX_DAYS + 1).cast(pl.Int64)
    counts = need.value_counts().sort(need.name)
    per_day = [0] * (MAX_DAYS + 2)
    for d, n in counts.iter_rows():
        per_day[d] += n
    total, running, out = delays.len(), 0, []
    for d in range(MAX_DAYS + 1):
        running += per_day[d]
        out.append(running / total)
    return tuple(out)


def choose_horizon(
    tickets: pl.DataFrame,
    *,
    coverage: float = COVERAGE,
    floor: int = FLOOR_DAYS,
    ceiling: int = CEILING_DAYS,
    min_timed: int = MIN_TIMED,
) -> HorizonChoice:
    """Suggest a horizon: the fewest whole days within which ``coverage`` of the escalations
    with a known time happened, kept between ``floor`` and ``ceiling``.

    Without escalation times (no escalated ticket has ``escalated_at``) or with fewer than
    ``min_timed`` of them the suggestion is :data:`DEFAULT_DAYS` (clipped to the bounds).
    Run it on the whole dataset: the horizon and the export date must not change with filters.

    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2024, 1, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({
    ...     "created_at": [t0] * 20,
    ...     "escalated": [True] * 20,
    ...     "escalated_at": [t0 + timedelta(hours=12)] * 15 + [t0 + timedelta(days=4.5)] * 5,
    ... })
    >>> c = choose_horizon(t)
    >>> c.days, c.timed, c.covered(1), c.covered(5)
    (5, True, 0.75, 1.0)
    >>> choose_horizon(t.with_columns(escalated_at=None)).days
    7
    """
    if not 0 < coverage <= 1:
        raise MetricsError(f"the coverage must be between 0 and 1, not {coverage!r}")
    if not 0 <= floor <= ceiling <= MAX_DAYS:
        raise MetricsError(f"need 0 <= floor <= ceiling <= {MAX_DAYS}, got {floor}, {ceiling}")
    t = _with_optional(tickets, "escalated_at", "solved_at")
    escalations = int(t.get_column("escalated").sum()) if t.height else 0
    delays = _delays_days(t, "escalated_at") if t.height else pl.Series("days", [], pl.Float64)
    timed = delays.len() > 0
    if not timed and t.height:
        delays = _delays_days(t, "solved_at")
    shares = _shares(delays)
    days = min(max(DEFAULT_DAYS, floor), ceiling)
    if timed and delays.len() >= min_timed:
        # the smallest d with shares[d] >= coverage (a tiny tolerance for float sums)
        days = next((d for d, s in enumerate(shares) if s >= coverage - 1e-12), MAX_DAYS)
        days = min(max(days, floor), ceiling)
    return HorizonChoice(
        days=days,
        as_of=export_time(t),
        timed=timed,
        escalations=escalations,
        measured=delays.len(),
        shares=shares,
        coverage=coverage,
    )


def mature_expr(horizon: Horizon) -> pl.Expr:
    """True for tickets at least ``horizon.days`` old at the export date (see the module notes).

    >>> from datetime import UTC, datetime
    >>> h = Horizon(days=2, as_of=datetime(2024, 1, 10, 12, tzinfo=UTC))
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, 12, tzinfo=UTC) for d in (8, 9)]})
    >>> t.select(mature_expr(h)).to_series().to_list()
    [True, False]
    """
    return (pl.col("created_at") <= horizon.mature_until).fill_null(False)


def within_horizon_expr(horizon: Horizon) -> pl.Expr:
    """True for tickets escalated within the horizon: ``escalated_at - created_at <= days``.

    An escalated ticket without a time counts (its state is known, its time is not); without
    escalation times (``horizon.timed`` false) this is ``escalated`` itself.

    >>> from datetime import UTC, datetime
    >>> h = Horizon(days=1, as_of=datetime(2024, 1, 10, tzinfo=UTC))
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, 1, tzinfo=UTC)] * 4,
    ...     "escalated": [True, True, True, False],
    ...     "escalated_at": [datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 1, 3, tzinfo=UTC),
    ...                      None, None],
    ... })
    >>> t.select(within_horizon_expr(h)).to_series().to_list()
    [True, False, True, False]
    """
    escalated = pl.col("escalated").fill_null(False)
    if not horizon.timed:
        return escalated
    late = (_time("escalated_at") - _time("created_at")) > timedelta(days=horizon.days)
    return escalated & ~late.fill_null(False)


def maturity_counts(horizon: Horizon) -> list[pl.Expr]:
    """Aggregations over all tickets of a slice: ``maturing`` (too young, left out) and
    ``late_escalations`` (mature tickets escalated after the horizon, not counted).

    >>> from datetime import UTC, datetime
    >>> h = Horizon(days=1, as_of=datetime(2024, 1, 10, tzinfo=UTC))
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 1, 9, 10)],
    ...     "escalated": [True, True, True, False],
    ...     "escalated_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (2, 5, 9, 10)],
    ... })
    >>> t.select(maturity_counts(h)).row(0)
    (1, 1)
    """
    mature = mature_expr(horizon)
    within = within_horizon_expr(horizon)
    esc = pl.col("escalated").fill_null(False)
    return [
        (~mature).sum().cast(pl.Int64).alias("maturing"),
        (mature & esc & ~within).sum().cast(pl.Int64).alias("late_escalations"),
    ]


def horizon_counts(horizon: Horizon) -> list[pl.Expr]:
    """Aggregations over all tickets of a group: ``tickets`` (mature ones, counted),
    ``escalations`` (of those, escalated within the horizon) and ``maturing`` (too young, left
    out). The frame needs ``escalated_at`` (see :func:`with_escalation_time`).

    >>> from datetime import UTC, datetime
    >>> day = [datetime(2024, 2, d, tzinfo=UTC) for d in range(1, 8)]
    >>> t = pl.DataFrame({"created_at": day[:3], "escalated": [True, True, False],
    ...                   "escalated_at": [day[5], day[2], None]})
    >>> t.select(horizon_counts(Horizon(days=2, as_of=day[3]))).row(0)
    (2, 1, 1)
    """
    mature = mature_expr(horizon)
    return [
        mature.sum().cast(pl.Int64).alias("tickets"),
        (mature & within_horizon_expr(horizon)).sum().cast(pl.Int64).alias("escalations"),
        (~mature).sum().cast(pl.Int64).alias("maturing"),
    ]


def with_escalation_time(tickets: pl.LazyFrame) -> pl.LazyFrame:
    """``tickets`` with an (empty) ``escalated_at`` column when it has none."""
    if "escalated_at" in tickets.collect_schema().names():
        return tickets
    return tickets.with_columns(escalated_at=NO_TIME)


def maturity_summary(tickets: pl.DataFrame, horizon: Horizon) -> dict[str, int]:
    """How the tickets given count under ``horizon``: ``tickets`` (mature, counted),
    ``escalations`` (within the horizon), ``maturing`` (too young, left out) and
    ``late_escalations`` (mature, escalated after the horizon, not counted).

    >>> from datetime import UTC, datetime
    >>> h = Horizon(days=1, as_of=datetime(2024, 1, 10, tzinfo=UTC))
    >>> t = pl.DataFrame({
    ...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 1, 9, 10)],
    ...     "escalated": [True, True, True, False],
    ... })
    >>> maturity_summary(t, h)
    {'tickets': 3, 'escalations': 3, 'maturing': 1, 'late_escalations': 0}
    """
    late = maturity_counts(horizon)[1]
    row = with_escalation_time(tickets.lazy()).select(*horizon_counts(horizon), late).collect()
    return {k: int(v or 0) for k, v in row.row(0, named=True).items()}


def apply_horizon(tickets: pl.LazyFrame, horizon: Horizon) -> pl.LazyFrame:
    """The mature tickets only, with ``escalated`` replaced by "escalated within the horizon".

    Every metric computed on the result counts the same way in every period, so rates of the
    newest period compare fairly with older ones.

    >>> from datetime import UTC, datetime
    >>> day = [datetime(2024, 1, d, tzinfo=UTC) for d in range(1, 11)]
    >>> t = pl.LazyFrame({"created_at": day[:3], "escalated": [True, True, False],
    ...                   "escalated_at": [day[3], day[8], None]})
    >>> out = apply_horizon(t, Horizon(days=3, as_of=day[4])).collect()
    >>> out.get_column("created_at").dt.day().to_list(), out.get_column("escalated").to_list()
    ([1, 2], [True, False])
    """
    return (
        with_escalation_time(tickets)
        .filter(mature_expr(horizon))
        .with_columns(within_horizon_expr(horizon).alias("escalated"))
    )


def maturing_note(maturing: int, horizon: Horizon) -> str:
    """A caption for a chart or table that leaves young tickets out.

    >>> from datetime import UTC, datetime
    >>> print(maturing_note(42, Horizon(days=7, as_of=datetime(2024, 3, 31, 18, tzinfo=UTC))))
    42 tickets created after 2024-03-24 18:00 UTC are still maturing: younger than the 7-day horizon on 2024-03-31 (the export's newest timestamp), they are left out of rates until they are 7 days old.
    """  # noqa: E501
    if maturing == 0:
        return f"No ticket is still maturing: all are at least {horizon.days} days old."
    noun = "ticket" if maturing == 1 else "tickets"
    verb = "is" if maturing == 1 else "are"
    return (
        f"{maturing:,} {noun} created after {horizon.mature_until:%Y-%m-%d %H:%M} UTC {verb} "
        f"still maturing: younger than the {horizon.days}-day horizon on "
        f"{horizon.as_of:%Y-%m-%d} (the export's newest timestamp), they are left out of rates "
        f"until they are {horizon.days} days old."
    )
