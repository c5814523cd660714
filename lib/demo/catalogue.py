"""The demo helpdesk's vocabulary and generating constants: categories with their shares and
escalation odds, channels, plans, groups, agent and organisation names, subject templates,
weekly and daily rhythms, and the random streams."""

from __future__ import annotations

from datetime import date

import numpy as np

#: The default last day, fixed so that the shipped demo file is reproducible.
DEFAULT_END = date(2026, 11, 20)

MIN_DAYS = 56
MIN_AGENTS = 6

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

_ESCALATION_REASON = "Group names a higher tier"
_S_PER_DAY = 86_400
# Random streams: the plan (truth, agents, organisations) and the tickets are drawn separately,
# so that the truth does not depend on the number of tickets. The ticket stream's key was picked
# (among the first few tried) so that the default demo shows the planted story without a chance
# distraction: no other agent beyond |z| = 3 after case-mix adjustment, the outlier mid-table
# in the raw ranking. Other seeds show ordinary chance variation around the same truth.
_PLAN_STREAM = 0xDE40
_TICKET_STREAM = 3
