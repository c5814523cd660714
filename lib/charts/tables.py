"""Declarative display tables of the audit pages: ``(source column, header, kind)`` tuples and
:func:`present`, which applies them.

Display tables follow one naming convention that the page glue (``ui.table``) turns into
column formats: a header ending in ``%`` holds a percentage (0..100), ``(pts)`` a change in
percentage points, ``(h)`` hours, ``(min)`` minutes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from lib.plain_words import NOISE, NOISE_ALL

__all__ = [
    "BEFORE_AFTER_VIEW",
    "COVERAGE_VIEW",
    "DRIVER_VIEW",
    "QUARTER_VIEW",
    "REPEAT_VIEW",
    "SLICE_VIEW",
    "TAG_VIEW",
    "TICKET_LIST_VIEW",
    "TIER1_VIEW",
    "breakdown_view",
    "duration_view",
    "present",
    "rate_view",
    "reassign_view",
]

#: Display columns (see :func:`present`) of the quarter-over-quarter table.
QUARTER_VIEW = (
    ("quarter", "Quarter", "text"), ("days_covered", "Days with data", "int"),
    ("tickets", "Tickets", "int"), ("escalations", "Escalations", "int"),
    ("rate", "Rate", "pct"), ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("change", "Change vs previous quarter", "pts"), ("p_value", NOISE, "pct"),
    ("verdict", "Verdict", "text"),
)  # fmt: skip


#: Display columns of a drill-down's ticket list (:func:`lib.audit.slice_tickets`).
SLICE_VIEW = (
    ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("subject", "Subject", "text"), ("agent", "Agent", "text"),
    ("escalated", "Escalated", "bool"), ("escalation_reason", "Why it counts as escalated", "text"),
)  # fmt: skip


#: Display columns of the drivers table (:func:`lib.audit.drivers` with a ``tag``).
DRIVER_VIEW = (
    ("rank", "Rank", "int"), ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("tickets", "Tickets", "int"), ("escalations", "Escalations", "int"),
    ("rate", "Rate", "pct"), ("share_of_escalations", "Share of escalations", "pct"),
    ("handling_hours_escalated", "Hours to solve, escalated", "hours"),
    ("handling_hours_other", "Hours to solve, others", "hours"),
    ("extra_handling_hours", "Extra hours per escalation", "hours"),
    ("impact_handling", "Extra hours in total", "float"),
    ("csat_escalated", "Satisfaction, escalated", "pct"),
    ("csat_other", "Satisfaction, others", "pct"),
    ("csat_gap", "Satisfaction gap", "pts"), ("impact_csat", "Satisfaction lost", "float"),
)  # fmt: skip

#: Display columns of the category tags table.
TAG_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("note", "Note", "text"), ("updated_by", "Tagged by", "text"),
)  # fmt: skip

#: Display columns of the Tier 1 resolution table (:func:`lib.audit.tier1_resolution`).
TIER1_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"), ("solved", "Solved", "int"),
    ("resolved_tier1", "Resolved at Tier 1", "int"), ("rate", "Tier 1 rate", "pct"),
    ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("gap", "Vs target", "pts"), ("meets_target", "Meets target", "bool"),
)  # fmt: skip

#: Display columns of the knowledge coverage table (store records joined to categories).
COVERAGE_VIEW = (
    ("category", "Category", "text"), ("tag", "Tag", "text"),
    ("article_exists", "Article exists", "bool"), ("accurate", "Accurate", "bool"),
    ("detailed_enough", "Detailed enough", "bool"), ("link", "Link", "text"),
    ("note", "Note", "text"), ("updated_by", "Recorded by", "text"),
)  # fmt: skip


def reassign_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :attr:`lib.audit.ReassignmentSummary.summary` per ``column``."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("known", "With a count", "int"), ("reassigned", "Reassigned", "int"),
        ("share_reassigned", "Reassigned", "pct"), ("share_low", "95% low", "pct"),
        ("share_high", "95% high", "pct"),
        ("first_assignment_correct_rate", "First assignment correct", "pct"),
        ("bounced", "Bounced 3+ times", "int"),
        ("mean_reassignments", "Mean reassignments", "float"),
    )  # fmt: skip


#: Display columns of ticket lists on the routing page (bounced and idle tickets).
TICKET_LIST_VIEW = (
    ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("last_activity", "Last activity", "datetime"), ("idle_hours", "Idle", "hours"),
    ("age_bucket", "Idle for", "text"), ("status", "Status", "text"),
    ("priority", "Priority", "text"), ("reassignments", "Reassignments", "int"),
    ("subject", "Subject", "text"), ("category", "Category", "text"),
    ("channel", "Channel", "text"), ("agent", "Agent", "text"), ("group", "Group", "text"),
    ("customer", "Customer", "text"), ("escalated", "Escalated", "bool"),
)  # fmt: skip


def duration_view(column: str, label: str, unit: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :func:`lib.audit.first_response_by` (``unit="minutes"``) or
    :func:`lib.audit.time_to_escalate` (``unit="hours"``)."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("escalations", "Escalations", "int"),
        ("tickets", "Tickets", "int"), ("responses", "With a time", "int"),
        ("n", "With a time", "int"), ("median", "Median", unit), ("p25", "25th pct", unit),
        ("p75", "75th pct", unit), ("p90", "90th pct", unit), ("mean", "Mean", unit),
    )  # fmt: skip


#: Display columns of :func:`lib.audit.repeat_contacts`.
REPEAT_VIEW = (
    ("customer", "Customer", "text"), ("customer_tier", "Tier", "text"),
    ("max_in_window", "Most tickets in 7 days", "int"), ("tickets", "Tickets", "int"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("first_burst_start", "First burst from", "datetime"),
    ("last_created", "Last ticket", "datetime"),
)  # fmt: skip


def rate_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of :func:`lib.audit.rate_by` (or :func:`lib.audit.top_values`)."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
        ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
        ("share_of_escalations", "Share of escalations", "pct"),
    )  # fmt: skip


#: Display columns of the weekly series of :func:`lib.audit.before_after`.
BEFORE_AFTER_VIEW = (
    ("week_start", "Week from", "date"), ("week", "Weeks from the change", "int"),
    ("segment", "Segment", "text"), ("tickets", "Tickets", "int"),
    ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
    ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
    ("fitted", "Trend line", "pct"),
)  # fmt: skip


#: Display columns of the most negative tickets of a topic (Anomalies page).
NEGATIVE_TICKETS_VIEW = (
    ("rank", "#", "int"), ("ticket_id", "Ticket", "text"), ("created_at", "Created", "datetime"),
    ("subject", "Subject", "text"), ("sentiment", "Sentiment", "float"),
)  # fmt: skip

#: Display columns of the stored datasets (Data page, Datasets tab).
DATASETS_VIEW = (
    ("id", "#", "int"), ("name", "Name", "text"), ("vendor", "Helpdesk", "text"),
    ("row_count", "Tickets", "int"), ("created_at", "Loaded", "datetime"),
    ("active", "Open now", "bool"),
)  # fmt: skip


def rating_checks_table(checks: Iterable[Any]) -> pl.DataFrame:
    """Display table of sentiment sources checked against ratings (:mod:`lib.sentiment_check`).

    >>> from lib.sentiment_check import RatingCheck
    >>> rating_checks_table([RatingCheck("subject", 300, 60, 0.55, 0.47, 0.63)]).row(0)
    ('subject', 300, 60, 0.55, 0.47, 0.63, 'barely better than a coin toss: do not act on sentiment alerts alone')
    """  # noqa: E501
    rows = [
        {
            "Source": c.source,
            "Rated tickets": c.rated,
            "Rated bad": c.bad,
            "AUC": c.auc,
            "95% low": c.low,
            "95% high": c.high,
            "Verdict": c.verdict,
        }
        for c in checks
    ]
    schema = {
        "Source": pl.String, "Rated tickets": pl.Int64, "Rated bad": pl.Int64, "AUC": pl.Float64,
        "95% low": pl.Float64, "95% high": pl.Float64, "Verdict": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def breakdown_view(column: str, label: str) -> tuple[tuple[str, str, str], ...]:
    """Display columns of a breakdown table (:func:`lib.audit.breakdown`, with an optional
    ``tag`` and ``verdict`` column) whose first column is ``column``, headed ``label``."""
    return (
        (column, label, "text"), ("tag", "Tag", "text"), ("tickets", "Tickets", "int"),
        ("escalations", "Escalations", "int"), ("rate", "Rate", "pct"),
        ("rate_low", "95% low", "pct"), ("rate_high", "95% high", "pct"),
        ("share_of_escalations", "Share of escalations", "pct"),
        ("previous_tickets", "Previous tickets", "int"),
        ("previous_rate", "Previous rate", "pct"), ("change", "Change", "pts"),
        ("p_value", NOISE, "pct"), ("q_value", NOISE_ALL, "pct"),
        ("design_effect", "Design effect", "float"), ("verdict", "Verdict", "text"),
        ("escalations_change", "Escalations vs previous", "int"),
    )  # fmt: skip


def present(frame: pl.DataFrame, columns: Iterable[tuple[str, str, str]]) -> pl.DataFrame:
    """A display table: ``columns`` are ``(source column, header, kind)``; missing sources are
    skipped. Kinds: ``text``, ``int``, ``float``, ``pct`` (0..1 shown as 0..100, header gets
    `` %``), ``pts`` (a 0..1 difference shown in percentage points, header gets `` (pts)``),
    ``hours`` (`` (h)``), ``minutes`` (`` (min)``), ``p`` (p-value), ``count`` (whole numbers:
    expected or excess escalations), ``bool``, ``date``,
    ``datetime``.

    >>> f = pl.DataFrame({"category": ["a"], "rate": [0.1234], "change": [-0.02]})
    >>> present(f, [("category", "Category", "text"), ("rate", "Rate", "pct"),
    ...             ("change", "Change", "pts"), ("nope", "Nope", "int")]).row(0)
    ('a', 12.34, -2.0)
    >>> present(f, [("rate", "Rate", "pct")]).columns
    ['Rate %']
    """
    suffix = {"pct": " %", "pts": " (pts)", "hours": " (h)", "minutes": " (min)"}
    exprs = []
    for src, header, kind in columns:
        if src not in frame.columns:
            continue
        col = pl.col(src)
        if kind in ("pct", "pts"):
            col = (col.cast(pl.Float64) * 100).round(2)
        elif kind in ("hours", "minutes", "float"):
            col = col.cast(pl.Float64).round(2)
        elif kind == "count":  # escalations, expected or excess: whole numbers
            col = col.cast(pl.Float64).round(0).cast(pl.Int64)
        elif kind == "p":
            col = col.cast(pl.Float64).round(4)
        exprs.append(col.alias(header + suffix.get(kind, "")))
    return frame.select(exprs)


#: The columns a display table shows right after its first (label) column, so that a phone
#: (390 px, about four columns) shows them without scrolling sideways.
KEY_COLUMNS = ("Rate %", "Escalations", "Tickets")


def key_first(frame: pl.DataFrame, keys: Iterable[str] = KEY_COLUMNS) -> pl.DataFrame:
    """``frame`` with its first column, then the ``keys`` it has, then the rest in order.

    >>> f = pl.DataFrame({"Channel": ["chat"], "Tag": ["–"], "Tickets": [11],
    ...                   "Escalations": [10], "Rate %": [90.9], "p-value": [0.01]})
    >>> key_first(f).columns
    ['Channel', 'Rate %', 'Escalations', 'Tickets', 'Tag', 'p-value']
    """
    first = frame.columns[:1]
    lead = [*first, *(k for k in keys if k in frame.columns and k not in first)]
    return frame.select(*lead, *(c for c in frame.columns if c not in lead))
