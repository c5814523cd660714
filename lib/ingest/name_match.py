"""Match header names to the canonical keys: a score per (key, column) from synonyms (exact,
token subsets, then fuzzy with :mod:`difflib`) and a greedy one-to-one assignment.

Every source column is used at most once: the best-scoring pairs are taken first (greedy), so a
strong match never gives way to two weaker ones.

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
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from lib.ingest.column_words import _DURATION_HINTS, AVOID, SYNONYMS
from lib.ingest.header_names import _loose, _tokens, header_zone, norm_header
from lib.ingest.keys import _TIME_KEYS, KEYS

__all__ = ["ACCEPT", "Candidate", "ColumnMatch", "is_deadline_name", "match_by_name"]

#: Least combined score for a match to be proposed.
ACCEPT = 0.5


#: Header words that make a date a due date or target, in the languages exports come in.
DEADLINE_WORDS = frozenset(
    {"due", "deadline", "sla", "target", "delivery", "expiry", "expires", "expiration"}
    | {"vencimiento", "vencimento", "prazo", "limite", "echeance", "faellig", "fallig"}
    | {"frist", "scadenza", "termin", "vervaldatum", "vence", "plazo", "vencido", "echeance"}
    | {"faelligkeit", "falligkeit", "faellig", "termijn", "uiterlijk"}
    | {"dueby", "duedate", "duetime"}  # ServiceDesk Plus: "First Response DueBy Time"
)
#: The same in the languages without Latin letters or with their own words for it (Turkish
#: "Bitiş Tarihi", Finnish "Eräpäivä", Hungarian "Határidő", Norwegian and Danish
#: "Forfallsdato", Romanian "Scadență", Russian and Ukrainian "Срок" / "Термін", Japanese
#: "期日" / "期限", Chinese "到期日" / "截止日期", Korean "기한" / "마감일").
_OTHER_DEADLINE_WORDS = (
    "bitiş", "eräpäivä", "määräaika", "határidő", "forfallsdato", "forfaldsdato", "scadență",
    "scadenta", "срок", "термін", "дедлайн", "期日", "期限", "到期日", "截止日期", "截止时间",
    "截止日", "기한", "마감일", "마감",
)  # fmt: skip
#: Word pairs that start an SLA target's name (GLPI: "Time to own", "Tempo para solução").
_DEADLINE_PAIRS = (("time", "to"), ("tempo", "para"), ("tiempo", "para"), ("temps", "de"))


def _plain_tokens(name: str) -> list[str]:
    """Lower-case words without accents, in any script.

    >>> _plain_tokens("Bitiş Tarihi"), _plain_tokens("到期日")
    (['bitis', 'tarihi'], ['到期日'])
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.findall(r"[^\W_]+", text)


_ALL_DEADLINE_WORDS = DEADLINE_WORDS | {t for w in _OTHER_DEADLINE_WORDS for t in _plain_tokens(w)}


def is_deadline_name(column: str) -> bool:
    """The header names a due date, SLA target or deadline rather than an event.

    >>> [is_deadline_name(c) for c in ("Fecha de vencimiento", "Due by", "Resolved", "Échéance")]
    [True, True, False, True]
    >>> [is_deadline_name(c) for c in ("Bitiş Tarihi", "Eräpäivä", "到期日", "Срок", "Oluşturuldu")]
    [True, True, True, True, False]
    """
    toks = _plain_tokens(column)
    if _ALL_DEADLINE_WORDS & set(toks):
        return True
    return any(tuple(toks[i : i + 2]) in _DEADLINE_PAIRS for i in range(len(toks) - 1))


@dataclass(frozen=True)
class Candidate:
    """One column weighed for a key, with the evidence a user can check.

    >>> c = Candidate("Creada", 0.65, 1.0, 1.0, "dates", "10/nov/25 4:51 PM", "values: dates")
    >>> c.describe()
    "'Creada': filled on 100% of rows, 100% dates, e.g. '10/nov/25 4:51 PM'"
    """

    column: str
    score: float
    fill: float  # share of sampled rows with a value
    parsed: float  # share of those values that read as ``parsed_as``
    parsed_as: str
    example: str
    why: str

    def describe(self) -> str:
        """The evidence in one line."""
        ex = f", e.g. {self.example!r}" if self.example else ""
        return (
            f"{self.column!r}: filled on {round(100 * self.fill)}% of rows, "
            f"{round(100 * self.parsed)}% {self.parsed_as}{ex}"
        )


