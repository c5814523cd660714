"""Reading an agent comparison: orderings, rank changes, skill or policy, stability, peers.

:mod:`lib.outliers` does the statistics (expected escalations from the case mix, funnel limits,
flags). This module turns its results into what the Agents page says and shows:

- :func:`adjusted_order` and :func:`raw_order`: the two rankings as the page lists them
  (judged agents first, by z; and by raw escalation rate), with a ``status`` in words;
- :func:`rank_shift`: how many agents change place between the raw and the adjusted ranking;
- :func:`unjudged_sentence`: which agents are shown but not judged, and why;
- :func:`skill_policy_split`: an agent's excess split by the categories' skill / policy tags,
  and which dominates (or that the categories are untagged, instead of a guess);
- :func:`history_summary` and :func:`stability_sentence`: whether an agent was flagged in
  earlier months too (from :func:`lib.outliers.flag_history`);
- :func:`peer_comparison`: reassignments, time to escalate and first reply against everyone
  else's tickets;
- :func:`agent_detail`: the drill-down bundle for one agent (categories, trend, peers, tickets).

Example
-------
>>> import polars as pl
>>> table = pl.DataFrame({
...     "agent": ["ann", "bob", "cat"], "tickets": [100, 100, 10],
...     "raw_rate": [0.30, 0.10, 0.50], "z": [-0.5, 2.5, 0.4],
...     "judged": [True, True, False], "flagged": [False, True, False],
...     "direction": [None, "high", None],
... })
>>> adjusted_order(table).select("place", "agent", "status").rows()
[(1, 'bob', 'Flagged high'), (2, 'ann', 'In line'), (3, 'cat', 'Not judged')]
>>> rank_shift(table).sentence
'2 of 3 agents change place between the raw and the adjusted ranking. Biggest moves: cat from 1st to 3rd; bob from 3rd to 1st.'
"""  # noqa: E501

from __future__ import annotations

from lib.agent_review._common import AgentReviewError
from lib.agent_review.detail import AgentDetail, agent_detail, trend_every
from lib.agent_review.peers import escalated_tickets, peer_comparison
from lib.agent_review.ranking import (
    STATUS_LABELS,
    RankShift,
    adjusted_order,
    ordinal,
    q_label_expr,
    rank_shift,
    raw_order,
    raw_ranking,
    status_expr,
)
from lib.agent_review.skill_policy import SkillPolicySplit, skill_policy_split
from lib.agent_review.stability import history_summary, stability_sentence
from lib.agent_review.wording import (
    agent_sentence,
    case_mix_sentence,
    dispersion_figures,
    dispersion_sentence,
    flag_notes,
    funnel_caption,
    not_comparable_sentence,
    unjudged_sentence,
)

__all__ = [
    "STATUS_LABELS",
    "AgentDetail",
    "AgentReviewError",
    "RankShift",
    "SkillPolicySplit",
    "adjusted_order",
    "agent_detail",
    "agent_sentence",
    "case_mix_sentence",
    "dispersion_figures",
    "dispersion_sentence",
    "escalated_tickets",
    "flag_notes",
    "funnel_caption",
    "history_summary",
    "not_comparable_sentence",
    "ordinal",
    "peer_comparison",
    "q_label_expr",
    "rank_shift",
    "raw_order",
    "raw_ranking",
    "skill_policy_split",
    "stability_sentence",
    "status_expr",
    "trend_every",
    "unjudged_sentence",
]
