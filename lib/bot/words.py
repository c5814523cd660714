"""The words that mark bot or AI handling in helpdesk exports, kept as data.

Every string is ``|``-separated and compared after :func:`lib.bot.marks.words_of` (lower case,
anything but letters and digits as one space), so ``Answer Bot for Web Widget``,
``answer_bot_for_web_widget`` and ``answer-bot`` are written once. To teach the app a new bot,
add its name to :data:`BOT_NAMES` (or, if the name is also an ordinary word in some helpdesk,
to :data:`VENDOR_BOT_NAMES` under the vendor whose exports use it).

Sources of the vendor words: Zendesk's ticket ``via`` channels (``answer_bot_for_web_widget``,
``answer_bot_api``, ``answer_bot_for_sdk``, ``answer_bot_for_slack``, ``answer_bot_for_agents``;
the CSV export writes them as ``Answer Bot for Web Widget``), Zendesk AI agents, Intercom's Fin
AI Agent (conversation fields ``ai_agent_participated`` and ``ai_agent.resolution_state`` with
``assumed_resolution``, ``confirmed_resolution``, ``routed_to_team``, ``abandoned``) and its
older Operator bot, Freshdesk's Freddy AI Agent. Agent-assist tools (Fin AI Copilot, Freddy
AI Copilot) help a person answer and are *not* a bot's first touch: :data:`NOT_BOT`.

>>> "answer bot" in BOT_NAMES.split("|")
True
"""

from __future__ import annotations

#: Values naming a bot or AI agent, as a whole value or as whole words inside one
#: (``Answer Bot for Web Widget`` holds ``answer bot``; ``Fin AI Agent`` holds ``ai agent``).
BOT_NAMES = (
    "bot|chatbot|chat bot|answer bot|answerbot|ai agent|ai agents|virtual agent|virtual assistant"
    "|ai assistant|voicebot|voice bot|conversation bot|sunshine conversations bot|zendesk bot"
    "|fin ai agent|fin ai|freddy|freddy ai|freddy ai agent|freddy bot|ada bot|ultimate bot"
)

#: Short names that mean a bot only in their vendor's exports: ``Fin`` is Intercom's AI agent
#: but a finance tag elsewhere; ``Operator`` was Intercom's bot but is a person's role in others.
#: Matched as the whole value only.
VENDOR_BOT_NAMES: dict[str, str] = {
    "intercom": "fin|operator|intercom operator",
}

#: Whole values meaning a bot in a column that names a kind of author (``Author role``,
#: ``Sender type``) rather than a person.
BOT_ROLES = "bot|ai|ai agent|fin|virtual agent|automated agent"

#: Values containing these words are agent-assist tools or human roles, never a bot's touch.
NOT_BOT = "copilot|co pilot|agent assist"

#: Bot-state words in a resolution/outcome column (Intercom's ``ai_agent.resolution_state``,
#: a bot's "outcome"): the bot resolved it, or handed it on to people.
RESOLVED_STATES = (
    "assumed resolution|confirmed resolution|resolved|deflected|contained|self served|solved"
    "|bot resolved|resolved by bot|resolved by ai"
)
HANDOFF_STATES = (
    "routed to team|routed to human|handed off|handoff|handover|hand off|hand over|transferred"
    "|transfer to agent|escalated|escalated to agent|escalated to human|human requested"
    "|agent requested|talk to a person"
)

#: Tags (split into words at ``_``, ``-``, ``.``, spaces) that say a bot touched the ticket:
#: any of these words in a tag (``bot_handoff``, ``answerbot``, ``ai_agent_resolved``).
TAG_BOT_WORDS = "bot|chatbot|answerbot|voicebot|freddy|ai agent|virtual agent|fin ai"
#: Tag prefixes that name a bot only together with a state word (``fin_resolved``, not ``fin``).
TAG_BOT_PREFIXES = "fin|ai|ada"
#: State words in a bot tag: the bot handed the ticket to people, or resolved it.
TAG_HANDOFF_WORDS = (
    "handoff|handover|handed|hand off|hand over|transfer|transferred|routed|escalated|human"
    "|to agent|agent requested"
)
TAG_RESOLVED_WORDS = "resolved|deflected|solved|contained|resolution|self served"
#: Tag words that say a bot was involved, for prefixes such as ``fin`` (``fin_involved``).
TAG_INVOLVED_WORDS = "involved|participated|handled|touched|answered|conversation"

#: Kinds of export columns read for bot marks, by header words (whole header, compared as
#: words). ``entry``: how the ticket came in (a bot channel means the bot took it first);
#: ``first``: who handled or answered it first; ``handler``: who handled or owns it (the
#: final owner when several); ``role``: the author kind of an activity row; ``flag``: yes/no
#: "a bot took part"; ``state``: the bot's outcome (resolved / handed off).
COLUMN_KINDS: dict[str, str] = {
    "entry": "via|via channel|channel|source|source type|ticket source|origin|submitted via"
    "|created via|conversation started by|started by|initiated by"
    # other languages (a bot's name is the same word in all of them)
    "|canal|origem|origem da requisicao|origen|origen de la solicitud|origine|kanal|quelle"
    "|bron",
    "first": "first responder|first handler|first handled by|first agent|first response by"
    "|first replied by|first assignee|handled first by|first touch|first contact by",
    "handler": "handled by|handler|assignee|assigned to|owner|responder|resolved by|solved by"
    "|closed by|agent|last handled by"
    "|atribuido tecnico|tecnico|atendido por|asignado a|technicien|attribue a"
    "|zugewiesen an|bearbeiter|assegnatario|behandelaar|resource|org resource",
    "role": "author role|author type|role|user type|actor type|sender type|participant type"
    "|actor role|created by type|from type",
    "flag": "ai agent participated|fin ai agent participated|fin participated|bot involved"
    "|bot participated|answer bot|ai agent involved|bot handled|handled by bot",
    "state": "ai agent resolution state|fin ai agent resolution state|fin resolution state"
    "|bot resolution|bot outcome|ai agent outcome|bot status|ai agent state",
}

#: Yes-words of a ``flag`` column.
YES = "yes|true|1|y|t|sim|si|oui|ja"

#: What a user is told when the export has no bot mark: the columns or tags that would enable it.
ENABLE_HINT = (
    "a column saying how each ticket came in or who handled it first, with the bot's name as a "
    "value: Zendesk's Via (Answer Bot for Web Widget, AI agent), an Intercom conversation "
    "export's Fin AI Agent participated and Fin AI Agent resolution state, a Freshdesk Source or "
    "Handled by naming Freddy, or a First responder / Handled by column; or tags such as "
    "bot_handoff, answerbot, fin_resolved"
)
