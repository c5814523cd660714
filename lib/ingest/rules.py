"""Escalation rules: what counts as an escalation, as a list the user sees and edits.

Every team defines escalation differently, so the flag is decided by rules over the
parsed tickets (canonical columns plus the export's own columns, kept as ``raw:<name>``).
A ticket is escalated when any enabled rule marks it; ``escalation_reason`` names the
first rule (in list order) that fired.

Example
-------
>>> import polars as pl
>>> t = pl.DataFrame({"ticket_id": ["1", "2"], "group": ["Tier 2", "Tier 1"],
...                   "tags": [["vip"], ["escalado"]]})
>>> out = apply_rules(t, default_rules(t.columns))
>>> for row in out.frame.select("ticket_id", "escalated", "escalation_reason").rows():
...     print(row)
('1', True, 'Group names a higher tier')
('2', True, 'Tag says escalated (escalated, escalado, escalade, escalonado, eskaliert…)')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from lib.ingest.normalise.booleans import TRUE_WORDS
from lib.schema import PRIORITIES

#: Operators a custom rule may use.
#: "is not empty" marks tickets whose column holds any text (e.g. a linked Jira issue).
OPERATORS = ("equals", "contains", "is in", "greater than", "is true", "is not empty")
#: Operators that take no value.
VALUELESS = ("is true", "is not empty")

#: Word stems that say "escalated" in the languages exports come in: escalated / escalation
#: (and Dutch escalatie), escalado / escalamiento (Spanish), escalade (French), escalonado /
#: escalonamento (Portuguese), eskaliert / Eskalation (German, Scandinavian, Polish). Not the
#: verbs "escalar" (Brazilian Portuguese also "to roster", "escalar_tecnico") and Italian
#: "scalare" ("ore_scalate": hours deducted from a prepaid package).
ESCALATION_STEMS = ("escalat", "escalad", "escalamient", "escalon", "eskal")
#: A value naming an escalation: the English stem and the Dutch verb ("geëscaleerd",
#: "escaleren") anywhere, as before ("Tier2Escalations"), the others only at the start of a
#: word or after "re" ("reescalado"), as their words also mean scaling ("autoescalado",
#: "escalonamento automático") or the opposite ("Deeskalation"). Japanese エスカレ(ーション)
#: anywhere ("エスカレーション済み": Jira Service Management's "Escalated"), Korean 에스컬레이션.
#: ``[\W\d_]`` is a character that is not a letter, in Python's and Polars' regular expressions
#: alike.
ESCALATION_PATTERN = (
    rf"{ESCALATION_STEMS[0]}|[eë]scale(?:er|ren)|エスカレ|에스컬레이션"
    rf"|(?:^|[\W\d_])(?:re-?)?(?:{'|'.join(ESCALATION_STEMS[1:])})"
)
#: Words that deny what follows: not, no, never, without, cannot, don't, won't (and their
#: Spanish, Portuguese, French, German, Italian, Dutch and Polish counterparts); and words that
#: make it a possibility or something avoided: potential, at risk, avoid(ed), prevent(ed) (verbs
#: only: "avoidable_escalation" and "Fraud Prevention Escalations" are escalations).
_DENY_WORDS = (
    r"not|no|non|never|dont|don.t|wont|won.t|cannot|without|sem|sin|nicht|kein[^\W\d_]*|ohne"
    r"|não|nao|nenhum[a]?|ningun[oa]?|pas(?:[\W_]*d)?|aucune?|senza|nessun[oa]?|sans|geen|niet"
    r"|zonder|nie|bez|brak"
    r"|potential|possible|likely|posible|potencial|poss[ií]vel|possibile|m[öo]gliche[nr]?"
    r"|at[\W_]+risk|avoid(?:ed|ing|s)?|prevent(?:ed|ing|s)?"
    r"|evit(?:ar|ad[oa]s?|ando|are|at[oa]|e|ou)|vermied[^\W\d_]*|vermeid(?:en|et|e)?"
)
#: Nouns that deny only with "of": "risk of escalation", not "high_risk_escalation".
_RISK_WORDS = r"risk|riesgo|risco|risque|rischio|risiko|risico|prevention|avoidance"
#: Words after an escalation's name that say it did not happen: refused, avoided.
_UNDONE_WORDS = (
    r"rejected|declined|denied|refused|avoided|prevented|rechazad[oa]|denegad[oa]"
    r"|recusad[oa]|rejeitad[oa]|negad[oa]|refus[ée]e?|abgelehnt|vermieden|evitad[oa]"
    r"|cancell?ed|withdrawn|not[\W_]+approved|rejet[ée]e?|[ée]vit[ée]e?|rifiutat[oa]|respint[oa]"
    r"|evitat[oa]|verweigert|afgewezen|geweigerd"
)
#: The one word allowed between the name and the refusal: "escalation_request_denied", not
#: "escalated_access_denied" (a ticket about access, escalated).
_REQUEST_WORDS = r"request|req|approval|was|solicitud|pedido|demande|anfrage|richiesta|verzoek"
_OF = r"[\W\d_]+(?:of|de|di|da|do|d|op)[\W\d_]+"
#: Words between a denial and the name that keep it denied: "not_to_be_escalated", "not yet".
_YET = r"[\W\d_]+(?:(?:to|yet)[\W\d_]+)?(?:be|been|being|yet)[\W\d_]+"
#: A tag that names an escalation to deny it: "not_escalated", "no escalation", "non-escalated",
#: "de-escalated", "deescalation", "unescalated", "sem_escalonamento", "sin escalado",
#: "nicht eskaliert", "pas d'escalade", "not_to_be_escalated", "wasnotescalated",
#: "escalation_no", "escalated_false", "escalation not required", "escalation_normal"
#: (ServiceNow's lowest escalation), "escalation_risk", "eskalationsrisiko",
#: "risk_of_escalation", "escalation_request_denied". "de" before the English and German stems
#: only, and with an underscore or a space only at the tag's start: "solicitud_de_escalamiento"
#: and "tipo_de_escalation" are "of". The tag rule does not
#: count these (Polars' regular expressions have no look-behind: the rule tests both patterns).
#: ``_NAME``: the start of an escalation's name, in the languages above (Dutch "geëscaleerd").
_NAME = r"(?:escal|eskal|ge[eë]scal)"
NEGATED_ESCALATION_PATTERN = (
    rf"(?:^|[\W\d_])(?:(?:{_DENY_WORDS})(?:{_OF}|{_YET}|[\W\d_]*)(?:re-?)?{_NAME}"
    rf"|(?:{_RISK_WORDS}){_OF}{_NAME}"
    r"|(?:de-?|un[\W_]?)(?:escalat|eskal))"
    r"|^de[\W_]?(?:escalat|eskal)"
    r"|not(?:escal|eskal)"
    rf"|{_NAME}[^\W\d_]*[\W_]+(?:no|não|nao|nein|non|false|none|0|normal"
    r"|not[\W_]+(?:required|needed))$"
    r"|(?:escalation|eskalation)s?[\s_-]?(?:risk|risiko|risico)(?:[\W\d_]|$)"
    # Japanese: 非エスカレ / 未エスカレ (not escalated), エスカレーション不要 / なし / 却下 / 対象外
    r"|(?:非|未|不|デ)エスカレ|エスカレ[^\s,;|]*(?:不要|なし|無し|却下|対象外|取り?消し|キャンセル|不可)"
    # Korean: 에스컬레이션 없음 / 아님 / 불필요 / 거부 / 취소 (none, not, not needed, refused)
    r"|(?:비|미)에스컬레이션|에스컬레이션\s*(?:없음|아님|불필요|거부|취소|안\s*함)"
    rf"|{_NAME}[^\W\d_]*(?:[\W_]+(?:{_REQUEST_WORDS}))?[\W_]+(?:{_UNDONE_WORDS})"
    r"(?:[\W\d_]|$)"
)

#: Words that name a support level before its number: Level 2, Tier 2, L2, T2, N2 (niveau,
#: nível, nivel), Livello 2, Stufe 2, Ebene 2, Line 2, Línea 2, Linha 2, Ligne 2, Lijn 2.
_LINE_WORDS = (
    r"(?:line|level|tier|n[ií]vel|niveau|livello|stufe|ebene|l[ií]nea|linea|linha|ligne|lijn)"
)
_LEVEL_WORDS = rf"\b(?:{_LINE_WORDS[3:-1]}|l|t|n)"
#: "Second line", "segundo nível", "2º nível", "zweite Ebene", "2. Level", "deuxième niveau",
#: "2e ligne", "secondo livello", "tweede lijn", "Tweedelijns".
_ORDINAL = {
    1: r"1st|first|primeir[oa]|primer[oa]?|prim[oa]|erste[rs]?|premi[eè]re?|eerste"
    r"|1(?:e|er|re|ère|º|ª|°|o|a|ro|ra)|1\.",
    2: r"2nd|second|segund[oa]|zweite[rs]?|deuxi[eè]me|second[oa]|tweede"
    r"|2(?:e|ème|eme|º|ª|°|o|a|do|da)|2\.",
    3: r"3rd|third|terceir[oa]|tercer[oa]?|dritte[rs]?|troisi[eè]me|terz[oa]|derde"
    r"|3(?:e|ème|eme|º|ª|°|o|a|ro|ra|er)|3\.",
}


def _ordinal(*levels: int) -> str:
    words = "|".join(_ORDINAL[n] for n in levels)
    return rf"\b(?:{words})[\s_-]*{_LINE_WORDS}s?\b"  # Dutch "tweedelijns" (TOPdesk)


#: A value naming a level above the first line: "Tier 2", "L3", "second line", "2º nível".
_HIGHER_LEVEL_PATTERN = rf"(?:{_LEVEL_WORDS})[\s_-]*[2-9]\b|{_ordinal(2, 3)}"
#: A team named with its line as a bare ordinal at the end (BPI 2013's "G97 2nd", "V5 3rd").
_SUFFIX_ORDINAL = r"\b([1-3])(?:st|nd|rd)\s*$"
#: A value naming a tier above the first line or an escalation (lower-case: prefix "(?i)" for
#: values that keep their case).
TIER_PATTERN = rf"{_HIGHER_LEVEL_PATTERN}|{ESCALATION_PATTERN}"


@dataclass
class Rule:
    """One escalation rule.

    ``kind`` is one of ``flag_column`` (a yes/no column), ``tag`` (a tag contains the text
    ``value``; with ``op`` "matches", a tag matches the regular expression ``value``),
    ``group_tier`` (group/level names a higher tier), ``level_move`` (an event log moved the
    ticket to a higher tier than where it started), ``level_ever`` (an event log shows the
    ticket at tier 2 or above at some point, including tickets opened there), ``group_move``
    (the group is not the ticket's first group), ``priority_raised`` (an event log shows the
    priority higher than the ticket's first one), ``reassigned`` (reassigned at least ``value``
    times) or ``custom`` (``column`` ``op`` ``value``).
    """

    id: str
    label: str
    kind: str
    column: str | None = None
    op: str | None = None
    value: Any = None
    enabled: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for storage (JSON)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Rule:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__ if k in d})


@dataclass
class RuleOutcome:
    """Result of :func:`apply_rules`: the frame with the flag set and counts per rule."""

    frame: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def escalated(self) -> int:
        """Tickets marked escalated by the enabled rules."""
        return int(self.frame.get_column("escalated").sum())


def rules_to_json(rules: list[Rule]) -> list[dict[str, Any]]:
    """Serialise rules for the store."""
    return [r.to_dict() for r in rules]


def rules_from_json(data: list[dict[str, Any]] | None) -> list[Rule]:
    """Deserialise rules from the store (``None`` gives an empty list)."""
    return [Rule.from_dict(d) for d in (data or [])]


#: The step rule's label: an event log's step names an escalation or a higher tier.
STEP_TIER_LABEL = "A step names an escalation, a higher tier or an upgrade request (event log)"
#: A step that asks for the ticket to go up: the 4TU helpdesk log's "Require upgrade" (its own
#: escalation step), "Upgrade requested", Italian "Richiesta upgrade". Not a bare "Upgrade"
#: (a software upgrade done to solve the ticket).
#: Words that undo an upgrade request: "No upgrade required", "Upgrade request rejected".
STEP_UPGRADE_DENIED = (
    r"(?i)\b(?:no|not|without|rejected|declined|denied|refused|cancell?ed|withdrawn|nessun[oa]?"
    r"|respint[oa]|rifiutat[oa]|annullat[oa])\b"
)
STEP_UPGRADE = (
    r"(?i)\b(?:requires?|required|requests?|requested|needs?|needed|richiest[ao]|richiede)"
    r"\s+(?:an?\s+|di\s+)?upgrade\b|\bupgrade\s+(?:required|requested|needed|request)\b"
)
#: The status rule's label: the export's own status names an escalation or a higher tier.
STATUS_TIER_LABEL = "Status names an escalation or a higher tier"
#: Label of the default tag rule: a tag naming an escalation in one of the export languages.
TAG_LABEL = "Tag says escalated (escalated, escalado, escalade, escalonado, eskaliert…)"
#: Labels of the event-log level rules (the load report names the alternative rule).
LEVEL_MOVE_LABEL = "Moved up: reached a higher tier than where it started (event log)"
LEVEL_EVER_LABEL = "Ever at L2 or above (event log)"


def default_rules(columns: list[str]) -> list[Rule]:
    """The default rule set for a parsed ticket frame with these columns.

    An event log with tiers (``_tier_move_at``) is escalated when it moved up; "ever at L2 or
    above" and the tier the ticket ended in (``group_tier``) are there, switched off.

    >>> [r.id for r in default_rules(["ticket_id", "tags", "group", "_esc_flag"])]
    ['flag', 'tag', 'group_tier', 'reassigned']
    >>> [r.id for r in default_rules(["ticket_id", "status"])]
    ['tag', 'status_tier', 'reassigned']
    >>> [(r.id, r.enabled) for r in default_rules(["group", "_tier_move_at"])][:4]
    [('level_move', True), ('level_ever', False), ('tag', True), ('group_tier', False)]
    """
    rules: list[Rule] = []
    if "_esc_flag" in columns:
        rules.append(Rule("flag", "Escalated column says yes", "flag_column", column="_esc_flag"))
    event_tiers = "_tier_move_at" in columns
    if event_tiers:
        rules.append(Rule("level_move", LEVEL_MOVE_LABEL, "level_move"))
        rules.append(Rule("level_ever", LEVEL_EVER_LABEL, "level_ever", enabled=False))
    rules.append(_tag_rule())
    if "group" in columns or "_level" in columns:
        # On an event log the group is the one the ticket ended in: off, the moves decide.
        rules.append(
            Rule("group_tier", "Group names a higher tier", "group_tier", enabled=not event_tiers)
        )
    if "_step_tier" in columns:  # a process-mining log's step "Escalate to 2nd Level"
        rules.append(Rule("step_tier", STEP_TIER_LABEL, "step_tier"))
    if "status" in columns:
        # Jira Service Management's and Salesforce's "Escalated" status (the export's own
        # value, kept beside the normalised status): the tickets escalated right now
        rules.append(Rule("status_tier", STATUS_TIER_LABEL, "status_tier"))
    # A proxy some teams use; off by default because a reassignment is not always an escalation.
    rules.append(
        Rule(
            "reassigned",
            "Reassigned 3 or more times",
            "reassigned",
            value=3,
            enabled=False,
        )
    )
    return rules


def _tag_rule(*, enabled: bool = True) -> Rule:
    """The default tag rule: a tag names an escalation in one of the export languages."""
    return Rule("tag", TAG_LABEL, "tag", op="matches", value=ESCALATION_PATTERN, enabled=enabled)


def _names_escalation(s: pl.Expr) -> pl.Expr:
    """:func:`names_escalation` on a text expression, in any case."""
    return s.str.contains(rf"(?i){ESCALATION_PATTERN}") & ~s.str.contains(
        rf"(?i){NEGATED_ESCALATION_PATTERN}"
    )


def names_escalation(text: str) -> bool:
    """Whether ``text`` (lower-cased) names an escalation without denying it, as the default
    tag rule reads a tag.

    >>> names_escalation("escalated"), names_escalation("not_escalated"), names_escalation("vip")
    (True, False, False)
    """
    return bool(re.search(ESCALATION_PATTERN, text)) and not re.search(
        NEGATED_ESCALATION_PATTERN, text
    )


def outdated_tag_rule(rules: list[Rule]) -> int | None:
    """Position of a default tag rule stored by an earlier version (a tag contains the English
    "escalat" only), which :func:`current_tag_rule` replaces; None when there is none.

    >>> old = Rule("tag", 'Tag contains "escalat"', "tag", value="escalat")
    >>> outdated_tag_rule([Rule("flag", "Escalated column", "flag_column"), old])
    1
    >>> outdated_tag_rule(default_rules(["tags"])) is None
    True
    """
    for i, r in enumerate(rules):
        old_word = str(r.value or "escalat").strip().lower() == "escalat"
        if r.id == "tag" and r.kind == "tag" and r.op in (None, "contains") and old_word:
            return i
    return None


def current_tag_rule(rules: list[Rule]) -> list[Rule]:
    """``rules`` with an outdated default tag rule (:func:`outdated_tag_rule`) replaced by
    today's, which reads escalation words in the export languages and leaves out tags that
    deny one; switched on or off as the old one was.

    >>> old = Rule("tag", 'Tag contains "escalat"', "tag", value="escalat", enabled=False)
    >>> new = current_tag_rule([old])[0]
    >>> (new.label == TAG_LABEL, new.op, new.enabled)
    (True, 'matches', False)
    """
    i = outdated_tag_rule(rules)
    if i is None:
        return list(rules)
    return [*rules[:i], _tag_rule(enabled=rules[i].enabled), *rules[i + 1 :]]


def current_tag_rule_count(frame: pl.DataFrame, rules: list[Rule]) -> int | None:
    """Tickets of ``frame`` today's default tag rule would mark in place of the outdated one
    in ``rules`` (see :func:`current_tag_rule`); None without an outdated rule.

    >>> t = pl.DataFrame({"tags": [["escalated"], ["escalado"], ["eskaliert"], ["not_escalated"]]})
    >>> current_tag_rule_count(t, [Rule("tag", "Tag contains escalat", "tag", value="escalat")])
    3
    """
    i = outdated_tag_rule(rules)
    if i is None:
        return None
    if "tags" not in frame.columns:
        return 0
    return int(frame.select(rule_mask(frame, current_tag_rule(rules)[i]).sum()).item())


def is_higher_tier(expr: pl.Expr) -> pl.Expr:
    """True where a group/queue/level name points to a tier above the first line.

    A name that denies an escalation ("Non-escalated", "No escalation") is not one, unless it
    names a level above the first too.

    >>> s = pl.Series(["Tier 2", "L1 support", "Escalations", "Non-escalated incidents"])
    >>> pl.select(is_higher_tier(pl.lit(s))).to_series().to_list()
    [True, False, True, False]
    """
    s = expr.cast(pl.String)
    level = s.str.contains(rf"(?i){_HIGHER_LEVEL_PATTERN}")
    return (level | _names_escalation(s)).fill_null(False)


def tier_level(expr: pl.Expr) -> pl.Expr:
    """Numeric support level named in a group or level value (1, 2, 3 ...), else null.

    >>> s = pl.Series(["L1", "Tier 3 Engineering", "Billing", "2nd line", "Escalations", "3",
    ...                "N2", "Niveau 1", "Livello 2", "G97 2nd"])
    >>> pl.select(tier_level(pl.lit(s))).to_series().to_list()
    [1, 3, None, 2, 2, 3, 2, 1, 2, 2]
    """
    s = expr.cast(pl.String).str.to_lowercase()
    digit = s.str.extract(rf"(?:{_LEVEL_WORDS})[\s_-]*([1-9])\b", 1).cast(pl.Int32, strict=False)
    ordinal = (
        pl.when(s.str.contains(_ordinal(1)))
        .then(pl.lit(1, pl.Int32))
        .when(s.str.contains(_ordinal(2)))
        .then(pl.lit(2, pl.Int32))
        .when(s.str.contains(_ordinal(3)))
        .then(pl.lit(3, pl.Int32))
    )
    bare = s.str.extract(r"^\s*([1-9])\s*$", 1).cast(pl.Int32, strict=False)
    suffix = s.str.extract(_SUFFIX_ORDINAL, 1).cast(pl.Int32, strict=False)
    esc = pl.when(_names_escalation(s)).then(pl.lit(2, pl.Int32))
    return pl.coalesce(digit, ordinal, bare, suffix, esc)


def _truthy(expr: pl.Expr) -> pl.Expr:
    s = expr.cast(pl.String).str.strip_chars().str.to_lowercase()
    return s.is_in([*TRUE_WORDS, "1", "1.0"]).fill_null(False)


def raw_source(
    columns: list[str], column: str | None, sources: Mapping[str, Any] | None
) -> str | None:
    """The export's own column (``raw:<name>``) a ticket field was normalised from, if kept.

    ``sources`` is the dataset's column mapping (ticket field -> export column name).

    >>> raw_source(["status", "raw:State"], "status", {"status": "State"})
    'raw:State'
    >>> raw_source(["status"], "status", {"status": "State"}) is None
    True
    """
    if not column or column.startswith("raw:") or not sources:
        return None
    name = sources.get(column)
    raw = f"raw:{name}" if isinstance(name, str) else None
    return raw if raw in columns else None


def _text_mask(frame: pl.DataFrame, col: str, op: str, value: Any) -> pl.Expr:
    """``col op value`` on text, ignoring case and surrounding spaces; a list column (tags)
    matches when any of its items does."""
    if op == "is in":
        items = value if isinstance(value, list) else str(value or "").split(",")
        wanted = [str(v).strip().lower() for v in items if str(v).strip()]
    else:
        wanted = [str(value if value is not None else "").strip().lower()]

    def test(text: pl.Expr) -> pl.Expr:
        text = text.cast(pl.String).str.strip_chars().str.to_lowercase()
        if op == "contains":
            return text.str.contains(wanted[0], literal=True)
        return text.is_in(wanted)

    if isinstance(frame.schema[col], pl.List):
        if op == "contains":  # also across items, as before ("vip, billing" contains "p, b")
            joined = test(pl.col(col).list.eval(pl.element().cast(pl.String)).list.join(", "))
            return joined.fill_null(False)
        return pl.col(col).list.eval(test(pl.element())).list.any().fill_null(False)
    return test(pl.col(col)).fill_null(False)


def _custom_mask(frame: pl.DataFrame, rule: Rule, sources: Mapping[str, Any] | None) -> pl.Expr:
    col = rule.column
    if not col or col not in frame.columns:
        return pl.lit(False)
    op = (rule.op or "equals").lower()
    c = pl.col(col)
    if isinstance(frame.schema[col], pl.List):
        c = c.list.eval(pl.element().cast(pl.String)).list.join(", ")
    value = rule.value
    if op == "is true":
        return _truthy(c)
    if op == "is not empty":
        text = c.cast(pl.String).str.strip_chars()
        return (text.is_not_null() & (text != "")).fill_null(False)
    if op == "greater than":
        try:
            threshold = float(value)
        except (TypeError, ValueError):
            return pl.lit(False)
        return (c.cast(pl.Float64, strict=False) > threshold).fill_null(False)
    mask = _text_mask(frame, col, op, value)
    # A normalised field (status "Waiting on Third Party" became on_hold) also matches on the
    # value as the export wrote it, which is what the user sees in their helpdesk.
    raw = raw_source(frame.columns, col, sources)
    if raw is not None:
        mask = mask | _text_mask(frame, raw, op, value)
    return mask


def value_counts(
    frame: pl.DataFrame,
    column: str,
    *,
    sources: Mapping[str, Any] | None = None,
    limit: int = 50,
) -> list[tuple[str, int]]:
    """The values a rule on ``column`` can pick, with how many tickets hold each, most
    common first (at most ``limit``). A normalised ticket field lists the export's own
    values (its ``raw:`` column) when the snapshot kept them; blanks are left out and list
    columns (tags) count each item.

    >>> waiting = "Waiting on Third Party"
    >>> t = pl.DataFrame({"status": ["on_hold", "on_hold", "open"],
    ...                   "raw:State": [waiting + " ", waiting, "New"]})
    >>> value_counts(t, "status", sources={"status": "State"})
    [('Waiting on Third Party', 2), ('New', 1)]
    """
    col = raw_source(frame.columns, column, sources) or column
    if col not in frame.columns:
        return []
    series = frame.get_column(col)
    if isinstance(series.dtype, pl.List):
        series = series.explode()
    text = series.cast(pl.String).str.strip_chars()
    counts = text.filter(text.is_not_null() & (text != "")).value_counts(name="n")
    if counts.height > limit:
        # Sorting every distinct value (a million timestamps) costs a second; only those
        # counted at least as often as the limit-th most common can be listed.
        counts = counts.filter(pl.col("n") >= pl.col("n").top_k(limit).min())
    counts = counts.sort(["n", col], descending=[True, False]).head(limit)
    return [(str(v), int(n)) for v, n in counts.iter_rows()]


def _names_higher_tier(
    frame: pl.DataFrame, col: str, test: Callable[[pl.Expr], pl.Expr] | None = None
) -> pl.Expr:
    """Where ``col`` names a tier above the first line or an escalation (``test``, by
    default :func:`is_higher_tier`); names repeat, so each distinct one is read once, then
    looked up per ticket."""
    names = frame.get_column(col).cast(pl.String).unique().drop_nulls()
    higher = names.filter(pl.select((test or is_higher_tier)(pl.lit(names))).to_series())
    return pl.col(col).cast(pl.String).is_in(higher.implode()).fill_null(False)


#: A word that says the ticket *was* escalated (a participle: it counts in any status or step
#: that does not deny it, "Escalated - Awaiting L3").
_ESCALATED_WORD = (
    r"(?:^|[\W\d_])(?:re-?)?(?:escalated|escalad[oa]s?|escalonad[oa]s?|eskaliert|eskalerad"
    r"|eskaleret|eskalert|escalad[ée]e?s?|escalat[oa]|ge[eë]scaleerd|eskalowan[eya])"
    r"(?:[\W\d_]|$)"
)
#: Words that deny what a status or step says ("L2 declined", "Reject escalation to L2").
_DENY = (
    r"(?i)(?:^|[\W\d_])(?:not|no|never|without|declined?|reject(?:ed)?|denied|deny|refused?"
    r"|cancel(?:l?ed)?|withdrawn)(?:[\W\d_]|$)"
)
#: Words of a state before an escalation ("Pending Escalation", "Awaiting L2 approval").
_BEFORE = (
    r"(?i)(?:^|[\W\d_])(?:pending|awaiting|waiting|requested|request|approvals?|approve)"
    r"(?:[\W\d_]|$)|pre-?escalat"
)
#: Words of something about an escalation, not one ("Escalation Review", "Check escalation
#: need", "Escalation Prevention", "Escalate priority").
_ABOUT = (
    r"(?i)(?:^|[\W\d_])(?:review\w*|check\w*|assess\w*|needs?|needed|prevent\w*|avoid\w*"
    r"|priority|risk)(?:[\W\d_]|$)"
)


#: What follows "to" in a step or status: where the ticket went ("Reassign from L2 to L1").
_TO_TARGET = r"(?i)\b(?:to|zu|vers|para|naar|till|til)\s+(.+)$"
#: A move back from a higher level ("Returned from L2", "Back from Tier 3"); "return" alone is
#: a product return or a reply ("Escalated - Returns", "en attente de retour").
_BACK_FROM = (
    r"(?i)(?:return(?:ed|s)?|back|retour|retourn[ée]e?|devuelt[oa]|devolvid[oa]|zurück"
    r"|restituit[oa])\s+(?:from|du|de|des|por|pelo|pela|von|vom|dal|dalla|da)\s+"
    rf"(?:the\s+|la\s+|el\s+|le\s+|o\s+|a\s+|il\s+)?(?:{_HIGHER_LEVEL_PATTERN})"
)
#: Level 0 ("Escalation Level 0"): no escalation.
_LEVEL_ZERO = rf"(?i)(?:{_LEVEL_WORDS})[\s_:-]*0\b"


def says_escalated(expr: pl.Expr) -> pl.Expr:
    """A status or an event log's step that says the ticket was escalated: a participle
    ("Escalated", "Ticket escalated", "Eskaliert"), a level above the first ("Tier 2 review",
    "Forward to Level 2") or an escalation ("In Escalation", "Escalate to 2nd Level");
    not before one ("Pending Escalation", "Awaiting L2 approval"), not about one ("Escalation
    Review", "Check escalation need"), not denied ("L2 declined", "Not escalated"), not to the
    first line ("Escalate to L1"), not back down ("Reassign from L2 to L1", "Returned from L2"), not
    level 0.

    >>> s = pl.Series(["Escalated", "Pending Escalation", "Tier 2 review", "Not escalated",
    ...                "In Escalation", "Escalation Review", "L2 declined", "Escalate to L1",
    ...                "Escalate to 2nd Level", "Check escalation need", "Forward to Level 2",
    ...                "Reassign from L2 to L1", "Escalation Level 0"])
    >>> pl.select(says_escalated(pl.lit(s))).to_series().to_list()
    [True, False, True, False, True, False, False, False, True, False, True, False, False]
    """
    s = expr.cast(pl.String)
    participle = s.str.contains(rf"(?i){_ESCALATED_WORD}")
    level = s.str.contains(rf"(?i){_HIGHER_LEVEL_PATTERN}")
    named = s.str.contains(rf"(?i){ESCALATION_PATTERN}")
    before, about = s.str.contains(_BEFORE), s.str.contains(_ABOUT)
    denied = s.str.contains(_DENY) | s.str.contains(rf"(?i){NEGATED_ESCALATION_PATTERN}")
    first_line = (tier_level(s) == 1) & ~level
    # Where the ticket went decides: "Reassign from L2 to L1", "Returned from L2" go down.
    target = s.str.extract(_TO_TARGET, 1)
    to_first = ((tier_level(target) == 1) | target.str.contains(_LEVEL_ZERO)).fill_null(False)
    up = target.str.contains(rf"(?i){TIER_PATTERN}").fill_null(False)
    down = (to_first | s.str.contains(_BACK_FROM)) & ~up
    zero = s.str.contains(_LEVEL_ZERO) & ~level  # "Escalation Level 0": none
    said = participle | (level & ~before) | (named & ~before & ~about)
    return (said & ~denied & ~first_line & ~down & ~zero).fill_null(False)


def rule_mask(frame: pl.DataFrame, rule: Rule, sources: Mapping[str, Any] | None = None) -> pl.Expr:
    """Boolean expression marking the tickets a rule fires on (never null).

    ``sources`` (the column mapping) lets a custom rule on a normalised ticket field also
    test the export's own value (see :func:`raw_source`).
    """
    kind = rule.kind
    if kind == "flag_column":
        col = rule.column or "_esc_flag"
        if col not in frame.columns:
            return pl.lit(False)
        if frame.schema[col] == pl.Boolean:
            return pl.col(col).fill_null(False)
        return _truthy(pl.col(col))
    if kind == "tag":
        if "tags" not in frame.columns:
            return pl.lit(False)
        # Tags repeat: each distinct tag is tested once, then looked up in every ticket's list.
        distinct = frame.get_column("tags").explode().drop_nulls().cast(pl.String).unique()
        if rule.op == "matches":  # a pattern (the default rule's words in every language)
            pattern = str(rule.value or ESCALATION_PATTERN)
            found = distinct.str.contains(pattern)
            # the default rule, also as stored by a version whose pattern read fewer words
            affirms = pattern == ESCALATION_PATTERN or rule.id == "tag"
        else:  # a word a tag contains (a signal's rule, or a rule stored before patterns)
            needle = str(rule.value or "escalat").lower()
            found = distinct.str.contains(needle, literal=True)  # tags are lower-cased when read
            affirms = names_escalation(needle)
        if affirms:  # "escalated" is not found in "not_escalated" or "de-escalated"
            found = found & ~distinct.str.contains(NEGATED_ESCALATION_PATTERN)
        hits = distinct.filter(found)
        return (
            pl.col("tags")
            .list.eval(pl.element().cast(pl.String).is_in(hits.implode()))
            .list.any()
            .fill_null(False)
        )
    if kind == "step_tier":
        if "_step_tier" not in frame.columns:
            return pl.lit(False)
        return pl.col("_step_tier").fill_null(False)
    if kind == "status_tier":
        col = raw_source(frame.columns, "status", sources)
        if col is None:
            return pl.lit(False)
        return _names_higher_tier(frame, col, says_escalated)
    if kind == "group_tier":
        masks = []
        for c in ("group", "_level"):
            if c in frame.columns:
                masks.append(_names_higher_tier(frame, c))
        if not masks:
            return pl.lit(False)
        return pl.any_horizontal(masks)
    if kind == "level_move":
        if "_tier_move_at" not in frame.columns:
            return pl.lit(False)
        moved = pl.col("_tier_move_at").is_not_null()
        # a log without event times still says that a ticket moved (in file order)
        if "_tier_moved" in frame.columns:
            moved = moved | pl.col("_tier_moved").fill_null(False)
        return moved
    if kind == "level_ever":
        if "_tier_high_at" in frame.columns:
            high = pl.col("_tier_high_at").is_not_null()
            if "_tier_high" in frame.columns:
                high = high | pl.col("_tier_high").fill_null(False)
            return high
        if "_tier_move_at" in frame.columns:  # a snapshot stored before the rule existed
            return pl.col("_tier_move_at").is_not_null()
        return pl.lit(False)
    if kind == "priority_raised":
        if "priority" not in frame.columns or "_first_priority" not in frame.columns:
            return pl.lit(False)
        rank = {p: i for i, p in enumerate(PRIORITIES)}
        now, first = (
            pl.col(c).cast(pl.String).replace_strict(rank, default=None, return_dtype=pl.Int8)
            for c in ("priority", "_first_priority")
        )
        return (now > first).fill_null(False)
    if kind == "group_move":
        if "group" not in frame.columns or "first_group" not in frame.columns:
            return pl.lit(False)
        now, first = (pl.col(c).cast(pl.String).str.strip_chars() for c in ("group", "first_group"))
        return (now.str.to_lowercase() != first.str.to_lowercase()).fill_null(False)
    if kind == "reassigned":
        if "reassignments" not in frame.columns:
            return pl.lit(False)
        try:
            n = float(rule.value if rule.value is not None else 3)
        except (TypeError, ValueError):
            n = 3.0
        return (pl.col("reassignments").cast(pl.Float64) >= n).fill_null(False)
    return _custom_mask(frame, rule, sources)


def apply_rules(
    frame: pl.DataFrame, rules: list[Rule], *, sources: Mapping[str, Any] | None = None
) -> RuleOutcome:
    """Set ``escalated``, ``escalation_reason`` and fill ``escalated_at`` where knowable.

    Counts per rule are computed for every rule, enabled or not, so the user sees what
    switching a rule on would do. ``sources`` is the dataset's column mapping (ticket field
    -> export column): a custom text rule on a normalised field then matches the export's
    own value too.

    >>> t = pl.DataFrame({"ticket_id": ["1"], "reassignments": [4]})
    >>> apply_rules(t, default_rules(t.columns)).counts
    {'tag': 0, 'reassigned': 1}
    """
    # Masks are named by position, not id: two rules with the same id both count.
    names = [f"__rule_{i}" for i in range(len(rules))]
    masks = [rule_mask(frame, r, sources).alias(name) for r, name in zip(rules, names, strict=True)]
    with_masks = frame.with_columns(masks) if masks else frame
    counts: dict[str, int] = {}
    for r, name in zip(rules, names, strict=True):
        n = int(with_masks.get_column(name).sum() or 0) if len(with_masks) else 0
        counts[r.id] = max(counts.get(r.id, 0), n)
    enabled = [(r, name) for r, name in zip(rules, names, strict=True) if r.enabled]
    if enabled:
        escalated = pl.any_horizontal([pl.col(name) for _, name in enabled])
        # The first enabled rule that fires names the reason: its position, then one gather
        # of the labels (building the text by when/then costs twice as much).
        labels = pl.Series([r.label for r, _ in enabled] + [None], dtype=pl.String)
        first = pl.coalesce(
            [
                pl.when(pl.col(name)).then(pl.lit(i, pl.UInt32))
                for i, (_, name) in enumerate(enabled)
            ]
            + [pl.lit(len(enabled), pl.UInt32)]
        )
        reason = pl.lit(labels).gather(first)
    else:
        escalated = pl.lit(False)
        reason = pl.lit(None, pl.String)
    out = with_masks.with_columns(
        escalated=escalated.fill_null(False), escalation_reason=reason.cast(pl.String)
    )
    # escalated_at: keep the export's own when given, else the tier-move time of an event log
    # (else, for a ticket opened above tier 1, the first time it was seen there).
    src = next((c for c in ("_export_escalated_at", "escalated_at") if c in out.columns), None)
    esc_at = pl.col(src) if src else None
    for when in ("_tier_move_at", "_step_tier_at", "_tier_high_at"):
        if when in out.columns:
            esc_at = pl.col(when) if esc_at is None else pl.coalesce(esc_at, pl.col(when))
    if esc_at is not None:
        out = out.with_columns(
            escalated_at=pl.when(pl.col("escalated")).then(esc_at).otherwise(None)
        )
    out = out.with_columns(_escalated_by(out.columns))
    out = out.drop(names)
    return RuleOutcome(out, counts)


def _escalated_by(columns: list[str]) -> pl.Expr:
    """``escalated_by`` on escalated tickets: the export's own column when mapped, else the
    owner just before the first move up (event logs, ``_moved_by``), else the frame's own
    ``escalated_by`` (a stored snapshot or the demo), else ``first_agent`` (DESIGN.md section
    3). Null on tickets that are not escalated.

    >>> t = pl.DataFrame({"escalated": [True, True, False], "_moved_by": ["Ann", None, "Bob"],
    ...                   "first_agent": ["Cy", "Dee", "Eve"]})
    >>> t.select(_escalated_by(t.columns)).to_series().to_list()
    ['Ann', 'Dee', None]
    """
    order = ("_export_escalated_by", "_moved_by", "escalated_by", "first_agent")
    given = [c for c in order if c in columns]
    if not given:
        return pl.lit(None, pl.String).alias("escalated_by")
    who = pl.coalesce([pl.col(c).cast(pl.String) for c in given])
    return pl.when(pl.col("escalated")).then(who).otherwise(None).alias("escalated_by")


def describe_rules(rules: list[Rule]) -> str:
    """One line naming the active rule set, for the caption on every page.

    >>> print(describe_rules(default_rules(["group"])))  # doctest: +NORMALIZE_WHITESPACE
    Escalated = tag says escalated (escalated, escalado, escalade, escalonado, eskaliert…) or
    group names a higher tier
    """
    on = [r.label for r in rules if r.enabled]
    if not on:
        return "No escalation rule is switched on"
    text = " or ".join(lbl[0].lower() + lbl[1:] for lbl in on)
    return "Escalated = " + text


#: Below this share of escalated tickets the pages say the rules hardly match the export.
LOW_SIGNAL_SHARE = 0.005
#: The last sentence of :func:`escalation_signal` (how a stored warning is recognised).
SIGNAL_ADVICE = (
    " Open Data → Escalation rules: it lists the escalation signals your export holds (a "
    "tier, level or queue name, an escalated yes/no column, a tag, a linked issue) with their "
    "ticket counts, and turns one into a rule with a click."
)


def escalation_signal(
    tickets: pl.DataFrame,
    rules: list[Rule] | None = None,
    *,
    counts: Mapping[str, int] | None = None,
) -> str | None:
    """The sentence every page, and the import report, shows when the active rules mark no
    ticket, or fewer than ``LOW_SIGNAL_SHARE`` of them, as escalated; None when the rates can
    be read as they are (or there are no tickets). Plain text: escape it before showing it
    as Markdown. ``counts`` (tickets per rule id, see :func:`apply_rules`) names the
    switched-off rules that would mark tickets.

    >>> t = pl.DataFrame({"escalated": [False] * 999 + [True]})
    >>> print(escalation_signal(t, default_rules(["group"])))  # doctest: +NORMALIZE_WHITESPACE
    Only 1 of 1,000 tickets (0.1%) are marked escalated by the active rules (Tag says escalated
    (escalated, escalado, escalade, escalonado, eskaliert…); Group names a higher tier), so the
    escalation rates say more about the rules
    than about your team. Open Data → Escalation rules: it lists the escalation signals your
    export holds (a tier, level or queue name, an escalated yes/no column, a tag, a linked
    issue) with their ticket counts, and turns one into a rule with a click.
    >>> escalation_signal(pl.DataFrame({"escalated": [True, False]})) is None
    True
    """
    n = tickets.height
    if n == 0 or "escalated" not in tickets.columns:
        return None
    k = int(tickets.get_column("escalated").sum() or 0)
    share = k / n
    if share >= LOW_SIGNAL_SHARE:
        return None
    on = [r.label for r in (rules or []) if r.enabled]
    by = "the escalation rules"
    if on:
        by = f"the active rules ({'; '.join(on)})"
    elif rules is not None:
        by = "the rules, because no escalation rule is switched on"
    if k == 0:
        found = (
            f"None of the {n:,} tickets is marked escalated by {by}, so every escalation rate "
            "reads 0% because of the rules, not because nothing was escalated."
        )
    else:
        shown = f"{share:.1%}" if share >= 0.001 else "under 0.1%"
        found = (
            f"Only {k:,} of {n:,} tickets ({shown}) are marked escalated by {by}, so the "
            "escalation rates say more about the rules than about your team."
        )
    off = [r for r in (rules or []) if not r.enabled and (counts or {}).get(r.id)]
    if off and counts:
        found += (
            " Switched off: "
            + "; ".join(f"“{r.label}” would mark {counts[r.id]:,}" for r in off)
            + "."
        )
    return found + SIGNAL_ADVICE


def custom_rule(column: str, op: str, value: Any, *, label: str | None = None) -> Rule:
    """Build a user rule ``column op value`` with a readable label.

    Text operators ignore case and surrounding spaces; on a ticket field they test the value
    after normalising and, when the export's column was kept, the value as exported, and the
    label says so.

    >>> custom_rule("raw:Queue", "equals", "Escalations").label
    'Queue equals "Escalations"'
    >>> custom_rule("status", "is in", ["Waiting on Third Party", "On hold"]).label
    'status is in "Waiting on Third Party", "On hold" (as exported or normalised)'
    >>> custom_rule("group", "equals", "Tier-2").id != custom_rule("group", "equals", "Tier 2").id
    True
    """
    if op not in OPERATORS:
        raise ValueError(f"unknown operator {op!r}; expected one of {', '.join(OPERATORS)}")
    if isinstance(value, (list, tuple)):
        value = [str(v).strip() for v in value if str(v).strip()]
        if not value:
            raise ValueError(f"choose at least one value for “{op}”")
    elif isinstance(value, str):
        value = value.strip()
    shown = column.removeprefix("raw:")
    values = value if isinstance(value, list) else [value]
    quoted = ", ".join(f'"{v}"' for v in values)
    text = label or (f"{shown} {op}" if op in VALUELESS else f"{shown} {op} {quoted}")
    if not label and op in ("equals", "contains", "is in") and not column.startswith("raw:"):
        text += " (as exported or normalised)"
    slug = re.sub(r"\W+", "_", f"{shown}_{op}_{value}").strip("_").lower()[:60]
    # The slug alone would merge "Tier-2" and "Tier 2": a digest of the exact rule tells them
    # apart.
    digest = hashlib.sha1(f"{column}\0{op}\0{value}".encode()).hexdigest()[:6]
    rid = f"custom_{slug}_{digest}"
    return Rule(rid, text, "custom", column=column, op=op, value=value)
