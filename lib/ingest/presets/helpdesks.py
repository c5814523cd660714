"""Presets of the helpdesks' own ticket exports (CSV/XLSX): Zendesk, Freshdesk, Jira, ServiceNow,
osTicket, Zammad, Chatwoot, Help Scout, Intercom, HubSpot, Salesforce, and two public data
sets (CFPB complaints, the Kaggle support tickets).

Example
-------
>>> [p.vendor for p in HELPDESK_PRESETS][:3]
['zendesk', 'freshdesk', 'jira']
"""

from __future__ import annotations

from lib.ingest.presets.base import (
    _PRIORITY_WORDS,
    LEVEL_AVOID,
    LEVEL_FIELD_WORDS,
    CustomField,
    Preset,
    _cols,
    _names,
    _vm,
)

#: Zendesk's words for status, priority and the channel ("Via").
ZENDESK_VALUES: dict[str, dict[str, str]] = {
    "status": _vm("hold=on_hold; on-hold=on_hold; deleted=closed"),
    "priority": dict(_PRIORITY_WORDS),
    "channel": _vm(
        "web form=web; web widget=web; help center=web; mail=email; email=email;"
        "web service=api; api=api; chat=chat; voice=phone; phone call (incoming)=phone;"
        "phone call (outgoing)=phone; voicemail=phone; twitter=social; twitter dm=social;"
        "facebook=social; facebook post=social; instagram direct=messaging;"
        "mobile sdk=messaging; mobile=messaging; native messaging=messaging;"
        "messaging=messaging; whatsapp=messaging; sms=messaging; text=messaging;"
        "closed ticket=other; ticket sharing=other; rule=other"
    ),
}

#: Freshdesk's words and its API codes (priority 1-4, status 2-5, source 1-10).
FRESHDESK_VALUES: dict[str, dict[str, str]] = {
    "priority": {**_vm("1=low; 2=normal; 3=high; 4=urgent"), **_PRIORITY_WORDS},
    "status": _vm(
        "2=open; 3=pending; 4=solved; 5=closed; resolved=solved;"
        "waiting on customer=pending; waiting on third party=on_hold"
    ),
    "channel": _vm(
        "1=email; 2=web; 3=phone; 7=chat; 9=web; 10=email; email=email;"
        "outbound email=email; portal=web; feedback widget=web; feedback form=web;"
        "phone=phone; chat=chat; mobihelp=messaging; whatsapp=messaging; twitter=social;"
        "facebook=social; forum=social; ecommerce=other"
    ),
}

_SERVICENOW_VALUES = {
    "priority": _vm(
        "1 - critical=urgent; 2 - high=high; 3 - moderate=normal; 4 - low=low; 5 - planning=low;"
        "1=urgent; 2=high; 3=normal; 4=low; 5=low"
    ),
    "status": _vm(
        "new=new; active=open; in progress=open; assigned=open; awaiting user info=pending;"
        "awaiting caller=pending; awaiting evidence=pending; awaiting problem=on_hold;"
        "awaiting vendor=on_hold; awaiting change=on_hold; on hold=on_hold; resolved=solved;"
        "closed=closed; canceled=closed; cancelled=closed; 1=new; 2=open; 3=on_hold; 6=solved;"
        "7=closed; 8=closed"
    ),
    "channel": _vm(
        "phone=phone; email=email; self-service=web; web=web; chat=chat; virtual agent=chat;"
        "walk-in=other; ivr=phone; direct opening=other; monitoring system=api; alert=api"
    ),
}

