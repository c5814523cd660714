"""Match an export's columns to the canonical ticket columns, by name and by the values, and
check a mapping before it is used.

Name scores come from :mod:`lib.ingest.name_match`, value scores from
:mod:`lib.ingest.value_profile`; :func:`match_columns` combines them and assigns each source
column at most once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from lib.ingest.column_evidence import candidates, check_date_order, empty_columns, weigh
from lib.ingest.column_words import AVOID
from lib.ingest.header_names import norm_header
from lib.ingest.keys import _TIME_KEYS, _VOCAB_KEYS, KEY_LABELS, KEYS, REQUIRED_KEYS
from lib.ingest.name_match import (
    ACCEPT,
    ColumnMatch,
    _name_score,
    _named_like_a_key,
    _solve,
    _tokens,
    match_by_name,
)
from lib.ingest.preset_mapping import map_with_preset
from lib.ingest.presets import ALLOWED_SHARED
from lib.ingest.value_profile import (
    _date_roles,
    _profile,
    _sample,
    _value_only,
    _value_test,
    _vocab,
)

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

#: Most columns considered by automatic matching (see :func:`match_columns`).
MAX_AUTO_COLUMNS = 200

#: Header words that argue against a key taken by its values alone (not against a name that
#: says the key: "Total first response time" is one): ServiceDesk Plus's "Time Elapsed" holds
#: durations, but no first response.
_VALUES_ONLY_AVOID = {
    "first_response_minutes": frozenset({"elapsed", "total", "resolution", "resolve", "handle"}),
}

#: Least score for an automatic match next to a preset's own mapping.
PRESET_FILL = 0.75


def match_columns(
    frame: pl.DataFrame, *, preset: Preset | None = None, sample_rows: int = 500
) -> dict[str, ColumnMatch]:
    """Match the frame's columns to every canonical key by name and by a sample of values.

    With a ``preset`` its own mapping comes first (score 1) and only confident automatic
    matches (at least ``PRESET_FILL``) fill the remaining keys from the remaining columns.
    A column with no value is never proposed, not even a preset's own (the field then says
    that the vendor's column is empty); the values weigh every candidate (see
    :mod:`lib.ingest.column_evidence`) and each match lists its best ``alternatives``.

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
    vocab = _vocab(preset)
    sample = _sample(frame, sample_rows)
    empty = empty_columns(frame, sample)
    fixed: dict[str, ColumnMatch] = {}
    # a vendor's column that this export left empty is not kept: its key is matched like any
    # other (a filled column may stand in), and the field says why the vendor's column is not used
    preset_empty: dict[str, str] = {}
    if preset is not None:
        for k, c in map_with_preset(preset, columns).items():
            if c in empty:
                preset_empty[k] = c
                continue
            fixed[k] = ColumnMatch(k, c, 1.0, f"preset: {preset.label}")
    used = {m.column for m in fixed.values()}
    # Automatic matching looks at MAX_AUTO_COLUMNS columns at most: a very wide export
    # (thousands of custom fields) would otherwise take seconds per hundred columns. Empty
    # columns never count; columns whose names look like a canonical column's come first,
    # wherever they stand; the mapping screen still offers every column.
    free_cols = [c for c in columns if c not in used and c not in empty]
    if len(free_cols) > MAX_AUTO_COLUMNS:
        named = {c for c in free_cols if _named_like_a_key(c)}
        ordered = [c for c in free_cols if c in named] + [c for c in free_cols if c not in named]
        keep = set(ordered[:MAX_AUTO_COLUMNS])
        free_cols = [c for c in free_cols if c in keep]
    free_keys = [k for k in KEYS if k not in fixed]
    profiles = {c: _profile(sample.get_column(c), vocab) for c in free_cols}

    names = {(k, c): _name_score(k, c) for k in KEYS for c in free_cols}
    unnamed = {c for c in free_cols if max(names[(k, c)][0] for k in KEYS) < ACCEPT}
    created_named = "created_at" in fixed or any(
        names[("created_at", c)][0] >= 0.9 for c in free_cols
    )
    roles = _date_roles(profiles, free_cols, unnamed, created_named)

    named: dict[tuple[str, str], tuple[float, str]] = {}
    ruled: set[tuple[str, str]] = set()
    for (k, c), (name_s, syn) in names.items():
        if name_s <= 0:
            continue
        test = _value_test(k, profiles[c])
        if test is None:
            named[(k, c)] = (name_s, f"name {c!r} matches {syn!r}")
        else:
            v, vwhy = test
            if k in _VOCAB_KEYS and v < 0.05 and profiles[c].distinct >= 5:
                ruled.add((k, c))  # many different values, none of them known words
            if k in _TIME_KEYS and v < 0.2 and k not in REQUIRED_KEYS:
                ruled.add((k, c))  # named like a date, holds no dates
            if k == "escalated" and v < 0.5 and profiles[c].distinct >= 2:
                # named like the flag, holds levels (ServiceNow's Normal / High / Overdue):
                # a yes/no read of them would say no everywhere; the signals offer the values
                ruled.add((k, c))
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
    avoided = {c: frozenset(_tokens(c)) for c in free_cols}
    for c in free_cols:
        for k in free_keys:
            by_name = named.get((k, c), (0.0, ""))
            vo, vo_why = _value_only(k, c, profiles[c], roles[c])
            if vo and avoided[c] & (AVOID[k] | _VALUES_ONLY_AVOID.get(k, frozenset())):
                vo *= 0.4  # values fit, the name argues against it ("escalation" as priority)
            if strong.get(c, set()) - {k}:
                vo *= 0.5  # name and values agree that this column is something else
            if by_name[0] >= vo and by_name[0] > 0:
                table[(k, c)] = by_name
            elif vo > 0:
                table[(k, c)] = (vo, vo_why)

    threshold = PRESET_FILL if preset is not None else ACCEPT
    table = weigh(table, profiles, ruled)
    auto = _solve(free_keys, free_cols, table, threshold)
    first = {k: m.column for k, m in {**auto, **fixed}.items()}
    table = check_date_order(table, first, sample, profiles, ruled)
    auto = _solve(free_keys, free_cols, table, threshold)
    out: dict[str, ColumnMatch] = {}
    named_empty = sorted(c for c in empty if _named_like_a_key(c))
    for k in KEYS:
        m = fixed.get(k) or auto[k]
        if m.column is None and k in preset_empty:
            vendor = preset.label if preset else "preset"
            m.why = f"the {vendor}'s column {preset_empty[k]!r} has no value"
        elif m.column is None and named_empty:
            m.why = _empty_namesake(k, named_empty) or m.why
        m.alternatives = () if k in fixed else candidates(k, table, profiles, m.column)
        m.empty = empty
        m.ruled_out = frozenset(c for k2, c in ruled if k2 == k)
        out[k] = m
    out = _event_log_case_id(_explicit_ticket_id(out), frame)
    return _event_log_user(_case_name(out, frame), frame)


