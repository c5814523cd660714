"""Alerts and topics in words for the Anomalies page: kind and triage-state labels, the topic
columns that hold data, the sensitivity settings' false-alarm rates, an alert's days and its
explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from lib.anomaly.sensitivity import SENSITIVITY
from lib.formatting import day, day_range, weekday

__all__ = [
    "KINDS",
    "STATES",
    "TOPIC_COLUMNS",
    "alert_dates",
    "explanation",
    "kind_label",
    "sensitivity_note",
    "topic_columns",
]

#: (metric, kind) of :func:`lib.anomaly.detect_anomalies` -> the label people read.
KINDS: dict[tuple[str, str], str] = {
    ("volume", "spike"): "Spike",
    ("volume", "level_shift"): "Level shift",
    ("volume", "drop"): "Drop",
    ("sentiment", "drop"): "Sentiment drop",
}
#: Triage state (:data:`lib.store.ALERT_STATES`) -> label shown beside an alert.
STATES: dict[str, str] = {
    "dismissed": "dismissed as noise",
    "known": "known",
    "agenda": "on agenda",
}
#: Columns a topic can come from -> label of the topic selector.
TOPIC_COLUMNS: dict[str, str] = {
    "category": "Category",
    "tags": "Tag",
    "channel": "Channel",
    "customer_tier": "Customer tier",
}


def kind_label(metric: str, kind: str) -> str:
    """``"Level shift"``, ``"Sentiment drop"``: an alert's kind in words.

    >>> kind_label("sentiment", "drop"), kind_label("volume", "drop")
    ('Sentiment drop', 'Drop')
    """
    return KINDS.get((metric, kind), f"{metric} {kind}".replace("_", " ").capitalize())


def topic_columns(tickets: pl.DataFrame) -> list[str]:
    """The :data:`TOPIC_COLUMNS` that hold data in ``tickets`` (tags: at least one tag).

    >>> t = pl.DataFrame(
    ...     {"category": ["a"], "tags": [[]], "channel": [None], "customer_tier": ["x"]},
    ...     schema_overrides={"tags": pl.List(pl.String), "channel": pl.String},
    ... )
    >>> topic_columns(t)
    ['category', 'customer_tier']
    """
    out = []
    for col in TOPIC_COLUMNS:
        if col not in tickets.columns:
            continue
        s = tickets.get_column(col)
        filled = s.list.len().sum() if isinstance(s.dtype, pl.List) else s.drop_nulls().len()
        if filled:
            out.append(col)
    return out


def sensitivity_note(setting: str) -> str:
    """The chosen setting's stated false-alarm rate, and those of the other settings.

    >>> sensitivity_note("balanced")
    'Balanced: about one false alert per topic in 7 months on a topic with no real change (conservative: one in 35 months; sensitive: one in 3 months).'
    """  # noqa: E501
    others = "; ".join(
        f"{name}: one in {1 / s.false_alerts_per_topic_month:.0f} months"
        for name, s in SENSITIVITY.items()
        if name != setting
    )
    return f"{SENSITIVITY[setting].description} on a topic with no real change ({others})."


def alert_dates(alert: Mapping[str, Any]) -> str:
    """The alert's days in words: ``"Wed 2024-04-10"``, ``"2026-10-28 to 2026-10-30 (3 days)"``,
    or ``"week of 2026-10-05"`` when the topic is judged weekly.

    >>> import datetime as dt
    >>> alert_dates({"start": dt.date(2026, 10, 28), "end": dt.date(2026, 10, 30),
    ...              "granularity": "day"})
    '2026-10-28 to 2026-10-30 (3 days)'
    >>> alert_dates({"start": dt.date(2026, 10, 5), "end": dt.date(2026, 10, 11),
    ...              "granularity": "week"})
    'week of 2026-10-05'
    """
    start, end = alert["start"], alert["end"]
    if alert.get("granularity") == "week":
        weeks = ((end - start).days + 1) // 7
        if weeks <= 1:
            return f"week of {day(start)}"
        return f"{weeks} weeks, {day_range(start, end)}"
    if start == end:
        return weekday(start)
    days = (end - start).days + 1
    return f"{day_range(start, end)} ({days} days)"


def explanation(alert: Mapping[str, Any]) -> str:
    """The alert's one-line explanation without the leading ``"topic: "`` (shown beside it).

    >>> explanation({"topic": "SSO", "explanation": "SSO: 9 tickets on Sun 2026-10-04"})
    '9 tickets on Sun 2026-10-04'
    """
    text = str(alert.get("explanation") or "")
    prefix = f"{alert.get('topic')}: "
    text = text[len(prefix) :] if text.startswith(prefix) else text
    return text[:1].upper() + text[1:]
