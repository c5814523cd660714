"""Words that identify a canonical column: header synonyms per key, header words that argue
against a key, and the value vocabularies (status, priority, channel and rating words).
"""

from __future__ import annotations

from lib.schema import CHANNELS, PRIORITIES, STATUSES

__all__ = ["AVOID", "CHANNEL_WORDS", "PRIORITY_WORDS", "RATING_WORDS", "STATUS_WORDS", "SYNONYMS"]

# --------------------------------------------------------------------------- name synonyms


def _alts(text: str) -> tuple[str, ...]:
    """Split ``"a|b c|d"`` into ``("a", "b c", "d")``."""
    return tuple(s.strip() for s in text.split("|") if s.strip())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Normalised header names that mean each key, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    k: _alts(v)
    for k, v in {
        "ticket_id": "id|ticket id|ticket|ticket number|ticket no|ticket #|ticket nr|case|case id"
        "|case number|case #|case no|number|#|no|issue key|issue id|key|incident"
        "|incident number|incident id|conversation id|request id|request number|reference|ref"
        "|complaint id|record id|case:concept:name",
        "created_at": "created|created at|created on|created date|created time|create date"
        "|creation date|creation time|date created|opened|opened at|opened on|open date"
        "|date opened|date/time opened|submitted|submitted at|date submitted|received"
        "|received at|date received|reported|reported at|logged|logged at|raised|raised at"
        "|started at|conversation started at|date",
        "solved_at": "solved|solved at|solved on|solved date|date solved|completed|completed at"
        "|completion date|done at|finished at",
        "resolved_at": "resolved|resolved at|resolved on|resolved time|resolved date"
        "|date resolved|resolution date",
        "closed_at": "closed|closed at|closed on|closed time|closed date|close date|date closed"
        "|date/time closed|last closed at",
        "updated_at": "updated|updated at|updated on|last updated|last update|last update time"
        "|modified|modified at|last modified|last modified date|last activity"
        "|last activity date|last activity at|date modified",
        "event_time": "event time|timestamp|event timestamp|activity time|event date|changed at"
        "|time stamp|datetime|log time|event at|time:timestamp",
        "status": "status|state|ticket status|current status|incident state|case status"
        "|conversation status|conversation state|stage|pipeline stage",
        "priority": "priority|prio|severity|ticket priority|importance|pri|urgency level",
        "channel": "channel|via|source|origin|case origin|medium|contact type|submitted via"
        "|ticket channel|source type|create channel|contact channel",
        "category": "category|topic|type|ticket type|issue type|request type|help topic"
        "|product area|product|reason|case reason|issue category|ticket category|problem type"
        "|classification",
        "agent": "agent|assignee|assigned to|owner|ticket owner|case owner|handled by|responder"
        "|technician|rep|agent name|assigned agent|agent assigned|support agent|handler"
        "|assigned user|teammate|resource|org:resource",
        "group": "group|team|queue|department|dept|assignment group|team assigned|inbox|mailbox"
        "|support group|squad|pod|team name|group name",
        "first_agent": "first agent|first assignee|first owner|original assignee|original owner"
        "|initial assignee|first assigned to|opened by agent",
        "first_group": "first group|first team|original group|initial group|first assignment group"
        "|original assignment group|first queue",
        "escalated_by": "escalated by|escalating agent|escalation owner|escalated by agent",
        "level": "level|support level|tier|support tier|line|support line|escalation level"
        "|tier level|level of support",
        "customer": "customer|requester|requestor|client|account|account name|organization"
        "|organisation|company|company name|caller|reporter|contact|from|customer name"
        "|customer email|requester email|end user|user|org",
        "customer_tier": "customer tier|cust tier|tier|plan|segment|customer segment"
        "|account tier|membership|support plan|customer plan|sla tier|subscription"
        "|customer level",
        "subject": "subject|title|summary|short description|ticket subject|ticket name|headline"
        "|ticket title|case subject|issue",
        "description": "description|body|message|first message|details|content|narrative"
        "|complaint narrative|consumer complaint narrative|ticket description|comment|text"
        "|problem description|issue description|question",
        "tags": "tags|tag|labels|label|keywords|tag list|conversation tags",
        "escalated": "escalated|escalation|is escalated|escalate|escalated flag|was escalated"
        "|escalation flag",
        "escalated_at": "escalated at|escalated on|escalation date|escalation time"
        "|date escalated|escalated date|escalated time",
        "reassignments": "reassignments|reassignment count|reassigned|times reassigned"
        "|transfers|transfer count|group changes|hops|number of reassignments|group stations",
        "reopens": "reopens|reopen count|reopened|times reopened|reopen",
        "first_response_minutes": "first response|first response time|first reply time|frt"
        "|time to first response|first reply|first response minutes"
        "|first reply time in minutes|first response time minutes|response time"
        "|first response in min",
        "satisfaction": "satisfaction|csat|rating|satisfaction score|satisfaction rating"
        "|customer satisfaction|customer satisfaction rating|survey|survey results|csat score"
        "|feedback score|conversation rating",
        "sentiment": "sentiment|sentiment score|tone|polarity",
    }.items()
}

