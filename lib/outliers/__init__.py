"""Case-mix adjusted agent comparison: who escalates more than their own tickets predict.

A raw ranking by escalation rate punishes agents who take the hard categories, the enterprise
customers or the phone queue, and it trusts the noisy rate of an agent with a handful of tickets.
This module compares each agent with what *their own* mix of tickets would predict, the way
health-care quality teams compare hospitals (Spiegelhalter 2005, "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202):

1. A logistic model (a binomial GLM) of ``escalated`` on the case-mix columns (category, channel,
   priority, customer tier: those the data has), with no agent term, fitted on all tickets in the
   period, including the unassigned ones (:func:`fit_case_mix`). It runs statsmodels' IRLS steps
   (start, weights, clipping, deviance, stopping rule) with a QR solve per step; the tests hold
   it to ``statsmodels.api.GLM`` (``casemix._fit_binomial``).
2. Expected escalations per agent = the sum of the model's probabilities over their tickets.
   The indirectly standardised ratio O/E, with an exact Poisson interval on O.
3. A z-score per agent, z = (O - E) / sqrt(V) with V = sum p(1 - p) over their tickets (the
   variance of O if the model is right), widened for overdispersion estimated from winsorised
   z-scores of the judged agents: additively (random effects, the default) or multiplicatively
   (``"winsorised"``).
4. Two-sided p-values, Benjamini-Hochberg q-values across the judged agents (those with at least
   ``min_expected`` expected escalations); flagged when q < ``q_level``.
5. By default the model is then refitted without the flagged agents' tickets and everyone is
   compared again, until the flags settle (``reference="in_control"``): the standard is what
   agents in line with the team escalate, not an average the outliers have already raised.

On the ratio scale y = O/E has target 1 and standard error s = sqrt(V) / E, so z = (y - 1) / s
and the funnel limits are 1 -/+ k s. This is Spiegelhalter's (2005) form for indirectly
standardised ratios, with the binomial V in place of the Poisson E. The square-root scale
(Care Quality Commission) was also tried: on 200 seeded helpdesks it found fewer raised agents
(62% against 69%) and made more false flags (realised FDR 5.0% against 1.5%), because it shrinks
an excess and exaggerates a shortfall at small E (``scripts/bench_outliers.py``).

Example
-------
>>> import polars as pl
>>> tickets = pl.DataFrame({
...     "agent": ["ann"] * 60 + ["bob"] * 40,
...     "category": (["api"] * 30 + ["faq"] * 30) + (["faq"] * 40),
...     "escalated": [True] * 12 + [False] * 18 + [True] * 3 + [False] * 27
...     + [True] * 4 + [False] * 36,
... })
>>> t = agent_outliers(tickets, min_expected=1, leave_one_out=False)
>>> t.select("agent", "tickets", "escalated", "expected", "ratio").sort("agent")
shape: (2, 5)
┌───────┬─────────┬───────────┬──────────┬───────┐
│ agent ┆ tickets ┆ escalated ┆ expected ┆ ratio │
│ ---   ┆ ---     ┆ ---       ┆ ---      ┆ ---   │
│ str   ┆ i64     ┆ i64       ┆ f64      ┆ f64   │
╞═══════╪═════════╪═══════════╪══════════╪═══════╡
│ ann   ┆ 60      ┆ 15        ┆ 15.0     ┆ 1.0   │
│ bob   ┆ 40      ┆ 4         ┆ 4.0      ┆ 1.0   │
└───────┴─────────┴───────────┴──────────┴───────┘

Ann's raw rate (25%) is two and a half times Bob's (10%), but her tickets predict exactly that.
(Here the model is fitted on both agents' tickets; by default each agent's expected count comes
from the others' tickets only, and Ann, alone on "api", would be "not comparable".)

Since issue 13 each ticket is credited to the agent who escalated it (``owner``), the case mix
has the group at creation and the month, expected counts are leave-one-agent-out with the
coefficients' uncertainty in the variance (:mod:`lib.outliers.loo`), agents mostly on tickets
nobody else handles are "not comparable", and ratios are also shrunk by empirical Bayes
(:mod:`lib.outliers.shrink`), which replaces the hard minimum for quiet agents.
"""

from __future__ import annotations

from lib.outliers.casemix import (
    CASE_MIX,
    NONE_LEVEL,
    OTHER_LEVEL,
    CaseMixModel,
    fit_case_mix,
    usable_case_mix,
)
from lib.outliers.cells import Cells, ticket_cells
from lib.outliers.codes import TicketCodes, encode_tickets
from lib.outliers.compare import (
    METHODS,
    REFERENCES,
    AgentComparison,
    agent_comparison,
    agent_outliers,
    comparison_of_cells,
)
from lib.outliers.dispersion import winsorise
from lib.outliers.drilldown import (
    agent_category_breakdown,
    agent_expected_trend,
    flag_history,
    history_of_cells,
)
from lib.outliers.fdr import benjamini_hochberg
from lib.outliers.funnel import FUNNEL_LEVELS, funnel_limits
from lib.outliers.inputs import OutlierError
from lib.outliers.loo import LeaveOneOut, leave_one_out
from lib.outliers.owner import OWNER_LABELS, OWNERS, Owner, receivers_note, responsible_owner
from lib.outliers.shrink import Shrunken, shrink_ratios

__all__ = [
    "CASE_MIX",
    "FUNNEL_LEVELS",
    "METHODS",
    "NONE_LEVEL",
    "OTHER_LEVEL",
    "OWNERS",
    "OWNER_LABELS",
    "REFERENCES",
    "AgentComparison",
    "CaseMixModel",
    "Cells",
    "LeaveOneOut",
    "OutlierError",
    "Owner",
    "Shrunken",
    "TicketCodes",
    "agent_category_breakdown",
    "agent_comparison",
    "agent_expected_trend",
    "agent_outliers",
    "benjamini_hochberg",
    "comparison_of_cells",
    "encode_tickets",
    "fit_case_mix",
    "flag_history",
    "funnel_limits",
    "history_of_cells",
    "leave_one_out",
    "receivers_note",
    "responsible_owner",
    "shrink_ratios",
    "ticket_cells",
    "usable_case_mix",
    "winsorise",
]
