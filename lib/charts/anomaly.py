"""Figures and display tables for the Anomalies page (topic volume and sentiment alerts).

Builders take the small frames of :mod:`lib.anomaly` (alerts, per-topic judgements, leading
indicators), never raw tickets. A per-alert chart shows a window of the topic's series around the
alert: the observed values, the expected value and its 99% band (judged only on earlier data),
and the alert's days shaded and marked. Hover texts give counts (tickets per day, tickets behind a
mean sentiment), not only rates.

Example
-------
>>> import datetime as dt
>>> from lib.anomaly import detect_anomalies, judgements, simulate_tickets
>>> t = simulate_tickets(events=[("billing", "volume", 100, 3.0, 1)])
>>> alert = detect_anomalies(t).row(0, named=True)
>>> kind_label(alert["metric"], alert["kind"]), alert_dates(alert)
('Spike', 'Wed 10 Apr 2024')
>>> w = alert_window(judgements(t), alert)
>>> w.height, w.filter(pl.col("in_alert")).get_column("observed").to_list()
(57, [61.0])
>>> [tr.name for tr in alert_figure(w, alert).data]
['99% band', '99% band', 'Tickets', 'Alert', 'Expected']
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from lib.anomaly.sensitivity import SENSITIVITY
from lib.anomaly.series import BAND
from lib.charts.common import COLORS, base_layout
from lib.charts.tables import present
from lib.store.alerts import alert_key

__all__ = [
    "ALERT_VIEW",
    "KINDS",
    "LEADING_VIEW",
    "STATES",
    "TOPIC_COLUMNS",
    "alert_dates",
    "alert_figure",
    "alert_table",
    "alert_window",
    "explanation",
    "kind_label",
    "leading_notes",
    "leading_table",
    "overall_note",
    "overlapping",
    "sensitivity_note",
    "topic_columns",
    "triaged",
    "weekly_note",
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
_BAND_NAME = f"{100 * BAND:.0f}% band"
_BAND_FILL = "rgba(29, 78, 216, 0.13)"
_EXPECTED = "#1E3A8A"
_BAR = "#A8A29E"
_SENTIMENT = "#7C3AED"


def _e(value: Any) -> str:
    """Text safe for plotly (it renders a subset of HTML in hover texts and labels)."""
    return html.escape("" if value is None else str(value), quote=False)


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


# --------------------------------------------------------------------------------------------
# Alert lists
# --------------------------------------------------------------------------------------------


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


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def alert_dates(alert: Mapping[str, Any]) -> str:
    """The alert's days in words: ``"Wed 10 Apr 2024"``, ``"28 Oct – 30 Oct 2026 (3 days)"``,
    or ``"weeks of 5 Oct – 12 Oct 2026"`` when the topic is judged weekly.

    >>> alert_dates({"start": dt.date(2026, 10, 28), "end": dt.date(2026, 10, 30),
    ...              "granularity": "day"})
    '28 Oct – 30 Oct 2026 (3 days)'
    >>> alert_dates({"start": dt.date(2026, 10, 5), "end": dt.date(2026, 10, 11),
    ...              "granularity": "week"})
    'week of 5 Oct 2026'
    """
    start, end = alert["start"], alert["end"]
    if alert.get("granularity") == "week":
        weeks = ((end - start).days + 1) // 7
        if weeks <= 1:
            return f"week of {start.day} {start:%b %Y}"
        return f"{weeks} weeks, {start.day} {start:%b} – {end.day} {end:%b %Y}"
    if start == end:
        return _day(start)
    days = (end - start).days + 1
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y} ({days} days)"


def explanation(alert: Mapping[str, Any]) -> str:
    """The alert's one-line explanation without the leading ``"topic: "`` (shown beside it).

    >>> explanation({"topic": "SSO", "explanation": "SSO: 9 tickets on Sun 2026-10-04"})
    '9 tickets on Sun 2026-10-04'
    """
    text = str(alert.get("explanation") or "")
    prefix = f"{alert.get('topic')}: "
    text = text[len(prefix) :] if text.startswith(prefix) else text
    return text[:1].upper() + text[1:]


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


# --------------------------------------------------------------------------------------------
# The per-alert chart
# --------------------------------------------------------------------------------------------


def alert_window(
    judged: pl.DataFrame,
    alert: Mapping[str, Any],
    *,
    before: int = 42,
    after: int = 14,
) -> pl.DataFrame:
    """The alert topic's judged series around the alert, for :func:`alert_figure`.

    ``judged`` is :func:`lib.anomaly.judgements` (all topics; per week for a weekly alert). Keeps
    the alert's topic and metric from ``before`` days before its start to ``after`` days after
    its end, adds ``in_alert`` and, for sentiment, ``tickets`` (the day's ticket count, taken from
    the volume rows) so that a mean can be read with the count behind it.
    """
    lo = alert["start"] - dt.timedelta(days=before)
    hi = alert["end"] + dt.timedelta(days=after)
    rows = judged.filter(
        (pl.col("topic") == alert["topic"]) & pl.col("day").is_between(lo, hi)
    ).sort("day")
    series = rows.filter(pl.col("metric") == alert["metric"]).drop("metric")
    counts = rows.filter(pl.col("metric") == "volume").select(
        "day", pl.col("observed").alias("tickets")
    )
    series = series.join(counts, on="day", how="left", maintain_order="left")
    last = alert["end"]
    if alert.get("granularity") == "week":  # rows are Mondays; the alert ends on a Sunday
        last = alert["end"] - dt.timedelta(days=6)
    return series.with_columns(pl.col("day").is_between(alert["start"], last).alias("in_alert"))


def _fmt_count(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:,.0f}"


def _fmt_mean(x: float | None) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:+.2f}"


def alert_figure(window: pl.DataFrame, alert: Mapping[str, Any], *, height: int = 250) -> go.Figure:
    """The topic's series (bars of tickets, or the daily mean sentiment), its expected value and
    99% band, the alert's days shaded and marked in red.

    ``window`` comes from :func:`alert_window`. Days the topic could not be judged yet have no
    band. Hover gives the count (tickets, or tickets behind a mean) and the band.
    """
    weekly = alert.get("granularity") == "week"
    sentiment = alert["metric"] == "sentiment"
    x = window.get_column("day").to_list()
    obs = window.get_column("observed").to_list()
    exp = window.get_column("expected").to_list()
    low = window.get_column("lower").to_list()
    high = window.get_column("upper").to_list()
    n = window.get_column("tickets").to_list()
    mark = window.get_column("in_alert").to_list()
    when = [f"week of {d:%d %b %Y}" if weekly else f"{d:%a %d %b %Y}" for d in x]
    if sentiment:
        hover = [
            f"{w}<br>mean sentiment {_fmt_mean(o)} from {_fmt_count(c)} tickets<br>"
            f"expected {_fmt_mean(e)} ({_BAND_NAME} {_fmt_mean(lo)} to {_fmt_mean(hi)})"
            for w, o, c, e, lo, hi in zip(when, obs, n, exp, low, high, strict=True)
        ]
    else:
        hover = [
            f"{w}<br>{_fmt_count(o)} tickets<br>expected {'–' if e is None else f'{e:.1f}'}"
            f" ({_BAND_NAME} {_fmt_count(lo)} to {_fmt_count(hi)})"
            for w, o, e, lo, hi in zip(when, obs, exp, low, high, strict=True)
        ]
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=high, mode="lines", line={"width": 0}, name=_BAND_NAME, showlegend=False,
        hoverinfo="skip", connectgaps=False,
    )  # fmt: skip
    fig.add_scatter(
        x=x, y=low, mode="lines", line={"width": 0}, fill="tonexty", fillcolor=_BAND_FILL,
        name=_BAND_NAME, hoverinfo="skip", connectgaps=False,
    )  # fmt: skip
    name = "Sentiment" if sentiment else "Tickets"
    hit = [o if m else None for o, m in zip(obs, mark, strict=True)]
    if sentiment:
        fig.add_scatter(
            x=x, y=obs, mode="lines+markers", name=name, text=hover, showlegend=False,
            hovertemplate="%{text}<extra></extra>", connectgaps=True,
            line={"color": _SENTIMENT, "width": 1.5}, marker={"size": 4},
        )  # fmt: skip
        fig.add_scatter(
            x=x, y=hit, mode="markers", name="Alert", text=hover,
            hovertemplate="%{text}<extra></extra>",
            marker={"color": COLORS["bad"], "size": 8, "symbol": "diamond"},
        )  # fmt: skip
    else:
        plain = [None if m else o for o, m in zip(obs, mark, strict=True)]
        fig.add_bar(
            x=x, y=plain, name=name, marker_color=_BAR, text=hover, textposition="none",
            hovertemplate="%{text}<extra></extra>", showlegend=False,
        )  # fmt: skip
        fig.add_bar(
            x=x, y=hit, name="Alert", marker_color=COLORS["bad"], text=hover,
            textposition="none", hovertemplate="%{text}<extra></extra>",
        )  # fmt: skip
    fig.add_scatter(
        x=x, y=exp, mode="lines", name="Expected", hoverinfo="skip",
        line={"color": _EXPECTED, "dash": "dash", "width": 1.5},
    )  # fmt: skip
    start = alert["start"]
    end = alert["end"] + dt.timedelta(days=1)
    if weekly:  # bars sit on Mondays: shade from half a week before to half a week after
        start, end = start - dt.timedelta(days=3.5), alert["end"] - dt.timedelta(days=2.5)
    else:
        start, end = start - dt.timedelta(hours=12), end - dt.timedelta(hours=12)
    fig.add_vrect(x0=start, x1=end, fillcolor=COLORS["bad"], opacity=0.08, line_width=0)
    fig.update_layout(barmode="overlay", bargap=0.15, hovermode="closest")
    fig.update_yaxes(
        title="Mean sentiment" if sentiment else ("Tickets a week" if weekly else "Tickets a day"),
        rangemode="normal" if sentiment else "tozero",
        zeroline=sentiment,
        zerolinecolor="#D6D3D1",
    )
    base_layout(fig, height=height)
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"font": {"size": 10}, "itemwidth": 30, "y": 1.0, "traceorder": "normal"},
        hovermode="closest",
    )
    return fig


# --------------------------------------------------------------------------------------------
# Weekly topics, leading indicators
# --------------------------------------------------------------------------------------------


def weekly_note(granularity: pl.DataFrame, *, min_daily: float = 3.0) -> str | None:
    """A sentence naming the topics judged per week because they are small (``None`` if none).

    ``granularity`` is :func:`lib.anomaly.topic_granularity`.

    >>> g = pl.DataFrame({"topic": ["Refunds", "How-to"], "mean_daily": [1.23, 17.6],
    ...                   "granularity": ["week", "day"], "judged": [True, True]})
    >>> weekly_note(g)
    'Judged per week because they average fewer than 3 tickets a day: Refunds (1.2 a day).'
    """
    small = granularity.filter(pl.col("granularity") == "week").sort("topic")
    if small.height == 0:
        return None
    names = [
        f"{r['topic']} ({r['mean_daily']:.1f} a day)"
        for r in small.select("topic", "mean_daily").iter_rows(named=True)
    ]
    return (
        f"Judged per week because they average fewer than {min_daily:g} tickets a day: "
        + ", ".join(names)
        + "."
    )


#: Display columns of the leading-indicators table (see :func:`leading_table`).
LEADING_VIEW: tuple[tuple[str, str, str], ...] = (
    ("topic", "Topic", "text"), ("signals", "Rising", "text"),
    ("tickets_recent", "Tickets (recent)", "int"), ("volume_recent", "A day (recent)", "float"),
    ("volume_baseline", "A day (before)", "float"),
    ("negative_share_recent", "Negative (recent)", "pct"),
    ("negative_share_baseline", "Negative (before)", "pct"),
    ("escalation_rate_recent", "Escalated (recent)", "pct"),
    ("escalation_rate_baseline", "Escalated (before)", "pct"),
)  # fmt: skip

_SIGNALS = (("volume", "volume"), ("negative", "negative share"), ("escalation", "escalation rate"))


def _signals() -> pl.Expr:
    parts = [
        pl.when(pl.col(f"{c}_significant") & (pl.col(f"{c}_direction") == "up"))
        .then(pl.lit(label))
        .otherwise(None)
        for c, label in _SIGNALS
    ]
    return pl.concat_str(parts, separator=", ", ignore_nulls=True).replace("", "–")


def leading_table(leading: pl.DataFrame) -> pl.DataFrame:
    """Display table of :func:`lib.anomaly.leading_indicators`: rising topics first, with the
    signals that rose significantly (``Rising``) and recent against earlier values.

    >>> from lib.anomaly import leading_indicators, simulate_tickets
    >>> t = simulate_tickets(days=84, topics={"a": 20.0, "b": 20.0},
    ...                      events=[("b", "volume", 70, 2.0, 14)])
    >>> leading_table(leading_indicators(t)).select("Topic", "Rising").rows()
    [('b', 'volume'), ('a', '–')]
    """
    return present(leading.with_columns(_signals().alias("signals")), LEADING_VIEW)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def leading_notes(leading: pl.DataFrame) -> list[str]:
    """One plain sentence per significantly rising signal of a topic (rising topics only).

    >>> lead = pl.DataFrame({"topic": ["Data export"], "volume_recent": [6.4],
    ...     "volume_baseline": [6.9], "volume_significant": [False], "volume_direction": ["down"],
    ...     "negative_share_recent": [0.45], "negative_share_baseline": [0.18],
    ...     "negative_significant": [True], "negative_direction": ["up"],
    ...     "escalation_rate_recent": [0.2], "escalation_rate_baseline": [0.19],
    ...     "escalation_significant": [False], "escalation_direction": ["up"]})
    >>> leading_notes(lead)
    ['Data export: negative share 45% against 18% before']
    """
    notes = []
    for r in leading.iter_rows(named=True):
        bits = []
        if r["volume_significant"] and r["volume_direction"] == "up":
            bits.append(
                f"volume {r['volume_recent']:.1f} tickets a day against "
                f"{r['volume_baseline']:.1f} before"
            )
        if r["negative_significant"] and r["negative_direction"] == "up":
            bits.append(
                f"negative share {_pct(r['negative_share_recent'])} against "
                f"{_pct(r['negative_share_baseline'])} before"
            )
        if r["escalation_significant"] and r["escalation_direction"] == "up":
            bits.append(
                f"escalation rate {_pct(r['escalation_rate_recent'])} against "
                f"{_pct(r['escalation_rate_baseline'])} before"
            )
        if bits:
            notes.append(f"{r['topic']}: " + "; ".join(bits))
    return notes


def overall_note(overall: pl.DataFrame, *, rising: int = 0) -> str:
    """The overall escalation rate over the same days (``overall`` is
    :func:`lib.anomaly.leading_indicators` with every ticket in one topic), and how many topics
    (``rising``) are rising while it has not moved.

    >>> o = pl.DataFrame({"escalation_rate_recent": [0.125], "escalation_rate_baseline": [0.12],
    ...     "escalation_p": [0.61], "escalation_significant": [False],
    ...     "escalation_direction": ["up"]})
    >>> overall_note(o, rising=1)
    'Overall escalation rate 12.5% against 12.0% before: no significant change (p=0.61). 1 topic is rising ahead of it.'
    """  # noqa: E501
    if overall.height == 0:
        return "No tickets in these days."
    r = overall.row(0, named=True)
    p = r["escalation_p"]
    ptxt = "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"
    if r["escalation_significant"]:
        verdict = f"significantly {r['escalation_direction']} ({ptxt})"
    else:
        verdict = f"no significant change ({ptxt})"
    text = (
        f"Overall escalation rate {_pct_1(r['escalation_rate_recent'])} against "
        f"{_pct_1(r['escalation_rate_baseline'])} before: {verdict}."
    )
    if rising and not r["escalation_significant"]:
        word = "topic is" if rising == 1 else "topics are"
        text += f" {rising} {word} rising ahead of it."
    return text


def _pct_1(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"
