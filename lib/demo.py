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

import functools
import gzip
import io
import numbers
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from lib.schema import COLUMNS, SCHEMA

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

#: The default last day, fixed so that the shipped demo file is reproducible.
DEFAULT_END = date(2026, 11, 20)

MIN_DAYS = 56
MIN_AGENTS = 6

# ---------------------------------------------------------------------------------------------
# The helpdesk's vocabulary
# ---------------------------------------------------------------------------------------------

# name, share of volume, escalation probability at the reference mix (pro plan, normal priority,
# email), kind, tag, Zendesk ticket type
_CATEGORY_TABLE: tuple[tuple[str, float, float, str, str, str], ...] = (
    ("How-to", 0.28, 0.025, "easy", "how_to", "Question"),
    ("Onboarding", 0.12, 0.04, "easy", "onboarding", "Question"),
    ("Billing & invoices", 0.15, 0.035, "easy", "billing", "Question"),
    ("Data export", 0.10, 0.05, "medium", "data_export", "Task"),
    ("Performance", 0.10, 0.10, "medium", "performance", "Incident"),
    ("Login & SSO", 0.08, 0.24, "hard", "login_sso", "Incident"),
    ("API & integrations", 0.07, 0.30, "hard", "api", "Problem"),
    ("Bug report", 0.07, 0.27, "hard", "bug", "Incident"),
    ("Refunds & credits", 0.02, 0.90, "policy", "refund", "Task"),
    ("Account deletion", 0.01, 0.92, "policy", "account_deletion", "Task"),
)
#: The ten categories (topics), most frequent first.
CATEGORIES: tuple[str, ...] = tuple(row[0] for row in _CATEGORY_TABLE)
_SHARE = np.array([row[1] for row in _CATEGORY_TABLE])
_KIND = np.array([row[3] for row in _CATEGORY_TABLE])
_HARD = _KIND == "hard"
_POLICY = _KIND == "policy"
_CAT_TAG = tuple(row[4] for row in _CATEGORY_TABLE)
_TICKET_TYPE = tuple(row[5] for row in _CATEGORY_TABLE)
_TIER3_CATEGORIES = ("API & integrations", "Bug report", "Performance")

#: Channels (canonical names) and the label Zendesk's CSV export shows in its ``Via`` column.
CHANNELS: tuple[str, ...] = ("email", "chat", "phone", "web", "messaging")
VIA_LABELS: dict[str, str] = {
    "email": "Mail",
    "chat": "Chat",
    "phone": "Voice",
    "web": "Web form",
    "messaging": "Native Messaging",
}
TIERS: tuple[str, ...] = ("free", "pro", "enterprise")
_PRIORITIES = ("low", "normal", "high", "urgent")

#: All groups; escalated tickets end in one of :data:`ESCALATION_GROUPS`.
GROUPS: tuple[str, ...] = (
    "Tier 1 EMEA",
    "Tier 1 Americas",
    "Billing",
    "Tier 2",
    "Tier 3 Engineering",
)
ESCALATION_GROUPS: tuple[str, ...] = ("Tier 2", "Tier 3 Engineering")

# Effects on the log-odds of escalation (the generating model is additive on the logit scale).
_CHANNEL_LOGIT = np.array([0.0, -0.2, 0.45, 0.1, -0.35])
_PRIORITY_LOGIT = np.array([-0.5, 0.0, 0.4, 0.9])
_TIER_LOGIT = np.array([-0.3, 0.0, 0.45])

# P(tier | category kind), P(channel | tier), P(priority | tier, hard category)
_TIER_GIVEN_KIND = {
    "easy": (0.38, 0.45, 0.17),
    "medium": (0.28, 0.46, 0.26),
    "hard": (0.20, 0.42, 0.38),
    "policy": (0.32, 0.45, 0.23),
}
_CHANNEL_GIVEN_TIER = np.array(
    [
        [0.35, 0.25, 0.03, 0.25, 0.12],
        [0.38, 0.22, 0.10, 0.18, 0.12],
        [0.40, 0.15, 0.25, 0.10, 0.10],
    ]
)
_PRIORITY_GIVEN_TIER = np.array(
    [[0.30, 0.55, 0.12, 0.03], [0.20, 0.57, 0.17, 0.06], [0.10, 0.50, 0.28, 0.12]]
)

# Weekly rhythm (Monday first; weekends about 30% of a weekday) and hour-of-day profile (UTC:
# EMEA business hours plus the Americas afternoon).
_WEEKDAY = np.array([1.12, 1.08, 1.04, 1.0, 0.92, 0.31, 0.29])
_HOURS = 0.08 + np.array(
    [(1.0 if 7 <= h <= 16 else 0.0) + (0.9 if 13 <= h <= 22 else 0.0) for h in range(24)]
)

# First reply and resolution medians (minutes) by channel.
_FIRST_REPLY_MEDIAN = np.array([180.0, 3.0, 1.0, 240.0, 15.0])
_FIRST_REPLY_SIGMA = np.array([1.0, 0.8, 0.6, 1.0, 0.9])
_RESOLUTION_MEDIAN = np.array([900.0, 45.0, 30.0, 1100.0, 240.0])
_KIND_SLOWNESS = {"easy": 1.0, "medium": 1.8, "hard": 2.5, "policy": 2.0}

