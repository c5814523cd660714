"""Review meetings: the agenda built from the data, the minutes and the offline review pack.

Pure functions (no Streamlit, no database): the page reads the store, hands the frames in, and
writes back what the user decides.

- :func:`review_facts` computes what a meeting looks at for its review period: headline
  numbers against the previous period and the baseline (:func:`lib.audit.kpis`), the weekly
  trend, the top drivers with their change (:func:`lib.audit.breakdown`) and the agents whose
  escalations exceed what their case mix predicts (:mod:`lib.outliers`, when installed).
- :func:`build_agenda` turns those facts, the alerts sent to the agenda and the action items
  still open from earlier meetings (overdue first) into proposed agenda items.
- :func:`action_edits` turns the edits of the action-item table into per-item changes carrying
  the version the user saw (the store refuses a change when the item moved since).
- :func:`action_effects` compares the escalation rate of each closed item's linked category,
  agent or channel before and after the item was created.
- :func:`minutes_markdown` and :func:`review_pack_html` write the minutes and the
  self-contained review pack (inline SVG charts and CSS only: it opens offline and prints well).
  Every text a user typed is escaped.

Example
-------
>>> import polars as pl
>>> actions = pl.DataFrame({"id": [1, 2], "title": ["Call back", "Fix SSO doc"],
...                         "due_date": [date(2024, 3, 9), date(2024, 3, 1)],
...                         "overdue": [False, True], "status": ["open", "in_progress"],
...                         "owner": ["ana", "bo"]})
>>> [e.title for e in build_agenda(None, open_actions=actions)]
['Carried over: Fix SSO doc (bo, due 2024-03-01, overdue)', 'Carried over: Call back (ana, due 2024-03-09)']
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any

import polars as pl

from lib.audit import breakdowns, change_impact, headline, trends
from lib.charts.meetings import drivers_svg, sparkline_svg, trend_svg
from lib.errors import ReviewError
from lib.periods import Periods, date_bounds, in_dates

__all__ = [
    "ACTION_COLUMNS",
    "EDITABLE_FIELDS",
    "HEADLINE_REF",
    "SOURCE_LABELS",
    "ActionEdit",
    "AgendaEntry",
    "AgentFlags",
    "ReviewFacts",
    "action_edits",
    "action_effects",
    "alert_series",
    "build_agenda",
    "default_link",
    "flagged_agents",
    "headline_title",
    "md_escape",
    "meeting_periods",
    "minutes_markdown",
    "review_facts",
    "review_pack_html",
    "split_actions",
]

#: Human label of each agenda source (store.AGENDA_SOURCES).
SOURCE_LABELS = {
    "free": "Note",
    "driver": "Driver",
    "agent": "Agent",
    "alert": "Alert",
    "action": "Carried over",
}
#: ``ref`` of the headline agenda item (source ``free``): the escalation rate of the period.
HEADLINE_REF = "headline"
#: Fields of an action item the table lets people edit.
EDITABLE_FIELDS = ("title", "owner", "due_date", "status", "priority", "outcome_note")
#: Columns of action items in the minutes, the pack and the CSV download, in order.
ACTION_COLUMNS = (
    "id", "title", "owner", "due_date", "status", "priority", "overdue",
    "link_kind", "link_value", "description", "outcome_note",
    "created_in_meeting", "closed_in_meeting", "created_at", "closed_at", "version",
)  # fmt: skip
_CLOSED = ("done", "dropped")
_OPEN = ("open", "in_progress")


class ReviewPackError(ReviewError, ValueError):
    """A review-pack function was given input it cannot use."""


# --------------------------------------------------------------------------------------------
# Facts of a review period
# --------------------------------------------------------------------------------------------


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
    """What a meeting looks at for its review period (see :func:`review_facts`)."""

    periods: Periods
    kpi: headline.KpiTable
    trend: pl.DataFrame
    drivers: pl.DataFrame
    agents: AgentFlags
    policy_categories: tuple[str, ...] = field(default_factory=tuple)


def review_facts(
    tickets: pl.DataFrame,
    periods: Periods,
    *,
    policy_categories: Sequence[str] = (),
    top_drivers: int = 5,
    agents: bool = True,
) -> ReviewFacts:
    """Headline numbers, weekly trend, top drivers and flagged agents of a review period.

    ``drivers`` is :func:`lib.audit.breakdown` by category (review vs previous period) cut to
    the ``top_drivers`` categories with most escalations, plus any other category whose rate
    rose significantly. The trend is weekly, with weeks laid so that two end on the review
    period's last day. With ``agents=False`` (or no ``agent`` column) no agent is compared.
    """
    kpi = headline.kpis(tickets, periods, policy_categories=policy_categories)
    upto = tickets.filter(in_dates(None, periods.review[1]))
    trend = trends.trend(upto, every="1w", align_to=periods.review[1])
    drivers = _top_drivers(tickets, periods, top_drivers)
    flags = (
        flagged_agents(tickets, periods.review)
        if agents
        else AgentFlags(None, "Agents were not compared.")
    )
    return ReviewFacts(periods, kpi, trend, drivers, flags, tuple(policy_categories))


def _top_drivers(tickets: pl.DataFrame, periods: Periods, top: int) -> pl.DataFrame:
    if "category" not in tickets.columns:
        return pl.DataFrame()
    b = breakdowns.breakdown(tickets, "category", periods).filter(pl.col("tickets") > 0)
    head = b.filter(pl.col("escalations") > 0).head(top)
    rising = b.filter(
        pl.col("significant")
        & (pl.col("change") > 0)
        & ~pl.col("category").is_in(head.get_column("category").to_list())
    ).head(2)
    return pl.concat([head, rising]) if rising.height else head


# --------------------------------------------------------------------------------------------
# The agenda
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    """A proposed agenda item: ``source`` (store.AGENDA_SOURCES), ``ref``, title and detail."""

    source: str
    ref: str | None
    title: str
    detail: str = ""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _pts(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:+.1f} pts"


def _p(p: float | None) -> str:
    if p is None:
        return "untested"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def headline_title(kpi: headline.KpiTable) -> str:
    """One line: the review period's rate against the previous period and the baseline.

    >>> from lib.periods import Periods
    >>> from lib.periods import day_start
    >>> p = Periods(review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...             previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...             baseline=(date(2023, 12, 1), date(2023, 12, 30)))
    >>> t = pl.DataFrame({
    ...     "created_at": [day_start(date(2024, 1, 20))] * 10 + [day_start(date(2024, 1, 5))] * 10,
    ...     "escalated": [True] * 3 + [False] * 7 + [True] * 1 + [False] * 9})
    >>> headline_title(headline.kpis(t, p))
    'Escalation rate 30.0% (3 of 10) vs 10.0% previous period, – baseline'
    """
    r, prev, base = kpi.review, kpi.previous, kpi.baseline
    return (
        f"Escalation rate {_pct(r['rate'])} ({r['escalations']:,} of {r['tickets']:,}) vs "
        f"{_pct(prev['rate'])} previous period, {_pct(base['rate'])} baseline"
    )


def _driver_entry(row: Mapping[str, Any], policy: Sequence[str]) -> AgendaEntry:
    cat = row["category"]
    change = row["escalations_change"]
    sig = "significant" if row["significant"] else "not significant"
    detail = (
        f"{row['escalations']:,} escalations of {row['tickets']:,} tickets ({_pct(row['rate'])}), "
        f"{change:+,} vs the previous period ({row['previous_escalations']:,}); rate "
        f"{_pct(row['rate'])} vs {_pct(row['previous_rate'])} ({sig}, {_p(row['p_value'])}); "
        f"{_pct(row['share_of_escalations'])} of all escalations."
    )
    if cat in policy:
        detail += " Tagged policy-based: tier 1 may not resolve these, so coaching will not help."
    return AgendaEntry(
        "driver", cat, f"Driver: {cat}, {row['escalations']:,} escalations ({change:+,})", detail
    )


def _agent_entry(row: Mapping[str, Any]) -> AgendaEntry:
    ratio = row.get("ratio")
    exp = row.get("expected")
    q = row.get("q_value")
    ratio_txt = f"{ratio:.1f}×" if ratio is not None else "more than"
    detail = (
        f"{row['escalated']:,} escalations of {row['tickets']:,} tickets where "
        f"{exp:.1f} were expected from their mix of tickets"
        + (f" (q={q:.2g})" if q is not None else "")
        + ". Look at their top categories before drawing conclusions."
    )
    return AgendaEntry(
        "agent",
        row["agent"],
        f"Agent: {row['agent']} escalates {ratio_txt} what their tickets predict",
        detail,
    )


def _alert_entry(row: Mapping[str, Any]) -> AgendaEntry:
    start, end = row.get("start_date"), row.get("end_date")
    when = f"{start}" if end in (None, start) else f"{start} to {end}"
    kind = str(row.get("kind") or "").replace("_", " ")
    title = f"Alert: {row.get('topic')} {row.get('metric')} {kind} ({when})"
    bits = []
    obs, exp = row.get("observed"), row.get("expected")
    if obs is not None and exp is not None:
        fmt = "{:,.1f}" if row.get("metric") == "volume" else "{:+.2f}"
        bits.append(f"observed {fmt.format(obs)} vs expected {fmt.format(exp)}")
    if row.get("note"):
        bits.append(f"note: {row['note']}")
    return AgendaEntry("alert", row.get("alert_key"), title, "; ".join(bits))


def _action_entry(row: Mapping[str, Any]) -> AgendaEntry:
    who = row.get("owner") or "no owner"
    due = f", due {row['due_date']}" if row.get("due_date") else ""
    late = ", overdue" if row.get("overdue") else ""
    detail = f"Status: {str(row.get('status') or 'open').replace('_', ' ')}."
    if row.get("description"):
        detail += f" {row['description']}"
    return AgendaEntry(
        "action", str(row["id"]), f"Carried over: {row['title']} ({who}{due}{late})", detail
    )


def build_agenda(
    facts: ReviewFacts | None,
    *,
    alerts: pl.DataFrame | None = None,
    open_actions: pl.DataFrame | None = None,
    top_drivers: int = 3,
) -> list[AgendaEntry]:
    """Proposed agenda: the headline rate, top drivers, flagged agents, alerts, carried-over items.

    ``alerts`` are the alerts sent to the agenda (:meth:`lib.store.Store.agenda_alerts`);
    ``open_actions`` the items still open from earlier meetings
    (:meth:`lib.store.Store.open_actions_before`), listed overdue first, then by due date.
    Only agents flagged *high* are put on the agenda. ``facts=None`` skips the data items.
    """
    out: list[AgendaEntry] = []
    if facts is not None:
        kpi = facts.kpi
        out.append(AgendaEntry("free", HEADLINE_REF, headline_title(kpi), headline.narrative(kpi)))
        if facts.drivers.height:
            head = facts.drivers.head(top_drivers)
            rising = facts.drivers.slice(top_drivers).filter(
                pl.col("significant") & (pl.col("change") > 0)
            )
            for row in pl.concat([head, rising]).iter_rows(named=True):
                out.append(_driver_entry(row, facts.policy_categories))
        agents = facts.agents.table
        if agents is not None and agents.height:
            high = (
                agents.filter(pl.col("direction") == "high")
                if "direction" in agents.columns
                else agents
            )
            for row in high.iter_rows(named=True):
                out.append(_agent_entry(row))
    if alerts is not None:
        for row in alerts.iter_rows(named=True):
            out.append(_alert_entry(row))
    if open_actions is not None and open_actions.height:
        ordered = open_actions.sort(
            ["overdue", "due_date", "id"], descending=[True, False, False], nulls_last=True
        )
        for row in ordered.iter_rows(named=True):
            out.append(_action_entry(row))
    return out


def default_link(source: str, ref: str | None) -> tuple[str, str] | None:
    """The link an action item created from an agenda item gets by default.

    >>> default_link("driver", "SSO"), default_link("agent", "Ana"), default_link("free", None)
    (('category', 'SSO'), ('agent', 'Ana'), None)
    """
    kind = {"driver": "category", "agent": "agent", "alert": "alert"}.get(source)
    return (kind, ref) if kind and ref else None


# --------------------------------------------------------------------------------------------
# Editing action items
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionEdit:
    """Changes to one action item, made on the version the user saw."""

    id: int
    version: int
    title: str
    changes: dict[str, Any]


def _norm(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return None
    if name == "due_date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return text  # the store reports it as not a date
    text = str(value).strip()
    return text or None


def action_edits(
    snapshot: Sequence[Mapping[str, Any]],
    edited_rows: Mapping[Any, Mapping[str, Any]],
    *,
    fields: Iterable[str] = EDITABLE_FIELDS,
) -> list[ActionEdit]:
    """Per-item changes from a table editor's ``edited_rows`` (row position -> {column: value}).

    ``snapshot`` is the rows as shown (each with ``id`` and ``version``). A cell set back to its
    shown value is no change; columns outside ``fields`` are ignored.

    >>> rows = [{"id": 7, "version": 3, "title": "Fix", "owner": "ana", "due_date": None}]
    >>> action_edits(rows, {"0": {"owner": "bo", "due_date": "2024-05-01"}, 0: {}})
    [ActionEdit(id=7, version=3, title='Fix', changes={'owner': 'bo', 'due_date': datetime.date(2024, 5, 1)})]
    >>> action_edits(rows, {0: {"owner": " ana "}})
    []
    """  # noqa: E501
    allowed = set(fields)
    merged: dict[int, dict[str, Any]] = {}
    for pos, cells in edited_rows.items():
        try:
            i = int(pos)
        except (TypeError, ValueError):
            raise ReviewPackError(f"Row position {pos!r} is not a number") from None
        if not 0 <= i < len(snapshot):
            raise ReviewPackError(f"Row {i} is not in the table (it has {len(snapshot)} rows)")
        merged.setdefault(i, {}).update(cells)
    out = []
    for i in sorted(merged):
        row = snapshot[i]
        changes = {}
        for name, value in merged[i].items():
            if name not in allowed:
                continue
            new = _norm(name, value)
            if new != _norm(name, row.get(name)):
                changes[name] = "" if new is None and name != "due_date" else new
        if changes:
            out.append(ActionEdit(int(row["id"]), int(row["version"]), str(row["title"]), changes))
    return out


def split_actions(
    actions: pl.DataFrame, *, meeting_id: int, carried_ids: Iterable[int] = ()
) -> dict[str, pl.DataFrame]:
    """A meeting's action items: ``new`` (created in it), ``closed`` (closed in it) and
    ``carried`` (from earlier, on its agenda, not closed in it).

    >>> a = pl.DataFrame({"id": [1, 2, 3], "created_in_meeting": [5, 4, None],
    ...                   "closed_in_meeting": [None, 5, None]})
    >>> {k: v.get_column("id").to_list() for k, v in split_actions(a, meeting_id=5,
    ...                                                             carried_ids=[2, 3]).items()}
    {'new': [1], 'closed': [2], 'carried': [3]}
    """
    carried = [int(i) for i in carried_ids]
    new = actions.filter(pl.col("created_in_meeting") == meeting_id)
    not_new = pl.col("created_in_meeting").is_null() | (pl.col("created_in_meeting") != meeting_id)
    closed = actions.filter((pl.col("closed_in_meeting") == meeting_id) & not_new)
    rest = actions.filter(
        pl.col("id").is_in(carried)
        & (pl.col("closed_in_meeting").is_null() | (pl.col("closed_in_meeting") != meeting_id))
        & not_new
    )
    return {"new": new, "closed": closed, "carried": rest}


# --------------------------------------------------------------------------------------------
# Did it work? Before and after an action item
# --------------------------------------------------------------------------------------------

_EFFECT_SCHEMA = {
    "id": pl.Int64,
    "title": pl.String,
    "status": pl.String,
    "link_kind": pl.String,
    "link_value": pl.String,
    "since": pl.Date,
    "window_days": pl.Int64,
    "before_tickets": pl.Int64,
    "before_escalations": pl.Int64,
    "before_rate": pl.Float64,
    "after_tickets": pl.Int64,
    "after_escalations": pl.Int64,
    "after_rate": pl.Float64,
    "change": pl.Float64,
    "p_value": pl.Float64,
    "significant": pl.Boolean,
    "verdict": pl.String,
}


def _link_slice(tickets: pl.DataFrame, kind: str, value: str) -> tuple[pl.DataFrame, str] | None:
    column = {"category": "category", "agent": "agent", "channel": "channel"}.get(kind)
    if kind == "alert":
        column, value = "category", value.split("|", 1)[0]
    if column is None or column not in tickets.columns:
        return None
    return tickets.filter(pl.col(column) == value), f"{column} {value}"


def action_effects(
    tickets: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    window_days: int = 90,
    closed_only: bool = True,
) -> pl.DataFrame:
    """Escalation rate of each action item's linked slice before vs after it was created.

    For items (closed ones unless ``closed_only=False``) linked to a category, agent, channel or
    alert (its topic as a category), the tickets of that slice are compared in two windows of
    equal length around the UTC date the item was created: up to ``window_days`` days after it
    (cut at the last ticket of the data) and as many days before it
    (:func:`lib.audit.before_after`, two-proportion test). ``verdict`` says in words what
    happened; an item created after the data ends gets "no tickets since it was created".

    >>> from datetime import UTC, datetime
    >>> d0 = datetime(2024, 3, 1, tzinfo=UTC)
    >>> t = pl.DataFrame({"created_at": [d0 + timedelta(days=d) for d in range(-20, 20)],
    ...                   "category": ["sso"] * 40, "agent": ["ann"] * 40,
    ...                   "escalated": [True] * 15 + [False] * 5 + [False] * 18 + [True] * 2})
    >>> a = pl.DataFrame({"id": [1], "title": ["Fix the SSO article"], "status": ["done"],
    ...                   "link_kind": ["category"], "link_value": ["sso"], "created_at": [d0]})
    >>> action_effects(t, a).select("before_rate", "after_rate", "significant", "verdict").rows()
    [(0.75, 0.1, True, 'fell from 75.0% to 10.0% (significant, p<0.001)')]
    """
    rows: list[dict[str, Any]] = []
    if actions.height == 0:
        return pl.DataFrame(schema=_EFFECT_SCHEMA)
    bounds = date_bounds(tickets)
    todo = actions.filter(pl.col("link_kind").is_not_null() & pl.col("link_value").is_not_null())
    if closed_only:
        todo = todo.filter(pl.col("status").is_in(_CLOSED))
    for a in todo.iter_rows(named=True):
        created = a["created_at"]
        since = created.astimezone(dt.UTC).date() if isinstance(created, dt.datetime) else created
        row: dict[str, Any] = {
            "id": a["id"],
            "title": a["title"],
            "status": a["status"],
            "link_kind": a["link_kind"],
            "link_value": a["link_value"],
            "since": since,
        }
        part = _link_slice(tickets, a["link_kind"], a["link_value"])
        if part is None:
            rows.append({**row, "verdict": f"cannot compare a {a['link_kind']} link"})
            continue
        sub, _ = part
        days = 0 if bounds is None else min(window_days, (bounds[1] - since).days + 1)
        if days < 1:
            rows.append({**row, "verdict": "no tickets since it was created"})
            continue
        r = change_impact.before_after(sub, date=since, window_days=days)
        (kb, nb, rb), (ka, na, ra) = r.summary.select("escalations", "tickets", "rate").rows()
        test = r.test
        if nb == 0 or na == 0:
            verdict = "not enough tickets to compare"
        elif test.significant:
            word = "fell" if test.diff < 0 else "rose"
            verdict = f"{word} from {_pct(rb)} to {_pct(ra)} (significant, {_p(test.p_value)})"
        else:
            verdict = f"no significant change ({_pct(rb)} to {_pct(ra)}, {_p(test.p_value)})"
        rows.append(
            {
                **row,
                "window_days": days,
                "before_tickets": nb,
                "before_escalations": kb,
                "before_rate": rb,
                "after_tickets": na,
                "after_escalations": ka,
                "after_rate": ra,
                "change": test.diff,
                "p_value": test.p_value,
                "significant": test.significant,
                "verdict": verdict,
            }
        )
    return (
        pl.from_dicts(rows, schema=_EFFECT_SCHEMA) if rows else pl.DataFrame(schema=_EFFECT_SCHEMA)
    )


def alert_series(
    tickets: pl.DataFrame, alert: Mapping[str, Any], *, days_before: int = 28, days_after: int = 7
) -> pl.DataFrame:
    """Daily values of an alert's topic around it: ``date``, ``value`` (tickets, or the mean
    sentiment for a sentiment alert), from ``days_before`` before its start to ``days_after``
    after its end (cut at the data). The topic is matched on category, else channel.

    >>> from datetime import UTC, datetime
    >>> t = pl.DataFrame({"created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 2, 4)],
    ...                   "category": ["sso"] * 4, "escalated": [False] * 4})
    >>> alert_series(t, {"topic": "sso", "metric": "volume", "start_date": date(2024, 1, 2),
    ...                  "end_date": date(2024, 1, 2)}, days_before=1).rows()
    [(datetime.date(2024, 1, 1), 1.0), (datetime.date(2024, 1, 2), 2.0), (datetime.date(2024, 1, 3), 0.0), (datetime.date(2024, 1, 4), 1.0)]
    """  # noqa: E501
    schema = {"date": pl.Date, "value": pl.Float64}
    start = alert.get("start_date") or alert.get("start")
    end = alert.get("end_date") or alert.get("end") or start
    topic = alert.get("topic")
    bounds = date_bounds(tickets)
    if start is None or topic is None or bounds is None:
        return pl.DataFrame(schema=schema)
    part = None
    for column in ("category", "channel"):
        if column in tickets.columns:
            hit = tickets.filter(pl.col(column) == topic)
            if hit.height:
                part = hit
                break
    if part is None:
        return pl.DataFrame(schema=schema)
    lo = max(bounds[0], start - timedelta(days=days_before))
    hi = min(bounds[1], end + timedelta(days=days_after))
    if lo > hi:
        return pl.DataFrame(schema=schema)
    window = part.filter(in_dates(lo, hi)).with_columns(
        pl.col("created_at").cast(pl.Date).alias("date")
    )
    sentiment = alert.get("metric") == "sentiment" and "sentiment" in window.columns
    agg = pl.col("sentiment").mean() if sentiment else pl.len().cast(pl.Float64)
    daily = window.group_by("date").agg(agg.alias("value"))
    grid = pl.DataFrame({"date": pl.date_range(lo, hi, "1d", eager=True)})
    out = grid.join(daily, on="date", how="left")
    if not sentiment:
        out = out.with_columns(pl.col("value").fill_null(0.0))
    return out.select("date", pl.col("value").cast(pl.Float64)).sort("date")


# --------------------------------------------------------------------------------------------
# Minutes (Markdown)
# --------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])", re.MULTILINE)


def md_escape(text: Any) -> str:
    """User text made literal in Markdown: one line, special characters backslash-escaped.

    >>> md_escape("<script>alert(1)</script> *bold* | 1. x")
    '\\\\<script\\\\>alert(1)\\\\</script\\\\> \\\\*bold\\\\* \\\\| 1. x'
    >>> md_escape("- item"), md_escape(None)
    ('\\\\- item', '')
    """
    if text is None:
        return ""
    one_line = " ".join(str(text).split())
    out = _MD_SPECIAL.sub(r"\\\1", one_line)
    return _MD_LINE_START.sub(_escape_line_start, out)


def _escape_line_start(m: re.Match[str]) -> str:
    """``- x`` -> ``\\- x``; ``1. x`` -> ``1\\. x`` (a backslash only escapes punctuation)."""
    lead, mark = m.group(1), m.group(2)
    return f"{lead}{mark[:-1]}\\{mark[-1]}"


def _md_block(text: Any, indent: str = "") -> str:
    """Multi-line user text, each line escaped and indented."""
    lines = [md_escape(line) for line in str(text or "").splitlines()]
    return "\n".join(f"{indent}{line}" if line else "" for line in lines).rstrip()


def _meeting_fields(meeting: Any) -> dict[str, Any]:
    if meeting is None:
        return {}
    if hasattr(meeting, "model_dump"):
        return meeting.model_dump()
    return dict(meeting)


def _when(m: Mapping[str, Any]) -> str:
    if m.get("period_start") and m.get("period_end"):
        return f"{m['period_start']} to {m['period_end']}"
    return "not set"


def _md_action_table(frame: pl.DataFrame) -> list[str]:
    out = ["| # | Action | Owner | Due | Status | Priority | Linked to | Outcome |",
           "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for a in frame.iter_rows(named=True):
        link = f"{a['link_kind']}: {a['link_value']}" if a.get("link_kind") else ""
        due = str(a["due_date"] or "")
        if a.get("overdue"):
            due += " (overdue)"
        out.append(
            f"| {a['id']} | {md_escape(a['title'])} | {md_escape(a['owner'])} | {due} | "
            f"{str(a['status']).replace('_', ' ')} | {a['priority']} | {md_escape(link)} | "
            f"{md_escape(a.get('outcome_note'))} |"
        )
    return out


def minutes_markdown(
    meeting: Any,
    agenda: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    facts: ReviewFacts | None = None,
    dataset_name: str = "",
    definition: str = "",
) -> str:
    """The meeting's minutes as Markdown: details, headline, agenda with decisions, actions.

    ``meeting`` is a :class:`lib.store.Meeting` (or a mapping of its fields), ``agenda`` its
    agenda items, ``actions`` the action items (:meth:`lib.store.Store.list_actions`; those
    created or closed in the meeting and those carried into it are listed). User text is
    escaped so it shows literally.

    >>> md = minutes_markdown({"id": 1, "title": "Review <1>", "date": date(2024, 3, 1)},
    ...                       pl.DataFrame({"title": ["Point *A*"], "source": ["free"],
    ...                                     "detail": [""], "decision": ["Ship it"],
    ...                                     "ref": [None]}),
    ...                       pl.DataFrame(schema={"id": pl.Int64, "created_in_meeting": pl.Int64,
    ...                                            "closed_in_meeting": pl.Int64}))
    >>> print(md.splitlines()[0])
    # Review \\<1\\>
    >>> "1. **Point \\\\*A\\\\***" in md and "**Decision:** Ship it" in md
    True
    """
    m = _meeting_fields(meeting)
    lines = [f"# {md_escape(m.get('title') or 'Escalation review')}", ""]
    lines.append(f"- **Date:** {m.get('date') or ''}")
    lines.append(f"- **Review period:** {_when(m)}")
    if dataset_name:
        lines.append(f"- **Dataset:** {md_escape(dataset_name)}")
    if definition:
        lines.append(f"- **Escalation definition:** {md_escape(definition)}")
    if m.get("attendees"):
        lines.append(f"- **Attendees:** {md_escape(m['attendees'])}")
    lines.append("")
    if facts is not None:
        lines += ["## Headline", "", md_escape(headline.narrative(facts.kpi)), ""]
    lines += ["## Agenda and decisions", ""]
    if agenda.height == 0:
        lines += ["No agenda items.", ""]
    for i, item in enumerate(agenda.iter_rows(named=True), start=1):
        label = SOURCE_LABELS.get(item.get("source") or "free", "Note")
        lines.append(f"{i}. **{md_escape(item['title'])}** ({label})")
        if item.get("detail"):
            lines.append(f"   {md_escape(item['detail'])}")
        decision = (item.get("decision") or "").strip()
        lines.append("")
        if decision:
            lines.append(f"   **Decision:** {_md_block(decision, '   ').lstrip()}")
        else:
            lines.append("   *No decision recorded.*")
        lines.append("")
    carried = [
        int(r["ref"])
        for r in agenda.iter_rows(named=True)
        if r.get("source") == "action" and str(r.get("ref") or "").isdigit()
    ]
    if actions.height and m.get("id") is not None:
        parts = split_actions(actions, meeting_id=int(m["id"]), carried_ids=carried)
    else:
        parts = {"new": actions.clear(), "closed": actions.clear(), "carried": actions.clear()}
    lines += ["## Action items", ""]
    for key, heading in (
        ("new", "Agreed in this meeting"),
        ("closed", "Closed in this meeting"),
        ("carried", "Still open from earlier meetings"),
    ):
        frame = parts[key]
        lines += [f"### {heading}", ""]
        lines += (_md_action_table(frame) if frame.height else ["None."]) + [""]
    if (m.get("notes") or "").strip():
        lines += ["## Notes", "", _md_block(m["notes"]), ""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# The offline review pack (HTML)
# --------------------------------------------------------------------------------------------

_CSS = """
:root { --ink:#1C1917; --muted:#57534E; --line:#E7E5E4; --accent:#C2410C; --bad:#B91C1C;
        --good:#15803D; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; }
.meta { color: var(--muted); margin: 2px 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 200px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
        break-inside: avoid; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
               letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 650; }
.card .delta { font-size: 12.5px; color: var(--muted); }
.card .delta.up { color: var(--bad); } .card .delta.down { color: var(--good); }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: #F5F5F4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.caption { color: var(--muted); font-size: 12.5px; margin: 4px 0 0; }
.empty { color: var(--muted); font-style: italic; }
figure { margin: 6px 0; break-inside: avoid; }
ol.agenda { padding-left: 22px; }
ol.agenda li { margin: 0 0 12px; break-inside: avoid; }
.badge { display: inline-block; font-size: 11px; padding: 1px 7px; border-radius: 10px;
         background: #F5F5F4; color: var(--muted); margin-left: 6px; vertical-align: 1px; }
.decision { margin: 4px 0 0; padding: 6px 10px; border-left: 3px solid var(--accent);
            background: #FFF7ED; white-space: pre-wrap; }
.nodecision { color: var(--muted); font-style: italic; margin: 4px 0 0; }
.overdue { color: var(--bad); font-weight: 600; }
.pre { white-space: pre-wrap; }
.nowrap { white-space: nowrap; }
.alert { display: flex; gap: 16px; align-items: center; border-bottom: 1px solid var(--line);
         padding: 8px 0; break-inside: avoid; }
.alert .text { flex: 1; }
.alert svg.chart { flex: 0 0 260px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
         padding-top: 8px; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 18px; }
  section { break-inside: auto; }
}
@page { size: A4; margin: 14mm 12mm; }
"""


def _h(text: Any) -> str:
    """Escape user or data text for HTML (``None`` as empty)."""
    return "" if text is None else escape(str(text), quote=True)


def _kpi_cards(kpi: headline.KpiTable) -> str:
    r, prev, base = kpi.review, kpi.previous, kpi.baseline
    cards = []
    for label, key in (("Tickets", "tickets"), ("Escalations", "escalations")):
        cards.append(
            f'<div class="card"><div class="label">{label}</div>'
            f'<div class="value">{r[key]:,}</div>'
            f'<div class="delta">previous period {prev[key]:,} · baseline {base[key]:,}</div></div>'
        )
    deltas = []
    for vs, row in (("previous", prev), ("baseline", base)):
        t = kpi.change(vs)
        cls = t.direction if t.significant else "flat"
        sig = "significant" if t.significant else "not significant"
        deltas.append(
            f'<div class="delta {cls}">{_pts(t.diff)} vs {vs} ({_pct(row["rate"])}; {sig})</div>'
        )
    cards.append(
        '<div class="card"><div class="label">Escalation rate</div>'
        f'<div class="value">{_pct(r["rate"])}</div>'
        f'<div class="delta">95% interval {_pct(r["rate_low"])} to {_pct(r["rate_high"])}</div>'
        + "".join(deltas)
        + "</div>"
    )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _table(headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already escaped; ``headers`` are (label, numeric)."""
    head = "".join(f'<th class="num">{h}</th>' if num else f"<th>{h}</th>" for h, num in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if num else f"<td>{c}</td>"
            for c, (_, num) in zip(row, headers, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _drivers_html(drivers: pl.DataFrame, policy: Sequence[str]) -> str:
    if drivers.height == 0:
        return '<p class="empty">No escalations by category in the review period.</p>'
    rows = []
    for d in drivers.iter_rows(named=True):
        name = _h(d["category"]) + (
            ' <span class="badge">policy</span>' if d["category"] in policy else ""
        )
        rows.append(
            [
                name,
                f"{d['escalations']:,}",
                f"{d['tickets']:,}",
                _pct(d["rate"]),
                _pct(d["previous_rate"]),
                f"{d['escalations_change']:+,}",
                ("significant" if d["significant"] else "no") + f" ({_p(d['p_value'])})",
                _pct(d["share_of_escalations"]),
            ]
        )
    headers = [("Category", False), ("Escalations", True), ("Tickets", True), ("Rate", True),
               ("Previous rate", True), ("Change in escalations", True),
               ("Rate change significant?", False), ("Share of escalations", True)]  # fmt: skip
    return drivers_svg(drivers) + _table(headers, rows)


def _agents_html(agents: AgentFlags) -> str:
    note = f'<p class="caption">{_h(agents.note)}</p>'
    if agents.table is None:
        return f'<p class="empty">{_h(agents.note)}</p>'
    if agents.table.height == 0:
        return '<p class="empty">No agent stands out once case mix is allowed for.</p>' + note
    rows = []
    for a in agents.table.iter_rows(named=True):
        rows.append(
            [
                _h(a["agent"]),
                f"{a['tickets']:,}",
                f"{a['escalated']:,}",
                f"{a['expected']:.1f}",
                f"{a['ratio']:.2f}",
                _h(a.get("direction") or ""),
                f"{a['q_value']:.2g}" if a.get("q_value") is not None else "–",
            ]
        )
    headers = [("Agent", False), ("Tickets", True), ("Escalations", True), ("Expected", True),
               ("Observed / expected", True), ("Direction", False), ("q-value", True)]  # fmt: skip
    return _table(headers, rows) + note


def _alerts_html(alerts: pl.DataFrame | None, tickets: pl.DataFrame | None) -> str:
    if alerts is None or alerts.height == 0:
        return '<p class="empty">No alerts were sent to this meeting\'s agenda.</p>'
    out = []
    for a in alerts.iter_rows(named=True):
        entry = _alert_entry(a)
        chart = ""
        if tickets is not None:
            series = alert_series(tickets, a)
            if series.height:
                unit = "mean sentiment" if a.get("metric") == "sentiment" else "tickets"
                chart = sparkline_svg(
                    series.get_column("date").to_list(),
                    series.get_column("value").to_list(),
                    window=(a["start_date"], a.get("end_date") or a["start_date"]),
                    unit=unit,
                )
        out.append(
            f'<div class="alert"><div class="text"><strong>{_h(entry.title)}</strong>'
            f'<div class="caption">{_h(entry.detail)}</div></div>{chart}</div>'
        )
    return "".join(out) + (
        '<p class="caption">Daily tickets (or mean sentiment) of the topic; the alert\'s days '
        "are shaded.</p>"
    )


def _agenda_html(agenda: pl.DataFrame) -> str:
    if agenda.height == 0:
        return '<p class="empty">No agenda items.</p>'
    items = []
    for item in agenda.iter_rows(named=True):
        label = SOURCE_LABELS.get(item.get("source") or "free", "Note")
        decision = (item.get("decision") or "").strip()
        dec = (
            f'<div class="decision"><strong>Decision:</strong> {_h(decision)}</div>'
            if decision
            else '<p class="nodecision">No decision recorded.</p>'
        )
        detail = f'<div class="caption">{_h(item["detail"])}</div>' if item.get("detail") else ""
        items.append(
            f"<li><strong>{_h(item['title'])}</strong>"
            f'<span class="badge">{_h(label)}</span>{detail}{dec}</li>'
        )
    return '<ol class="agenda">' + "".join(items) + "</ol>"


def _actions_html(frame: pl.DataFrame) -> str:
    if frame.height == 0:
        return '<p class="empty">None.</p>'
    rows = []
    for a in frame.iter_rows(named=True):
        due = f'<span class="nowrap">{_h(a.get("due_date") or "")}</span>'
        if a.get("overdue"):
            due = f'<span class="overdue">{due} (overdue)</span>'
        link = f"{a['link_kind']}: {a['link_value']}" if a.get("link_kind") else ""
        rows.append(
            [
                str(a["id"]),
                _h(a["title"]) + (f'<div class="caption">{_h(a["description"])}</div>'
                                  if a.get("description") else ""),
                _h(a.get("owner") or ""),
                due,
                _h(str(a.get("status") or "").replace("_", " ")),
                _h(a.get("priority") or ""),
                _h(link),
                _h(a.get("outcome_note") or ""),
            ]
        )  # fmt: skip
    headers = [("#", True), ("Action", False), ("Owner", False), ("Due", False),
               ("Status", False), ("Priority", False), ("Linked to", False),
               ("Outcome", False)]  # fmt: skip
    return _table(headers, rows)


def review_pack_html(
    meeting: Any,
    agenda: pl.DataFrame,
    actions: pl.DataFrame,
    *,
    facts: ReviewFacts | None = None,
    alerts: pl.DataFrame | None = None,
    tickets: pl.DataFrame | None = None,
    dataset_name: str = "",
    definition: str = "",
    generated_at: dt.datetime | None = None,
) -> str:
    """The self-contained HTML review pack of a meeting.

    Sections: headline numbers (with the tests against the previous period and the baseline),
    the weekly trend, top drivers, flagged agents, the alerts on the agenda (with a daily chart
    of their topic when ``tickets`` are given), the agenda with decisions, and the action items
    (agreed, closed, still open). Charts are inline SVG; no script, font, image or style sheet
    is fetched, so the file opens offline; print CSS lays it out on A4. All user and data text
    is HTML-escaped. ``alerts`` are the alert records (:meth:`lib.store.Store.get_alert_states`
    rows) of the alerts on the agenda.

    >>> html = review_pack_html({"id": 1, "title": "<script>x</script>", "date": date(2024, 3, 1)},
    ...                         pl.DataFrame(schema={"title": pl.String}),
    ...                         pl.DataFrame(schema={"id": pl.Int64}))
    >>> "<script>" in html, "&lt;script&gt;x&lt;/script&gt;" in html
    (False, True)
    """
    m = _meeting_fields(meeting)
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    title = m.get("title") or "Escalation review"
    meta = [f"Meeting {m.get('date') or ''}", f"review period {_when(m)}"]
    if dataset_name:
        meta.append(f"dataset {dataset_name}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<header><h1>{_h(title)}</h1>",
        f'<p class="meta">{_h(" · ".join(meta))}</p>',
    ]
    if definition:
        parts.append(f'<p class="meta">{_h(definition)}</p>')
    if m.get("attendees"):
        parts.append(f'<p class="meta">Attendees: {_h(m["attendees"])}</p>')
    parts.append("</header>")
    if facts is not None:
        p = facts.periods
        parts += [
            '<section id="headline"><h2>Headline numbers</h2>',
            _kpi_cards(facts.kpi),
            f"<p>{_h(headline.narrative(facts.kpi))}</p>",
            f'<p class="caption">{_h(p.label("review"))}; {_h(p.label("previous"))}; '
            f"{_h(p.label('baseline'))}. A change is called significant when a two-proportion "
            "test gives p &lt; 0.05.</p></section>",
            '<section id="trend"><h2>Trend</h2><figure>',
            trend_svg(facts.trend, highlight=p.review),
            '</figure><p class="caption">Bars: tickets created per week (right axis). Line: '
            "share escalated, with its 95% Wilson interval as the band; the review period is "
            "shaded. Hover a point for its counts.</p></section>",
            '<section id="drivers"><h2>Top drivers</h2>',
            _drivers_html(facts.drivers, facts.policy_categories),
            "</section>",
            '<section id="agents"><h2>Flagged agents</h2>',
            _agents_html(facts.agents),
            "</section>",
        ]
    parts += [
        '<section id="alerts"><h2>Alerts</h2>',
        _alerts_html(alerts, tickets),
        "</section>",
        '<section id="agenda"><h2>Agenda and decisions</h2>',
        _agenda_html(agenda),
        "</section>",
    ]
    carried = [
        int(r["ref"])
        for r in agenda.iter_rows(named=True)
        if r.get("source") == "action" and str(r.get("ref") or "").isdigit()
    ]
    if actions.height and m.get("id") is not None:
        split = split_actions(actions, meeting_id=int(m["id"]), carried_ids=carried)
    else:
        split = {"new": actions.clear(), "closed": actions.clear(), "carried": actions.clear()}
    parts.append('<section id="actions"><h2>Action items</h2>')
    for key, heading in (
        ("new", "Agreed in this meeting"),
        ("closed", "Closed in this meeting"),
        ("carried", "Still open from earlier meetings"),
    ):
        parts += [f"<h3>{heading}</h3>", _actions_html(split[key])]
    parts.append("</section>")
    if (m.get("notes") or "").strip():
        parts.append(
            f'<section id="notes"><h2>Notes</h2><p class="pre">{_h(m["notes"])}</p></section>'
        )
    parts.append(
        f"<footer>Generated {generated_at.strftime('%Y-%m-%d %H:%M UTC')} by Escalation Review. "
        "Escalation rate = escalated tickets / tickets created in the period; intervals are 95% "
        "Wilson intervals.</footer></main></body></html>"
    )
    return "\n".join(parts)
