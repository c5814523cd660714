"""The seeded demo helpdesk: a realistic B2B support desk with a few known effects planted in it.

The app opens on it (``make run``), tests measure methods against it, and benchmarks scale it up.
Everything is drawn with numpy from one seed, fully vectorised (a million tickets take seconds).

What it looks like: 15 front-line agents of different volumes in two regional Tier 1 groups and a
Billing group, escalations moving tickets to "Tier 2" or "Tier 3 Engineering"; 5 channels, 10
categories with very different escalation rates, priorities, ~200 customer organisations on
free/pro/enterprise plans, a weekly rhythm and a mild upward trend, subjects whose wording carries
sentiment, first-reply and resolution times, reopens, group stations and satisfaction ratings.

What is planted (see :class:`DemoTruth` and :func:`demo_truth`):

- one agent escalates about 2.5 times the odds their case mix predicts (moderate volume, an
  easy-leaning mix, so the raw ranking does not single them out);
- one agent takes mostly hard categories and enterprise customers: raw rate about twice the
  average, no effect of their own (tops the raw ranking, not an outlier after adjustment);
- a three-day x3 volume spike in one topic within the last 30 days, a sustained x1.6 level shift
  in another about 25 days before the end, and a sentiment drop (more negative subjects) in a
  third over the last ~20 days;
- two policy categories (refunds, account deletion) that Tier 1 may not resolve, so they are
  nearly always escalated whoever handles them.

The assignee is the front-line owner, who keeps the ticket while a higher tier works it, so an
agent comparison attributes each escalation to the agent who escalated. Like a real Zendesk export,
the demo has no sentiment column of its own: ``sentiment`` is null, to be scored from the subject.

Example
-------
>>> from lib.demo import demo_tickets, demo_truth
>>> t = demo_tickets(days=60, tickets_per_day=20)
>>> t.get_column("source").unique().to_list()
['demo']
>>> demo_truth(days=60).policy_categories
('Refunds & credits', 'Account deletion')
"""

from __future__ import annotations

from lib.demo.catalogue import (
    CATEGORIES,
    CHANNELS,
    DEFAULT_END,
    ESCALATION_GROUPS,
    GROUPS,
    SUBJECT_TEMPLATES,
    TIERS,
    VIA_LABELS,
)
from lib.demo.export import EXPORT_COLUMNS, demo_export, write_demo_export
from lib.demo.tickets import demo_tickets
from lib.demo.truth import DemoTruth, demo_truth

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "DEFAULT_END",
    "ESCALATION_GROUPS",
    "EXPORT_COLUMNS",
    "GROUPS",
    "SUBJECT_TEMPLATES",
    "TIERS",
    "VIA_LABELS",
    "DemoTruth",
    "demo_export",
    "demo_tickets",
    "demo_truth",
    "write_demo_export",
]
