"""Presets of the helpdesks' REST API records saved as JSON: Zendesk (``/api/v2/tickets``,
search results, incremental exports) and Freshdesk (``/api/v2/tickets``).

The JSON reader flattens nested objects to dotted names (``via.channel``,
``stats.resolved_at``) and lists of ``{"id": ..., "value": ...}`` to one column per id
(``custom_fields.360012345``), so these presets name those columns.

Example
-------
>>> [p.label for p in API_PRESETS]
['Zendesk API tickets (JSON)', 'Freshdesk API tickets (JSON)']
"""

from __future__ import annotations

from lib.ingest.presets.base import LEVEL_FIELD_WORDS, CustomField, Preset, _cols, _names, _vm
from lib.ingest.presets.helpdesks import FRESHDESK_VALUES, ZENDESK_VALUES

#: The API's ``via.channel`` values (snake case) on top of the export's words.
_ZENDESK_API_CHANNELS = _vm(
    "web=web; help_center=web; email=email; api=api; web_service=api; chat=chat;"
    "voice=phone; mobile_sdk=messaging; native_messaging=messaging; whatsapp=messaging;"
    "line=messaging; wechat=messaging; messenger=messaging; instagram_dm=messaging;"
    "twitter_dm=social; facebook_post=social; facebook_message=social; closed_ticket=other;"
    "ticket_sharing=other; sample_ticket=other; side_conversation=other; any_channel=other;"
    "answer_bot=other"
)

API_PRESETS: tuple[Preset, ...] = (
    Preset(
        vendor="zendesk",
        label="Zendesk API tickets (JSON)",
        signature=_names(
            "id|_id; url; created_at; via.channel|via; requester_id; submitter_id; assignee_id;"
            "organization_id; group_id; has_incidents; external_id; is_public"
        ),
        required=("via.channel|via", "submitter_id|requester_id"),
        columns=_cols(
            ticket_id="id; _id",
            created_at="created_at",
            updated_at="updated_at",
            solved_at="metric_set.solved_at",
            status="status",
            priority="priority",
            channel="via.channel; via",
            category="type",
            agent="assignee; assignee_id",  # the names sent beside the records, when sent
            group="group; group_id",
            customer="organization; organization_id; requester; requester_id",
            subject="subject; raw_subject",
            description="description",
            tags="tags",
            reassignments="metric_set.group_stations",
            reopens="metric_set.reopens",
            first_response_minutes="metric_set.reply_time_in_minutes.calendar",
            satisfaction="satisfaction_rating.score",
            satisfaction_at="satisfaction_rating.updated_at; satisfaction_rating.created_at",
        ),
        value_maps={
            **ZENDESK_VALUES,
            "channel": {**ZENDESK_VALUES["channel"], **_ZENDESK_API_CHANNELS},
        },
        duration_unit={"first_response_minutes": "minutes"},
        adjust={"reassignments": -1},
        notes=(
            "Zendesk Support API ticket objects (GET /api/v2/tickets, /api/v2/search results, "
            'incremental exports), saved as {"tickets": [...]}, {"results": [...]} or a '
            "bare list: 'id', 'created_at', 'updated_at', 'status', 'priority', 'type', "
            "'subject', 'description', 'tags', 'via' (an object: the channel is via.channel, "
            "via.source holds the addresses), 'assignee_id', 'group_id', 'organization_id', "
            "'requester_id', 'submitter_id', 'custom_fields' [{id, value}] (read as one "
            "column per field id, 'custom_fields.<id>': map them by hand, the names are not in "
            "the ticket). People and groups are numeric ids. Side-loaded metric sets "
            "(?include=metric_sets) give solved_at, reopens, group stations (reassignments = "
            "stations - 1) and the first reply time. Zendesk's assignee and group stations "
            "only count changes: no first assignee or first group is exported, so first_agent "
            "and first_group stay unmapped. A file with a plain 'via' string and '_id' (a "
            "search-challenge sample) is read the same way."
        ),
    ),
    Preset(
        vendor="freshdesk",
        label="Freshdesk API tickets (JSON)",
        signature=_names(
            "id; created_at; updated_at; due_by; fr_due_by; responder_id; requester_id;"
            "company_id; source; fr_escalated; is_escalated; description_text"
        ),
        required=("fr_due_by|due_by", "responder_id|requester_id"),
        ignore=("is_escalated", "fr_escalated", "due_by", "fr_due_by", "nr_due_by", "nr_escalated"),
        custom_fields=(  # custom_fields {"cf_escalation_level": "L2"}
            CustomField("level", "custom_fields.", LEVEL_FIELD_WORDS),
            CustomField("escalated", "custom_fields.", ("escalat",)),
        ),
        columns=_cols(
            ticket_id="id",
            created_at="created_at",
            updated_at="updated_at",
            resolved_at="stats.resolved_at",
            closed_at="stats.closed_at",
            first_response_at="stats.first_responded_at",
            status="status",
            priority="priority",
            channel="source",
            category="type",
            agent="responder; responder_id",
            group="group; group_id",
            customer="company; company_id; requester.name; requester_id",
            subject="subject",
            description="description_text; description",
            tags="tags",
        ),
        value_maps=FRESHDESK_VALUES,
        notes=(
            "Freshdesk API v2 ticket objects (GET /api/v2/tickets, include=stats): 'id', "
            "'created_at', 'updated_at', 'due_by', 'fr_due_by', numeric 'status' (2 Open, 3 "
            "Pending, 4 Resolved, 5 Closed; custom statuses from 6 are left unread), "
            "'priority' (1 Low .. 4 Urgent), 'source' (1 Email, 2 Portal, 3 Phone, 7 Chat, 9 "
            "Feedback widget, 10 Outbound email), 'responder_id', 'group_id', 'company_id', "
            "'requester_id', 'type', 'subject', 'tags', 'stats.resolved_at', "
            "'stats.closed_at', 'stats.first_responded_at' (a time, not a duration: the first "
            "response time is that time minus 'created_at'). "
            "'is_escalated' and 'fr_escalated' flag an overdue SLA, not an escalation, so "
            "they are not mapped. People and groups are numeric ids; no first responder or "
            "first group is exported, so first_agent and first_group stay unmapped."
        ),
    ),
)
