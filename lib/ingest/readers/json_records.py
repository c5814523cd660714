"""JSON and JSON Lines: find the list of records (a top-level array, or a list under a key such
as ``tickets``), flatten nested objects to dotted column names, keep each record's line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import polars as pl

from lib.errors import IngestError
from lib.ingest.readers._common import _JSON_EXTS, _JSONL_EXTS
from lib.ingest.readers.limits import CELL_BYTES, Limits, check_columns, check_rows, reserve
from lib.ingest.readers.names import _unique_names
from lib.ingest.readers.table import RawTable, _finish

_JSON_WS = re.compile(r"[ \t\n\r]*")
_RECORD_KEYS = (
    "tickets",
    "results",
    "data",
    "items",
    "records",
    "rows",
    "incidents",
    "cases",
    "conversations",
    "issues",
    "requests",
    "value",
    "entries",
    "objects",
)


#: Bytes in memory per byte of JSON text while it is parsed (Python objects for every value).
JSON_FACTOR = 8


def _read_json_text(
    data: bytes, display: str, ext: str, head: str, limits: Limits | None = None
) -> RawTable | None:
    """Read JSON or JSON Lines; None when the content is not JSON but may be delimited text.

    The parsed text is held against ``limits`` (``JSON_FACTOR`` bytes per byte), the records
    and the union of their keys are checked before the table is built."""
    limits = limits or Limits.from_env()
    try:
        with reserve(display, len(data) * JSON_FACTOR, limits):
            return _parse_json_text(data, display, ext, head, limits)
    except RecursionError:
        raise IngestError(
            "holds JSON nested too deeply to read",
            file=display,
            expected="ticket records nested at most a few hundred levels",
        ) from None


def _parse_json_text(
    data: bytes, display: str, ext: str, head: str, limits: Limits
) -> RawTable | None:
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if ext in _JSONL_EXTS:
        return _read_jsonl(text, display, limits)
    if not head.startswith("["):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and exc.lineno > 1:
                return _read_jsonl(text, display, limits)
            if ext in _JSON_EXTS:
                raise _json_error(exc, display) from None
            return None
        return _json_records_table(obj, display, limits)
    try:
        return _read_json_array(text, display, limits)
    except IngestError:
        if ext in _JSON_EXTS:
            raise
        return None


def _json_error(exc: json.JSONDecodeError, display: str) -> IngestError:
    return IngestError(
        f"is not valid JSON: {exc.msg} (column {exc.colno})",
        file=display,
        row=exc.lineno,
        expected="a JSON array of objects, an object holding one, or JSON Lines",
    )


def _read_json_array(text: str, display: str, limits: Limits) -> RawTable:
    """A top-level array read element by element, so each record knows its line and a file
    cut off in the middle keeps its complete records."""
    decoder = json.JSONDecoder()
    i = _JSON_WS.match(text).end() + 1  # past "["
    line, line_pos = 1, 0
    records: list[Any] = []
    lines: list[int] = []
    dropped: list[tuple[int, str]] = []
    cut_off = not text.rstrip().endswith("]")
    while True:
        i = _JSON_WS.match(text, i).end()
        line += text.count("\n", line_pos, i)
        line_pos = i
        if i >= len(text):
            break  # the array is never closed: the file is cut off
        if text[i] == "]":
            rest = text[i + 1 :].strip()
            if rest:
                raise _json_error(json.JSONDecodeError("Extra data", text, i + 1), display)
            break
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            if cut_off:
                dropped.append((line, "record is cut off: the file ends before it is complete"))
                break
            raise _json_error(exc, display) from None
        records.append(obj)
        lines.append(line)
        i = _JSON_WS.match(text, end).end()
        if i < len(text) and text[i] == ",":
            i += 1
        elif i < len(text) and text[i] != "]":
            raise _json_error(json.JSONDecodeError("Expecting ',' delimiter", text, i), display)
    return _records_or_pages(records, lines, display, "json", dropped, limits)


def _records_or_pages(
    records: list[Any],
    lines: list[int],
    display: str,
    fmt: str,
    dropped: list[tuple[int, str]],
    limits: Limits,
) -> RawTable:
    """The table of an array's (or JSON Lines') elements, or of their records when each element
    is an API page saved one after another (``[{"tickets": [...], "next_page": ...}, ...]``)."""
    if (key := _pages_key(records)) is None:
        return _records_table(
            records, lines, display, fmt, dropped=dropped, header_line=0, limits=limits
        )
    tickets: list[Any] = []
    ticket_lines: list[int] = []
    for page, at in zip(records, lines, strict=True):
        _with_sideloaded_names(page[key], page)
        tickets += page[key]
        ticket_lines += [at] * len(page[key])
    tickets, kept_lines, others = _ticket_results(tickets, ticket_lines)
    table = _records_table(
        tickets, kept_lines, display, fmt, dropped=dropped, header_line=0, limits=limits
    )
    table.notes.insert(0, f"read {len(records):,} pages of records under {key!r}")
    if others:
        counts = ", ".join(f"{n:,} {kind}" for kind, n in others.items())
        table.notes.insert(1, f"left out the search results that are not tickets ({counts})")
    return table


def _pages_key(records: list[Any]) -> str | None:
    """The key under which every element of an array holds its own list of records (API pages
    saved one after another), else None.

    >>> _pages_key([{"tickets": [{"id": 1}], "next_page": "p2"},
    ...             {"tickets": [{"id": 2}], "next_page": None}])
    'tickets'
    >>> _pages_key([{"id": 1, "tags": [{"name": "vip"}]}]) is None
    True
    """
    if not records or not all(isinstance(r, dict) for r in records):
        return None
    keys = [k for k in records[0] if k.lower() in _RECORD_KEYS]
    for key in keys:
        listed = all(isinstance(r.get(key), list) for r in records)
        # a page is a wrapper: beside the list, only paging fields, counts and other lists
        if (
            listed
            and any(_is_record_list(r[key]) for r in records)
            and not any(_looks_like_a_ticket(r, key) for r in records)
        ):
            return key
    return None


def _looks_like_a_ticket(record: dict[str, Any], key: str) -> bool:
    """Whether an object is more than a page around its list: a field of its own beyond paging
    fields and counts, or a nested object other than paging (``{"ticket": {...}, "items":
    [...]}``: a ticket with its line items)."""
    others = {k: v for k, v in record.items() if k != key}
    if any(isinstance(v, dict) and k.lower() not in _PAGING_KEYS for k, v in others.items()):
        return True  # {"ticket": {...}, "items": [...]}; not a page's "meta" or "paging"
    own = [k for k, v in others.items() if _is_scalar(v) and v is not None]
    return any(k.lower() not in _PAGING_KEYS for k in own)


#: Scalar fields of an API page around its list of records.
_PAGING_KEYS = frozenset(
    {"next_page", "previous_page", "count", "page", "per_page", "total", "total_count",
     "next", "previous", "end_of_stream", "after_cursor", "before_cursor", "end_time",
     "has_more", "offset", "limit", "cursor", "next_cursor", "type", "pages", "url",
     "after_url", "before_url", "next_url", "previous_url", "prev", "prev_page", "next_link",
     "startat", "maxresults", "islast", "totalsize", "done", "nextrecordsurl", "expand",
     "object", "uri", "links", "meta", "paging", "facets", "pagination"}
)  # fmt: skip


def _json_records_table(obj: Any, display: str, limits: Limits) -> RawTable:
    """A JSON document that is not a top-level array: find its list of records."""
    notes: list[str] = []
    records = obj
    if isinstance(obj, dict):
        candidates = {k: v for k, v in obj.items() if _is_record_list(v)}
        if not candidates:  # one level deeper, e.g. {"data": {"tickets": [...]}}
            for k, v in obj.items():
                if isinstance(v, dict):
                    for k2, v2 in v.items():
                        if _is_record_list(v2):
                            candidates[f"{k}.{k2}"] = v2
        if not candidates:
            raise IngestError(
                "holds a JSON object without a list of records",
                file=display,
                expected='an array of objects, or an object such as {"tickets": [...]}',
            )
        preferred = [k for k in candidates if k.rsplit(".", 1)[-1].lower() in _RECORD_KEYS]
        key = max(preferred or candidates, key=lambda k: len(candidates[k]))
        records = candidates[key]
        if len(obj) > 1 or "." in key:
            notes.append(f"read the list of records under {key!r}")
        if "." not in key and (named := _with_sideloaded_names(records, obj)):
            notes.append("named " + ", ".join(named) + " from the lists sent with them")
        records, _, others = _ticket_results(records)
        if others:
            counts = ", ".join(f"{n:,} {kind}" for kind, n in others.items())
            notes.append(f"left out the search results that are not tickets ({counts})")
    elif not isinstance(obj, list):
        raise IngestError(
            "holds a single JSON value, not records",
            file=display,
            expected="an array of objects",
        )
    table = _records_table(records, None, display, "json", dropped=[], header_line=0, limits=limits)
    table.notes[:0] = notes
    return table


#: Record fields holding another object's id, and the sideloaded list that names it (Zendesk's
#: ``include=users,groups,organizations``, Freshdesk's ``include=requester``).
_SIDELOADED = {
    "assignee_id": "users",
    "requester_id": "users",
    "submitter_id": "users",
    "responder_id": "agents",
    "group_id": "groups",
    "organization_id": "organizations",
    "company_id": "companies",
    "brand_id": "brands",
}


def _with_sideloaded_names(records: list[Any], obj: dict[str, Any]) -> list[str]:
    """Add a name beside each id whose object came in a list sent with the records
    (``{"tickets": [...], "users": [...], "groups": [...]}``): ``group`` beside ``group_id``,
    ``assignee`` beside ``assignee_id``; an id the list does not name is kept as it is.
    Returns the fields named.

    >>> recs = [{"id": 1, "group_id": 7, "assignee_id": 3}, {"id": 2, "group_id": 8}]
    >>> doc = {"tickets": recs, "groups": [{"id": 7, "name": "Tier 2"}],
    ...        "users": [{"id": 3, "name": "Ana"}]}
    >>> _with_sideloaded_names(recs, doc), recs[0]["group"], recs[1]["group"]
    (['assignee', 'group'], 'Tier 2', '8')

    Zendesk's metric sets (``include=metric_sets``) join their ticket by ``ticket_id``:

    >>> recs = [{"id": 5}]
    >>> _with_sideloaded_names(recs, {"metric_sets": [{"ticket_id": 5, "reopens": 1}]})
    ['metric_set']
    >>> recs[0]["metric_set"]["reopens"]
    1
    """
    names: dict[str, dict[str, str]] = {}
    for listed in dict.fromkeys(_SIDELOADED.values()):
        if listed not in names and _is_record_list(obj.get(listed)):
            names[listed] = {
                str(o["id"]): str(o["name"])
                for o in obj[listed]
                if isinstance(o, dict) and o.get("id") is not None and o.get("name")
            }
    named: set[str] = set()
    sets = obj.get("metric_sets")
    if _is_record_list(sets):
        # Zendesk's ``include=metric_sets``: each ticket's metrics (solved_at, reopens) by
        # ``ticket_id``, read as the ``metric_set`` a ticket holds when shown alone
        by_ticket = {str(m.get("ticket_id")): m for m in sets if isinstance(m, dict)}
        for r in records:
            found = by_ticket.get(str(r.get("id"))) if isinstance(r, dict) else None
            if found is not None and "metric_set" not in r:
                r["metric_set"] = found
                named.add("metric_set")
    if not names:
        return sorted(named)
    for r in records:
        if not isinstance(r, dict):
            continue
        for field, listed in _SIDELOADED.items():
            lookup = names.get(listed)
            value = r.get(field)
            if not lookup or value is None or field[:-3] in r:
                continue
            # an id the list does not name stays an id (the field is not left empty)
            r[field[:-3]] = lookup.get(str(value), str(value))
            named.add(field[:-3])
    return sorted(named)


def _ticket_results(
    records: list[Any], lines: list[int] | None = None
) -> tuple[list[Any], list[int] | None, dict[str, int] | None]:
    """Only the tickets of a search that also found users and organizations (Zendesk's
    ``search.json`` without ``type:ticket``: each result has a ``result_type``), with the
    count of the others by type.

    >>> recs = [{"id": 1, "result_type": "ticket"}, {"id": 9, "result_type": "user"}]
    >>> _ticket_results(recs)
    ([{'id': 1, 'result_type': 'ticket'}], None, {'user': 1})
    """
    kinds = [r.get("result_type") if isinstance(r, dict) else None for r in records]
    if "ticket" not in kinds or all(k == "ticket" for k in kinds):
        return records, lines, None
    others = dict(Counter(str(k) for k in kinds if k != "ticket"))
    keep = [k == "ticket" for k in kinds]
    kept_lines = None if lines is None else [n for n, ok in zip(lines, keep, strict=True) if ok]
    return [r for r, ok in zip(records, keep, strict=True) if ok], kept_lines, others


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _read_jsonl(text: str, display: str, limits: Limits) -> RawTable:
    records: list[Any] = []
    lines: list[int] = []
    dropped: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            records.append(json.loads(raw))
            lines.append(number)
        except json.JSONDecodeError as exc:
            dropped.append((number, f"not valid JSON: {exc.msg} (column {exc.colno})"))
    if not records and dropped:
        line, reason = dropped[0]
        raise IngestError(
            f"is not valid JSON Lines: {reason}",
            file=display,
            row=line,
            expected="one JSON object per line",
        )
    return _records_or_pages(records, lines, display, "jsonl", dropped, limits)


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _list_text(value: list[Any]) -> str | None:
    """A list of scalars joined with ", " (None when empty); anything else as JSON text."""
    if all(_is_scalar(v) for v in value):
        return ", ".join(t for v in value if (t := _scalar_text(v)) is not None) or None
    return json.dumps(value, ensure_ascii=False)


def _is_id_value_list(value: list[Any]) -> bool:
    """Zendesk's ``custom_fields``: ``[{"id": 360012345, "value": "gold"}, ...]``."""
    return bool(value) and all(
        isinstance(v, dict) and set(v) == {"id", "value"} and _is_scalar(v["id"]) for v in value
    )


