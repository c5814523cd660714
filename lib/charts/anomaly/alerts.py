"""The alert list of the Anomalies page: alerts overlapping the chosen days, their triage state
from the store (kept across a change of kind), and the alert display table.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from lib.charts.anomaly.labels import KINDS, STATES
from lib.charts.tables import present
from lib.store.alerts import alert_key

__all__ = ["ALERT_VIEW", "alert_table", "overlapping", "triaged"]


def overlapping(alerts: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Alerts sharing at least one day with ``start``..``end`` (inclusive), newest and strongest
    first (latest end, then highest score).

    >>> a = pl.DataFrame({"start": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
    ...                   "end": [dt.date(2024, 1, 9), dt.date(2024, 2, 1)], "score": [5.0, 4.0]})
    >>> overlapping(a, dt.date(2024, 1, 5), dt.date(2024, 1, 31)).get_column("score").to_list()
    [5.0]
    """
    return alerts.filter((pl.col("end") >= start) & (pl.col("start") <= end)).sort(
        ["end", "score"], descending=[True, True]
    )


#: Alert kinds that are the same rise seen at different lengths: a one-day spike (or burst) that
#: goes on becomes a level shift from the same start day and keeps its triage.
_DIRECTION = {"spike": "up", "level_shift": "up", "drop": "down"}


def _family(key: str) -> str:
    """``topic|metric|kind|start`` -> ``topic|metric|direction|start`` (topics may hold "|").

    >>> _family("A|B|volume|spike|2025-03-04")
    'A|B|volume|up|2025-03-04'
    """
    head, kind, start = key.rsplit("|", 2)
    return f"{head}|{_DIRECTION.get(kind, kind)}|{start}"


def triaged(alerts: pl.DataFrame, states: pl.DataFrame) -> pl.DataFrame:
    """``alerts`` with ``key`` (:func:`lib.store.alert_key`), ``state`` (null when untriaged),
    ``note`` and ``triaged_by`` from the store's alert states (``alert_key``, ``state``, ...).

    An alert whose kind changed as more days came in (a spike that went on and is now a level
    shift from the same day) keeps the triage given under its earlier kind; its ``key`` is then
    the stored one, so that undoing clears what was stored.

    >>> a = pl.DataFrame({"topic": ["SSO", "Billing"], "metric": ["volume", "volume"],
    ...                   "kind": ["spike", "level_shift"],
    ...                   "start": [dt.date(2025, 3, 4), dt.date(2025, 3, 9)]})
    >>> s = pl.DataFrame({"alert_key": ["SSO|volume|spike|2025-03-04",
    ...                                 "Billing|volume|spike|2025-03-09"],
    ...                   "state": ["agenda", "known"], "note": ["", ""],
    ...                   "updated_by": ["ana", "ben"]})
    >>> triaged(a, s).select("key", "state").rows()
    [('SSO|volume|spike|2025-03-04', 'agenda'), ('Billing|volume|spike|2025-03-09', 'known')]
    """
    keys = [
        alert_key(r["topic"], r["metric"], r["kind"], r["start"])
        for r in alerts.select("topic", "metric", "kind", "start").iter_rows(named=True)
    ]
    out = alerts.with_columns(pl.Series("key", keys, dtype=pl.String))
    cols = {"alert_key": "key", "state": "state", "note": "note", "updated_by": "triaged_by"}
    have = {k: v for k, v in cols.items() if k in states.columns}
    right = states.select([pl.col(k).cast(pl.String).alias(v) for k, v in have.items()]).unique(
        "key", keep="first"
    )
    if "key" in right.columns and right.height:
        # Keys not stored under the alert's current kind: match the same rise by its direction.
        stored = right.get_column("key").to_list()
        by_family = {_family(k): k for k in stored}
        known = set(stored)
        keys = [k if k in known else by_family.get(_family(k), k) for k in keys]
        out = out.with_columns(pl.Series("key", keys, dtype=pl.String))
    out = out.join(right, on="key", how="left", maintain_order="left")
    for name in ("state", "note", "triaged_by"):
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, pl.String).alias(name))
    return out


#: Display columns of the alert table (see :func:`lib.charts.tables.present`).
ALERT_VIEW: tuple[tuple[str, str, str], ...] = (
    ("topic", "Topic", "text"), ("kind_label", "Kind", "text"), ("start", "Start", "date"),
    ("end", "End", "date"), ("days", "Days", "int"), ("observed", "Observed", "float"),
    ("expected", "Expected", "float"), ("unit", "Per", "text"), ("score", "Score", "float"),
    ("tickets", "Tickets", "int"), ("state_label", "State", "text"),
    ("explanation", "Explanation", "text"),
)  # fmt: skip


def alert_table(alerts: pl.DataFrame) -> pl.DataFrame:
    """The alert list as a display table (:data:`ALERT_VIEW`); ``alerts`` may carry ``state``.

    >>> a = pl.DataFrame({"topic": ["SSO"], "metric": ["sentiment"], "kind": ["drop"],
    ...     "start": [dt.date(2025, 3, 4)], "end": [dt.date(2025, 3, 4)], "days": [1],
    ...     "observed": [-0.5], "expected": [0.01], "granularity": ["day"], "score": [3.5],
    ...     "tickets": [6], "explanation": ["..."], "state": [None]})
    >>> alert_table(a).select("Kind", "Per", "State").row(0)
    ('Sentiment drop', 'mean sentiment', 'new')
    """
    kinds = pl.concat_str(pl.col("metric"), pl.col("kind"), separator="|").replace_strict(
        {f"{m}|{k}": v for (m, k), v in KINDS.items()}, default=pl.col("kind")
    )
    unit = (
        pl.when(pl.col("metric") == "sentiment")
        .then(pl.lit("mean sentiment"))
        .when(pl.col("granularity") == "week")
        .then(pl.lit("tickets a week"))
        .otherwise(pl.lit("tickets a day"))
    )
    state = (
        pl.col("state")
        .cast(pl.String)
        .replace_strict(STATES, default="new", return_dtype=pl.String)
        if "state" in alerts.columns
        else pl.lit("new")
    )
    out = alerts.with_columns(
        kinds.alias("kind_label"),
        unit.alias("unit"),
        state.alias("state_label"),
        pl.col("observed", "expected").round(2),
    )
    return present(out, ALERT_VIEW)