#: Column tokens that argue against a key unless the synonym itself has them.
AVOID: dict[str, frozenset[str]] = {
    "ticket_id": _words(
        "requester organization org group assignee customer user external brand form parent "
        "problem rfc caller contact account company email product sla purchase agent owner "
        "team mailbox inbox"
    ),
    "created_at": _words(
        "due purchase birth sla escalation escalated closed close solved resolved updated "
        "modified last response reply assigned by"
    ),
    "solved_at": _words("due sla by first"),
    "resolved_at": _words("due sla by"),
    "closed_at": _words("due sla by"),
    "updated_at": _words("by count"),
    "event_time": _words("due sla"),
    "status": _words("resolution response sla first"),
    "priority": _words("confirmation"),
    "channel": _words(""),
    "category": _words("sub record"),
    "agent": _words("email id stations count"),
    "group": _words("stations count changes id"),
    "first_agent": _words("email id"),
    "first_group": _words("id"),
    "escalated_by": _words("at date time on"),
    "level": _words("customer cust plan account sla"),
    "customer": _words(
        "age gender satisfaction rating tier segment plan phone since instagram handle"
    ),
    "customer_tier": _words("support"),
    "subject": _words("sub type key id"),
    "description": _words(""),
    "tags": _words(""),
    "escalated": _words("at date time level by reason on"),
    "escalated_at": _words(""),
    "reassignments": _words(""),
    "reopens": _words(""),
    "first_response_minutes": _words("at date status due sla escalation"),
    "satisfaction": _words("comment feedback"),
    "sentiment": _words(""),
}

# Event logs (evlog): the step a process-mining log records on each row ("Resolve ticket");
# its closing steps give the solve time (lib/ingest/activities.py). A resource is a person.
SYNONYMS["activity"] = _alts(
    "activity|activity name|concept:name|event name|action|step|activity type"
    "|attivita|actividad|atividade|activite|aktivitat|aktivitaet"
)
AVOID["activity"] = _words("time date at id count by")
AVOID["channel"] = AVOID["channel"] | _words("resource resources")

_DURATION_HINTS = _words("minutes min mins hrs hours hour duration seconds secs")

# --------------------------------------------------------------------------- value vocabularies

STATUS_WORDS = frozenset(
    {
        *STATUSES,
        "on hold",
        "hold",
        "opened",
        "resolved",
        "in progress",
        "waiting",
        "awaiting",
        "active",
        "reopened",
        "done",
        "cancelled",
        "canceled",
        "assigned",
        "snoozed",
        "to do",
        "pending customer response",
        "waiting on customer",
        "waiting for customer",
        "work in progress",
        "new ticket",
        "awaiting user info",
        "closed with explanation",
    }
)
PRIORITY_WORDS = frozenset(
    {
        *PRIORITIES,
        "medium",
        "critical",
        "emergency",
        "p1",
        "p2",
        "p3",
        "p4",
        "p5",
        "highest",
        "lowest",
        "major",
        "minor",
        "blocker",
        "trivial",
        "moderate",
        "severe",
        "sev1",
        "sev2",
        "sev3",
        "sev4",
        "very high",
        "very low",
    }
)
CHANNEL_WORDS = frozenset(
    {
        *CHANNELS,
        "e-mail",
        "mail",
        "live chat",
        "voice",
        "call",
        "web form",
        "webform",
        "portal",
        "form",
        "social media",
        "twitter",
        "facebook",
        "instagram",
        "web service",
        "sms",
        "whatsapp",
        "mobile",
        "app",
        "in-app",
        "referral",
        "postal mail",
        "fax",
        "walk-in",
        "self-service",
        "messenger",
        "widget",
        "web widget",
        "help center",
        "telephone",
        "contact form",
    }
)
RATING_WORDS = frozenset(
    {
        "good",
        "bad",
        "great",
        "okay",
        "ok",
        "not good",
        "awesome",
        "neutral",
        "satisfied",
        "unsatisfied",
        "dissatisfied",
        "very satisfied",
        "very dissatisfied",
        "happy",
        "unhappy",
        "offered",
        "unoffered",
        "not offered",
        "positive",
        "negative",
        "excellent",
        "poor",
        "terrible",
        "amazing",
    }
)

_COUNT_WORDS = _words(
    "count counts interactions stations replies reopens number age hours hrs minutes min days "
    "thread article attachment attachments time units size qty quantity total"
)