_AGENT_NAMES = (
    "Maya Chen", "Tom Becker", "Aisha Khan", "Lucas Silva", "Sofia Rossi", "Daniel Okafor",
    "Emma Larsen", "Jonas Weber", "Priya Nair", "Mateo Garcia", "Hannah Schmidt", "Omar Haddad",
    "Chloe Martin", "Ben Novak", "Yuki Tanaka", "Grace Mensah", "Leo Dubois", "Nina Petrova",
    "Samuel Brooks", "Ines Moreau", "Ravi Patel", "Lena Fischer", "Marco Bianchi", "Zoe Adams",
    "Felix Jansen", "Amara Obi", "Carlos Ruiz", "Julia Nowak", "Ethan Clarke", "Mina Park",
    "Oscar Lindqvist", "Fatima Zahra", "Noah Kim", "Elena Popescu", "Kofi Asante", "Laura Vidal",
    "Adam Horvath", "Sara Costa", "Victor Hugo Lima", "Ella Murphy",
)  # fmt: skip
_ORG_A = (
    "Northwind", "Bluepeak", "Ironbark", "Silverline", "Redwood", "Brightwater", "Granite",
    "Cobalt", "Evergreen", "Lakeside", "Summit", "Harbor", "Keystone", "Meridian", "Pinecrest",
    "Riverbend", "Stonebridge", "Suncoast", "Westfield", "Oakmont",
)  # fmt: skip
_ORG_B = (
    "Logistics", "Analytics", "Health", "Retail", "Robotics", "Energy", "Media", "Foods",
    "Capital", "Labs", "Travel", "Software",
)  # fmt: skip
_ORG_SUFFIX = ("Ltd", "GmbH", "Inc", "BV", "SA", "AB", "LLC", "Oy")
_FIRST = (
    "Alex", "Sam", "Jordan", "Taylor", "Chris", "Robin", "Kim", "Jamie", "Morgan", "Charlie",
    "Anna", "Peter", "Marta", "Ivan", "Lisa", "David", "Eva", "Hugo", "Ana", "Mark",
)  # fmt: skip
_LAST = (
    "Smith", "Müller", "Jones", "Dupont", "Rossi", "Jensen", "Kowalski", "Brown", "Santos",
    "Meyer", "Wilson", "Bakker", "Novak", "Lopez", "Hansen", "Taylor", "Moreau", "Berg",
)  # fmt: skip
N_ORGS = 200
_CONTACTS_PER_ORG = 6

#: Subject templates per category: (fillers, negative, neutral, positive templates). The tone
#: words are chosen so a lexicon scorer (VADER) reads them as intended.
SUBJECT_TEMPLATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "How-to": (
        ("dashboards", "user roles", "team views", "email alerts", "custom fields",
         "the mobile app", "scheduled reports"),
        ("Still can't figure out {x}, the docs are useless", "Frustrated: {x} makes no sense",
         "Wasted hours trying to set up {x}", "Terrible experience configuring {x}"),
        ("How do I configure {x}?", "Question about {x}", "Where do I find {x}?",
         "Setting up {x} for our team", "Can {x} be changed per user?"),
        ("Thanks! Quick question about {x}", "Love the product, how do I use {x}?",
         "Great webinar, follow-up question on {x}"),
    ),
    "Onboarding": (
        ("workspace setup", "user import", "the intro call", "our trial", "team invites",
         "the kickoff", "data migration"),
        ("Onboarding is a disaster, {x} still not done", "Very disappointed with {x}",
         "Nobody answered about {x}, this is unacceptable", "Stuck on {x} for days, frustrated"),
        ("Next steps for {x}", "Scheduling {x}", "Checklist for {x}", "Who owns {x} on your side?"),
        ("Excited to get started with {x}!", "Thanks for the help with {x}",
         "Great kickoff, question about {x}"),
    ),
    "Billing & invoices": (
        ("invoice", "VAT number", "purchase order", "billing address", "annual plan",
         "payment method", "seat count"),
        ("Wrong {x} again, this is ridiculous", "Charged twice, angry about the {x}",
         "Annoyed: {x} still incorrect", "Awful billing experience with the {x}"),
        ("Update our {x}", "Copy of {x} for March", "Question about the {x}",
         "Change {x} on our account", "{x} for the new fiscal year"),
        ("Thanks, quick question about our {x}", "Happy to renew, need the {x}",
         "Great service, please update the {x}"),
    ),
    "Data export": (
        ("CSV export", "the reporting API", "the nightly export", "the data warehouse sync",
         "the audit log export", "scheduled exports"),
        ("{x} is broken and we lost data", "{x} failing again, very frustrated",
         "Angry: {x} gives garbage", "{x} still broken after three days"),
        ("Columns in {x}", "Schedule for {x}", "Format of {x}", "Limits on {x}",
         "Adding fields to {x}"),
        ("Thanks for fixing {x}! One more question", "Love {x}, can it include more fields?",
         "Great improvement to {x}, quick question"),
    ),
    "Performance": (
        ("the dashboard", "search", "the reports page", "the inbox view", "the API",
         "page loads"),
        ("{x} is painfully slow, unacceptable", "Terrible performance on {x}",
         "{x} keeps timing out, we are losing customers", "{x} slow again, very frustrated"),
        ("Load time of {x}", "Latency on {x} from Frankfurt", "Timeouts on {x} at peak hours",
         "Benchmark numbers for {x}"),
        ("Thanks, {x} is faster now, one question", "Great work on {x}, small follow-up",
         "Appreciate the help with {x}"),
    ),
    "Login & SSO": (
        ("Okta SSO", "Azure AD login", "SAML", "Google sign-in", "two-factor login",
         "password reset"),
        ("{x} broken, nobody can log in, urgent", "{x} still failing after three days, furious",
         "Locked out again by {x}, terrible", "{x} is a disaster for our team"),
        ("Configure {x} for a new domain", "{x} setup for new users",
         "Certificate rotation for {x}", "Question about {x} settings"),
        ("Thanks, {x} works now, one more question", "Great docs on {x}, quick follow-up",
         "Appreciate the fast help with {x}"),
    ),
    "API & integrations": (
        ("the Salesforce integration", "the Slack app", "webhooks", "the REST API",
         "the HubSpot sync", "the Jira connector", "rate limits"),
        ("{x} broken again, very frustrated", "{x} failing silently, we lost data",
         "Angry: {x} still broken after three days", "Terrible reliability of {x}"),
        ("Question about {x}", "Setting up {x}", "Fields mapped by {x}",
         "Authentication for {x}", "Limits of {x}"),
        ("Love {x}! Quick question", "Thanks, {x} works great, small follow-up",
         "Great job on {x}, one idea"),
    ),
    "Bug report": (
        ("the editor", "notifications", "the calendar view", "file uploads", "the mobile app",
         "filters", "bulk edit"),
        ("{x} crashes constantly, unacceptable", "{x} broken after the update, furious",
         "Still broken: {x}, very frustrated", "Terrible bug in {x}, we lost work"),
        ("{x} date format differs from settings", "Unexpected behaviour in {x}",
         "{x} does not refresh", "Reproducible issue in {x}"),
        ("Thanks for the quick fix to {x}!", "Love the new {x}, spotted a small glitch",
         "Great release, tiny thing in {x}"),
    ),
    "Refunds & credits": (
        ("unused seats", "the annual plan", "the outage last week", "a duplicate charge",
         "the downgrade"),
        ("Demand a refund for {x}, unacceptable", "Furious about {x}, refund now",
         "Still no refund for {x}, terrible service"),
        ("Refund request for {x}", "Partial refund for {x}", "Refund status for {x}",
         "Prorated amount for {x}"),
        ("Thanks, asking about a credit for {x}", "Happy customer, small refund for {x}"),
    ),
    "Account deletion": (
        ("our workspace", "a former employee", "test accounts", "our trial account",
         "all personal data"),
        ("Delete {x} now, terrible experience", "Angry: still waiting to delete {x}",
         "Cancel and delete {x}, very disappointed"),
        ("Delete {x}", "GDPR deletion request for {x}", "Remove {x}",
         "Confirm deletion of {x}"),
        ("Thanks for everything, please delete {x}", "Great tool, but please remove {x}"),
    ),
}  # fmt: skip