def _typed_list(value: dict[str, Any]) -> list[Any] | None:
    """The list of a typed list object (``{"type": "tag.list", "tags": [...]}``), else None.

    >>> _typed_list({"type": "tag.list", "tags": [{"name": "vip"}]}), _typed_list({"a": 1})
    ([{'name': 'vip'}], None)
    """
    if not str(value.get("type", "")).endswith(".list"):
        return None
    lists = [v for k, v in value.items() if k != "type" and isinstance(v, list)]
    others = [k for k, v in value.items() if k != "type" and not isinstance(v, list | int)]
    return lists[0] if len(lists) == 1 and not others else None


def _is_named_list(value: list[Any]) -> bool:
    """Objects each with a name (tags, labels, teams as API objects): read as their names.

    >>> _is_named_list([{"id": 1, "name": "vip"}]), _is_named_list([{"id": 1, "value": 2}])
    (True, False)
    """
    return bool(value) and all(
        isinstance(v, dict) and _is_scalar(v.get("name", [])) and v.get("name") is not None
        for v in value
    )


#: First and last name keys of a person object (Help Scout, HubSpot, Salesforce APIs).
_NAME_PAIRS = (("first", "last"), ("firstName", "lastName"), ("first_name", "last_name"))
_NAME_PARTS = frozenset(k for pair in _NAME_PAIRS for k in pair)


