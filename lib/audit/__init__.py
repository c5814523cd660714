"""Escalation rates, trends, breakdowns, drivers, routing and idle tickets (pure Polars).

Every function takes a canonical ticket frame (see :mod:`lib.schema`) plus column names and
keyword-only options, and returns a small aggregated frame or a dataclass. Rates always sit next
to their denominator, and rates shown on their own carry a Wilson interval (DESIGN.md section 5).
A change between two periods is only called significant after a two-proportion z-test
(per-row tests of a breakdown also allow for clustering by day and for many rows).

Modules: :mod:`~lib.audit.rates` (Wilson intervals, two-proportion test),
:mod:`~lib.audit.filters`, :mod:`~lib.audit.headline` (KPIs and narrative),
:mod:`~lib.audit.maturity` (the escalation horizon: mature tickets, escalated within H days),
:mod:`~lib.audit.trends`, :mod:`~lib.audit.breakdowns`, :mod:`~lib.audit.escalation_drivers`
(drivers, Pareto, Tier 1 resolution), :mod:`~lib.audit.routing`, :mod:`~lib.audit.idle`,
:mod:`~lib.audit.repeat_customers`, :mod:`~lib.audit.change_impact` (before/after a change:
segmented regression), :mod:`~lib.audit.decompose` (mix vs within-segment rates) and
:mod:`~lib.audit.significance` (design effects by day, Benjamini-Hochberg q-values) and
:mod:`~lib.audit.story` (what changed in a period and what drives it, read by every page).
Every public name is re-exported here: ``from lib import audit`` then ``audit.breakdown(...)``.

Conventions
-----------
- Counts are ``Int64``; rates are ``Float64`` in 0..1; a rate whose denominator is 0 is null
  (never NaN) and its interval is the whole 0..1 range.
- Missing values of a grouping column show up as :data:`MISSING` (``"(none)"``), and
  :func:`apply_filters`, :func:`slice_tickets` and :func:`top_values` accept that label back, so
  a drill-down into the "(none)" row finds its tickets.
- Empty input returns empty frames (with their usual columns), never an exception.

Example
-------
>>> import polars as pl
>>> from datetime import datetime, UTC
>>> t = pl.DataFrame({
...     "created_at": [datetime(2024, 1, d, tzinfo=UTC) for d in (1, 1, 2, 9)],
...     "channel": ["chat", "email", "chat", "chat"],
...     "escalated": [True, False, False, True],
... })
>>> rate_by(t, "channel").select("channel", "tickets", "escalations", "rate")
shape: (2, 4)
┌─────────┬─────────┬─────────────┬──────────┐
│ channel ┆ tickets ┆ escalations ┆ rate     │
│ ---     ┆ ---     ┆ ---         ┆ ---      │
│ str     ┆ i64     ┆ i64         ┆ f64      │
╞═════════╪═════════╪═════════════╪══════════╡
│ chat    ┆ 3       ┆ 2           ┆ 0.666667 │
│ email   ┆ 1       ┆ 0           ┆ 0.0      │
└─────────┴─────────┴─────────────┴──────────┘
"""

from __future__ import annotations

from lib.audit._common import MISSING, MetricsError
from lib.audit.breakdowns import (
    SLICE_COLUMNS,
    breakdown,
    heatmap,
    rate_by,
    slice_tickets,
    top_values,
)
from lib.audit.change_impact import BeforeAfter, SegmentedFit, before_after, segmented_fit
from lib.audit.decompose import (
    Decomposition,
    decompose_counts,
    explain_decomposition,
    rate_change_decomposition,
)
from lib.audit.escalation_drivers import IMPACT_EXPLANATIONS, drivers, pareto, tier1_resolution
from lib.audit.filters import Filters, apply_filters, dates_cover
from lib.audit.headline import KpiTable, kpis, narrative
from lib.audit.idle import AGE_BUCKETS, OPEN_STATUSES, IdleTickets, idle_tickets
from lib.audit.maturity import Horizon, HorizonChoice, choose_horizon, export_time
from lib.audit.rates import TestResult, two_proportion_test, wilson_exprs, wilson_interval
from lib.audit.repeat_customers import repeat_contacts
from lib.audit.routing import (
    ReassignmentSummary,
    first_response_by,
    first_response_trend,
    reassignment_summary,
    time_to_escalate,
)
from lib.audit.significance import bh_q_values, design_effects, rises_in_words
from lib.audit.story import Story, StoryWords, period_story, story_words, with_story_q
from lib.audit.trends import quarter_comparison, trend

__all__ = [
    "AGE_BUCKETS",
    "IMPACT_EXPLANATIONS",
    "MISSING",
    "OPEN_STATUSES",
    "SLICE_COLUMNS",
    "BeforeAfter",
    "Decomposition",
    "Filters",
    "Horizon",
    "HorizonChoice",
    "IdleTickets",
    "KpiTable",
    "MetricsError",
    "ReassignmentSummary",
    "SegmentedFit",
    "Story",
    "StoryWords",
    "TestResult",
    "apply_filters",
    "before_after",
    "bh_q_values",
    "breakdown",
    "choose_horizon",
    "dates_cover",
    "decompose_counts",
    "design_effects",
    "drivers",
    "explain_decomposition",
    "export_time",
    "first_response_by",
    "first_response_trend",
    "heatmap",
    "idle_tickets",
    "kpis",
    "narrative",
    "pareto",
    "period_story",
    "quarter_comparison",
    "rate_by",
    "rate_change_decomposition",
    "reassignment_summary",
    "repeat_contacts",
    "rises_in_words",
    "segmented_fit",
    "slice_tickets",
    "story_words",
    "tier1_resolution",
    "time_to_escalate",
    "top_values",
    "trend",
    "two_proportion_test",
    "wilson_exprs",
    "wilson_interval",
    "with_story_q",
]