#: Columns of :func:`demo_export`, in the order a Zendesk ticket CSV export shows them.
EXPORT_COLUMNS: tuple[str, ...] = (
    "Id",
    "Requester",
    "Organization",
    "Assignee",
    "Group",
    "Subject",
    "Tags",
    "Status",
    "Priority",
    "Via",
    "Ticket type",
    "Created at",
    "Updated at",
    "Solved at",
    "Satisfaction Score",
    "Group stations",
    "Assignee stations",
    "Reopens",
    "Replies",
    "First reply time in minutes",
    "Full resolution time in minutes",
    "Product area [list]",
    "Customer tier [list]",
)
#: Zendesk CSV timestamps: "2026-11-20 14:03:27 +0000".
EXPORT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"

_ESCALATION_REASON = "Group names a higher tier"
_S_PER_DAY = 86_400
# Random streams: the plan (truth, agents, organisations) and the tickets are drawn separately,
# so that the truth does not depend on the number of tickets. The ticket stream's key was picked
# (among the first few tried) so that the default demo shows the planted story without a chance
# distraction: no other agent beyond |z| = 3 after case-mix adjustment, the outlier mid-table
# in the raw ranking. Other seeds show ordinary chance variation around the same truth.
_PLAN_STREAM = 0xDE40
_TICKET_STREAM = 3


# ---------------------------------------------------------------------------------------------
# Truth and plan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTruth:
    """The effects planted in a demo helpdesk, for tests and for the demo walkthrough.

    Attributes
    ----------
    outlier_agent
        Escalates ``outlier_odds_ratio`` (2.5) times the odds their case mix predicts, outside
        the policy categories. Moderate volume and an easy-leaning mix, so their raw rate is
        unremarkable; an observed/expected ratio from a case-mix model shows about 1.8-2.
    hard_case_agent
        Takes mostly hard categories (API, SSO, bugs) and enterprise customers: raw rate about
        twice the average, no effect of their own (observed/expected about 1).
    spike_topic, spike_start, spike_end
        Volume x ``spike_factor`` (3) on three weekdays within the last 30 days (end inclusive).
    shift_topic, shift_start
        Volume x ``shift_factor`` (1.6) from ``shift_start`` (about 25 days before the end) on.
    sentiment_topic, sentiment_start
        From ``sentiment_start`` (about 20 days before the end) on, most subjects in that topic
        are worded negatively.
    policy_categories
        Tier 1 may not resolve these (refunds, account deletion): about 90% are escalated
        whoever handles them, and no agent effect applies.
    """

    outlier_agent: str
    hard_case_agent: str
    spike_topic: str
    spike_start: date
    spike_end: date
    shift_topic: str
    shift_start: date
    sentiment_topic: str
    sentiment_start: date
    policy_categories: tuple[str, ...]
    outlier_odds_ratio: float = 2.5
    spike_factor: float = 3.0
    shift_factor: float = 1.6


