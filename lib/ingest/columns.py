"""Match an export's columns to the canonical ticket columns, by name and by the values.

Names are compared with synonyms (exact, token subsets, then fuzzy with :mod:`difflib`); values
are profiled on a sample (date-like share, id-like uniqueness, channel/priority/status words,
e-mail addresses, free text length, 1-5 ratings, ``H:MM:SS`` durations, yes/no flags, support
levels). Every source column is used at most once: the best-scoring pairs are taken first
(greedy), so a strong match never gives way to two weaker ones.

Example
-------
>>> m = match_by_name(["Case #", "Opened On", "Prio", "Notes"])
>>> m["ticket_id"].column, m["created_at"].column, m["priority"].column
('Case #', 'Opened On', 'Prio')
>>> m["agent"].column is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

import polars as pl

from lib.ingest.header_names import _loose, norm_header
from lib.ingest.preset_mapping import map_with_preset
from lib.ingest.presets import ALLOWED_SHARED
from lib.schema import CHANNELS, LABELS, PRIORITIES, STATUSES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lib.ingest.presets import Preset

__all__ = [
    "ACCEPT",
    "KEYS",
    "KEY_LABELS",
    "REQUIRED_KEYS",
    "ColumnMatch",
    "mapping_from_matches",
    "match_by_name",
    "match_columns",
    "validate_mapping",
]

#: Every key a mapping may use: the mappable schema columns plus loader inputs.
KEYS: tuple[str, ...] = (
    "ticket_id",
    "created_at",
    "solved_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "event_time",
    "status",
    "priority",
    "channel",
    "category",
    "agent",
    "group",
    "level",
    "customer",
    "customer_tier",
    "subject",
    "description",
    "tags",
    "escalated",
    "escalated_at",
    "reassignments",
    "reopens",
    "first_response_minutes",
    "satisfaction",
    "sentiment",
)

#: Keys a mapping must have.
REQUIRED_KEYS = ("ticket_id", "created_at")

#: Human-readable label per key (mapping screen).
KEY_LABELS: dict[str, str] = {
    **{k: v for k, v in LABELS.items() if k in KEYS},
    "resolved_at": "Resolved",
    "closed_at": "Closed",
    "event_time": "Event time",
    "level": "Support level",
}

#: Most columns considered by automatic matching (see :func:`match_columns`).
MAX_AUTO_COLUMNS = 200

#: Least combined score for a match to be proposed.
ACCEPT = 0.5
#: Least score for an automatic match next to a preset's own mapping.
PRESET_FILL = 0.75

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

_TIME_KEYS = frozenset(
    {"created_at", "solved_at", "resolved_at", "closed_at", "updated_at", "event_time"}
    | {"escalated_at"}
)
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
_PRIORITY_RE = r"^(?:[1-5]\s*-?\s*[a-z][a-z ]*|p[0-5]|sev(?:erity)?\s*[0-5])$"
_LEVEL_RE = (
    r"(?i)^(?:l\s*-?\s*[0-4]|level\s*-?\s*[0-4]|tier\s*-?\s*[0-4]|t[0-4]|[1-4](?:st|nd|rd|th)"
    r"\s+(?:line|level|tier)|(?:first|second|third)\s+(?:line|level)|line\s*[0-4])$"
)
_DATE_RE = (
    r"(?i)^(?:"
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|utc|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?)?"
    r"|\d{1,2}[/ -][a-z]{3,9}[/ -]\d{2,4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?)?"
    r"|[a-z]{3} [a-z]{3} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}"
    r"|[a-z]{3,9}\.? \d{1,2},? \d{4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?)?"
    r")$"
)
_HMS_RE = r"^-?\d{1,5}:\d{2}(?::\d{2})?$"
_EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
_YESNO = ["yes", "no", "true", "false", "y", "n", "1", "0", "t", "f", "x", "escalated"]
_MISSING = ["", "?", "-", "n/a", "na", "null", "none", "nan"]


@dataclass
class ColumnMatch:
    """One proposed source column for a canonical key, with a score and a reason."""

    canonical: str
    column: str | None
    score: float
    why: str


# --------------------------------------------------------------------------- name matching


def _tokens(name: str) -> list[str]:
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return re.findall(r"[a-z0-9]+|#", norm_header(s))


def _synonym_forms() -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    return {
        k: [(syn, _loose(syn), frozenset(_tokens(syn))) for syn in syns]
        for k, syns in SYNONYMS.items()
    }


_SYN_FORMS = _synonym_forms()
_SYN_NAMES = frozenset(
    f for forms in _SYN_FORMS.values() for syn, lo, _ in forms for f in (syn, lo)
)
_SYN_TOKSETS = tuple({st for forms in _SYN_FORMS.values() for _, _, st in forms if st})


def _named_like_a_key(column: str) -> bool:
    """Cheap test: the header is, or contains the words of, some canonical column's synonym.

    >>> _named_like_a_key("Ticket created date"), _named_like_a_key("Custom field (Colour)")
    (True, False)
    """
    if norm_header(column) in _SYN_NAMES or _loose(column) in _SYN_NAMES:
        return True
    toks = set(_tokens(column))
    return any(st <= toks for st in _SYN_TOKSETS)


@lru_cache(maxsize=8192)
def _name_score(key: str, column: str) -> tuple[float, str]:
    """Best score of ``column`` against the synonyms of ``key`` and the synonym used."""
    n, lo = norm_header(column), _loose(column)
    toks = _tokens(column)
    tokset = set(toks)
    best, best_syn = 0.0, ""
    matcher = SequenceMatcher(None, b=lo, autojunk=False)
    for syn, syn_loose, st in _SYN_FORMS[key]:
        if n == syn:
            return 1.0, syn
        if lo and lo == syn_loose:
            s = 0.95
        elif st and st <= tokset:
            s = 0.6 + 0.3 * len(st) / len(toks)
        elif len(lo) >= 3 and len(syn_loose) >= 3:
            matcher.set_seq1(syn_loose)
            fuzzy = matcher.real_quick_ratio() >= 0.82 and matcher.quick_ratio() >= 0.82
            ratio = matcher.ratio() if fuzzy else 0.0
            s = 0.75 * ratio if ratio >= 0.82 else 0.0
        else:
            s = 0.0
        if s:
            extra = tokset - st
            if extra & AVOID[key]:
                s *= 0.4
            if key in _TIME_KEYS and (extra & _DURATION_HINTS or "to" in extra):
                s *= 0.4
        if s > best:
            best, best_syn = s, syn
    return best, best_syn


def _solve(
    keys: list[str],
    columns: list[str],
    table: dict[tuple[str, str], tuple[float, str]],
    threshold: float,
) -> dict[str, ColumnMatch]:
    """Greedy one-to-one assignment: the best remaining (key, column) pair wins.

    Greedy rather than a maximum-total assignment, so that a strong match is never given up
    for two mediocre ones. Ties go to the earlier key, then the earlier column.
    """
    key_pos = {k: i for i, k in enumerate(keys)}
    col_pos = {c: j for j, c in enumerate(columns)}
    pairs = sorted(
        ((s, k, c) for (k, c), (s, _) in table.items() if s >= threshold and k in key_pos),
        key=lambda t: (-t[0], key_pos[t[1]], col_pos.get(t[2], 0)),
    )
    out = {k: ColumnMatch(k, None, 0.0, "no column fits") for k in keys}
    taken: set[str] = set()
    for s, k, c in pairs:
        if out[k].column is None and c not in taken and c in col_pos:
            out[k] = ColumnMatch(k, c, round(s, 3), table[(k, c)][1])
            taken.add(c)
    return out


def match_by_name(columns: list[str]) -> dict[str, ColumnMatch]:
    """Match header names to every canonical key by synonyms, tokens and fuzzy similarity.

    >>> m = match_by_name(["Ticket #", "Created", "Assignee", "Escalated?"])
    >>> m["ticket_id"].column, m["agent"].column, m["escalated"].column
    ('Ticket #', 'Assignee', 'Escalated?')
    >>> m["created_at"].why
    "name 'Created' matches 'created'"
    """
    columns = [str(c) for c in columns]
    table: dict[tuple[str, str], tuple[float, str]] = {}
    for k in KEYS:
        for c in columns:
            s, syn = _name_score(k, c)
            if s > 0:
                table[(k, c)] = (s, f"name {c!r} matches {syn!r}")
    return _solve(list(KEYS), columns, table, ACCEPT)


# --------------------------------------------------------------------------- value profiles


@dataclass
class _Profile:
    n: int  # non-missing values in the sample
    rows: int
    kind: str  # "num", "date", "duration", "bool", "str", "list"
    date: float = 0.0
    num: float = 0.0
    ints_1_5: float = 0.0
    ints_1_10: float = 0.0
    small_ints: float = 0.0
    unit: float = 0.0  # numbers within -1..1
    nonneg: float = 0.0
    distinct: int = 0
    unique: float = 0.0
    avg_len: float = 0.0
    spaces: float = 0.0
    digits: float = 0.0
    email: float = 0.0
    hms: float = 0.0
    yesno: float = 0.0
    level: float = 0.0
    status: float = 0.0
    priority: float = 0.0
    channel: float = 0.0
    rating_words: float = 0.0

    @property
    def text(self) -> float:
        """Share of values that are neither dates nor numbers."""
        if self.kind != "str":
            return 0.0
        return max(0.0, 1.0 - max(self.date, self.num))


def _share(mask: pl.Series) -> float:
    v = mask.cast(pl.Float64).mean()
    return float(v) if v is not None else 0.0


def _profile(s: pl.Series, vocab: Mapping[str, frozenset[str]]) -> _Profile:
    rows = s.len()
    dtype = s.dtype
    if isinstance(dtype, pl.Duration):
        return _Profile(n=s.len() - s.null_count(), rows=rows, kind="duration", hms=1.0)
    if dtype.is_temporal():
        vals = s.drop_nulls()
        return _Profile(n=vals.len(), rows=rows, kind="date", date=1.0, unique=_uniq(vals))
    if dtype.is_nested():
        return _Profile(n=s.len() - s.null_count(), rows=rows, kind="list")
    if dtype == pl.Boolean:
        vals = s.drop_nulls()
        return _Profile(n=vals.len(), rows=rows, kind="bool", yesno=1.0, distinct=vals.n_unique())
    if dtype.is_numeric():
        num = s.cast(pl.Float64).drop_nulls().drop_nans()
        txt = num.cast(pl.String)
        p = _Profile(n=num.len(), rows=rows, kind="num", num=1.0)
        _numeric(p, num)
        p.unique = _uniq(num)
        p.yesno = _share(num.is_in([0.0, 1.0])) if p.distinct <= 2 else 0.0
        p.digits = 1.0
        p.avg_len = float(txt.str.len_chars().mean() or 0)
        return p
    txt = s.cast(pl.String).str.strip_chars()
    low = txt.str.to_lowercase()
    keep = low.is_not_null() & ~low.is_in(_MISSING)
    txt, low = txt.filter(keep), low.filter(keep)
    p = _Profile(n=txt.len(), rows=rows, kind="str")
    if p.n == 0:
        return p
    p.date = _share(low.str.contains(_DATE_RE))
    num = low.str.replace_all(",", "").cast(pl.Float64, strict=False)
    p.num = _share(num.is_not_null())
    if p.num >= 0.8:
        _numeric(p, num.drop_nulls().drop_nans())
    p.distinct = low.n_unique()
    p.unique = _uniq(txt)
    p.avg_len = float(txt.str.len_chars().mean() or 0)
    p.spaces = _share(txt.str.contains(r"\s"))
    p.digits = _share(txt.str.contains(r"\d"))
    p.email = _share(low.str.contains(_EMAIL_RE))
    p.hms = _share(low.str.contains(_HMS_RE))
    p.yesno = _share(low.is_in(_YESNO)) if p.distinct <= 3 else 0.0
    p.level = _share(low.str.contains(_LEVEL_RE))
    p.status = _share(low.is_in(list(vocab["status"])))
    p.priority = _share(low.is_in(list(vocab["priority"])) | low.str.contains(_PRIORITY_RE))
    p.channel = _share(low.is_in(list(vocab["channel"])))
    p.rating_words = _share(low.is_in(list(RATING_WORDS)))
    return p


def _uniq(vals: pl.Series) -> float:
    return vals.n_unique() / vals.len() if vals.len() else 0.0


def _numeric(p: _Profile, num: pl.Series) -> None:
    if num.len() == 0:
        return
    is_int = (num.round(0) == num).fill_null(False)
    p.distinct = num.n_unique()
    p.ints_1_5 = _share(is_int & (num >= 1) & (num <= 5))
    p.ints_1_10 = _share(is_int & (num >= 0) & (num <= 10))
    p.small_ints = _share(is_int & (num >= 0) & (num <= 50))
    p.unit = _share((num >= -1) & (num <= 1))
    p.nonneg = _share(num >= 0)


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _value_test(key: str, p: _Profile) -> tuple[float, str] | None:
    """How well the values fit ``key`` (0..1, why), or None when values cannot tell."""
    if p.n == 0:
        return None
    if key in _TIME_KEYS:
        return p.date, f"values look like dates ({_pct(p.date)})"
    if key == "ticket_id":
        if p.kind == "date" or p.date > 0.5 or p.email > 0.5:
            return 0.0, "values are dates or e-mail addresses"
        shape = 1.0 if p.kind == "num" else (1.0 - p.spaces) * (0.5 + 0.5 * p.digits)
        fill = p.n / p.rows if p.rows else 0.0
        v = p.unique * shape * min(1.0, fill / 0.95)
        return v, f"values look like ids ({_pct(p.unique)} unique)"
    if key in ("status", "priority", "channel"):
        v = getattr(p, key)
        return v, f"values are {key} words ({_pct(v)})"
    if key == "customer":
        if p.email >= 0.5:
            return p.email, f"values look like e-mail addresses ({_pct(p.email)})"
        return p.text, f"values are text ({_pct(p.text)})"
    if key == "subject":
        v = p.text * (1.0 if 10 <= p.avg_len <= 150 else 0.4) * min(1.0, p.spaces / 0.5)
        return v, f"values look like titles (average {p.avg_len:.0f} characters)"
    if key == "description":
        v = p.text * min(1.0, p.avg_len / 80) * min(1.0, p.spaces / 0.5)
        return v, f"values look like free text (average {p.avg_len:.0f} characters)"
    if key == "satisfaction":
        if p.rating_words >= p.ints_1_5:
            return p.rating_words, f"values are rating words ({_pct(p.rating_words)})"
        v = max(p.ints_1_5, 0.9 * p.ints_1_10 if p.distinct > 5 else 0.0)
        return v, f"values look like 1-5 ratings ({_pct(v)})"
    if key == "first_response_minutes":
        v = max(p.hms, p.num * p.nonneg)
        return v, f"values look like durations ({_pct(v)})"
    if key == "escalated":
        return p.yesno, f"values are yes/no ({_pct(p.yesno)})"
    if key == "level":
        return p.level, f"values look like support levels ({_pct(p.level)})"
    if key == "customer_tier":
        v = p.text * (1.0 - p.level)
        return v, "values look like plan or tier names"
    if key in ("reassignments", "reopens"):
        return p.small_ints, f"values are small counts ({_pct(p.small_ints)})"
    if key == "sentiment":
        return p.num * p.unit, f"values lie in -1..1 ({_pct(p.num * p.unit)})"
    if key in ("agent", "group", "category"):
        other = max(p.status, p.priority, p.channel, p.email)
        v = p.text * (1.0 - other)
        if other >= 0.5:
            return v, f"values look like another field's words ({_pct(other)})"
        return v, f"values are text ({_pct(p.text)})"
    if key == "tags":
        if p.kind == "list":
            return 1.0, "values are lists"
        return p.text, f"values are text ({_pct(p.text)})"
    return None


_VOCAB_KEYS = frozenset({"status", "priority", "channel"})
_COUNT_WORDS = _words(
    "count counts interactions stations replies reopens number age hours hrs minutes min days "
    "thread article attachment attachments time units size qty quantity total"
)


def _value_only(key: str, column: str, p: _Profile, role: dict[str, str]) -> tuple[float, str]:
    """Score from values alone, for columns whose names say nothing about ``key``."""
    if p.n == 0:
        return 0.0, ""
    if key in ("created_at", "solved_at") and p.date >= 0.8:
        if key not in role:
            return 0.0, ""
        weight = 0.65 if key == "created_at" else 0.55
        return weight * p.date, f"values look like dates ({_pct(p.date)}); {role[key]}"
    if key == "ticket_id":
        v, why = _value_test(key, p) or (0.0, "")
        return (0.75 * v, why) if p.unique >= 0.98 else (0.0, "")
    if key in _VOCAB_KEYS:
        v = getattr(p, key)
        return 0.7 * v, f"values are {key} words ({_pct(v)})"
    if key == "customer" and p.email >= 0.8:
        return 0.7 * p.email, f"values look like e-mail addresses ({_pct(p.email)})"
    if key == "subject" and p.avg_len >= 15 and p.unique >= 0.6:
        v, why = _value_test(key, p) or (0.0, "")
        return 0.55 * v * (0.5 if p.avg_len > 80 else 1.0), why
    if key == "description" and p.avg_len >= 40:
        v, why = _value_test(key, p) or (0.0, "")
        return 0.6 * v, why
    if key == "satisfaction" and p.distinct >= 3 and not set(_tokens(column)) & _COUNT_WORDS:
        v, why = _value_test(key, p) or (0.0, "")
        return 0.55 * v, why
    if key == "first_response_minutes" and p.hms >= 0.8:
        return 0.55 * p.hms, f"values look like H:MM:SS durations ({_pct(p.hms)})"
    if key == "level" and p.level >= 0.8:
        return 0.7 * p.level, f"values look like support levels ({_pct(p.level)})"
    if key == "group" and p.level >= 0.8:
        return 0.5 * p.level, f"values look like support levels ({_pct(p.level)})"
    return 0.0, ""


def _date_roles(
    profiles: dict[str, _Profile], columns: list[str], unnamed: set[str]
) -> dict[str, dict[str, str]]:
    """For date-like columns whose names say nothing: which date each one probably is.

    The most complete (then leftmost) of them is the creation time; another one with gaps
    is a solve time.
    """
    dates = [c for c in columns if c in unnamed and profiles[c].n and profiles[c].date >= 0.8]
    roles: dict[str, dict[str, str]] = {c: {} for c in columns}
    if not dates:
        return roles
    first = max(dates, key=lambda c: (profiles[c].n / max(1, profiles[c].rows), -columns.index(c)))
    roles[first]["created_at"] = "the most complete date column"
    for c in dates:
        p = profiles[c]
        if c != first and p.n < p.rows:
            roles[c]["solved_at"] = "a later date column with gaps"
    return roles


def _vocab(preset: Preset | None) -> dict[str, frozenset[str]]:
    extra = preset.value_maps if preset is not None else {}
    return {
        "status": STATUS_WORDS | frozenset(extra.get("status", {})),
        "priority": PRIORITY_WORDS | frozenset(extra.get("priority", {})),
        "channel": CHANNEL_WORDS | frozenset(extra.get("channel", {})),
    }


def _sample(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    if frame.height <= n:
        return frame
    return frame.gather_every(max(1, frame.height // n)).head(n)


def match_columns(
    frame: pl.DataFrame, *, preset: Preset | None = None, sample_rows: int = 500
) -> dict[str, ColumnMatch]:
    """Match the frame's columns to every canonical key by name and by a sample of values.

    With a ``preset`` its own mapping comes first (score 1) and only confident automatic
    matches (at least ``PRESET_FILL``) fill the remaining keys from the remaining columns.

    >>> df = pl.DataFrame({
    ...     "col1": ["T-101", "T-102", "T-103", "T-104"],
    ...     "col2": ["2024-03-01 09:15", "2024-03-01 10:02", "2024-03-02 11:40", "2024-03-04"],
    ...     "col3": ["open", "solved", "pending", "solved"],
    ...     "col4": ["ann@x.com", "bob@y.org", "cy@z.net", "dee@x.com"],
    ... })
    >>> m = match_columns(df)
    >>> [m[k].column for k in ("ticket_id", "created_at", "status", "customer")]
    ['col1', 'col2', 'col3', 'col4']
    >>> m["status"].why
    'values are status words (100%)'
    """
    columns = list(frame.columns)
    fixed: dict[str, ColumnMatch] = {}
    if preset is not None:
        for k, c in map_with_preset(preset, columns).items():
            fixed[k] = ColumnMatch(k, c, 1.0, f"preset: {preset.label}")
    used = {m.column for m in fixed.values()}
    # Automatic matching looks at MAX_AUTO_COLUMNS columns at most: a very wide export
    # (thousands of custom fields) would otherwise take seconds per hundred columns. Columns
    # whose names look like a canonical column's come first, wherever they stand; the mapping
    # screen still offers every column.
    free_cols = [c for c in columns if c not in used]
    if len(free_cols) > MAX_AUTO_COLUMNS:
        named = {c for c in free_cols if _named_like_a_key(c)}
        ordered = [c for c in free_cols if c in named] + [c for c in free_cols if c not in named]
        keep = set(ordered[:MAX_AUTO_COLUMNS])
        free_cols = [c for c in free_cols if c in keep]
    free_keys = [k for k in KEYS if k not in fixed]

    vocab = _vocab(preset)
    sample = _sample(frame, sample_rows)
    profiles = {c: _profile(sample.get_column(c), vocab) for c in free_cols}
    names = {(k, c): _name_score(k, c) for k in KEYS for c in free_cols}
    unnamed = {c for c in free_cols if max(names[(k, c)][0] for k in KEYS) < ACCEPT}
    roles = _date_roles(profiles, free_cols, unnamed)

    named: dict[tuple[str, str], tuple[float, str]] = {}
    for (k, c), (name_s, syn) in names.items():
        if name_s <= 0:
            continue
        test = _value_test(k, profiles[c])
        if test is None:
            named[(k, c)] = (name_s, f"name {c!r} matches {syn!r}")
        else:
            v, vwhy = test
            floor = 0.35
            if k in _VOCAB_KEYS and (v >= 0.05 or profiles[c].distinct < 5):
                floor = 0.6  # vendors add their own words; none known among many is suspect
            named[(k, c)] = (
                name_s * (floor + (1 - floor) * v),
                f"name {c!r} matches {syn!r}; {vwhy}",
            )

    strong: dict[str, set[str]] = {}
    for (k2, c2), (s2, _) in named.items():
        if s2 >= 0.9:
            strong.setdefault(c2, set()).add(k2)
    table: dict[tuple[str, str], tuple[float, str]] = {}
    for c in free_cols:
        for k in free_keys:
            by_name = named.get((k, c), (0.0, ""))
            vo, vo_why = _value_only(k, c, profiles[c], roles[c])
            if strong.get(c, set()) - {k}:
                vo *= 0.5  # name and values agree that this column is something else
            if by_name[0] >= vo and by_name[0] > 0:
                table[(k, c)] = by_name
            elif vo > 0:
                table[(k, c)] = (vo, vo_why)

    auto = _solve(free_keys, free_cols, table, PRESET_FILL if preset is not None else ACCEPT)
    return {k: fixed.get(k) or auto[k] for k in KEYS}


def mapping_from_matches(matches: Mapping[str, ColumnMatch]) -> dict[str, str]:
    """Keep the keys that found a column: ``{canonical: source column}``.

    >>> mapping_from_matches({"ticket_id": ColumnMatch("ticket_id", "Id", 1.0, ""),
    ...                       "agent": ColumnMatch("agent", None, 0.0, "")})
    {'ticket_id': 'Id'}
    """
    return {k: m.column for k, m in matches.items() if m.column is not None}


def validate_mapping(mapping: Mapping[str, str], columns: list[str]) -> list[str]:
    """Problems with a mapping, as messages a user can act on (empty when it is usable).

    >>> for problem in validate_mapping({"ticket_id": "Id", "agent": "Id"}, ["Id", "When"]):
    ...     print(problem)
    no column chosen for 'Created' (required)
    column 'Id' is used for both 'Ticket id' and 'Agent'
    """
    problems: list[str] = []
    present = set(columns)
    for key, col in mapping.items():
        if key not in KEYS:
            problems.append(f"unknown field {key!r} (expected one of {', '.join(KEYS)})")
        elif col not in present:
            close = [c for c in columns if norm_header(c) == norm_header(col)]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                f"column {col!r} chosen for {KEY_LABELS.get(key, key)!r} is not in the file{hint}"
            )
    for key in REQUIRED_KEYS:
        if not mapping.get(key):
            problems.append(f"no column chosen for {KEY_LABELS[key]!r} (required)")
    by_col: dict[str, list[str]] = {}
    for key, col in mapping.items():
        if key in KEYS and col:
            by_col.setdefault(col, []).append(key)
    for col, keys in by_col.items():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if frozenset({a, b}) not in ALLOWED_SHARED:
                    problems.append(
                        f"column {col!r} is used for both {KEY_LABELS[a]!r} and {KEY_LABELS[b]!r}"
                    )
    return problems
