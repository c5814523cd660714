"""The digest's parts as small typed records: what a renderer (Markdown, HTML, JSON) reads.

Everything here is plain data (numbers, dates, strings, tuples), so a digest converts to JSON
with :func:`dataclasses.asdict` and compares in tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rate:
    """The escalation rate of the review period against the previous period and the baseline,
    as :func:`lib.audit.period_story` computes it for the Overview (same numbers).

    ``change`` is the difference in rate (a share: 0.012 is 1.2 points), ``None`` when it
    cannot be tested; ``baseline_rate`` is ``None`` when the baseline overlaps the review.
    """

    review: tuple[dt.date, dt.date]
    previous: tuple[dt.date, dt.date]
    tickets: int
    escalations: int
    rate: float | None
    previous_tickets: int
    previous_escalations: int
    previous_rate: float | None
    change: float | None
    significant: bool
    p_value: float | None
    baseline: tuple[dt.date, dt.date] | None
    baseline_tickets: int
    baseline_rate: float | None
    baseline_significant: bool
    maturing: int
    horizon: str


@dataclass(frozen=True)
class TrendPoint:
    """One week of the trend chart: tickets and the share escalated (``None``: no tickets)."""

    start: dt.date
    tickets: int
    escalations: int
    rate: float | None


@dataclass(frozen=True)
class DriverLine:
    """A category among the review period's top drivers (most escalations)."""

    category: str
    escalations: int
    tickets: int
    rate: float | None
    escalations_change: int


@dataclass(frozen=True)
class AlertLine:
    """An alert of the Anomalies page overlapping the review period (not dismissed)."""

    topic: str
    kind: str
    dates: str
    text: str
    score: float
    state: str | None
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Alerts:
    """The review period's alerts, or why there are none to show (``note``)."""

    lines: tuple[AlertLine, ...] = ()
    before: int = 0
    note: str = ""
    topic: str = "category"
    sensitivity: str = "balanced"

    @property
    def new(self) -> int:
        """Alerts nobody has triaged yet."""
        return sum(1 for a in self.lines if a.state is None)


@dataclass(frozen=True)
class RiskLine:
    """An open ticket scored above the At risk page's threshold."""

    ticket_id: str
    risk: float
    why: str
    category: str | None
    agent: str | None
    age_hours: float | None


@dataclass(frozen=True)
class AtRisk:
    """Open tickets likely to escalate, as the At risk page scores them; ``refusal`` says why
    there is no score (the model refused: then ``above`` is 0 and ``lines`` is empty)."""

    threshold: float
    open: int = 0
    above: int = 0
    lines: tuple[RiskLine, ...] = ()
    refusal: str | None = None
    horizon_days: float | None = None


@dataclass(frozen=True)
class ActionLine:
    """An open action item that is overdue or due soon."""

    id: int
    title: str
    owner: str
    due_date: dt.date | None
    status: str
    overdue: bool


@dataclass(frozen=True)
class SinceMeeting:
    """What changed since the last review meeting (``None`` fields: it has no period)."""

    meeting_id: int
    title: str
    date: dt.date
    period: tuple[dt.date, dt.date] | None
    rate_then: float | None
    tickets_then: int
    rate_now: float | None
    actions_closed: tuple[str, ...] = ()
    actions_open: int = 0


@dataclass(frozen=True)
class Digest:
    """The review's homework between meetings, for one dataset and review period.

    Build it with :func:`lib.digest.build_digest`; read its numbers with
    :func:`lib.digest.figures`; render it with :func:`lib.digest.to_markdown`,
    :func:`lib.digest.to_html` or :func:`lib.digest.to_json`.
    """

    dataset: str
    generated_at: dt.datetime
    today: dt.date
    definition: str
    rate: Rate
    summary: tuple[str, ...]
    trend: tuple[TrendPoint, ...]
    drivers: tuple[DriverLine, ...]
    alerts: Alerts
    at_risk: AtRisk
    overdue: tuple[ActionLine, ...]
    due: tuple[ActionLine, ...]
    due_days: int
    since: SinceMeeting | None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: The sentence every page shows when the escalation rules mark (almost) no ticket: the
    #: rates say more about the rules than about the team (the summary is then left out).
    low_signal: str | None = None
