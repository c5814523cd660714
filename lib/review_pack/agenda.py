"""The proposed agenda of a meeting: headline, drivers, agents, alerts, carried-over items.

Example
-------
>>> import polars as pl
>>> from datetime import date
>>> actions = pl.DataFrame({"id": [1, 2], "title": ["Call back", "Fix SSO doc"],
...                         "due_date": [date(2024, 3, 9), date(2024, 3, 1)],
...                         "overdue": [False, True], "status": ["open", "in_progress"],
...                         "owner": ["ana", "bo"]})
>>> [e.title for e in build_agenda(None, open_actions=actions)]
['Carried over: Fix SSO doc (bo, due 2024-03-01, overdue)', 'Carried over: Call back (ana, due 2024-03-09)']
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from lib import audit, formatting, plain_words
from lib.audit.story import DIMENSIONS, Change
from lib.review_pack._common import _pct
from lib.review_pack.facts import ReviewFacts

#: Human label of each agenda source (store.AGENDA_SOURCES).
SOURCE_LABELS = {
    "free": "Note",
    "driver": "Driver",
    "agent": "Agent",
    "alert": "Alert",
    "action": "Carried over",
    "risk": "At risk",
}
#: ``ref`` of the headline agenda item (source ``free``): the escalation rate of the period.
HEADLINE_REF = "headline"


@dataclass(frozen=True)
class AgendaEntry:
    """A proposed agenda item: ``source`` (store.AGENDA_SOURCES), ``ref``, title and detail."""

    source: str
    ref: str | None
    title: str
    detail: str = ""


def headline_title(kpi: audit.KpiTable) -> str:
    """One line: the review period's rate against the previous period and the baseline.

    >>> from lib.periods import Periods
    >>> from lib.periods import day_start
    >>> from datetime import date
    >>> p = Periods(review=(date(2024, 1, 15), date(2024, 1, 28)),
    ...             previous=(date(2024, 1, 1), date(2024, 1, 14)),
    ...             baseline=(date(2023, 12, 1), date(2023, 12, 30)))
    >>> t = pl.DataFrame({
    ...     "created_at": [day_start(date(2024, 1, 20))] * 10 + [day_start(date(2024, 1, 5))] * 10,
    ...     "escalated": [True] * 3 + [False] * 7 + [True] * 1 + [False] * 9})
    >>> headline_title(audit.kpis(t, p))
    'Escalation rate 30.0% (3 of 10) vs 10.0% previous period, – baseline'
    """
    r, prev, base = kpi.review, kpi.previous, kpi.baseline
    return (
        f"Escalation rate {_pct(r['rate'])} ({r['escalations']:,} of {r['tickets']:,}) vs "
        f"{_pct(prev['rate'])} previous period, {_pct(base['rate'])} baseline"
    )


def _driver_entry(
    row: Mapping[str, Any], policy: Sequence[str], *, maturing: bool = False
) -> AgendaEntry:
    """A top category of the review period. While young tickets are left out (``maturing``)
    the review period counts fewer days than the previous one, so its title compares rates,
    not counts."""
    cat = row["category"]
    change = row["escalations_change"]
    said = plain_words.change(row.get("change"), row.get("p_value"), q=row.get("q_value"))
    detail = (
        f"Review period: {row['escalations']:,} escalations of {row['tickets']:,} tickets "
        f"({_pct(row['rate'])}); previous period: {row['previous_escalations']:,} of "
        f"{row['previous_tickets']:,} ({_pct(row['previous_rate'])}); the rate change: "
        f"{said}; {_pct(row['share_of_escalations'])} of the review period's escalations."
    )
    if cat in policy:
        detail += " Tagged policy-based: tier 1 may not resolve these, so coaching will not help."
    versus = (
        f"rate {_pct(row['rate'])} vs {_pct(row['previous_rate'])} before"
        if maturing
        else f"{change:+,} vs the previous period"
    )
    title = f"Driver: {cat}, {row['escalations']:,} escalations in the review period ({versus})"
    return AgendaEntry("driver", cat, title, detail)


def _change_entry(change: Change) -> AgendaEntry:
    """A significant change of another dimension (a channel, a priority, a tier...)."""
    word = "up" if change.change > 0 else "down"
    title = (
        f"Change: {change.label} {change.value} {word} to {_pct(change.rate)} escalated in the "
        f"review period, from {_pct(change.previous_rate)}"
    )
    detail = (
        f"{change.escalations:,} of {change.tickets:,} tickets in the review period vs "
        f"{change.previous_escalations:,} of {change.previous_tickets:,} in the previous period: "
        f"{plain_words.verdict(change.p_value, q=change.q_value)}, tested with every row of "
        "every dimension."
    )
    return AgendaEntry("driver", f"{change.dimension}={change.value}", title, detail)


def _agent_entry(row: Mapping[str, Any], period: tuple[Any, Any] | None = None) -> AgendaEntry:
    ratio = row.get("ratio")
    exp = row.get("expected")
    q = row.get("q_value")
    ratio_txt = f"{formatting.ratio(ratio)}×" if ratio is not None else "more than"
    when = f" created {period[0]} to {period[1]} (the review period)" if period else ""
    detail = (
        f"{row['escalated']:,} escalations of {row['tickets']:,} tickets{when} where about "
        f"{formatting.count(exp)} were expected from their mix of tickets"
        + (
            f", unlikely to be chance ({plain_words.odds(q)}, with every agent tested)"
            if q is not None
            else ""
        )
        + ". The Agents page shows the period chosen there. Look at their top categories "
        "before drawing conclusions."
    )
    return AgendaEntry(
        "agent",
        row["agent"],
        f"Agent: {row['agent']} escalates {ratio_txt} what their tickets predict (review period)",
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
        kpi, story = facts.kpi, facts.story
        summary = audit.story_words(story).summary if story else audit.narrative(kpi)
        out.append(AgendaEntry("free", HEADLINE_REF, headline_title(kpi), summary))
        # significant changes of other dimensions, largest first (categories come as drivers)
        for change in story.changes if story else ():
            if change.dimension != "category":
                out.append(_change_entry(change))
        maturing = bool(kpi.horizon is not None and kpi.review.get("maturing"))
        if facts.drivers.height:
            head = facts.drivers.head(top_drivers)
            rising = facts.drivers.slice(top_drivers).filter(
                pl.col("significant") & (pl.col("change") > 0)
            )
            for row in pl.concat([head, rising]).iter_rows(named=True):
                out.append(_driver_entry(row, facts.policy_categories, maturing=maturing))
        agents = facts.agents.table
        if agents is not None and agents.height:
            high = (
                agents.filter(pl.col("direction") == "high")
                if "direction" in agents.columns
                else agents
            )
            for row in high.iter_rows(named=True):
                out.append(_agent_entry(row, facts.periods.review))
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

    A change of another dimension (``ref`` ``"channel=phone"``) links to that channel; a
    dimension that cannot be linked (priority, group, tier) gets no link.

    >>> default_link("driver", "SSO"), default_link("agent", "Ana"), default_link("free", None)
    (('category', 'SSO'), ('agent', 'Ana'), None)
    >>> default_link("driver", "channel=phone"), default_link("driver", "priority=high")
    (('channel', 'phone'), None)
    """
    dim, _, value = (ref or "").partition("=")
    if source == "driver" and value and dim in DIMENSIONS and dim != "category":
        return (dim, value) if dim in ("channel",) else None
    kind = {"driver": "category", "agent": "agent", "alert": "alert"}.get(source)
    return (kind, ref) if kind and ref else None
