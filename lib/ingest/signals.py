"""Escalation signals an export holds, as suggested rules the user accepts with one click.

When the active rules mark no ticket (or hardly any) as escalated, the export usually still
says which tickets went up a level, in its own words: a group named "N2", a status
"Escalado", a yes/no column "Escalated to engineering", a tag "tier2", a count of
reassignments, a linked Jira issue. :func:`suggest_signals` finds such signals in a
snapshot (canonical ticket columns plus the export's own columns, kept as ``raw:<name>``)
and returns each with the rule that would use it, how many tickets it marks and an example
ticket; :func:`accept_signal` adds that rule to a rule list. Every count is computed with
:func:`lib.ingest.rules.rule_mask`, so a suggestion marks exactly the tickets it says.

Example
-------
>>> t = pl.DataFrame({"ticket_id": [str(i) for i in range(10)],
...                   "raw:Grupo": ["N1"] * 8 + ["N2", "Nível 2"]})
>>> [(s.label, s.tickets, s.example) for s in suggest_signals(t)]
[('Grupo is "N2" or "Nível 2"', 2, '8')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from lib.ingest.activities import closing_kind
from lib.ingest.normalise.booleans import FALSE_WORDS, TRUE_WORDS
from lib.ingest.rules import (
    NEGATED_ESCALATION_PATTERN,
    TIER_PATTERN,
    Rule,
    apply_rules,
    custom_rule,
    raw_source,
    rule_mask,
)

#: A signal that marks more than this share of tickets says little (nearly everything).
MAX_SHARE = 0.8
#: How many suggestions are returned at most.
LIMIT = 8
#: A column with more distinct values than this share of tickets is free text, not a category
#: (at least ``MIN_DISTINCT`` distinct values are always allowed).
MAX_DISTINCT_SHARE = 0.3
MIN_DISTINCT = 20
#: A value list longer than this is not offered as one rule.
MAX_VALUES = 8

#: Values (statuses, groups, levels, categories, tags) that say a ticket went up a level,
#: in the languages the exports come in (:data:`ESCALATION_WORDS` is both kinds).
#: The default group rule's words (:data:`lib.ingest.rules.TIER_PATTERN`), one list for both.
_TIER = rf"({TIER_PATTERN}|escalier)"
TIER_WORDS = re.compile("(?i)" + _TIER)
#: The weaker kind: a value naming a team (engineering, development), which can also be a
#: topic ("Analysis and development" as a category).
_TEAM = (
    r"(engineering|engenharia|ingenier[ií]a|entwicklung|développement|sviluppo|"
    r"\bdev\b|\bdevs\b|developers?|desenvolvimento|desarrollo|r&d|"
    r"back[\s-]?office|specialist|especialista)"
)
TEAM_WORDS = re.compile("(?i)" + _TEAM)
ESCALATION_WORDS = re.compile(f"(?i){_TIER}|{_TEAM}")
#: Words that negate a value ("Not escalated", "Sem escalonamento").
NEGATION = re.compile(
    r"(?i)(^|\W)(not|no|non|none|never|without|sem|sin|nicht|kein\w*|não|nao|pas|senza)(\W|$)"
)
#: Values that name an escalation to deny it ("not_escalated", "De-escalated"): no signal.
DENIED = re.compile("(?i)" + NEGATED_ESCALATION_PATTERN)
#: Values about escalation, not one ("Escalation Review Sprint", "Prep for Escalation Review"):
#: a meeting's words, unless the value names a line or says escalated ("Tier 2 review",
#: "Escalated for review").
ABOUT = re.compile(
    r"(?i)\b(?:review\w*|meeting|call|prep|preparation|sprint|workshop|training|retro\w*"
    r"|prevent\w*|avoid\w*)\b"
)
_SAID_ESCALATED = re.compile(r"(?i)escalated|escalad[oa]s?|eskaliert|escalonad[oa]")
#: An urgency scale ("Normal", "Moderate", "High", "Overdue": ServiceNow's incident
#: ``escalation``, an SLA's alarm rather than a hand-over; or its codes 0-3): offered as an SLA
#: signal, ranked below the hand-overs.
URGENCY_SCALE = frozenset(
    {"normal", "moderate", "high", "overdue", "low", "medium", "critical", "urgent"}
)
#: ServiceNow's raw export writes the same scale as codes 0-3 in a column named "escalation".
_URGENCY_CODES = frozenset({"0", "1", "2", "3"})
#: Values of an escalation level column that say the ticket was not escalated (ServiceNow's
#: incident ``escalation``: Normal, then Moderate, High, Overdue).
UNESCALATED_LEVELS = frozenset({"normal", "none", "standard", "regular", "n/a", "na", "-"})
#: Column names that say the column is about escalation (its values then count too).
ESCALATION_NAME = ESCALATION_WORDS
#: Column names of a broken SLA / overdue flag.
SLA_NAME = re.compile(
    r"(?i)(\bsla\b|breach|violat|violad|overdue|exceeded|excedid|vencid|atrasad|"
    r"überschritten|verletz|dépass|scadut|late\b)"
)
#: Column names of a link to an engineering issue (Jira "Linked issues", a "Problem").
LINK_NAME = re.compile(
    r"(?i)(linked issue|issue link|has[_ ]incidents|outward|inward|\bproblem\b|problema|problème|"
    r"change request|\bbug\b|\bdefect|jira|engineering (issue|ticket)|dev (issue|ticket))"
)
#: Values of a yes/no column (the loader's own words, :func:`lib.ingest.normalise.parse_bool`).
#: ("on"/"off" are left out: a switch, such as "Auto-escalation: On", says nothing about a ticket.)
YES = frozenset(TRUE_WORDS) - {"on"} | {"1"}
NO = frozenset(FALSE_WORDS) - {"off"} | {"0", "nope", "-", "none"}
#: Columns that are never a signal (ids, dates, free text, people).
_SKIP = re.compile(
    r"(?i)(\bid\b|^id$|number|número|nummer|key|date|data de|datum|time|tempo para|created|"
    r"updated|solved|closed|resolved|opened|atualiza|abertura|subject|title|título|titel|"
    r"summary|resumo|description|descri|comment|body|e-?mail|phone|requester|requerente|"
    r"ticket name|case name|sprint|"
    r"customer|cliente|plan\b|policy|account|organi[sz]ation|company|empresa|entidade|contract|"
    r"contrato)"
)

#: Column names of free text or a kind of ticket, never a link to another issue.
_TEXTY = re.compile(r"(?i)(descri|comment|body|summary|subject|title|título|type|tipo|categor)")

#: Column names of a ticket's topic (category, type, product, service).
_TOPIC = re.compile(r"(?i)(categor|type|tipo|topic|t[oó]pico|assunto|tema|product|produ|servi)")

#: How strongly each kind of signal says "escalated" (ranking weight).
WEIGHTS = {
    "flag": 1.0,
    "tier_move": 0.95,
    "group_move": 0.6,
    "value": 0.9,
    "team": 0.4,
    "tag": 0.8,
    "link": 0.7,
    "sla": 0.5,
    "reassigned": 0.45,
    "priority_raised": 0.5,
}


@dataclass(frozen=True)
class Signal:
    """One escalation signal found in an export.

    ``kind``: ``flag`` (a yes/no column named for escalation), ``tier_move`` (an event log
    moved the ticket to a higher level), ``group_move`` (the ticket left its first group),
    ``value`` (values of a status, group, level or category column that name a tier or an
    escalation), ``team`` (a category or type naming an engineering or development team), ``tag``,
    ``link`` (a linked engineering issue), ``sla`` (a broken-SLA flag), ``priority_raised``
    (an event log shows a higher priority than at creation) or ``reassigned``
    (reassigned at least N times). ``rule`` is the rule that marks
    exactly ``tickets`` tickets; ``example`` is one of their ids.
    """

    kind: str
    label: str
    column: str | None
    tickets: int
    share: float
    example: str | None
    rule: Rule
    score: float


def _shown(column: str) -> str:
    return column.removeprefix("raw:")


def _text(frame: pl.DataFrame, column: str) -> pl.Series:
    s = frame.get_column(column)
    if isinstance(s.dtype, pl.List):
        s = s.list.eval(pl.element().cast(pl.String)).list.join(", ")
    return s.cast(pl.String).str.strip_chars()


def _distinct(frame: pl.DataFrame, column: str, limit: int) -> list[tuple[str, int]] | None:
    """Non-blank values of a column with their ticket counts, most common first; None when
    the column has more than ``limit`` distinct values (free text: not listed, for speed)."""
    s = _text(frame, column)
    s = s.filter(s.is_not_null() & (s != ""))
    if s.n_unique() > limit:
        return None
    vc = s.value_counts(name="n").sort(["n", column], descending=[True, False])
    return [(str(v), int(n)) for v, n in vc.iter_rows()]


def _candidate_columns(frame: pl.DataFrame, mapping: Mapping[str, Any] | None) -> list[str]:
    """The export's own columns, and the categorical ticket fields whose export column was
    not kept (a snapshot without ``raw:`` columns)."""
    raw = [c for c in frame.columns if c.startswith("raw:")]
    fields = [
        c
        for c in ("status", "group", "_level", "category", "priority", "channel")
        if c in frame.columns and raw_source(frame.columns, c, mapping) is None
    ]
    if "_level" in fields and any(c.lower().endswith("level") for c in raw):
        fields.remove("_level")
    return fields + raw


def _evaluate(
    frame: pl.DataFrame, rule: Rule, mapping: Mapping[str, Any] | None
) -> tuple[int, int, str | None]:
    """Tickets a rule marks on ``frame``, how many of them are not escalated yet, and the id
    of the first of those (of the first marked one when all are); ``__escalated`` marks the
    tickets escalated now. One pass over the frame."""
    mark = rule_mask(frame, rule, mapping)
    fresh = mark & ~pl.col("__escalated")
    ids = pl.col("ticket_id").cast(pl.String)
    row = frame.select(
        n=mark.sum(),
        fresh=fresh.sum(),
        example=pl.coalesce(ids.filter(fresh).first(), ids.filter(mark).first()),
    ).row(0)
    return int(row[0] or 0), int(row[1] or 0), row[2]


def _plausible(share: float) -> float:
    """How plausible a share of escalated tickets is (1 between 1% and 40%)."""
    if share < 0.01:
        return 0.6
    if share <= 0.4:
        return 1.0
    return max(0.2, 1.0 - (share - 0.4))


def _value_rule(column: str, values: list[str]) -> Rule:
    quoted = " or ".join(f'"{v}"' for v in values)
    return custom_rule(column, "is in", values, label=f"{_shown(column)} is {quoted}")


def _column_signals(frame: pl.DataFrame, column: str) -> list[tuple[str, Rule]]:
    """Signals in one column: a yes/no flag, a link, or escalation-like values."""
    name = _shown(column)
    skipped = bool(_SKIP.search(name))
    named = ESCALATION_NAME.search(name) or SLA_NAME.search(name) or LINK_NAME.search(name)
    if skipped and not named:
        return []
    values = _distinct(frame, column, max(MIN_DISTINCT, int(frame.height * MAX_DISTINCT_SHARE)))
    if values == []:
        return []
    few = values is not None and len(values) <= len(YES | NO)
    lowered = {v.lower() for v, _ in values} if values is not None and few else set()
    if few and lowered and lowered <= YES | NO and not lowered & YES:
        return []  # a yes/no column that says no on every row ("Has linked bug": false)
    if few and lowered <= YES | NO and lowered & YES:
        yes = [v for v, _ in values if v.lower() in YES]
        kinds = (("flag", ESCALATION_NAME), ("sla", SLA_NAME), ("link", LINK_NAME))
        kind = next((k for k, pattern in kinds if pattern.search(name)), "")
        if not kind:
            return []
        label = f"{name} is " + " or ".join(f'"{v}"' for v in yes)
        return [(kind, custom_rule(column, "is in", yes, label=label))]
    if LINK_NAME.search(name) and not _TEXTY.search(name):
        label = f"{name} is filled in (a linked issue)"
        return [("link", custom_rule(column, "is not empty", None, label=label))]
    if skipped or values is None:  # a date, a plan, a customer's tier, free text: no signal
        return []
    if ESCALATION_NAME.search(name) and "escal" in name.lower():
        said = {v.lower() for v, _ in values}
        urgency = said <= URGENCY_SCALE or (name.lower() == "escalation" and said <= _URGENCY_CODES)
        # An "Escalation level" / "Escalation reason" column: every value that is not a no.
        picked = [
            v
            for v, _ in values
            if v.lower() not in NO | UNESCALATED_LEVELS
            and not NEGATION.search(v)
            and not DENIED.search(v)
            and not re.search(r"(?i)\b(l|n|tier|level)[\s_-]*[01]\b", v)
        ]
    else:
        urgency = False
        picked = [
            v
            for v, _ in values
            if ESCALATION_WORDS.search(v)
            and not NEGATION.search(v)
            and not DENIED.search(v)
            and not (ABOUT.search(v) and not TIER_WORDS.search(v) and not _SAID_ESCALATED.search(v))
        ]
    if not picked or len(picked) > MAX_VALUES:
        return []
    if urgency:
        return [("sla", _value_rule(column, picked))]
    # A category naming a team ("Analysis and development") is a topic more often than a
    # hand-over: it ranks below the rest; a status "Waiting on engineering" does not.
    strong = (
        any(TIER_WORDS.search(v) for v in picked)
        or "escal" in name.lower()
        or not _TOPIC.search(name)
    )
    return [("value" if strong else "team", _value_rule(column, picked))]


def _tag_signals(frame: pl.DataFrame) -> list[tuple[str, Rule]]:
    if "tags" not in frame.columns or not isinstance(frame.schema["tags"], pl.List):
        return []
    tags = frame.get_column("tags").explode().drop_nulls().cast(pl.String).str.to_lowercase()
    found = sorted(
        t
        for t in tags.unique().to_list()
        if t and ESCALATION_WORDS.search(t) and not NEGATION.search(t) and not DENIED.search(t)
    )
    if not found or len(found) > MAX_VALUES:
        return []
    out = []
    for tag in found:
        out.append(("tag", Rule(f"tag_{tag}", f'Tag contains "{tag}"', "tag", value=tag)))
    return out


#: Event-log steps that hand a ticket up ("Require upgrade", "Escalate to L2") or open an
#: engineering issue ("Create SW anomaly", "Open bug"): the log's own escalation signals.
STEP_UP = re.compile("(?i)" + _TIER + r"|\bupgrade|\bhand[\s-]?over|\btransfer to\b")
STEP_ISSUE = re.compile(r"(?i)\b(anomal|bug|defect|incident report|problem|jira|dev(elopment)?\b)")


def _step_signals(frame: pl.DataFrame) -> list[tuple[str, Rule]]:
    """Steps of an event log (``_steps``) that say the ticket went up a level or became an
    engineering issue, one suggestion per step."""
    if "_steps" not in frame.columns or not isinstance(frame.schema["_steps"], pl.List):
        return []
    names = frame.get_column("_steps").explode().drop_nulls().cast(pl.String).unique().sort()
    closes = pl.select(closing_kind(pl.lit(names))).to_series().is_not_null()
    out = []
    for step, closing in zip(names.to_list(), closes.to_list(), strict=True):
        if closing or NEGATION.search(step):
            continue
        kind = "value" if STEP_UP.search(step) else "link" if STEP_ISSUE.search(step) else ""
        if kind:
            label = f'The ticket went through the step "{step}"'
            out.append((kind, custom_rule("_steps", "contains", step, label=label)))
    return out[:MAX_VALUES]


def _reassignment_signal(frame: pl.DataFrame) -> list[tuple[str, Rule]]:
    """Reassigned at least N times, N the smallest count that marks at most 40% of tickets."""
    if "reassignments" not in frame.columns:
        return []
    r = frame.get_column("reassignments").cast(pl.Float64, strict=False).drop_nulls()
    if r.len() == 0 or (r.max() or 0) < 1:
        return []
    for n in range(1, int(r.max() or 0) + 1):  # type: ignore[arg-type]
        share = float((r >= n).sum()) / frame.height
        if share <= 0.4:
            label = f"Reassigned {n} or more times"
            return [("reassigned", Rule("reassigned", label, "reassigned", value=n))]
    return []


def _move_signals(frame: pl.DataFrame) -> list[tuple[str, Rule]]:
    """A move to a higher tier (event log) and a move away from the first group."""
    out = []
    if "_tier_move_at" in frame.columns:
        label = "Moved to a higher tier (event log)"
        out.append(("tier_move", Rule("level_move", label, "level_move")))
    if "group" in frame.columns and "first_group" in frame.columns:
        label = "Moved from its first group to another group"
        out.append(("group_move", Rule("group_move", label, "group_move")))
    if "priority" in frame.columns and "_first_priority" in frame.columns:
        label = "Priority raised after creation (event log)"
        out.append(("priority_raised", Rule("priority_raised", label, "priority_raised")))
    return out


def suggest_signals(
    frame: pl.DataFrame,
    rules: list[Rule] | None = None,
    *,
    mapping: Mapping[str, Any] | None = None,
    limit: int = LIMIT,
) -> list[Signal]:
    """Escalation signals in a snapshot, best first, leaving out any that marks no ticket or
    more than ``MAX_SHARE`` of them, any whose rule is already switched on in ``rules`` and
    any that marks only tickets already escalated (by ``rules`` when given, else by the
    frame's ``escalated`` column).

    ``frame`` holds ``ticket_id``, canonical columns and the export's ``raw:`` columns;
    ``mapping`` is the dataset's column mapping (ticket field -> export column).

    >>> t = pl.DataFrame({"ticket_id": ["1", "2", "3", "4"],
    ...                   "raw:Escalated": ["Yes", "No", "No", "No"],
    ...                   "raw:Queue": ["Billing"] * 4,
    ...                   "reassignments": [0, 1, 3, 1]})
    >>> [(s.kind, s.label, s.tickets, s.example) for s in suggest_signals(t)]
    [('flag', 'Escalated is "Yes"', 1, '1'), ('reassigned', 'Reassigned 2 or more times', 1, '3')]
    """
    if frame.height == 0 or "ticket_id" not in frame.columns:
        return []
    on = {(r.kind, r.column, str(r.value)) for r in (rules or []) if r.enabled}
    if rules is not None:
        now = apply_rules(frame, rules, sources=mapping).frame.get_column("escalated")
    elif "escalated" in frame.columns:
        now = frame.get_column("escalated").fill_null(False)
    else:
        now = pl.repeat(False, frame.height, eager=True)
    frame = frame.with_columns(__escalated=now)
    found: list[tuple[str, Rule]] = [*_move_signals(frame)]
    for column in _candidate_columns(frame, mapping):
        found += _column_signals(frame, column)
    found += _tag_signals(frame) + _step_signals(frame) + _reassignment_signal(frame)
    out: list[Signal] = []
    seen: set[tuple[str, str | None, str]] = set()
    for kind, rule in found:
        ident = (rule.kind, rule.column, str(rule.value))
        if ident in on or ident in seen:
            continue
        seen.add(ident)
        n, fresh, example = _evaluate(frame, rule, mapping)
        share = n / frame.height
        if fresh == 0 or share > MAX_SHARE:
            continue
        score = WEIGHTS[kind] * _plausible(share)
        out.append(Signal(kind, rule.label, rule.column, n, share, example, rule, score))
    out.sort(key=lambda s: (-s.score, -s.tickets, s.label))
    return out[:limit]


def accept_signal(rules: list[Rule], signal: Signal) -> list[Rule]:
    """The rule list with the signal's rule switched on: a rule with the same id (a built-in
    one that was off, such as "reassigned") is replaced in place, else the rule is added.

    >>> from lib.ingest.rules import default_rules
    >>> s = Signal("reassigned", "Reassigned 2 or more times", "reassignments", 3, 0.1, "7",
    ...            Rule("reassigned", "Reassigned 2 or more times", "reassigned", value=2), 0.4)
    >>> [(r.id, r.enabled, r.value) for r in accept_signal(default_rules([]), s)][-1]
    ('reassigned', True, 2)
    """
    rule = Rule(**{**signal.rule.to_dict(), "enabled": True})
    if any(r.id == rule.id for r in rules):
        return [rule if r.id == rule.id else r for r in rules]
    return [*rules, rule]