def _person_name(value: dict[str, Any]) -> str | None:
    """A nested person's full name from its first and last name, when it has no name of its own.

    >>> _person_name({"id": 7, "first": "Ana", "last": "Lima"}), _person_name({"first": 1})
    ('Ana Lima', None)
    >>> _person_name({"first": "2024-03-01", "last": "2024-03-09"}) is None
    True
    """
    if "name" in value:
        return None
    for first, last in _NAME_PAIRS:
        parts = [value.get(first), value.get(last)]
        texts = [v for v in parts if isinstance(v, str)]
        # names, not a first and last date ({"first": "2024-03-01", "last": ...})
        if (
            texts
            and all(v is None or isinstance(v, str) for v in parts)
            and not any(v.strip()[:1].isdigit() for v in texts)
        ):
            return " ".join(str(v).strip() for v in parts if v not in (None, "")) or None
    return None


def _flatten(record: dict[str, Any], prefix: str, out: dict[str, str | None]) -> None:
    """Nested objects become dotted names; lists of scalars are joined with ", "; a list of
    ``{"id", "value"}`` pairs becomes one column per id (``custom_fields.360012345``); a nested
    person's first and last names become one ``.name``.

    >>> out = {}
    >>> _flatten({"via": {"channel": "email"}, "custom_fields": [{"id": 7, "value": "gold"}]},
    ...          "", out)
    >>> out
    {'via.channel': 'email', 'custom_fields.7': 'gold'}
    """
    if prefix and (full := _person_name(record)) is not None:
        # Help Scout's {"first": "Ana", "last": "Lima"}: one name, not a "first" column that
        # reads like the ticket's first agent
        record = {"name": full, **{k: v for k, v in record.items() if k not in _NAME_PARTS}}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and (listed := _typed_list(value)) is not None:
            value = listed  # Intercom's {"type": "tag.list", "tags": [...]}: the list itself
        if isinstance(value, dict):
            if value:
                _flatten(value, name + ".", out)
            else:
                out[name] = None
        elif isinstance(value, list):
            if _is_named_list(value) and any({"value", "text"} & set(v) for v in value):
                # Help Scout's customFields [{"id", "name": "Escalated", "value", "text": "Yes"}]
                for item in value:
                    shown = item.get("text", item.get("value"))
                    text = _list_text(shown) if isinstance(shown, list) else _scalar_text(shown)
                    out[f"{name}.{item['name']}"] = text
            elif _is_named_list(value):  # [{"type": "tag", "id": "1", "name": "Escalated"}]
                # GitHub's assignees [{"login": "dmitri-k", "name": ""}]: the login, then
                names = [str(v["name"]) or str(v.get("login") or "") for v in value]
                out[name] = ", ".join(n for n in names if n) or None
            elif _is_id_value_list(value):
                for pair in value:
                    inner = pair["value"]
                    text = _list_text(inner) if isinstance(inner, list) else _scalar_text(inner)
                    out[f"{name}.{_scalar_text(pair['id'])}"] = text
            else:
                out[name] = _list_text(value)
        else:
            out[name] = _scalar_text(value)


