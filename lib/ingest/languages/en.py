"""English: the words of English-language exports (Zendesk, Freshdesk, Jira, ServiceNow,
osTicket, Zammad, Help Scout, Intercom, HubSpot, Salesforce, CFPB and others).

Every language module has the same shape (see ``lib/ingest/languages/__init__.py``); this one
also carries the header tokens that argue against a key (``AVOID``), the header words of count
and duration columns and the rating words, which other languages may add to.

>>> HEADERS["created_at"].split("|")[:3]
['created', 'created at', 'created on']
"""

CODE = "en"
NAME = "English"

#: Header names that mean each canonical key, best first (``|`` between alternatives).
HEADERS = {
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
    "|date/time closed|last closed at|last close at|archived at|archived on|canceled|cancelled"
    "|canceled at|cancelled at",
    "updated_at": "updated|updated at|updated on|last updated|last update|last update time"
    "|modified|modified at|last modified|last modified date|last activity"
    "|last activity date|last activity at|date modified",
    "event_time": "event time|timestamp|event timestamp|activity time|event date|changed at"
    "|time stamp|datetime|log time|event at|time:timestamp",
    "status": "status|state|ticket status|current status|incident state|case status"
    "|conversation status|conversation state|stage|pipeline stage",
    "priority": "priority|prio|severity|ticket priority|importance|pri|urgency level",
    "activity": "activity|activity name|concept:name|event name|action|step|activity type",
    "channel": "channel|via|source|origin|case origin|medium|contact type|submitted via"
    "|ticket channel|source type|create channel|contact channel",
    "category": "category|topic|type|ticket type|issue type|request type|help topic"
    "|product area|product|reason|case reason|issue category|ticket category|problem type"
    "|classification",
    "agent": "agent|assignee|assigned to|owner|ticket owner|case owner|handled by|responder"
    "|technician|rep|agent name|assigned agent|agent assigned|support agent|handler"
    "|assigned user|teammate|resource|org:resource|tech|assigned tech|assignees",
    "group": "group|team|queue|department|dept|assignment group|team assigned|inbox|mailbox"
    "|support group|squad|pod|team name|group name|org:group|involved st|support team"
    "|assigned team|assigned teams|assigned group",
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
    "|escalation flag|escalated to",
    "escalated_at": "escalated at|escalated on|escalation date|escalation time"
    "|date escalated|escalated date|escalated time",
    "reassignments": "reassignments|reassignment count|reassigned|times reassigned"
    "|transfers|transfer count|group changes|hops|number of reassignments|group stations",
    "reopens": "reopens|reopen count|reopened|times reopened|reopen",
    "first_response_minutes": "first response|first response time|first reply time|frt"
    "|time to first response|first reply|first response minutes"
    "|first reply time in minutes|first response time minutes|response time"
    "|first response in min",
    "first_response_at": "first responded|first responded at|first response at|first reply at"
    "|first replied at|date of first response|first response date|first responded on",
    "satisfaction": "satisfaction|csat|rating|satisfaction score|satisfaction rating"
    "|customer satisfaction|customer satisfaction rating|survey|survey results|csat score"
    "|feedback score|conversation rating",
    "satisfaction_at": "satisfaction at|satisfaction date|satisfaction rated at|rated at"
    "|satisfaction updated at|rating date|survey date|survey submitted at|survey completed at"
    "|csat date|satisfaction given at|survey results time|survey result time"
    "|survey submitted time|survey responded time|rated time|satisfaction time",
    "sentiment": "sentiment|sentiment score|tone|polarity",
}

#: Header tokens (space-separated) that argue against a key unless its synonym has them.
AVOID = {
    "ticket_id": "requester organization org group assignee customer user external brand form"
    " parent problem rfc caller contact account company email product sla purchase agent owner"
    " team mailbox inbox",
    "created_at": "due purchase birth sla escalation escalated closed close solved resolved"
    " updated modified last response reply assigned by",
    "solved_at": "due sla by first",
    "resolved_at": "due sla by",
    "closed_at": "due sla by",
    "updated_at": "by count",
    "event_time": "due sla",
    "status": "resolution response sla first lifecycle transition",
    "priority": "confirmation escalation escalated",
    "category": "sub record result",
    "activity": "time date at id count by",
    "channel": "resource resources",
    "agent": "email id stations count country group level team type category notes note stack"
    " skill skills area",
    "group": "stations count changes id requester requerente demandeur solicitante anforderer"
    " richiedente aanvrager žadatel plan subscription contract",
    "first_agent": "email id",
    "first_group": "id",
    "escalated_by": "at date time on",
    "level": "customer cust plan account sla security involved org",
    "customer": "age gender satisfaction rating tier segment plan phone since instagram handle"
    " country region city role"
    " involved interactions interaction interacciones interações interazioni",
    "customer_tier": "support",
    "subject": "sub type key id",
    "description": "count counts number id length size",
    "escalated": "at date time level by reason on",
    "first_response_minutes": "at date status due sla escalation",
    "satisfaction": "comment feedback date time",
}

#: Header tokens of duration columns (a time key named with them is a duration, not a date).
DURATION_WORDS = "minutes min mins hrs hours hour duration seconds secs"

#: Header tokens of count columns (a satisfaction score is not a count).
COUNT_WORDS = (
    "count counts interactions stations replies reopens number age hours hrs minutes min days"
    " thread article attachment attachments time units size qty quantity total"
    # customer interactions in the languages of Freshdesk's interface
    " kundeninteraktionen interaktionen interacciones interacoes interazioni interacties"
    " agenteninteraktionen"
)