#: The case id of a process-mining log in the names pm4py and the XES reader give it.
CASE_NAME = "case:concept:name"


def _case_name(out: dict[str, ColumnMatch], frame: pl.DataFrame) -> dict[str, ColumnMatch]:
    """With no ticket id chosen, a log's ``case:concept:name`` is the ticket's id: a ServiceNow
    log written as XES by pm4py has no "number" left for the vendor's preset, and the case
    id, repeated on each event, scores too low beside a preset.

    >>> out = {"ticket_id": ColumnMatch("ticket_id", None, 0.0, "no match")}
    >>> df = pl.DataFrame({CASE_NAME: ["INC1", "INC1"], "state": ["New", "Closed"]})
    >>> _case_name(out, df)["ticket_id"].column
    'case:concept:name'
    """
    m = out.get("ticket_id")
    if m is None or m.column is not None or CASE_NAME not in frame.columns:
        return out
    if any(x.column == CASE_NAME for x in out.values()):
        return out  # taken as another field (the step of a table that is no event log)
    if frame.get_column(CASE_NAME).null_count() > 0.05 * frame.height:
        return out
    why = "the process-mining log's case id (each trace of an XES log)"
    out["ticket_id"] = ColumnMatch(
        "ticket_id", CASE_NAME, 0.9, why, m.alternatives, m.empty, m.ruled_out
    )
    return out


#: Names that say the column is the ticket's own id, not some record's.
_TICKET_ID_NAMES = frozenset(
    {"ticket id", "ticket_id", "ticketid", "ticket number", "ticket_number", "case id",
     "case number", "incident id", "incident number", "request id", "request number"}
)  # fmt: skip


def _explicit_ticket_id(out: dict[str, ColumnMatch]) -> dict[str, ColumnMatch]:
    """A bare "id" proposed as the ticket's id gives way to a candidate named as the ticket's
    ("ticket_id" in a ratings, comments or ticket-events export: "id" is that record's own).

    >>> from lib.ingest.name_match import Candidate
    >>> c = [Candidate("id", 0.97, 1, 1, "unique", "501", "name"),
    ...      Candidate("ticket_id", 0.8, 1, 0.7, "unique", "1", "name")]
    >>> out = {"ticket_id": ColumnMatch("ticket_id", "id", 0.97, "name", tuple(c))}
    >>> _explicit_ticket_id(out)["ticket_id"].column
    'ticket_id'
    """
    m = out.get("ticket_id")
    if m is None or m.column is None or m.score >= 1.0 or norm_header(m.column) != "id":
        return out
    chosen = next((c for c in m.alternatives if c.column == m.column), None)
    for c in m.alternatives:
        if norm_header(c.column) not in _TICKET_ID_NAMES:
            continue
        if chosen is not None and c.fill < 0.95 * chosen.fill:
            continue  # a sparse "Ticket ID" (a link to another ticket) is not every row's id
        holder = next(
            (k for k, x in out.items() if k != "ticket_id" and x.column == c.column), None
        )
        if holder is not None and out[holder].why.startswith("name "):
            continue  # another key took it by its name
        if holder is not None:  # taken by its values alone (small ids read as ratings)
            x = out[holder]
            out[holder] = ColumnMatch(
                holder, None, 0.0, "no column fits", x.alternatives, x.empty, x.ruled_out
            )
        why = f"{c.why}; named as the ticket's id, while {m.column!r} is the record's own"
        out["ticket_id"] = ColumnMatch(
            "ticket_id", c.column, c.score, why, m.alternatives, m.empty, m.ruled_out
        )
        break
    return out