def _hit_source(record: dict[str, Any]) -> dict[str, Any]:
    """A search engine's hit (``{"_index", "_id", "_score", "_source": {...}}``, as the CFPB
    complaint database's JSON download writes each complaint) as its own fields; its ``_id``
    kept when the fields have no ``id``.

    >>> _hit_source({"_index": "c", "_id": "7", "_source": {"product": "Mortgage"}})
    {'product': 'Mortgage', '_id': '7'}
    >>> _hit_source({"id": 1, "via": {"channel": "web"}})
    {'id': 1, 'via': {'channel': 'web'}}
    """
    source = record.get("_source")
    if not isinstance(source, dict) or not {"_id", "_index"} & set(record):
        return record
    if "id" in source or "_id" not in record:
        return source
    return {**source, "_id": record["_id"]}


def _records_table(
    records: Sequence[Any],
    lines: list[int] | None,
    display: str,
    fmt: str,
    *,
    dropped: list[tuple[int, str]],
    header_line: int,
    limits: Limits,
) -> RawTable:
    """One column per key of any record (flattened), in first-seen order.

    Each column keeps only the rows that have its key, so a file whose every record brings
    new keys costs its number of values, not rows times columns; the union of keys is held
    to ``limits.max_columns`` as it grows.
    """
    check_rows(display, len(records), limits)
    cells: dict[str, tuple[list[int], list[str | None]]] = {}
    kept_lines: list[int] = []
    dropped = list(dropped)
    n = 0
    for index, record in enumerate(records):
        line = lines[index] if lines is not None else index + 1
        if not isinstance(record, dict):
            kind = "an array" if isinstance(record, list) else f"a {type(record).__name__}"
            dropped.append((line, f"record is {kind}, not an object"))
            continue
        flat: dict[str, str | None] = {}
        _flatten(_hit_source(record), "", flat)
        for key, value in flat.items():
            col = cells.get(key)
            if col is None:
                col = cells[key] = ([], [])
                if len(cells) > limits.max_columns:
                    check_columns(display, len(cells), limits)
            col[0].append(n)
            col[1].append(value)
        n += 1
        kept_lines.append(line)
    if n == 0 and not cells:
        raise IngestError(
            "holds no records" if not dropped else "holds no JSON objects",
            file=display,
            expected="at least one JSON object with the ticket's fields",
        )
    with reserve(display, n * len(cells) * CELL_BYTES, limits):
        return _frame_table(
            cells,
            n,
            kept_lines if lines is not None else None,
            display,
            fmt,
            dropped=dropped,
            header_line=header_line,
        )


def _frame_table(
    cells: dict[str, tuple[list[int], list[str | None]]],
    n: int,
    lines: list[int] | None,
    display: str,
    fmt: str,
    *,
    dropped: list[tuple[int, str]],
    header_line: int,
) -> RawTable:
    """The table of ``n`` rows from each key's (row, value) pairs."""
    columns: dict[str, list[str | None]] = {}
    for key, (rows, values) in cells.items():
        if len(rows) == n:
            columns[key] = values
            continue
        full: list[str | None] = [None] * n
        for i, v in zip(rows, values, strict=True):
            full[i] = v
        columns[key] = full
    names = _unique_names(list(columns))
    frame = pl.DataFrame(
        dict(zip(names, columns.values(), strict=True)),
        schema=dict.fromkeys(names, pl.String),
    )
    table = RawTable(
        name=display,
        frame=frame,
        format=fmt,
        encoding="utf-8",
        header_line=header_line,
        line_numbers=pl.Series("line", lines, dtype=pl.Int64) if lines is not None else None,
    )
    _finish(table, dropped=dropped, short={}, width=len(names), generated=[False] * len(names))
    return table