#: Status words per canonical status.
STATUSES = {
    "new": "new|to do|unassigned|submitted|received|triage|awaiting triage|unopened"
    "|not started|new ticket|queued|awaiting assignment|backlog|selected for development"
    "|logged",
    "open": "open|opened|active|in progress|working|escalated|assigned|reopened|under review"
    "|planning|implementing|in implementation"
    "|waiting for support|waiting on us|waiting on agent|under investigation|investigating"
    "|work in progress|in review|acknowledged|accepted|answered|patch available"
    "|development in progress|in development|waiting for peer review|peer review in progress"
    "|waiting for integration review|integration review in progress|waiting for testing"
    "|testing in progress|in testing|in qa|code review|ready for review|ready for testing",
    "pending": "pending|waiting on customer|waiting for customer|waiting on contact"
    "|awaiting user info|awaiting customer|pending customer response|pending reminder"
    "|awaiting response|waiting for reply|customer responded|waiting on requester"
    "|awaiting caller|waiting|awaiting|waiting for feedback|awaiting feedback|need info"
    "|needs info|needs more info|waiting for user|waiting on user",
    "on_hold": "hold|on hold|waiting on third party|waiting for third party"
    "|awaiting evidence|awaiting problem|awaiting vendor|awaiting change|pending vendor"
    "|snoozed|paused|deferred|blocked|waiting for approval|postponed|waiting for supplier"
    "|waiting on supplier",
    "solved": "solved|resolved|done|pending close|fixed|completed|complete|closed resolved",
    "closed": "closed|canceled|cancelled|merged|spam|archived|deleted|rejected|declined"
    "|duplicate|won't fix|won't do|closed complete|closed incomplete|closed skipped"
    "|closed with explanation|closed with monetary relief|closed with non-monetary relief"
    "|closed without relief|closed with relief|withdrawn|abandoned|cannot reproduce"
    "|can't reproduce|not reproducible|out of scope|obsolete|not a bug|won't implement"
    "|works as designed|works as intended|incomplete|verified closed",
}

#: Priority words per canonical priority.
PRIORITIES = {
    "urgent": "urgent|critical|highest|blocker|emergency|immediate|p0|p1|sev0|sev1"
    "|severity 1|very high|top",
    "high": "high|major|p2|sev2|severity 2|important|elevated|severe",
    "normal": "normal|medium|moderate|p3|sev3|severity 3|standard|default|average|routine",
    "low": "low|lowest|minor|trivial|planning|p4|p5|sev4|sev5|severity 4|very low|informational",
}

#: Channel words per canonical channel.
CHANNELS = {
    "email": "email|mail|e-mail|emails|outbound email|inbound email|email ticket|forwarded email",
    "web": "web|web form|webform|web widget|portal|help center|helpcenter|form|self-service"
    "|self-service portal|self service portal|selfservice portal"
    "|feedback widget|forum|beacon|website|customer portal|service portal|contact form"
    "|widget|anonymous portal|web referral|community|knowledge base|helpdesk|support center"
    "|support centre",
    "chat": "chat|live chat|livechat|messenger|conversation|virtual agent|chatbot|bot"
    "|in-app chat|web chat|front chat|chat widget",
    "phone": "phone|voice|phone call (incoming)|phone call (outgoing)|phone call|call"
    "|telephone|voicemail|talk|inbound call|outbound call",
    "messaging": "whatsapp|sms|text|text message|telegram|mobile sdk|mobihelp|push|messaging"
    "|native messaging|facebook messenger|line|wechat|viber|signal|mobile|in-app|app"
    "|apple business chat",
    "social": "twitter|x|facebook|instagram|social media|social|linkedin|youtube|tweet"
    "|facebook post|tiktok|instagram comment|instagram mention|facebook comment"
    "|facebook mention|twitter mention|instagram ad comment",
    "api": "api|web service|integration|rest api",
    "other": "other|closed ticket|walk-in|postal mail|fax|referral|jira|system|internal"
    "|sample ticket|rule|automation|in person|side conversation|direct|written",
}

#: Words for a satisfaction rating (a column of these is a rating column).
RATINGS = (
    "good|bad|great|okay|ok|not good|awesome|neutral|satisfied|unsatisfied|dissatisfied"
    "|very satisfied|very dissatisfied|happy|unhappy|offered|unoffered|not offered|positive"
    "|negative|excellent|poor|terrible|amazing"
)

#: Words meaning "nobody / no group" in a person or group column. Keep words that could be a
#: real person's or team's name out. OTRS/Znuny give a new ticket user 1, "root@localhost", as
#: its owner: nobody has taken it.
NOBODY = "unassigned|not assigned|nobody|no one|no agent|no group|no owner|root@localhost"

#: Words meaning "no value" in a status, priority or channel column.
NOTHING = "not set|no priority|no status"

#: Month names and abbreviations, January first.
MONTHS = (
    "jan|january",
    "feb|february",
    "mar|march",
    "apr|april",
    "may",
    "jun|june",
    "jul|july",
    "aug|august",
    "sep|sept|september",
    "oct|october",
    "nov|november",
    "dec|december",
)


#: Common short words (articles, pronouns, prepositions), space-separated: enough to tell
#: which language a ticket's text is in (``lib.sentiment_language``), never used to match columns.
STOPWORDS = (
    "the and to of a in is it for on with that this my was not be are have you i we can but "
    "from please me our your an at as or do does has been will would there they no any when "
    "after again why how what"
)
