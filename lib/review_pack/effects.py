"""Did it work? The escalation rate of an action item's linked slice before and after it, and
the daily series of an alert's topic around the alert."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import polars as pl

from lib import audit, plain_words
from lib.periods import date_bounds, in_dates, local_date, local_day
from lib.review_pack._common import _pct

_CLOSED = ("done", "dropped")
_OPEN = ("open", "in_progress")

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
    [(0.75, 0.1, True, 'fell from 75.0% to 10.0%, unlikely to be chance (about 1 in 30,000)')]
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
        since = local_date(created)
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
        r = audit.before_after(sub, date=since, window_days=days)
        (kb, nb, rb), (ka, na, ra) = r.summary.select("escalations", "tickets", "rate").rows()
        test = r.test
        if nb == 0 or na == 0:
            verdict = "not enough tickets to compare"
        elif test.significant:
            word = "fell" if test.diff < 0 else "rose"
            verdict = f"{word} from {_pct(rb)} to {_pct(ra)}, {plain_words.verdict(test.p_value)}"
        else:
            said = plain_words.change(test.diff, test.p_value, up="rose", down="fell")
            verdict = f"{_pct(rb)} to {_pct(ra)}: {said}"
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
    >>> from datetime import date
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
    window = part.filter(in_dates(lo, hi)).with_columns(local_day("created_at").alias("date"))
    sentiment = alert.get("metric") == "sentiment" and "sentiment" in window.columns
    agg = pl.col("sentiment").mean() if sentiment else pl.len().cast(pl.Float64)
    daily = window.group_by("date").agg(agg.alias("value"))
    grid = pl.DataFrame({"date": pl.date_range(lo, hi, "1d", eager=True)})
    out = grid.join(daily, on="date", how="left")
    if not sentiment:
        out = out.with_columns(pl.col("value").fill_null(0.0))
    return out.select("date", pl.col("value").cast(pl.Float64)).sort("date")