@dataclass(frozen=True)
class _Agent:
    name: str
    role: str  # hard_case, outlier, part_time, billing, generalist
    group: str
    volume: float
    category_pref: np.ndarray
    tier_pref: np.ndarray
    workdays: np.ndarray  # bool per weekday, Monday first


@dataclass(frozen=True)
class _Plan:
    truth: DemoTruth
    start: date
    end: date
    agents: tuple[_Agent, ...]
    org_names: tuple[str, ...]
    org_tier: np.ndarray
    org_weight: np.ndarray


def _check(seed: int, days: int, n_agents: int, end: date | None) -> date:
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(days, int | np.integer) or days < MIN_DAYS:
        raise ValueError(
            f"days must be an integer of at least {MIN_DAYS} (the planted events need a "
            f"baseline), got {days!r}"
        )
    if not isinstance(n_agents, int | np.integer) or not (
        MIN_AGENTS <= n_agents <= len(_AGENT_NAMES)
    ):
        raise ValueError(
            f"n_agents must be an integer from {MIN_AGENTS} to {len(_AGENT_NAMES)}, "
            f"got {n_agents!r}"
        )
    if end is None:
        return DEFAULT_END
    if isinstance(end, datetime) or not isinstance(end, date):
        raise ValueError(f"end must be a datetime.date, got {end!r}")
    return end


def _plan(seed: int, days: int, end: date | None, n_agents: int) -> _Plan:
    end = _check(seed, days, n_agents, end)
    rng = np.random.default_rng([int(seed), _PLAN_STREAM])
    start = end - timedelta(days=days - 1)

    # Topics: the spike, the shift and the sentiment drop each in a different category with
    # enough daily volume to judge.
    spike_topic = str(rng.choice(["Login & SSO", "Performance", "Data export", "Bug report"]))
    shift_pool = ("Billing & invoices", "Onboarding", "How-to", "Data export")
    shift_topic = str(rng.choice([c for c in shift_pool if c != spike_topic]))
    sentiment_pool = [
        c
        for c in ("Onboarding", "Billing & invoices", "Data export", "API & integrations",
                  "Performance", "How-to")
        if c not in (spike_topic, shift_topic)
    ]  # fmt: skip
    sentiment_topic = str(rng.choice(sentiment_pool))
    # A three-weekday spike starting Monday to Wednesday, 8 to 27 days before the end.
    candidates = [
        end - timedelta(days=k) for k in range(8, 28) if (end - timedelta(days=k)).weekday() <= 2
    ]
    spike_start = candidates[int(rng.integers(len(candidates)))]
    shift_start = end - timedelta(days=25 + int(rng.integers(-2, 3)))
    sentiment_start = end - timedelta(days=20 + int(rng.integers(-2, 3)))

    # Agents: names, roles, groups, volumes and preferences.
    names = [str(n) for n in rng.permutation(np.array(_AGENT_NAMES))[:n_agents]]
    roles = ["hard_case", "outlier", "part_time", "part_time", "billing", "billing"]
    roles += ["generalist"] * (n_agents - len(roles))
    order = rng.permutation(n_agents)
    roles = [roles[i] for i in order]
    agents = []
    region = 0
    part_time_seen = 0
    for name, role in zip(names, roles, strict=True):
        cat_pref = np.ones(len(CATEGORIES))
        tier_pref = np.ones(len(TIERS))
        workdays = np.ones(7, dtype=bool)
        volume = float(np.exp(rng.normal(0.0, 0.15)))
        if role == "hard_case":
            cat_pref = np.where(_HARD, 3.5, np.where(_POLICY, 0.3, 0.45))
            cat_pref[CATEGORIES.index("Performance")] = 1.0
            tier_pref = np.array([0.5, 1.0, 2.5])
            volume = 0.9
        elif role == "outlier":
            cat_pref = np.where(_HARD, 0.4, np.where(_POLICY, 0.15, 1.0))
            cat_pref[CATEGORIES.index("How-to")] = 1.3
            cat_pref[CATEGORIES.index("Onboarding")] = 1.3
            volume = 0.85
        elif role == "part_time":
            volume = 0.8  # per working day; they work two or three days a week
            workdays = np.zeros(7, dtype=bool)
            workdays[[0, 1, 2] if part_time_seen == 0 else [3, 4]] = True
            part_time_seen += 1
        elif role == "billing":
            cat_pref = np.full(len(CATEGORIES), 0.25)
            cat_pref[CATEGORIES.index("Billing & invoices")] = 8.0
            cat_pref[CATEGORIES.index("Refunds & credits")] = 1.5
            volume = 0.8
        else:
            cat_pref = np.exp(rng.normal(0.0, 0.15, len(CATEGORIES)))
        if role == "billing":
            group = "Billing"
        else:
            group = ("Tier 1 EMEA", "Tier 1 Americas")[region % 2]
            region += 1
        agents.append(_Agent(name, role, group, volume, cat_pref, tier_pref, workdays))

    # Customer organisations: names, plans and how much each one writes in.
    combos = [(a, b) for a in _ORG_A for b in _ORG_B]
    pick = rng.choice(len(combos), size=N_ORGS, replace=False)
    org_names = tuple(
        f"{combos[i][0]} {combos[i][1]} {_ORG_SUFFIX[int(rng.integers(len(_ORG_SUFFIX)))]}"
        for i in pick
    )
    org_tier = np.repeat(np.arange(3), [90, 75, 35])
    rng.shuffle(org_tier)
    org_weight = 1.0 / (rng.permutation(N_ORGS) + 3.0) ** 0.8

    truth = DemoTruth(
        outlier_agent=next(a.name for a in agents if a.role == "outlier"),
        hard_case_agent=next(a.name for a in agents if a.role == "hard_case"),
        spike_topic=spike_topic,
        spike_start=spike_start,
        spike_end=spike_start + timedelta(days=2),
        shift_topic=shift_topic,
        shift_start=shift_start,
        sentiment_topic=sentiment_topic,
        sentiment_start=sentiment_start,
        policy_categories=tuple(c for c, p in zip(CATEGORIES, _POLICY, strict=True) if p),
    )
    return _Plan(truth, start, end, tuple(agents), org_names, org_tier, org_weight)


