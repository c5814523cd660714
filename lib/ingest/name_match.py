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

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from lib.ingest.column_words import _DURATION_HINTS, AVOID, SYNONYMS
from lib.ingest.header_names import _loose, _tokens, norm_header
from lib.ingest.keys import _TIME_KEYS, KEYS

__all__ = ["ACCEPT", "ColumnMatch", "match_by_name"]

#: Least combined score for a match to be proposed.
ACCEPT = 0.5


@dataclass
class ColumnMatch:
    """One proposed source column for a canonical key, with a score and a reason."""

    canonical: str
    column: str | None
    score: float
    why: str


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