@dataclass
class ColumnMatch:
    """One proposed source column for a canonical key, with a score and a reason.

    ``alternatives`` holds the best candidates weighed for the key (the chosen one first when
    there is one), ``empty`` the columns with no value and ``ruled_out`` the columns whose
    values contradict the key: a name-only guess must not bring either back.
    """

    canonical: str
    column: str | None
    score: float
    why: str
    alternatives: tuple[Candidate, ...] = ()
    empty: frozenset[str] = field(default_factory=frozenset)
    ruled_out: frozenset[str] = field(default_factory=frozenset)


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


@lru_cache(maxsize=8192)
def _named_like_a_key(column: str) -> bool:
    """Cheap test: the header is, or contains the words of, some canonical column's synonym.

    >>> _named_like_a_key("Ticket created date"), _named_like_a_key("Custom field (Colour)")
    (True, False)
    """
    if norm_header(column) in _SYN_NAMES or _loose(column) in _SYN_NAMES:
        return True
    toks = set(_tokens(column))
    return any(st <= toks for st in _SYN_TOKSETS)


_FIRST_NAME = re.compile(r"(?i)first[\s_.-]*name")
#: Containers of a ticket's own fields in JSON (their "type" is the ticket's type).
_FIELD_CONTAINERS = re.compile(
    r"(?i)(?:^|\.)(?:custom[_ ]?(?:fields?|attributes)|fields|attributes|properties)$"
    r"|^(?:tickets?|issues?|cases?|incidents?|requests?|conversations?|records?|data|items?)$"
)


def _object_type(column: str) -> bool:
    """A nested object's own type (``assignee.type`` "user", Intercom's ``statistics.type``),
    not the ticket's: never its category, agent or customer (a source's type may be the channel).

    >>> _object_type("assignee.type"), _object_type("type"), _object_type("custom_fields.type")
    (True, False, False)
    >>> _object_type("primaryCustomer.type"), _object_type("ticket.type")
    (True, False)
    """
    head, _, tail = column.rpartition(".")
    return bool(head) and tail.lower() in {"type", "object"} and not _FIELD_CONTAINERS.search(head)


#: Jira's "Custom field (Customer Tier)" in the languages of its interface: the field's own
#: name is between the brackets.
_CUSTOM_FIELD = re.compile(
    r"(?i)^\s*(?:custom\s*field|champ\s+personnalis[ée]|campo\s+personalizad[oa]"
    r"|campo\s+personalizzato|benutzerdefiniertes\s+feld|aangepast\s+veld"
    r"|pole\s+niestandardowe|anpassat\s+f[äa]lt|vlastn[íi]\s+pole"
    r"|пользовательское\s+поле)\s*\((.+)\)\s*$"
)


@lru_cache(maxsize=8192)
def _name_score(key: str, column: str) -> tuple[float, str]:
    """Best score of ``column`` against the synonyms of ``key`` and the synonym used; a Jira
    custom field is scored by its own name ("Campo personalizzato (Piano cliente)").

    >>> _name_score("customer_tier", "Campo personalizzato (Piano cliente)")
    (1.0, 'piano cliente')
    """
    inner = _CUSTOM_FIELD.match(column)
    if inner:
        return _name_score(key, inner.group(1))
    base, zone = header_zone(column)
    if zone is not None:  # "Created at (Europe/Berlin)" is "Created at"
        return _name_score(key, base)
    if key != "channel" and _object_type(column):
        return 0.0, ""
    if key in ("first_agent", "first_group") and _FIRST_NAME.search(column):
        return 0.0, ""  # "Owner First Name": a person's first name, not the first owner
    n, lo = norm_header(column), _loose(column)
    if key == "ticket_id" and n == "id":
        # a bare "id" is the record's own: an events or ratings export's "ticket_id" wins
        return 0.97, "id"
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
