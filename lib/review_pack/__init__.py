"""Review meetings: the agenda built from the data, the minutes and the offline review pack.

Pure functions (no Streamlit, no database): the page reads the store, hands the frames in, and
writes back what the user decides.

- :func:`review_facts` computes what a meeting looks at for its review period: headline
  numbers against the previous period and the baseline (:func:`lib.audit.kpis`), the weekly
  trend, the top drivers with their change (:func:`lib.audit.breakdown`) and the agents whose
  escalations exceed what their case mix predicts (:mod:`lib.outliers`, when installed).
  (:mod:`lib.review_pack.facts`)
- :func:`build_agenda` turns those facts, the alerts sent to the agenda and the action items
  still open from earlier meetings (overdue first) into proposed agenda items.
  (:mod:`lib.review_pack.agenda`)
- :func:`action_edits` turns the edits of the action-item table into per-item changes carrying
  the version the user saw (the store refuses a change when the item moved since).
  (:mod:`lib.review_pack.actions`)
- :func:`action_effects` compares the escalation rate of each closed item's linked category,
  agent or channel before and after the item was created. (:mod:`lib.review_pack.effects`)
- :func:`minutes_markdown` and :func:`review_pack_html` (:func:`meeting_pack_html` for a
  stored meeting's alerts and zone) write the minutes and the
  self-contained review pack (inline SVG charts and CSS only: it opens offline and prints well).
  Every text a user typed is escaped. (:mod:`lib.review_pack.minutes`,
  :mod:`lib.review_pack.html_pack`)
"""

from __future__ import annotations

from lib.review_pack._common import ReviewPackError
from lib.review_pack.actions import (
    ACTION_COLUMNS,
    EDITABLE_FIELDS,
    ActionEdit,
    action_edits,
    split_actions,
)
from lib.review_pack.agenda import (
    HEADLINE_REF,
    SOURCE_LABELS,
    AgendaEntry,
    build_agenda,
    default_link,
    headline_title,
)
from lib.review_pack.effects import action_effects, alert_series
from lib.review_pack.facts import (
    AgentFlags,
    ReviewFacts,
    flagged_agents,
    meeting_periods,
    review_facts,
)
from lib.review_pack.html_pack import meeting_pack_html, review_pack_html
from lib.review_pack.minutes import minutes_markdown

__all__ = [
    "ACTION_COLUMNS",
    "EDITABLE_FIELDS",
    "HEADLINE_REF",
    "SOURCE_LABELS",
    "ActionEdit",
    "AgendaEntry",
    "AgentFlags",
    "ReviewFacts",
    "ReviewPackError",
    "action_edits",
    "action_effects",
    "alert_series",
    "build_agenda",
    "default_link",
    "flagged_agents",
    "headline_title",
    "meeting_pack_html",
    "meeting_periods",
    "minutes_markdown",
    "review_facts",
    "review_pack_html",
    "split_actions",
]