def demo_truth(
    *, seed: int = 7, days: int = 180, end: date | None = None, n_agents: int = 15
) -> DemoTruth:
    """Return the effects planted in the demo helpdesk with these parameters.

    Cheap: it does not generate tickets. ``tickets_per_day`` does not change the truth.

    >>> t = demo_truth()
    >>> t.spike_end - t.spike_start
    datetime.timedelta(days=2)
    >>> t.outlier_agent != t.hard_case_agent
    True
    """
    return _plan(seed, days, end, n_agents).truth


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def _draw(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of ``rows``, draw a column of ``probs[row]`` (rows need not sum to 1)."""
    k, m = probs.shape
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(k)[:, None]).ravel()
    u = rng.random(rows.size)
    picked = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(picked - rows * m, m - 1)


@functools.cache
def _subject_table() -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray]:
    """All subjects as one array, with per (category, tone) offsets and template counts."""
    subjects: list[str] = []
    offset = np.zeros((len(CATEGORIES), 3), dtype=np.int64)
    n_templates = np.zeros((len(CATEGORIES), 3), dtype=np.int64)
    n_fillers = np.zeros(len(CATEGORIES), dtype=np.int64)
    for c, name in enumerate(CATEGORIES):
        fillers, *tones = SUBJECT_TEMPLATES[name]
        n_fillers[c] = len(fillers)
        for t, templates in enumerate(tones):
            offset[c, t] = len(subjects)
            n_templates[c, t] = len(templates)
            for template in templates:
                for filler in fillers:
                    text = template.format(x=filler)
                    subjects.append(text[0].upper() + text[1:])
    return tuple(subjects), offset, n_templates, n_fillers


def _day_number(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _generate(
    *, seed: int, days: int, tickets_per_day: float, end: date | None, n_agents: int
) -> tuple[pl.DataFrame, _Plan]:
    """Draw every ticket once; the canonical and the export frames are projections of it."""
    if (
        not isinstance(tickets_per_day, numbers.Real)
        or isinstance(tickets_per_day, bool)
        or not (0 < tickets_per_day <= 1e6)
    ):
        raise ValueError(f"tickets_per_day must be a number above 0, got {tickets_per_day!r}")
    plan = _plan(seed, days, end, n_agents)
    truth = plan.truth
    rng = np.random.default_rng([int(seed), _TICKET_STREAM])
    n_cat = len(CATEGORIES)

    # Daily volume per category: weekly rhythm, mild trend, noise, and the planted events.
    day0 = _day_number(plan.start)
    day_num = day0 + np.arange(days)
    weekday = (day_num + 3) % 7  # 1970-01-01 was a Thursday
    rhythm = _WEEKDAY / _WEEKDAY.mean()
    trend = np.exp(np.log(1.2) * (np.arange(days) / (days - 1) - 0.5))
    mu = tickets_per_day * (rhythm[weekday] * trend)[:, None] * _SHARE[None, :]
    mu *= rng.gamma(30.0, 1.0 / 30.0, size=mu.shape)
    spike_c = CATEGORIES.index(truth.spike_topic)
    shift_c = CATEGORIES.index(truth.shift_topic)
    s0, s1 = _day_number(truth.spike_start) - day0, _day_number(truth.spike_end) - day0
    mu[s0 : s1 + 1, spike_c] *= truth.spike_factor
    mu[_day_number(truth.shift_start) - day0 :, shift_c] *= truth.shift_factor
    counts = rng.poisson(mu)

    flat = counts.ravel()
    day_idx = np.repeat(np.repeat(np.arange(days), n_cat), flat)
    cat = np.repeat(np.tile(np.arange(n_cat), days), flat)
    n = cat.size
    wd = weekday[day_idx]

    # Customer plan and organisation, channel, priority.
    tier_table = np.array([_TIER_GIVEN_KIND[k] for k in _KIND])
    tier = _draw(rng, tier_table, cat)
    org_table = np.where(plan.org_tier[None, :] == np.arange(3)[:, None], plan.org_weight, 0.0)
    org = _draw(rng, org_table, tier)
    channel = _draw(rng, _CHANNEL_GIVEN_TIER, tier)
    prio_table = np.repeat(_PRIORITY_GIVEN_TIER, 2, axis=0)
    prio_table[1::2, 2:] *= 1.5  # hard categories are more often high or urgent
    priority = _draw(rng, prio_table, tier * 2 + _HARD[cat])

    # Front-line owner: volume x category and plan preference x working days.
    weights = np.empty((n_cat, 3, 7, n_agents))
    for a, agent in enumerate(plan.agents):
        weights[..., a] = (
            agent.volume
            * agent.category_pref[:, None, None]
            * agent.tier_pref[None, :, None]
            * agent.workdays[None, None, :]
        )
    agent = _draw(rng, weights.reshape(-1, n_agents), (cat * 3 + tier) * 7 + wd)
    role = np.array([a.role for a in plan.agents])[agent]

    # Escalation: additive on the log-odds; policy categories escalate whoever handles them.
    base_rate = np.array([row[2] for row in _CATEGORY_TABLE])
    base = np.log(base_rate / (1.0 - base_rate))
    logit = base[cat] + _CHANNEL_LOGIT[channel] + _PRIORITY_LOGIT[priority] + _TIER_LOGIT[tier]
    logit = np.where(_POLICY[cat], base[cat], logit)
    own = (role == "outlier") & ~_POLICY[cat]
    logit = logit + np.where(own, np.log(truth.outlier_odds_ratio), 0.0)
    escalated = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))

    # Timing, in whole seconds since the epoch (UTC). The data is as of the end of the last day.
    as_of = (_day_number(plan.end) + 1) * _S_PER_DAY
    last = as_of - 1
    hour = _draw(rng, _HOURS[None, :], np.zeros(n, dtype=np.int64))
    created = (day0 + day_idx) * _S_PER_DAY + hour * 3600 + rng.integers(0, 3600, n)
    speed = np.where(tier == 2, 0.6, 1.0) * np.where(priority == 3, 0.5, 1.0)
    noise = np.exp(rng.normal(0.0, 1.0, n) * _FIRST_REPLY_SIGMA[channel])
    first_reply = np.round(_FIRST_REPLY_MEDIAN[channel] * speed * noise)
    slowness = np.array([_KIND_SLOWNESS[k] for k in _KIND])[cat]
    resolution = (
        _RESOLUTION_MEDIAN[channel]
        * slowness
        * np.where(escalated, 5.0, 1.0)
        * np.exp(rng.normal(0.0, 1.1, n))
    )
    resolution = np.clip(resolution, first_reply + 5.0, 45 * 24 * 60.0)  # none open > 45 days
    replied_at = created + first_reply.astype(np.int64) * 60
    solved_at = created + (resolution * 60).astype(np.int64)
    responded = replied_at < as_of
    solved = solved_at < as_of
    escalated &= responded  # nobody has looked at it yet, so it has not been escalated yet
    closed = solved & (solved_at + 4 * _S_PER_DAY < as_of)  # auto-close four days after solve

    # Status codes: new, open, pending, on_hold, solved, closed.
    u = rng.random(n)
    waiting = np.where(
        escalated,
        np.where(u < 0.5, 1, np.where(u < 0.75, 2, 3)),
        np.where(u < 0.55, 1, 2),
    )
    status = np.where(~responded, 0, np.where(closed, 5, np.where(solved, 4, waiting)))
    stop = np.minimum(solved_at, as_of)
    escalated_at = replied_at + (rng.uniform(0.05, 0.6, n) * (stop - replied_at)).astype(np.int64)
    last_touch = np.maximum(replied_at, np.where(escalated, escalated_at, 0))
    u = rng.random(n)
    updated_at = np.where(
        closed,
        np.minimum(solved_at + 4 * _S_PER_DAY + (u * 3600).astype(np.int64), last),
        np.where(
            solved,
            solved_at + (u * np.minimum(last - solved_at, _S_PER_DAY)).astype(np.int64),
            np.where(responded, last_touch + (u * (last - last_touch)).astype(np.int64), created),
        ),
    )

    # Routing, reassignments, reopens, replies.
    tier3 = np.isin(cat, [CATEGORIES.index(c) for c in _TIER3_CATEGORIES]) & (rng.random(n) < 0.5)
    home = np.array([GROUPS.index(a.group) for a in plan.agents])[agent]
    group = np.where(escalated, np.where(tier3, 4, 3), home)
    new_group = np.where(hour < 13, 0, 1)
    group = np.where(responded, group, new_group)
    u = rng.random(n)
    group_stations = np.where(
        escalated,
        np.where(tier3, np.where(u < 0.7, 3, 2), np.where(u < 0.85, 2, 3)),
        np.where(responded & (u < 0.08), 2, 1),
    )
    u = rng.random(n)
    assignee_stations = np.where(u < 0.85, 1, np.where(u < 0.97, 2, 3))
    assignee_stations = np.where(responded, assignee_stations, 0)
    reassignments = (group_stations - 1) + np.maximum(assignee_stations - 1, 0)
    u = rng.random(n)
    reopens = np.where(solved & (u < 0.05 + 0.12 * escalated), np.where(u < 0.01, 2, 1), 0)
    replies = np.where(responded, 1 + rng.poisson(1.2 + 2.5 * escalated + reopens), 0)

    # Subject tone: escalations and the planted topic in its last weeks read more negative.
    drop = (cat == CATEGORIES.index(truth.sentiment_topic)) & (
        day0 + day_idx >= _day_number(truth.sentiment_start)
    )
    p_neg = np.where(escalated, 0.45, 0.12)
    p_neg = np.where(drop, np.where(escalated, 0.8, 0.55), p_neg)
    p_pos = np.where(drop, 0.06, np.where(escalated, 0.08, 0.25))
    u = rng.random(n)
    tone = np.where(u < p_neg, 0, np.where(u < p_neg + p_pos, 2, 1))
    _, offset, n_templates, n_fillers = _subject_table()
    template = (rng.random(n) * n_templates[cat, tone]).astype(np.int64)
    filler = (rng.random(n) * n_fillers[cat]).astype(np.int64)
    subject_idx = offset[cat, tone] + template * n_fillers[cat] + filler

    # Satisfaction: offered on most solved tickets, answered by fewer; worse when escalated.
    u = rng.random(n)
    done = status >= 4
    offered = done & (u < 0.75)
    answered = offered & (rng.random(n) < 0.45)
    long_wait = resolution > 3 * 24 * 60
    score = 2.6 - 1.4 * escalated - 0.8 * (reopens > 0) - 0.7 * (tone == 0) - 0.3 * long_wait
    p_good = 1.0 / (1.0 + np.exp(-score))
    good = rng.random(n) < p_good
    csat = np.where(answered, np.where(good, 0, 1), np.where(offered, 2, 3))

    # Tags and the requester (a contact at the organisation).
    escalated_tag = escalated & (rng.random(n) < 0.8)
    contact = org * _CONTACTS_PER_ORG + rng.integers(0, _CONTACTS_PER_ORG, n)

    order = np.argsort(created, kind="stable")
    columns = {
        "created": created,
        "solved": np.where(solved, solved_at, -1),
        "updated": updated_at,
        "escalated_at": np.where(escalated, escalated_at, -1),
        "status": status,
        "priority": priority,
        "channel": channel,
        "category": cat,
        "agent": np.where(responded, agent, -1),
        "group": group,
        "org": org,
        "tier": tier,
        "subject": subject_idx,
        "escalated": escalated,
        "escalated_tag": escalated_tag,
        "reopens": reopens,
        "group_stations": group_stations,
        "assignee_stations": assignee_stations,
        "reassignments": reassignments,
        "replies": replies,
        "first_reply": np.where(responded, first_reply, np.nan),
        "resolution": np.where(solved, np.round((solved_at - created) / 60), np.nan),
        "csat": csat,
        "contact": contact,
    }
    frame = pl.DataFrame({name: values[order] for name, values in columns.items()})
    frame = frame.with_columns(
        ticket_id=pl.int_range(10_001, 10_001 + n, eager=False).cast(pl.String),
        **{c: pl.when(pl.col(c) >= 0).then(pl.col(c)) for c in ("solved", "escalated_at", "agent")},
        first_reply=pl.col("first_reply").fill_nan(None),
        resolution=pl.col("resolution").fill_nan(None),
    )
    return frame, plan


def _lookup(column: str, values: tuple[str, ...] | list[str] | np.ndarray) -> pl.Expr:
    """Map integer codes in ``column`` to strings (nulls stay null)."""
    vocab = pl.Series(values, dtype=pl.String)
    return pl.col(column).map_batches(
        lambda s: vocab.gather(s), return_dtype=pl.String, is_elementwise=True
    )


def _tags_expr() -> pl.Expr:
    """The ticket's tags: its category's tag, its plan, and escalated / reopened markers."""
    category_tags = pl.Series(_CAT_TAG, dtype=pl.String)
    return pl.concat_list(
        pl.col("category").map_batches(
            lambda s: category_tags.gather(s), return_dtype=pl.String, is_elementwise=True
        ),
        pl.concat_str(pl.lit("plan_"), _lookup("tier", TIERS)),
        pl.when(pl.col("escalated_tag")).then(pl.lit("escalated")),
        pl.when(pl.col("reopens") > 0).then(pl.lit("reopened")),
    ).list.drop_nulls()


def _datetime(column: str) -> pl.Expr:
    """Whole seconds since the epoch -> Datetime(us, UTC)."""
    return (pl.col(column) * 1_000_000).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def demo_tickets(
    *,
    seed: int = 7,
    days: int = 180,
    tickets_per_day: float = 60.0,
    end: date | None = None,
    n_agents: int = 15,
) -> pl.DataFrame:
    """Generate the demo helpdesk as a canonical ticket frame (``source == "demo"``).

    Parameters
    ----------
    seed
        Same seed, same tickets. The planted effects (:func:`demo_truth`) depend on ``seed``,
        ``days``, ``end`` and ``n_agents``, not on ``tickets_per_day``.
    days
        Length of the history in days (at least 56), ending on ``end``.
    tickets_per_day
        Mean tickets per calendar day over the period (weekdays get more, weekends fewer).
    end
        The last day (default :data:`DEFAULT_END`); the data is as of the end of that day.
    n_agents
        Front-line agents (6 to 40).

    >>> t = demo_tickets(days=60, tickets_per_day=20)
    >>> t.height > 1000, t.get_column("escalated").mean() < 0.2
    (True, True)
    >>> t.filter(pl.col("escalated")).get_column("group").unique().sort().to_list()
    ['Tier 2', 'Tier 3 Engineering']
    """
    frame, plan = _generate(
        seed=seed, days=days, tickets_per_day=tickets_per_day, end=end, n_agents=n_agents
    )
    tickets = frame.select(
        pl.col("ticket_id"),
        _datetime("created").alias("created_at"),
        _datetime("solved").alias("solved_at"),
        _datetime("updated").alias("updated_at"),
        _lookup("status", ["new", "open", "pending", "on_hold", "solved", "closed"]).alias(
            "status"
        ),
        _lookup("priority", _PRIORITIES).alias("priority"),
        _lookup("channel", CHANNELS).alias("channel"),
        _lookup("category", CATEGORIES).alias("category"),
        _lookup("agent", [a.name for a in plan.agents]).alias("agent"),
        _lookup("group", GROUPS).alias("group"),
        _lookup("org", plan.org_names).alias("customer"),
        _lookup("tier", TIERS).alias("customer_tier"),
        _lookup("subject", _subject_table()[0]).alias("subject"),
        _tags_expr().alias("tags"),
        pl.col("escalated"),
        _datetime("escalated_at").alias("escalated_at"),
        pl.when(pl.col("escalated")).then(pl.lit(_ESCALATION_REASON)).alias("escalation_reason"),
        pl.col("reassignments").cast(pl.Int32),
        pl.col("reopens").cast(pl.Int32),
        pl.col("first_reply").cast(pl.Float64).alias("first_response_minutes"),
        pl.when(pl.col("csat") == 0)
        .then(1.0)
        .when(pl.col("csat") == 1)
        .then(0.0)
        .alias("satisfaction"),
        pl.lit(None, dtype=pl.Float64).alias("sentiment"),
        pl.lit("demo").alias("source"),
    )
    return tickets.select(pl.col(c).cast(SCHEMA[c]) for c in COLUMNS)


def demo_export(
    *,
    seed: int = 7,
    days: int = 180,
    tickets_per_day: float = 60.0,
    end: date | None = None,
    n_agents: int = 15,
) -> pl.DataFrame:
    """The same tickets as :func:`demo_tickets`, shaped like a Zendesk ticket CSV export.

    All columns are strings, named as Zendesk names them (:data:`EXPORT_COLUMNS`). There is no
    escalated flag: as in real exports, an escalation shows as a ``Group`` of "Tier 2" or
    "Tier 3 Engineering" with ``Group stations`` of 2 or more, and most (not all) escalated
    tickets carry the tag ``escalated``.

    >>> e = demo_export(days=60, tickets_per_day=20)
    >>> e.columns[:3], set(e.dtypes) == {pl.String}
    (['Id', 'Requester', 'Organization'], True)
    >>> e.get_column("Created at")[0][-5:]
    '+0000'
    """
    frame, plan = _generate(
        seed=seed, days=days, tickets_per_day=tickets_per_day, end=end, n_agents=n_agents
    )
    contacts = [
        f"{_FIRST[(i * 7 + i // 20) % len(_FIRST)]} {_LAST[(i * 11 + i // 7) % len(_LAST)]}"
        for i in range(N_ORGS * _CONTACTS_PER_ORG)
    ]

    def stamp(column: str) -> pl.Expr:
        return _datetime(column).dt.strftime(EXPORT_TIME_FORMAT)

    def whole(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Int64).cast(pl.String)

    export = frame.select(
        pl.col("ticket_id").alias("Id"),
        _lookup("contact", contacts).alias("Requester"),
        _lookup("org", plan.org_names).alias("Organization"),
        _lookup("agent", [a.name for a in plan.agents]).alias("Assignee"),
        _lookup("group", GROUPS).alias("Group"),
        _lookup("subject", _subject_table()[0]).alias("Subject"),
        _tags_expr().list.join(" ").alias("Tags"),
        _lookup("status", ["New", "Open", "Pending", "Hold", "Solved", "Closed"]).alias("Status"),
        _lookup("priority", [p.capitalize() for p in _PRIORITIES]).alias("Priority"),
        _lookup("channel", [VIA_LABELS[c] for c in CHANNELS]).alias("Via"),
        _lookup("category", _TICKET_TYPE).alias("Ticket type"),
        stamp("created").alias("Created at"),
        stamp("updated").alias("Updated at"),
        stamp("solved").alias("Solved at"),
        _lookup("csat", ["Good", "Bad", "Offered", "Unoffered"]).alias("Satisfaction Score"),
        whole("group_stations").alias("Group stations"),
        whole("assignee_stations").alias("Assignee stations"),
        whole("reopens").alias("Reopens"),
        whole("replies").alias("Replies"),
        whole("first_reply").alias("First reply time in minutes"),
        whole("resolution").alias("Full resolution time in minutes"),
        _lookup("category", CATEGORIES).alias("Product area [list]"),
        _lookup("tier", [t.capitalize() for t in TIERS]).alias("Customer tier [list]"),
    )
    return export.select(EXPORT_COLUMNS)


def write_demo_export(path: str | Path, **kw: object) -> Path:
    """Write :func:`demo_export` as CSV (gzip-compressed when ``path`` ends in ``.gz``).

    Keyword arguments go to :func:`demo_export`. The bytes are reproducible: the same
    parameters give the same file (the gzip header carries no time stamp).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_demo_export(Path(d) / "demo.csv.gz", days=60, tickets_per_day=5)
    ...     pl.read_csv(p, infer_schema=False).height > 0
    True
    """
    path = Path(path)
    export = demo_export(**kw)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        buffer = io.BytesIO()
        export.write_csv(buffer)
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(buffer.getvalue())
    else:
        export.write_csv(path)
    return path
