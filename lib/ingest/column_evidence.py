"""Evidence from the values for and against a column as a canonical key, and the checks
between columns, used by :func:`lib.ingest.columns.match_columns`.

A column with no value never wins (and is never proposed); a sparse column loses against a
full one with a similar name; a due date, SLA target or deadline is not when something
happened; a solve time does not come before the creation time (nor after the last update); a
duration is not a priority; people's names are not a channel. For close calls the mapping
screen shows the two candidates side by side (:func:`close_call`, :func:`why_won`).

Example
-------
>>> is_deadline_name("Tempo para atendimento + Progresso"), is_deadline_name("Creada")
(True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from lib.errors import ReviewError
from lib.ingest.keys import _TIME_KEYS, _VOCAB_KEYS
from lib.ingest.name_match import Candidate, ColumnMatch, is_deadline_name
from lib.ingest.normalise.dates import parse_datetimes
from lib.ingest.value_profile import _MISSING, _sample

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lib.ingest.value_profile import _Profile

__all__ = [
    "CLOSE_MARGIN",
    "candidates",
    "check_date_order",
    "close_call",
    "close_call_note",
    "empty_columns",
    "is_deadline_name",
    "weigh",
    "why_won",
]

#: Two candidates whose scores differ by less than this are a close call (both are shown).
CLOSE_MARGIN = 0.12

#: Columns filled on fewer rows than this are never mapped by their name alone.
SPARSE = 0.1

#: Solve-like keys checked against the creation and last-update times.
_END_KEYS = ("solved_at", "resolved_at", "closed_at")

Table = dict[tuple[str, str], tuple[float, str]]


def fill_of(p: _Profile) -> float:
    """Share of sampled rows that hold a value.

    >>> from lib.ingest.value_profile import _Profile
    >>> fill_of(_Profile(n=3, rows=4, kind="str"))
    0.75
    """
    return p.n / p.rows if p.rows else 0.0


def parsed_share(key: str, p: _Profile) -> tuple[float, str]:
    """Share of a column's values that read as ``key`` wants, and what that is.

    >>> from lib.ingest.value_profile import _Profile
    >>> parsed_share("created_at", _Profile(n=4, rows=4, kind="str", date=0.75))
    (0.75, 'dates')
    """
    if key in _TIME_KEYS:
        return (p.stamp, "time stamps") if p.stamp > p.date else (p.date, "dates")
    if key in _VOCAB_KEYS:
        return float(getattr(p, key)), f"{key} words"
    if key == "first_response_minutes":
        return max(p.hms, p.num), "durations"
    if key in ("satisfaction", "reassignments", "reopens", "sentiment"):
        return p.num, "numbers"
    if key == "escalated":
        return p.yesno, "yes/no"
    if key == "level":
        return p.level, "support levels"
    if key == "ticket_id":
        return p.unique, "unique"
    if key == "customer" and p.email >= 0.5:
        return p.email, "e-mail addresses"
    return p.text, "text"


def weigh(
    table: Table, profiles: Mapping[str, _Profile], ruled: set[tuple[str, str]] | None = None
) -> Table:
    """Adjust each (key, column) score by the column's own values.

    Pairs the values contradict are added to ``ruled`` when it is given.

    >>> from lib.ingest.value_profile import _Profile
    >>> t = {("created_at", "Due date"): (0.9, "name"), ("created_at", "Made"): (0.6, "values")}
    >>> p = {"Due date": _Profile(n=10, rows=10, kind="str", date=1.0),
    ...      "Made": _Profile(n=10, rows=10, kind="str", date=1.0)}
    >>> {c: round(s, 2) for (_, c), (s, _) in weigh(t, p).items()}
    {'Due date': 0.27, 'Made': 0.6}
    """
    out: Table = {}
    ruled = set() if ruled is None else ruled
    for (k, c), (s, why) in table.items():
        p = profiles[c]
        fill = fill_of(p)
        before = s
        s *= min(1.0, 0.5 + fill)
        if fill < 0.5:
            why += f"; filled on only {round(100 * fill)}% of rows"
        if k in _TIME_KEYS and is_deadline_name(c):
            s *= 0.3
            why += "; the name says a due date or deadline, not when it happened"
        elif k == "priority" and (p.kind == "duration" or p.hms >= 0.5):
            s *= 0.2
            why += "; values are durations, not priorities"
        elif k == "channel" and p.channel < 0.05 and p.person >= 0.5:
            s *= 0.3
            why += f"; values look like people's names ({round(100 * p.person)}%), not channels"
        if fill < SPARSE or (k in _TIME_KEYS | {"priority", "channel"} and s < 0.5 * before):
            ruled.add((k, c))
        out[(k, c)] = (s, why)
    return out


def _parsed_dates(sample: pl.DataFrame, column: str) -> pl.Series | None:
    try:
        out, _ = parse_datetimes(sample.get_column(column))
    except ReviewError:
        return None
    return out


def check_date_order(
    table: Table,
    chosen: Mapping[str, str | None],
    sample: pl.DataFrame,
    profiles: Mapping[str, _Profile],
    ruled: set[tuple[str, str]] | None = None,
) -> Table:
    """Lower solve-time candidates that come before the creation time or after the last update.

    ``chosen`` is a first assignment (key to column). Only candidates with a date-like sample
    are parsed, on the sample: the work grows with columns, not rows. Pairs found out of
    order are added to ``ruled`` when it is given.

    >>> from lib.ingest.value_profile import _Profile
    >>> s = pl.DataFrame({"Opened": ["2024-01-05", "2024-01-06", "2024-01-07"],
    ...                   "Other": ["2024-01-01", "2024-01-02", "2024-01-03"]})
    >>> p = {c: _Profile(n=3, rows=3, kind="str", date=1.0) for c in s.columns}
    >>> t = check_date_order({("solved_at", "Other"): (0.6, "values")},
    ...                      {"created_at": "Opened"}, s, p)
    >>> round(t[("solved_at", "Other")][0], 2), t[("solved_at", "Other")][1]
    (0.18, 'values; before the created date on 100% of rows')
    """
    out = dict(table)
    ruled = set() if ruled is None else ruled
    cache: dict[str, pl.Series | None] = {}

    def dates(c: str) -> pl.Series | None:
        if c not in cache:
            # a column without a profile (empty on the sample, or chosen by a preset) has no
            # dates to compare
            prof = profiles.get(c)
            cache[c] = _parsed_dates(sample, c) if prof is not None and prof.date >= 0.5 else None
        return cache[c]

    created, updated = chosen.get("created_at"), chosen.get("updated_at")
    for (k, c), (s, why) in table.items():
        if k not in _END_KEYS or s <= 0 or c in (created, updated) or dates(c) is None:
            continue
        end = dates(c)
        start = dates(created) if created is not None else None
        before = _later_share(start, end)
        if before is not None and before > 0.2:
            s *= 0.3
            why += f"; before the created date on {round(100 * before)}% of rows"
        after = _later_share(end, dates(updated) if updated is not None else None)
        if after is not None and after > 0.3:
            s *= 0.3
            why += f"; after the last update on {round(100 * after)}% of rows (a deadline?)"
        if s < table[(k, c)][0]:
            ruled.add((k, c))
        out[(k, c)] = (s, why)
    return out


def _later_share(a: pl.Series | None, b: pl.Series | None) -> float | None:
    """Share of rows (both set, at least 3) where ``a`` is more than a minute after ``b``."""
    if a is None or b is None:
        return None
    both = a.is_not_null() & b.is_not_null()
    n = int(both.sum())
    if n < 3:
        return None
    gap = (a.filter(both) - b.filter(both)).dt.total_seconds()
    return int((gap > 60).sum()) / n


def candidates(
    key: str,
    table: Table,
    profiles: Mapping[str, _Profile],
    chosen: str | None,
    limit: int = 3,
) -> tuple[Candidate, ...]:
    """The best columns weighed for ``key`` with their evidence, the chosen one first.

    >>> from lib.ingest.value_profile import _Profile
    >>> p = {"A": _Profile(n=2, rows=2, kind="str", date=1.0, example="2024-01-01"),
    ...      "B": _Profile(n=1, rows=2, kind="str", date=1.0)}
    >>> t = {("created_at", "A"): (0.6, "values"), ("created_at", "B"): (0.7, "name")}
    >>> [c.column for c in candidates("created_at", t, p, "A")]
    ['A', 'B']
    """
    scored = sorted(
        ((s, c, why) for (k, c), (s, why) in table.items() if k == key and s > 0),
        key=lambda t: (t[1] != chosen, -t[0]),
    )
    out = []
    for s, c, why in scored[:limit]:
        p = profiles[c]
        share, label = parsed_share(key, p)
        out.append(Candidate(c, round(s, 3), fill_of(p), share, label, p.example, why))
    return tuple(out)


def close_call(
    match: ColumnMatch, margin: float = CLOSE_MARGIN
) -> tuple[Candidate, Candidate] | None:
    """The chosen candidate and a runner-up within ``margin`` of it, or None.

    >>> a = Candidate("Creada", 0.65, 1.0, 1.0, "dates", "", "")
    >>> b = Candidate("Actualizada", 0.6, 1.0, 1.0, "dates", "", "")
    >>> [c.column for c in close_call(ColumnMatch("created_at", "Creada", 0.65, "", (a, b)))]
    ['Creada', 'Actualizada']
    """
    alts = match.alternatives
    if match.column is None or len(alts) < 2 or alts[0].column != match.column:
        return None
    if alts[0].score - alts[1].score >= margin:
        return None
    return alts[0], alts[1]


def why_won(a: Candidate, b: Candidate) -> str:
    """Why ``a`` was chosen over ``b``, in a few words.

    >>> why_won(Candidate("A", 0.6, 1.0, 1.0, "dates", "", ""),
    ...         Candidate("B", 0.55, 0.4, 1.0, "dates", "", ""))
    "'A' is filled on 100% of rows against 40%"
    """
    if a.fill - b.fill >= 0.2:
        return f"{a.column!r} is filled on {_pct(a.fill)} of rows against {_pct(b.fill)}"
    if a.parsed - b.parsed >= 0.2:
        return f"{_pct(a.parsed)} of {a.column!r} are {a.parsed_as} against {_pct(b.parsed)}"
    if a.score == b.score:
        return "name and values score the same, so the column further left was taken"
    return f"name and values together score {a.score:.2f} for {a.column!r} against {b.score:.2f}"


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _has_value(s: pl.Series) -> bool:
    """Whether a column holds any value that is not null, NaN, blank or a missing-value word."""
    if s.null_count() == s.len():
        return False
    if s.dtype.is_float():
        return not bool(s.is_nan().fill_null(True).all())
    if s.dtype not in (pl.String, pl.Categorical):
        return True
    text = s.drop_nulls().cast(pl.String).str.strip_chars().str.to_lowercase()
    return not bool(text.is_in(_MISSING).all())


def empty_columns(
    frame: pl.DataFrame, sample: pl.DataFrame, *, rows: int = 20_000
) -> frozenset[str]:
    """Columns with no value: empty in the sample and in a larger one (at most ``rows``).

    >>> f = pl.DataFrame({"A": ["", None, "n/a"], "B": ["", "x", None], "C": [None, None, None]})
    >>> sorted(empty_columns(f, f.head(1)))
    ['A', 'C']
    """
    maybe = [c for c in sample.columns if not _has_value(sample.get_column(c))]
    if not maybe or frame.height <= sample.height:
        return frozenset(maybe)
    bigger = _sample(frame.select(maybe), rows)
    return frozenset(c for c in maybe if not _has_value(bigger.get_column(c)))


def close_call_note(match: ColumnMatch, margin: float = CLOSE_MARGIN) -> str | None:
    """The mapping screen's note for a close call: both candidates, their evidence, the winner.

    >>> a = Candidate("Created", 1.0, 1.0, 1.0, "dates", "2024-01-05", "name")
    >>> b = Candidate("Creation date", 0.9, 0.4, 1.0, "dates", "2024-01-06", "name")
    >>> note = close_call_note(ColumnMatch("created_at", "Created", 1.0, "", (a, b)))
    >>> "or 'Creation date': filled on 40% of rows" in note
    True
    >>> print(note[note.index("Chosen") : note.index(". Pick")])
    Chosen 'Created': 'Created' is filled on 100% of rows against 40%
    """
    pair = close_call(match, margin)
    if pair is None:
        return None
    a, b = pair
    return (
        f"Close call: {a.describe()} or {b.describe()}. Chosen {a.column!r}: {why_won(a, b)}. "
        f"Pick {b.column!r} in the list if it is the right one."
    )