#: Header words of a plain "user" column: in an event log, who did the step.
_USER_NAMES = frozenset({"user", "username", "user name", "user id", "userid"})


def _event_log_user(
    out: dict[str, ColumnMatch], frame: pl.DataFrame | None = None
) -> dict[str, ColumnMatch]:
    """In an event log (a column of steps is matched), a plain "user" column (Celonis'
    ``USER_NAME``) is who did the step, the agent, not the customer.

    >>> out = {"activity": ColumnMatch("activity", "ACTIVITY_EN", 0.9, "name"),
    ...        "customer": ColumnMatch("customer", "USER_NAME", 0.7, "name"),
    ...        "agent": ColumnMatch("agent", None, 0.0, "")}
    >>> _event_log_user(out)["agent"].column, out["customer"].column
    ('USER_NAME', None)
    """
    steps, customer, agent = out.get("activity"), out.get("customer"), out.get("agent")
    if steps is None or steps.column is None or customer is None or customer.column is None:
        return out
    if (agent is not None and agent.column is not None) or customer.why.startswith("preset"):
        return out
    if norm_header(customer.column).replace("_", " ") not in _USER_NAMES:
        return out
    ids = out.get("ticket_id")
    # an event log repeats its ids; a ticket export with an activity column does not
    if (
        frame is not None
        and ids is not None
        and ids.column in frame.columns
        and frame.get_column(ids.column).drop_nulls().n_unique() > frame.height / CASE_ROWS
    ):
        return out
    why = f"{customer.why}; in an event log the user is who did the step"
    out["agent"] = ColumnMatch("agent", customer.column, customer.score, why)
    out["customer"] = ColumnMatch("customer", None, 0.0, "its user column is the agent")
    return out


#: An event log's case id repeats on this many rows per value at least (over the whole file).
CASE_ROWS = 1.5


def _event_log_case_id(out: dict[str, ColumnMatch], frame: pl.DataFrame) -> dict[str, ColumnMatch]:
    """In an event log (a column of steps is matched), a ticket's id repeats on each of its
    steps: a proposed id unique on every row is the event's own number (the BPI Challenge
    logs' "IncidentActivity_Number" beside "Incident ID"); a weighed candidate that repeats
    at least :data:`CASE_ROWS` times per value over the whole file, and no other key took, is
    the ticket's.

    >>> from lib.ingest.name_match import Candidate
    >>> df = pl.DataFrame({"Incident ID": ["IM1", "IM1", "IM2", "IM2"],
    ...                    "Activity_Number": ["A1", "A2", "A3", "A4"],
    ...                    "Activity": ["Open", "Closed", "Open", "Closed"]})
    >>> c = [Candidate("Activity_Number", 0.8, 1, 1, "unique", "A1", "name"),
    ...      Candidate("Incident ID", 0.5, 1, 0.5, "unique", "IM1", "name")]
    >>> out = {"ticket_id": ColumnMatch("ticket_id", "Activity_Number", 0.8, "name", tuple(c)),
    ...        "activity": ColumnMatch("activity", "Activity", 0.9, "name")}
    >>> _event_log_case_id(out, df)["ticket_id"].column
    'Incident ID'
    """
    m, steps = out.get("ticket_id"), out.get("activity")
    if m is None or m.column is None or steps is None or steps.column is None:
        return out
    if m.score >= 1.0 or m.column not in frame.columns:  # a vendor's own mapping stands
        return out
    if frame.get_column(m.column).drop_nulls().n_unique() < frame.height / CASE_ROWS:
        return out
    taken = {x.column for k, x in out.items() if k != "ticket_id" and x.column is not None}
    for c in m.alternatives:
        if c.column == m.column or c.column in taken or c.column not in frame.columns:
            continue
        values = frame.get_column(c.column).drop_nulls()
        n = values.n_unique()
        if n and values.len() / n >= CASE_ROWS and values.len() >= 0.95 * frame.height:
            why = (
                f"{c.why}; repeats on each step of the event log ({values.len() / n:.1f} rows "
                f"per id), while {m.column!r} is unique on every row (an event's own number)"
            )
            out["ticket_id"] = ColumnMatch(
                "ticket_id", c.column, c.score, why, m.alternatives, m.empty, m.ruled_out
            )
            break
    return out


def _empty_namesake(key: str, empty: list[str]) -> str:
    """Say so when an empty column is named like ``key`` (why nothing was chosen).

    >>> _empty_namesake("created_at", ["Created", "x"])
    "column 'Created' is named like it but has no value"
    """
    best = max(empty, key=lambda c: _name_score(key, c)[0])
    if _name_score(key, best)[0] < ACCEPT:
        return ""
    return f"column {best!r} is named like it but has no value"


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