HELPDESK_PRESETS: tuple[Preset, ...] = (
    Preset(
        vendor="zendesk",
        label="Zendesk ticket export",
        signature=_names(
            "Id; Requester; Created at; Via; Group stations; Assignee stations; Solved at;"
            "Full resolution time in minutes"
        ),
        columns=_cols(
            ticket_id="Id",
            created_at="Created at",
            updated_at="Updated at",
            solved_at="Solved at",
            status="Status",
            priority="Priority",
            channel="Via",
            category="Ticket type",
            agent="Assignee",
            group="Group",
            customer="Organization; Requester",
            subject="Subject",
            description="Description",
            tags="Tags",
            reassignments="Group stations",
            reopens="Reopens",
            first_response_minutes="First reply time in minutes;"
            "First reply time in minutes within business hours",
            satisfaction="Satisfaction Score; Satisfaction rating",
        ),
        value_maps=ZENDESK_VALUES,
        duration_unit={"first_response_minutes": "minutes"},
        custom_fields=(
            CustomField("category", "[list]", ("category", "product", "area", "topic")),
            CustomField("level", "[list]", LEVEL_FIELD_WORDS),
            CustomField("customer_tier", "[list]", ("tier", "plan", "segment"), LEVEL_AVOID),
            CustomField("escalated", "[flag]", ("escalat",)),
        ),
        adjust={"reassignments": -1},
        notes=(
            "Zendesk Support CSV export (Admin Center > Account > Tools > Reports > Export): "
            "fixed English headers such as 'Created at', 'Via', 'Group stations', 'First reply "
            "time in minutes'; custom fields are appended with a type suffix ('Product area "
            "[list]', 'Escalated [flag]'). Tags are space separated. reassignments = Group "
            "stations - 1 (adjust). 'Satisfaction Score' holds Good/Bad/Offered/Unoffered: only "
            "Good and Bad are ratings."
        ),
    ),
    Preset(
        vendor="freshdesk",
        label="Freshdesk ticket export",
        signature=_names(
            "Ticket ID; Created time; Resolved time|Closed time;"
            "Last update time|Due by Time|Initial response time; Agent|Group; Source|Type;"
            "First response time (in hrs)|Resolution time (in hrs)|Resolution status|"
            "First response status; Full name|Contact ID|Company Name"
        ),
        required=("Created time",),
        ignore=("Due by Time", "Resolution status", "First response status"),
        columns=_cols(
            ticket_id="Ticket ID",
            created_at="Created time",
            updated_at="Last update time",
            resolved_at="Resolved time",
            closed_at="Closed time",
            status="Status",
            priority="Priority",
            channel="Source",
            category="Type; Product",
            agent="Agent",
            group="Group",
            customer="Company Name; Full name; Email",
            subject="Subject",
            description="Description",
            tags="Tags",
            first_response_minutes="First response time (in hrs)",
            satisfaction="Survey results; Survey result",
            satisfaction_at="Survey results time; Survey result time; Survey submitted time;"
            "Survey responded time; Rated time",
        ),
        value_maps=FRESHDESK_VALUES,
        duration_unit={"first_response_minutes": "hours"},
        custom_fields=(
            CustomField("level", "", LEVEL_FIELD_WORDS),
            CustomField("customer_tier", "tier", ("tier",), LEVEL_AVOID),
            CustomField("escalated", "escalat", ("escalat",)),
        ),
        notes=(
            "Freshdesk 'Export tickets' CSV (Tickets > Export): 'Ticket ID', 'Created time', "
            "'Resolved time', 'Closed time', 'Last update time', 'First response time (in hrs)' "
            "(written as H:MM:SS or decimal hours). API codes from the Freshdesk ticket schema: "
            "priority 1-4 = Low/Medium/High/Urgent, status 2-5 = Open/Pending/Resolved/Closed, "
            "source 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email. "
            "The fields are picked when exporting (a trial account's default has no Agent, "
            "Source or Last update time), so the signature takes alternatives and only "
            "'Created time' is required. 'Title' is the contact's job title and 'Summary' a "
            "ticket summary field, neither is the subject. No first agent or group is "
            "exported, so first_agent and first_group stay unmapped."
        ),
    ),
    Preset(
        vendor="jira",
        label="Jira Service Management CSV export",
        # Jira Cloud calls issues "work items" since 2025: "Work item key", "Work type".
        signature=_names(
            "Issue key|Work item key; Issue id|Work item id; Summary; Issue Type|Work type;"
            "Reporter; Resolution; Created"
        ),
        required=("Issue key|Work item key|Issue id|Work item id|Key",),
        columns=_cols(
            ticket_id="Issue key; Work item key; Issue id; Work item id",
            created_at="Created",
            updated_at="Updated",
            resolved_at="Resolved",
            status="Status",
            priority="Priority",
            category="Custom field (Request Type); Issue Type; Work type",
            agent="Assignee",
            group="Custom field (Team); Component/s",
            customer="Custom field (Organizations); Reporter",
            subject="Summary",
            description="Description",
            tags="Labels",
            satisfaction="Custom field (Satisfaction rating); Custom field (Satisfaction)",
            first_response_minutes="Custom field (Time to first response)",
        ),
        value_maps={
            "priority": _vm(
                "highest=urgent; blocker=urgent; critical=urgent; high=high; major=normal;"
                "medium=normal; low=low; minor=low; lowest=low; trivial=low"
            ),
            "status": _vm(
                "open=open; to do=new; new=new; waiting for support=open; in progress=open;"
                "work in progress=open; escalated=open; waiting for customer=pending;"
                "pending=pending; waiting for approval=on_hold; on hold=on_hold;"
                "resolved=solved; done=solved; completed=solved; closed=closed; canceled=closed;"
                "cancelled=closed; declined=closed"
            ),
        },
        dayfirst=True,
        custom_fields=(
            CustomField("level", "custom field (", LEVEL_FIELD_WORDS),
            CustomField(
                "customer_tier", "custom field (", ("tier", "plan", "segment"), LEVEL_AVOID
            ),
            CustomField("escalated", "custom field (", ("escalat",)),
        ),
        repeated=("tags",),
        notes=(
            "Jira (Service Management) 'Export > CSV (all fields)': 'Issue key', 'Issue id', "
            "'Summary', 'Custom field (Request Type)', 'Custom field (Satisfaction rating)'; "
            "dates as dd/MMM/yy h:mm a (e.g. 12/Mar/24 4:05 PM). Multi-value fields such as "
            "Labels repeat the same header once per value; the reader renames the repeats to "
            "'Labels (2)', 'Labels (3)' and the loader gathers them (repeated=('tags',)). "
            "'Time to first response' is an SLA field whose text format depends on the site. "
            "Priorities: the current scheme Highest/High/Medium/Low/Lowest, or the classic "
            "Blocker/Critical/Major/Minor/Trivial, whose default 'Major' is read as normal."
        ),
    ),
    Preset(
        vendor="servicenow",
        label="ServiceNow incident export",
        signature=_names(
            "number; incident_state|state; assignment_group; assigned_to; opened_at; caller_id;"
            "contact_type; reassignment_count; short_description; sys_updated_on|sys_updated_at"
        ),
        columns=_cols(
            ticket_id="number",
            created_at="opened_at; sys_created_on; sys_created_at",
            updated_at="sys_updated_on; sys_updated_at",
            event_time="sys_updated_on; sys_updated_at",
            resolved_at="resolved_at",
            closed_at="closed_at",
            status="incident_state; state",
            priority="priority",
            channel="contact_type",
            category="category",
            agent="assigned_to",
            group="assignment_group",
            customer="company; caller_id",
            subject="short_description",
            description="description",
            reassignments="reassignment_count",
            reopens="reopen_count",
        ),
        value_maps=_SERVICENOW_VALUES,
        dayfirst=True,
        event_log_when=("sys_mod_count", "sys_updated_on|sys_updated_at"),
        notes=(
            "ServiceNow incident table field names (number, incident_state, assignment_group, "
            "opened_at, sys_updated_on, ...) as in its list CSV export and in the public UCI "
            "'Incident management process enriched event log' (which writes sys_created_at/"
            "sys_updated_at); priority choices '1 - Critical' .. '5 - Planning'. '?' marks "
            "missing values in that log. The log has one row per update: event_log is switched "
            "on when sys_mod_count and sys_updated_on/at are both present (the loader confirms "
            "from repeated numbers)."
        ),
    ),
    Preset(
        vendor="servicenow",
        label="ServiceNow incident list (column labels)",
        signature=_names(
            "Number; State|Incident state; Assignment group; Assigned to; Opened;"
            "Short description; Caller; Reassignment count"
        ),
        columns=_cols(
            ticket_id="Number",
            created_at="Opened; Created",
            updated_at="Updated",
            resolved_at="Resolved",
            closed_at="Closed",
            status="Incident state; State",
            priority="Priority",
            channel="Channel; Contact type",
            category="Category",
            agent="Assigned to",
            group="Assignment group",
            customer="Company; Caller",
            subject="Short description",
            description="Description",
            reassignments="Reassignment count",
            reopens="Reopen count",
        ),
        value_maps=_SERVICENOW_VALUES,
        notes=(
            "ServiceNow incident list exported with column labels (List > Export > CSV/Excel "
            "uses the field labels of the UI language): 'Number', 'State', 'Assignment group', "
            "'Assigned to', 'Opened', 'Resolved', 'Closed', 'Short description', 'Caller', "
            "'Channel' (older releases: 'Contact type'). Date order follows the user's "
            "profile, so dayfirst is decided from the data."
        ),
    ),
    Preset(
        vendor="osticket",
        label="osTicket ticket export",
        signature=_names(
            "Ticket Number; Date Created; Help Topic; Current Status; Last Updated; Department;"
            "From Email; Agent Assigned|Assigned To"
        ),
        columns=_cols(
            ticket_id="Ticket Number; Ticket ID",
            created_at="Date Created; Create Date",
            updated_at="Last Updated",
            closed_at="Closed Date; Date Closed",
            status="Current Status; Status",
            priority="Priority",
            channel="Source",
            category="Help Topic",
            agent="Agent Assigned; Assigned To",
            group="Department; Team Assigned",
            level="Team Assigned",  # a team of agents ("Level 2 Support"): a line when named so
            customer="From; From Email",
            subject="Subject",
            reopens="Reopen Count",
        ),
        value_maps={
            "status": _vm(
                "open=open; resolved=solved; closed=closed; archived=closed; deleted=closed"
            ),
            "priority": {"emergency": "urgent", **_PRIORITY_WORDS},
            "channel": _vm("web=web; email=email; phone=phone; api=api; other=other"),
        },
        notes=(
            "osTicket queue 'Export' (include/class.export.php, "
            "CustomQueue::getExportableFields): 'Ticket Number', 'Date Created', 'Subject', "
            "'From', 'From Email', 'Priority', 'Department', 'Help Topic', 'Source', 'Current "
            "Status', 'Last Updated', 'SLA Due Date', 'Due Date', 'Closed Date', 'Overdue', "
            "'Answered', 'Agent Assigned', 'Team Assigned', 'Thread Count', 'Reopen Count', "
            "'Attachment Count'. Semicolon-delimited in locales with a decimal comma; dates in "
            "the staff member's locale format. 'Overdue' is an SLA flag, not an escalation."
        ),
    ),
    Preset(
        vendor="zammad",
        label="Zammad ticket report (XLSX)",
        signature=_names(
            "#|Number; Title; State; Owner; Customer; Create Channel; Article Count; Created At"
        ),
        columns=_cols(
            ticket_id="#; Number",
            created_at="Created At",
            updated_at="Updated At",
            closed_at="Closed At; close_at",
            status="State",
            priority="Priority",
            channel="Create Channel",
            agent="Owner",
            group="Group",
            customer="Organization; Customer",
            subject="Title",
            tags="Tags",
            first_response_minutes="First Response In Min",
        ),
        value_maps={
            "status": _vm(
                "new=new; open=open; pending reminder=pending; pending close=pending;"
                "closed=closed; merged=closed; removed=closed"
            ),
            "priority": _vm("1 low=low; 2 normal=normal; 3 high=high"),
            "channel": _vm(
                "email=email; phone=phone; web=web; chat=chat; sms=messaging;"
                "telegram personal-message=messaging; twitter status=social;"
                "twitter direct-message=social; facebook feed post=social;"
                "facebook feed comment=social; note=other; fax=other"
            ),
        },
        duration_unit={"first_response_minutes": "minutes"},
        notes=(
            "Zammad reporting 'Download' (lib/excel_sheet/ticket.rb): title rows, then '#', "
            "'Title', 'State', 'Priority', 'Group', 'Owner', 'Customer', 'Organization', "
            "'Create Channel', 'Sender', 'Tags', 'Time Units Total', custom attributes, "
            "'Created At', 'Updated At', 'Closed At', 'First Response In Min', 'Article Count', "
            "'Escalation At'. Zammad's 'Escalation At' is an SLA deadline, not an escalation, "
            "so it is not mapped."
        ),
    ),
    Preset(
        vendor="chatwoot",
        label="Chatwoot conversation report",
        signature=_names(
            "Conversation ID; Inbox name; Agent name; Conversation status; Customer name;"
            "Customer email"
        ),
        columns=_cols(
            ticket_id="Conversation ID",
            created_at="Created at",
            status="Conversation status",
            agent="Agent name",
            group="Team name; Inbox name",
            customer="Customer email; Customer name; Contact email; Contact name",
            tags="Labels",
            first_response_minutes="First response time (minutes);"
            "First response time in minutes; First response time",
            satisfaction="CSAT score; Rating",
        ),
        value_maps={
            "status": _vm("open=open; resolved=solved; pending=pending; snoozed=on_hold"),
        },
        duration_unit={"first_response_minutes": "minutes"},
        notes=(
            "Chatwoot Reports > Conversations 'Download' (app/views/api/v2/accounts/reports/"
            "conversation_reports.erb): a 'Reporting period ...' line, then conversation id, "
            "inbox name, customer name, phone, email, instagram handle, agent name, conversation "
            "status, first response time (minutes), resolution time (minutes), labels; the "
            "English header texts are inferred from the template's keys. This report has no "
            "creation time, so created_at stays unmapped unless a 'Created at' column exists."
        ),
    ),
    Preset(
        vendor="helpscout",
        label="Help Scout conversations export",
        signature=_names(
            "Conversation ID|Number; Mailbox; Customer email; Assigned to; Closed at; Type"
        ),
        columns=_cols(
            ticket_id="Number; Conversation ID",
            created_at="Created at",
            updated_at="Modified at; Updated at",
            closed_at="Closed at",
            status="Status",
            channel="Type",
            agent="Assigned to; Assignee",
            group="Mailbox",
            customer="Customer email; Customer",
            subject="Subject",
            tags="Tags",
            satisfaction="Rating",
        ),
        value_maps={
            "status": _vm("active=open; pending=pending; closed=closed; spam=closed"),
            "channel": _vm("email=email; chat=chat; phone=phone"),
        },
        notes=(
            "Help Scout conversation export (Reports export / Mailbox API conversation fields: "
            "number, status, type email/chat/phone, mailbox, assignee, customer, createdAt, "
            "closedAt, tags, rating). Help Scout publishes no fixed CSV header list: the names "
            "follow its UI labels and were not checked against a real file."
        ),
    ),
    Preset(
        vendor="intercom",
        label="Intercom conversations export",
        signature=_names(
            "Conversation ID; Team assigned|Team currently assigned; Conversation rating;"
            "Assignee|Teammate currently assigned; Source type|Channel; Closed at|Last closed at"
        ),
        # One of Intercom's own names besides the id: Front's analytics export also has
        # "Conversation ID", "Assignee" and "Channel".
        required=(
            "Conversation ID",
            "Team assigned|Team currently assigned|Teammate currently assigned|Source type"
            "|Conversation rating|Closed at|Last closed at|Conversation started at",
        ),
        columns=_cols(
            ticket_id="Conversation ID",
            created_at="Created at; Conversation started at; Started at",
            updated_at="Updated at; Last updated at",
            closed_at="Closed at; Last closed at; First closed at",
            status="State; Conversation state",
            channel="Channel; Source type",
            agent="Assignee; Teammate currently assigned; Teammate assigned",
            group="Team assigned; Team currently assigned",
            customer="Company name; Company; User email; User name",
            subject="Title; Conversation title",
            tags="Tags; Conversation tag; Conversation tags",
            satisfaction="Conversation rating",
            first_response_minutes="Time to first response; First response time",
        ),
        value_maps={
            "status": _vm("open=open; snoozed=on_hold; closed=closed"),
            "channel": _vm(
                "chat=chat; conversation=chat; messenger=chat; email=email; phone=phone;"
                "phone call=phone; sms=messaging; whatsapp=messaging; facebook=social;"
                "instagram=social; twitter=social; push=other"
            ),
        },
        notes=(
            "Intercom conversation export and the Reports 'Conversations dataset' attributes "
            "(Conversation ID, Conversation started at, Teammate/Team currently assigned, "
            "Channel, Conversation rating 1-5, Conversation tag) from Intercom's 'Reporting "
            "metrics & attributes' help article; state open/snoozed/closed."
        ),
    ),
    Preset(
        vendor="hubspot",
        label="HubSpot tickets export",
        signature=_names(
            "Ticket ID; Ticket name; Ticket status|Pipeline stage; Pipeline; Ticket owner;"
            "Create date; Close date"
        ),
        columns=_cols(
            ticket_id="Ticket ID; Record ID",
            created_at="Create date",
            updated_at="Last activity date; Last modified date",
            closed_at="Close date",
            status="Ticket status; Pipeline stage",
            priority="Priority",
            channel="Source",
            category="Category",
            agent="Ticket owner",
            group="Pipeline",
            customer="Associated Company; Associated Contact",
            subject="Ticket name",
            description="Ticket description",
        ),
        value_maps={
            "status": _vm("new=new; waiting on contact=pending; waiting on us=open; closed=closed"),
            "priority": dict(_PRIORITY_WORDS),
            "channel": _vm(
                "chat=chat; email=email; form=web; phone=phone; bot=chat;"
                "facebook messenger=messaging; whatsapp=messaging"
            ),
        },
        notes=(
            "HubSpot CRM 'Export' of the tickets view: property labels such as 'Ticket ID', "
            "'Ticket name' (subject), 'Ticket status'/'Pipeline stage' (hs_pipeline_stage), "
            "'Pipeline', 'Priority' (hs_ticket_priority LOW/MEDIUM/HIGH), 'Source' "
            "(source_type), 'Ticket owner', 'Create date', 'Close date', 'Category' "
            "(hs_ticket_category), 'Associated Company'; default pipeline stages New / Waiting "
            "on contact / Waiting on us / Closed."
        ),
    ),
    Preset(
        vendor="salesforce",
        label="Salesforce case report",
        signature=_names(
            "Case Number; Case Origin; Case Owner; Date/Time Opened|Opened Date; Account Name;"
            "Subject"
        ),
        columns=_cols(
            ticket_id="Case Number; Case ID",
            created_at="Date/Time Opened; Opened Date; Created Date",
            updated_at="Last Modified Date; Date/Time Last Modified",
            closed_at="Date/Time Closed; Closed Date",
            status="Status",
            priority="Priority",
            channel="Case Origin",
            category="Type; Case Reason; Reason",
            agent="Case Owner",
            customer="Account Name; Contact Name",
            subject="Subject",
            description="Description",
            escalated="Escalated; Is Escalated",
        ),
        value_maps={
            "status": _vm(
                "new=new; working=open; escalated=open; on hold=on_hold;"
                "waiting on customer=pending; closed=closed"
            ),
            "priority": {"critical": "urgent", **_PRIORITY_WORDS},
            "channel": _vm(
                "email=email; phone=phone; web=web; chat=chat; social=social;messaging=messaging"
            ),
        },
        notes=(
            "Salesforce Case fields by their report labels (Salesforce Help 'Case Fields', "
            "Case object reference): Case Number, Subject, Status, Priority, Case Origin "
            "(Origin), Type, Case Reason, Case Owner, Account Name, Date/Time Opened, "
            "Date/Time Closed, Escalated (IsEscalated), Closed (IsClosed). Default statuses "
            "New/Working/Escalated/Closed."
        ),
    ),
    Preset(
        vendor="cfpb",
        label="CFPB consumer complaint database export",
        signature=_names(
            "Complaint ID|complaint_id; Date received|date_received; Submitted via|submitted_via;"
            "Company response to consumer|company_response; Timely response?|timely;"
            "Consumer disputed?|consumer_disputed; Sub-product|sub_product"
        ),
        columns=_cols(
            ticket_id="Complaint ID; complaint_id",
            created_at="Date received; date_received",
            status="Company response to consumer; company_response",
            channel="Submitted via; submitted_via",
            category="Product; product",
            customer="Company; company",
            subject="Issue; issue",
            description="Consumer complaint narrative; complaint_what_happened",
            tags="Tags; tags",
            escalated="Consumer disputed?; consumer_disputed",
        ),
        value_maps={
            "status": _vm(
                "in progress=open; closed=closed; closed with explanation=closed;"
                "closed with monetary relief=closed; closed with non-monetary relief=closed;"
                "closed with relief=closed; closed without relief=closed;"
                "untimely response=closed"
            ),
            "channel": _vm(
                "web=web; web referral=web; phone=phone; email=email; fax=other;"
                "postal mail=other; referral=other"
            ),
        },
        notes=(
            "US CFPB consumer complaint database CSV (official column names, as in the public "
            "export), or its JSON download (search hits whose '_source' holds the API's field "
            "names: complaint_id, date_received, company_response ...). No solve time; "
            "'Company response to consumer' gives the state; 'Company' (the firm complained "
            "about) is the customer; 'Consumer disputed?' (Yes/No/N/A) stands for escalation; "
            "tags are comma separated."
        ),
    ),
    Preset(
        vendor="kaggle_tickets",
        label="Kaggle Customer Support Ticket Dataset",
        signature=_names(
            "Ticket ID; Customer Name; Customer Email; Ticket Subject; Ticket Description;"
            "Ticket Status; Ticket Priority; Ticket Channel; Customer Satisfaction Rating"
        ),
        columns=_cols(
            ticket_id="Ticket ID",
            created_at="First Response Time; Date of Purchase",
            resolved_at="Time to Resolution",
            status="Ticket Status",
            priority="Ticket Priority",
            channel="Ticket Channel",
            category="Ticket Type",
            customer="Customer Email; Customer Name",
            subject="Ticket Subject",
            description="Ticket Description",
            satisfaction="Customer Satisfaction Rating",
        ),
        value_maps={
            "status": _vm("open=open; pending customer response=pending; closed=closed"),
            "priority": {"critical": "urgent", **_PRIORITY_WORDS},
            "channel": _vm("email=email; chat=chat; phone=phone; social media=social"),
        },
        notes=(
            "Kaggle 'Customer Support Ticket Dataset' (synthetic). It has no creation time: "
            "'First Response Time' and 'Time to Resolution' are timestamps, not durations, "
            "so created_at falls back to the first-response timestamp (empty for open "
            "tickets) and 'Date of Purchase' is the customer's purchase date. Satisfaction "
            "is 1-5."
        ),
    ),
)
