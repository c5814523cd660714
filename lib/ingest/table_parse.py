"""Parse one raw table with a mapping into canonical values: every mapped column through its
value parser (on a small thread pool), parse reports recorded, rows without id or created date
dropped and counted.

An event log without a created column (process-mining logs) may map only an event time: each
event's time then stands in for the created date, and collapsing the log keeps the earliest,
so a ticket is created at its case's first event (:func:`created_from_events`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import time
from typing import Any

import polars as pl

from lib.errors import IngestError
from lib.ingest import normalise as nz
from lib.ingest.activities import closing_kind
from lib.ingest.columns import validate_mapping
from lib.ingest.date_order import file_day_first
from lib.ingest.derived import derive_first_response, derive_status
from lib.ingest.header_names import header_zone, norm_header
from lib.ingest.load_report import QualityReport
from lib.ingest.normalise._common import _distinct_codes
from lib.ingest.normalise.durations import parse_plain_minutes
from lib.ingest.normalise.numeric import parse_plain_int, plain_integers
from lib.ingest.presets import Preset
from lib.ingest.readers.table import RawTable
from lib.ingest.rules import tier_level
from lib.ingest.value_profile import SERIAL_1970, SERIAL_2100
from lib.ingest.vendors import repeated_columns

#: Canonical keys parsed as timestamps (extra keys are folded into canonical ones).
_DATE_KEYS = (
    "created_at",
    "solved_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "escalated_at",
    "first_response_at",
    "satisfaction_at",
)
_TEXT_KEYS = (
    "category",
    "agent",
    "group",
    "customer",
    "customer_tier",
    "subject",
    "description",
    "level",
    "activity",
    "first_agent",
    "first_group",
    "escalated_by",
)
#: Person and group columns, where "Unassigned" and its kind mean nobody (a missing value).
_PERSON_KEYS = ("agent", "group", "customer", "first_agent", "first_group", "escalated_by")
#: Jira's component columns (repeated, one per component), in its interface languages.
_COMPONENTS = re.compile(r"(?i)component|komponent|composant")
#: Keys that name a person who owns the ticket, and an owner that is a queue, not a person.
_OWNER_KEYS = ("agent", "first_agent", "escalated_by")
_QUEUE = r"(?i)(?:^|\s)(?:queue|warteschlange|file d'attente|wachtrij)$"
#: Extra (non-canonical) keys a mapping may hold, and where they land in the parsed frame.
EXTRA_KEYS = {
    "description": "_description",
    "level": "_level",
    "activity": "_activity",
    "event_time": "_event_time",
    "escalated_by": "_export_escalated_by",
    "escalated": "_esc_flag",
    "resolved_at": "_resolved_at",
    "closed_at": "_closed_at",
    "first_response_at": "_first_response_at",
}


def _record_parse(report: QualityReport, table: RawTable, key: str, col: str, pr: Any) -> None:
    entry = {
        "file": table.name,
        "canonical": key,
        "column": col,
        "parsed": pr.parsed,
        "failed": pr.failed,
        "detail": pr.detail,
        "ambiguous": pr.ambiguous,
        "examples": [(int(i), str(v)) for i, v in pr.failed_examples[:5]],
    }
    report.parse.append(entry)
    if pr.ambiguous:
        report.warnings.append(f"{table.name}, column {col!r}: {pr.detail}.")
    if key == "status" and pr.failed:
        # a stage of the helpdesk's own (HubSpot's pipelines): say so where the user reads
        said = ", ".join(dict.fromkeys(f"“{v}”" for _, v in pr.failed_examples[:5]))
        rows = f"{pr.failed:,} row has" if pr.failed == 1 else f"{pr.failed:,} rows have"
        report.warnings.append(
            f"{table.name}, column {col!r}: {rows} a status this app does not know ({said}); "
            "a ticket left with such a status counts as neither open nor solved."
        )


def _line_numbers(table: RawTable) -> pl.Series:
    if table.line_numbers is not None:
        return table.line_numbers.cast(pl.Int64).alias("_line")
    start = table.header_line + 1
    return pl.int_range(start, start + table.frame.height, eager=True).alias("_line")


def _first_rows(bad: pl.Series, codes: pl.Series, k: int) -> list[int]:
    """Positions of the first ``k`` rows whose code is marked in ``bad`` (a Boolean per
    distinct value), looking at a growing head of the column (failures are rarely far in).

    >>> _first_rows(pl.Series([False, True]), pl.Series([0, 1, None, 1], dtype=pl.UInt32), 1)
    [1]
    """
    found: list[int] = []
    start, step = 0, 4_096
    while start < codes.len() and len(found) < k:
        hit = bad.gather(codes.slice(start, step)).fill_null(False)
        found.extend(start + i for i in hit.arg_true().head(k - len(found)).to_list())
        start, step = start + step, step * 16
    return found


def _via_unique(
    s: pl.Series, fn: Callable[[pl.Series], tuple[pl.Series, Any]], *, kept: bool = False
) -> tuple[pl.Series, Any]:
    """Run a value parser on the distinct values only, then map them back.

    Most ticket columns (status, priority, channel, category, agent, scores) hold a few
    hundred distinct values in a million rows; parsing those and mapping back costs one
    counting pass and one gather instead of a full string pipeline per row. Counts in the
    report are per row (weighted by how often each distinct value occurs). ``kept``: ``fn``
    usually returns its values unchanged and no report (names, groups): the distinct values
    alone are taken first, which is cheaper than numbering the rows, and the column itself
    is returned when nothing changes.
    """
    import numpy as np  # on first use: see lib/ingest/readers/blocks.py

    if s.dtype != pl.String or s.len() < 50_000:
        return fn(s)
    limit = max(2_000, s.len() // 50)
    if kept:
        uniq = s.unique().drop_nulls()
        if uniq.len() > limit:
            return fn(s)
        parsed_u, pr_u = fn(uniq)
        if pr_u is None and parsed_u.dtype == s.dtype and parsed_u.equals(uniq):
            return s, None
    coded = _distinct_codes(s, limit)
    if coded is None:
        return fn(s)
    uniq, codes = coded
    parsed_u, pr_u = fn(uniq)
    unchanged = parsed_u.dtype == s.dtype and parsed_u.equals(uniq)
    if unchanged and pr_u is None:
        # Every value is already canonical (names, groups, most subjects): the column itself,
        # not a copy (16 bytes a row per column: 1.6 GB for ten columns of 10M tickets).
        return s, None
    full = s if unchanged else parsed_u.gather(codes).alias(s.name)
    if pr_u is None:
        return full, None
    ok_u = parsed_u.is_not_null()
    # The distinct values that failed are those the parser says failed (its examples list
    # them all when there are few): a value it does not count ("N/A", an unanswered survey's
    # "Offered") fails here no more than in the whole column's parse.
    if pr_u.failed > len(pr_u.failed_examples):
        return fn(s)
    failed_u = pl.Series(np.zeros(uniq.len(), dtype=bool))
    if pr_u.failed:
        failed_u = failed_u.scatter([i for i, _ in pr_u.failed_examples], True)
    if ok_u.all():  # every value read: no count per value needed
        parsed, failed = s.len() - s.null_count(), 0
    else:
        n = pl.Series(np.bincount(codes.drop_nulls().to_numpy(), minlength=uniq.len()))
        parsed, failed = int(n.filter(ok_u).sum()), int(n.filter(failed_u).sum())
    examples: list[tuple[int, str]] = []
    if failed:
        idx = _first_rows(failed_u, codes, 10)
        examples = [(int(i), str(s[i])) for i in idx]
    report = nz.ParseReport(
        column=pr_u.column,
        parsed=parsed,
        failed=failed,
        failed_examples=examples,
        detail=pr_u.detail,
        ambiguous=pr_u.ambiguous,
    )
    return full, report


def _parse_table(
    table: RawTable,
    mapping: dict[str, str],
    preset: Preset | None,
    tz: str,
    report: QualityReport,
    dayfirst: bool | None = None,
) -> pl.DataFrame:
    """Parse every mapped column of one table into canonical values.

    ``dayfirst`` is the user's day/month choice (None: decided from the file, see
    :func:`lib.ingest.date_order.file_day_first`).

    Columns are independent, so they are parsed on a small thread pool: Polars releases the
    GIL while it works, which keeps a large export close to the bare read time.
    """
    frame = table.frame
    problems = validate_mapping(created_from_events(mapping), frame.columns)
    if problems:
        raise IngestError(
            "; ".join(problems),
            file=table.name,
            expected="a column for the ticket id and one for the created date",
        )
    value_maps = preset.value_maps if preset else {}
    date_cols = [mapping[k] for k in (*_DATE_KEYS, "event_time") if k in mapping]
    order = file_day_first(frame, date_cols, preset, dayfirst)
    units = preset.duration_unit if preset else {}
    #: (target column, source column, canonical key, job returning (series, parse report))
    jobs: list[tuple[str, str, str, Callable[[], tuple[pl.Series, Any]]]] = []
    ids_read: list[pl.Series] = []  # the id column as read (kept when the ids need no work)

    def add(key: str, target: str, fn: Callable[[str, pl.Series], tuple[pl.Series, Any]]):
        name = mapping.get(key)
        if name and name in frame.columns:
            s = frame.get_column(name)
            if target == "ticket_id":
                ids_read.append(s)
            jobs.append((target, name, key, lambda: fn(name, s)))

    def ticket_id(_: str, s: pl.Series) -> tuple[pl.Series, None]:
        # The readers already strip cells and turn empty ones into nulls; ids need no more.
        s = s.cast(pl.String) if s.dtype != pl.String else s
        if plain_integers(s, signed=False) is not None:  # digits only: no space, mark or ".0"
            return s, None
        # One scan for any white space (ids rarely hold one) instead of two regexes.
        spaced = s.str.contains(r"[\s\u00a0\u202f]").any()
        if spaced and s.str.contains(r"\s\s|[\t\r\n]").any():
            s = nz.clean_text(s)
        marks = [v for p in nz.PLACEHOLDERS if p for v in (p, p.upper(), p.capitalize())]
        if s.is_in(marks).any():  # "N/A", "?" and the like are no id
            s = s.set(s.is_in(marks), None)  # type: ignore[arg-type]
        if s.str.ends_with(".0").any():  # ids written as floats by a spreadsheet
            s = s.str.replace(r"^(\d+)\.0$", "$1")
        grouped = spaced or s.str.contains(r"^\d{1,3}[.,']\d{3}").any()
        return (_drop_digit_groups(s) if grouped else s), None

    clocks: list[tuple[str, str, int]] = []  # (date column, time column, rows) joined
    several: list[tuple[str, str, int]] = []  # (field, column, cells) listing several names
    countdown: list[tuple[str, int, int]] = []  # (column, negative values, values)

    def dates(name: str, s: pl.Series) -> tuple[pl.Series, Any]:
        zone = header_zone(name)[1] or tz  # "Created at (Europe/Berlin)" says its own zone
        parsed, pr = nz.parse_datetimes(s, tz=zone, dayfirst=order, excel_serial=excel_serials(s))
        clock = _clock_column(name, frame, mapping)
        if clock is not None and parsed.dtype != pl.Null:
            parsed, rows = _add_clock(parsed, frame.get_column(clock), zone)
            if rows:
                clocks.append((name, clock, rows))
        return parsed, pr

    def vocab(fn: Callable[..., Any], key: str) -> Callable[[str, pl.Series], Any]:
        return lambda _, s: _via_unique(s, lambda u: fn(u, extra=value_maps.get(key)))

    def text(_: str, s: pl.Series) -> tuple[pl.Series, None]:
        return _via_unique(s.cast(pl.String), lambda u: (nz.clean_text(u), None), kept=True)

    def person(key: str) -> Callable[[str, pl.Series], tuple[pl.Series, None]]:
        def run(name: str, s: pl.Series) -> tuple[pl.Series, None]:
            s = s.cast(pl.String)
            last = not key.startswith("first_")
            # GLPI lists co-assigned technicians or groups in one cell, one per line (in the
            # order of their records, not of assignment): one of them is kept, the group
            # that names the highest line (an escalation stays one), else the last.
            glpi = preset is not None and preset.vendor == "glpi"
            rank = tier_level if key in ("group", "first_group") else None
            # Jira repeats "Component/s" for each component: the group is the one naming the
            # highest line ("Tier 3 - DBA" after "Access Management"), else the first.
            siblings = [c for c in repeated_columns(name, frame.columns) if c != name]
            siblings = siblings if key == "group" and _COMPONENTS.search(name) else []
            if siblings:
                cells = [frame.get_column(c).cast(pl.String).str.strip_chars() for c in siblings]
                s = (
                    pl.select(
                        pl.concat_str(
                            [s.str.strip_chars(), *cells], separator="\n", ignore_nulls=True
                        )
                    )
                    .to_series()
                    .alias(name)
                )
                several.append(("group columns", name, len(siblings) + 1))

            def clean(u: pl.Series) -> tuple[pl.Series, None]:
                if glpi or siblings:
                    u, n = nz.one_name(u, last=last and not siblings, rank=rank)
                    found[0] += n
                u = nz.nobody_to_null(nz.clean_text(u))
                if key in _OWNER_KEYS:  # Salesforce's "Case Owner" may be a queue: no one yet
                    u = u.set(u.str.contains(_QUEUE).fill_null(False), None)  # type: ignore[arg-type]
                return u, None

            found = [0]
            out = _via_unique(s, clean, kept=True)
            if found[0] and not siblings:  # the rows with such cells (``clean`` may see
                several.append((key, name, nz.one_name(s, last=last)[1]))  # distinct values)
            return out

        return run

    def tags(name: str, s: pl.Series) -> tuple[pl.Series, None]:
        out = nz.split_tags(s)
        for sib in [c for c in repeated_columns(name, frame.columns) if c != name]:
            out = pl.select(
                pl.concat_list(out, nz.split_tags(frame.get_column(sib)))
                .list.drop_nulls()
                .list.unique(maintain_order=True)
            ).to_series()
        return out, None

    def counts(key: str) -> Callable[[str, pl.Series], Any]:
        def run(name: str, s: pl.Series) -> tuple[pl.Series, Any]:
            # plain integers take one cast; other counts go through their distinct values
            parsed, pr = parse_plain_int(s) or _via_unique(s, nz.parse_int)
            shift = (preset.adjust.get(key, 0) if preset else 0) or (
                -1 if key == "reassignments" and "station" in name.lower() else 0
            )
            if shift:
                # Zendesk counts stations visited: one station means no reassignment.
                parsed = (parsed + shift).clip(lower_bound=0)
            return parsed.cast(pl.Int32), pr

        return run

    def minutes(name: str, s: pl.Series) -> tuple[pl.Series, Any]:
        unit = units.get("first_response_minutes") or nz.unit_from_header(name)
        parsed, pr = parse_plain_minutes(s, unit=unit) or _via_unique(
            s, lambda u: nz.parse_duration_minutes(u, unit=unit)
        )
        below = (parsed < 0).fill_null(False)
        negative, n = int(below.sum()), parsed.len() - parsed.null_count()
        if negative > 0.02 * n:  # many replies before their ticket: an SLA clock (JSM)
            countdown.append((name, negative, n))
            parsed = pl.Series(parsed.name, [None] * parsed.len(), dtype=parsed.dtype)
        elif negative:  # a clock skew here and there: those values only
            parsed = parsed.set(below, None)  # type: ignore[arg-type]
        return parsed, pr

    def sentiment(_: str, s: pl.Series) -> tuple[pl.Series, Any]:
        parsed, pr = nz.parse_float(s)
        return parsed.clip(-1.0, 1.0), pr

    add("ticket_id", "ticket_id", ticket_id)
    for key in (*_DATE_KEYS, "event_time"):
        add(key, EXTRA_KEYS.get(key, key), dates)
    add("status", "status", vocab(nz.normalise_status, "status"))
    itil = preset is None  # a vendor numbers priorities its own way (GLPI, OTRS, Zammad)
    add(
        "priority",
        "priority",
        lambda _, s: _via_unique(
            s, lambda u: nz.normalise_priority(u, extra=value_maps.get("priority"), itil=itil)
        ),
    )
    add("channel", "channel", vocab(nz.normalise_channel, "channel"))
    for key in _TEXT_KEYS:
        add(key, EXTRA_KEYS.get(key, key), person(key) if key in _PERSON_KEYS else text)
    add("tags", "tags", tags)
    add("reassignments", "reassignments", counts("reassignments"))
    add("reopens", "reopens", counts("reopens"))
    add("first_response_minutes", "first_response_minutes", minutes)
    add("satisfaction", "satisfaction", lambda _, s: _via_unique(s, nz.parse_satisfaction))
    add("sentiment", "sentiment", sentiment)
    add("escalated", "_esc_flag", lambda _, s: _via_unique(s, nz.parse_escalated))

    with ThreadPoolExecutor(max_workers=min(4, max(1, len(jobs)))) as pool:
        results = list(pool.map(lambda job: job[3](), jobs))
    out: dict[str, pl.Series] = {}
    for (target, name, key, _), (series, pr) in zip(jobs, results, strict=True):
        if pr is not None:
            _record_parse(report, table, key, name, pr)
        if key == "created_at" and pr.parsed == 0 and frame.get_column(name).drop_nulls().len():
            examples = ", ".join(repr(v) for _, v in pr.failed_examples[:3])
            raise IngestError(
                f"no value in the created date column could be read as a date ({examples})",
                file=table.name,
                column=name,
                expected="dates such as 2024-03-01 14:05, 01/03/2024 14:05 or 05/Mar/24 2:05 PM",
            )
        if key in _PERSON_KEYS:
            _note_nobody(report, table, name, frame.get_column(name), series)
        if target == "ticket_id" and series.n_chunks() > 1:  # the first column: one chunk
            whole = series.rechunk()
            if series is ids_read[0]:  # the ids as read: their raw column shares the copy
                frame = frame.clone()
                frame.replace_column(frame.get_column_index(name), whole)
            series = whole
        out[target] = series.alias(target)

    for name, negative, n in countdown:
        report.warnings.append(
            f"{table.name}, column {name!r}: {negative:,} of {n:,} first response times are "
            "negative, as an SLA's remaining time is (Jira Service Management counts down): "
            "the column is not read as the time to first response."
        )
    for key, name, n in sorted(several):
        if key == "group columns":
            report.warnings.append(
                f"{table.name}: {n} columns {name!r}: the group is the one naming the highest "
                "line (else the first filled)."
            )
            continue
        which = "first" if key.startswith("first_") else "last"
        if key in ("group", "first_group"):
            which = f"one naming the highest line (else the {which})"
        cells = f"{n:,} cell lists" if n == 1 else f"{n:,} cells list"
        report.warnings.append(
            f"{table.name}, column {name!r}: {cells} several names, one per line; the {which} "
            f"listed is kept as the {key.replace('_', ' ')}."
        )
    for name, clock, rows in clocks:
        report.derived.append(
            {
                "file": table.name,
                "field": next(k for k in (*_DATE_KEYS, "event_time") if mapping.get(k) == name),
                "column": name,
                "rows": rows,
                "detail": f"the time of day from column {clock!r} (the date column has none)",
                "source": clock,
            }
        )
    if "created_at" not in out and "_event_time" in out:
        out["created_at"] = out["_event_time"].alias("created_at")
    parsed_frame = pl.DataFrame(list(out.values())).with_columns(
        _line=_line_numbers(table), _file=pl.lit(table.name)
    )
    raw = frame.rename({c: f"raw:{c}" for c in frame.columns})
    parsed_frame = pl.concat([parsed_frame, raw], how="horizontal")
    return _finish_rows(parsed_frame, table, mapping, report)


#: Words of a date column and of its time-of-day sibling ("Date" / "Time", "Created Date" /
#: "Created Time", "Fecha" / "Hora", "Datum" / "Uhrzeit").
_DATE_TIME_WORDS = (
    ("date", "time"), ("fecha", "hora"), ("data", "hora"), ("data", "ora"), ("datum", "uhrzeit"),
    ("datum", "zeit"), ("date", "heure"), ("datum", "tijd"),
)  # fmt: skip
_CLOCK_VALUE = (
    r"^(?:1899-12-3[01][ T])?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?\s?[Mm]\.?)?$"
)


def _clock_column(date_col: str, frame: pl.DataFrame, mapping: dict[str, str]) -> str | None:
    """The column holding the time of day of a date-only column (a call centre's "Date" and
    "Time", an in-house tool's "Created Date" and "Created Time"), if the export has one that
    no field is mapped to.

    >>> f = pl.DataFrame({"Date": ["1/22/2021"], "Time": ["13:17:02"]})
    >>> _clock_column("Date", f, {"created_at": "Date"})
    'Time'
    """
    low = header_zone(date_col)[0].lower()  # "Date (UTC)" and "Time (UTC)" or "Time"
    used = set(mapping.values())
    for date_word, time_word in _DATE_TIME_WORDS:
        if date_word not in low:
            continue
        want = low.replace(date_word, time_word)
        for c in frame.columns:
            if header_zone(c)[0].lower() != want or c in used or frame.schema[c] != pl.String:
                continue
            values = frame.get_column(c).drop_nulls().head(500)
            if values.len() and values.str.strip_chars().str.contains(_CLOCK_VALUE).mean() >= 0.9:
                return c
    return None


def _add_clock(parsed: pl.Series, clock: pl.Series, tz: str = "UTC") -> tuple[pl.Series, int]:
    """Dates at midnight in the business zone ``tz`` plus the time of day of the clock column
    (``13:17:02``, ``1:05 PM``, Excel's ``1899-12-30 09:12:00``); unchanged when any date
    already has a time of its own. Returns the rows given a time.

    >>> from datetime import datetime
    >>> d = pl.Series([datetime(2021, 1, 22), None])
    >>> out, n = _add_clock(d, pl.Series(["1:17 PM", "09:05"]))
    >>> out.to_list(), n
    ([datetime.datetime(2021, 1, 22, 13, 17), None], 1)
    """
    if not isinstance(parsed.dtype, pl.Datetime):
        return parsed, 0
    zone = parsed.dtype.time_zone
    # midnight and the clock are the business zone's: add on the wall clock, then back to UTC
    wall = parsed.dt.convert_time_zone(tz).dt.replace_time_zone(None) if zone else parsed
    if (wall.dt.time().drop_nulls() != time(0)).any():
        return parsed, 0
    # Excel writes a time cell as a time on its day zero ("1899-12-30 09:12:00")
    text = clock.cast(pl.String).str.strip_chars().str.replace(r"^1899-12-3[01][ T]", "")
    parts = text.str.extract_groups(
        r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[AaPp])?"
    ).struct.unnest()
    hour = parts.get_column("h").cast(pl.Int64, strict=False)
    ampm = parts.get_column("ampm").str.to_lowercase()
    hour = pl.select(
        pl.when(ampm == "p").then(hour % 12 + 12).when(ampm == "a").then(hour % 12).otherwise(hour)
    ).to_series()
    seconds = (
        hour * 3600
        + parts.get_column("m").cast(pl.Int64, strict=False) * 60
        + parts.get_column("s").cast(pl.Int64, strict=False).fill_null(0)
    )
    ok = seconds.is_not_null() & (hour < 24) & parsed.is_not_null()
    shift = pl.select(pl.duration(seconds=seconds.fill_null(0))).to_series()
    timed = wall + shift
    if zone:
        timed = timed.dt.replace_time_zone(
            tz, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone(zone)
    out = pl.select(pl.when(pl.lit(ok)).then(pl.lit(timed)).otherwise(pl.lit(parsed)))
    return out.to_series().alias(parsed.name), int(ok.sum())


def distinct_ids(ids: pl.Series) -> int:
    """How many distinct values a column of ticket ids holds (a null counts as one value).

    Ids written as whole numbers in increasing (or decreasing) order, as most exports list
    them, are all distinct: that takes one cast and one comparison instead of hashing every
    id (a million ids: 0.01 s instead of 0.04-0.05 s).

    >>> distinct_ids(pl.Series(["3", "10", "200"])), distinct_ids(pl.Series(["3", "3", "2"]))
    (3, 2)
    >>> distinct_ids(pl.Series(["007", "7"])), distinct_ids(pl.Series(["b", "a", "b"]))
    (2, 2)
    """
    if ids.dtype == pl.String and ids.len() > 1 and not ids.has_nulls():
        x = plain_integers(ids, signed=False)
        if x is not None:
            head, tail = x.slice(0, x.len() - 1), x.slice(1)
            if (tail > head).all() or (tail < head).all():
                return ids.len()
    return ids.n_unique()


def excel_serials(s: pl.Series) -> bool:
    """Whether a date column holds Excel's serial days (45541.5 is 2024-09-05 12:00): numbers,
    nine in ten of them between 1970 and 2100 (25569-73051), read as serials rather than
    seconds since 1970.

    >>> excel_serials(pl.Series(["45541.5", "45542.25", None])), excel_serials(pl.Series([7]))
    (True, False)
    >>> excel_serials(pl.Series(["2024-09-05", "45541"]))
    False
    """

    def numbers(x: pl.Series) -> pl.Series:
        text = x if x.dtype.is_numeric() else x.cast(pl.String).str.strip_chars()
        return text.cast(pl.Float64, strict=False)

    peek = s.drop_nulls().head(200)  # text dates are told apart on a few values
    if peek.len() == 0 or numbers(peek).null_count():
        return False
    num = numbers(s)
    given = s.drop_nulls().len()
    if given == 0 or num.drop_nulls().len() < given:
        return False
    return bool(num.drop_nulls().is_between(SERIAL_1970, SERIAL_2100).mean() >= 0.9)


def _drop_digit_groups(s: pl.Series) -> pl.Series:
    """Ids written with a thousands separator (GLPI's ``2 553`` in Portuguese and French,
    ``3.400`` in Spanish and German, ``3,400`` in English) as plain numbers, when every id is
    a number grouped that way with one separator.

    >>> _drop_digit_groups(pl.Series(["2 553", "987", "1\u00a0204"])).to_list()
    ['2553', '987', '1204']
    >>> _drop_digit_groups(pl.Series(["3.400", "12", "10.001"])).to_list()
    ['3400', '12', '10001']
    >>> _drop_digit_groups(pl.Series(["AB 123", "2 553"])).to_list()
    ['AB 123', '2 553']
    >>> _drop_digit_groups(pl.Series(["1.2", "3.400"])).to_list()  # not all grouped
    ['1.2', '3.400']
    """
    small = s.str.contains(r"^\d{1,3}$")
    for sep in (r"[ \u00a0\u202f]", r"\.", ",", "'"):
        grouped = s.str.contains(rf"^\d{{1,3}}(?:{sep}\d{{3}})+$")
        if grouped.any():
            if (grouped | small).fill_null(True).all():
                return s.str.replace_all(sep, "")
            return s
    return s


def created_from_events(mapping: dict[str, str]) -> dict[str, str]:
    """The mapping as validated: without a created column, the event time stands in for it
    (an event log's ticket is created at its first event).

    >>> created_from_events({"ticket_id": "case", "event_time": "time:timestamp"})
    {'ticket_id': 'case', 'event_time': 'time:timestamp', 'created_at': 'time:timestamp'}
    """
    if mapping.get("created_at") or not mapping.get("event_time"):
        return mapping
    return {**mapping, "created_at": mapping["event_time"]}


def _note_nobody(
    report: QualityReport, table: RawTable, col: str, raw: pl.Series, parsed: pl.Series
) -> None:
    """Warn when many cells of a person or group column said "nobody" and became missing."""
    gone = raw.is_not_null() & parsed.is_null()
    n = int(gone.sum())
    if n == 0 or n < 0.05 * raw.len():
        return
    top = raw.filter(gone).cast(pl.String).value_counts(sort=True).head(3)
    words = ", ".join(f"“{v}”" for v in top.to_series(0).to_list())
    report.warnings.append(
        f"{table.name}, column {col!r}: {n:,} of {raw.len():,} rows say nobody ({words}); "
        "they count as missing, not as a name."
    )


#: Statuses of a ticket deleted in the helpdesk (Zendesk's incremental export, osTicket, RT):
#: no ticket to count, as the helpdesk's own reports leave it out.
DELETED_STATUSES = frozenset(
    {"deleted", "gelöscht", "supprimé", "supprimée", "supprime", "eliminado", "eliminada"}
    | {"borrado", "borrada", "excluído", "excluída", "excluido", "excluida", "apagado"}
    | {"apagada", "eliminato", "eliminata", "verwijderd", "usunięty", "usunięte", "trashed"}
)


def _drop_deleted(
    frame: pl.DataFrame, mapping: dict[str, str], table: RawTable, report: QualityReport
) -> pl.DataFrame:
    """Drop the tickets whose last row's status says they were deleted
    (:data:`DELETED_STATUSES`; a ticket restored afterwards stays), every row of their id,
    with the reason and their lines in the report.

    >>> from types import SimpleNamespace as T
    >>> f = pl.DataFrame({"raw:Status": ["open", "Deleted"], "_line": [2, 3]})
    >>> r = QualityReport()
    >>> _drop_deleted(f, {"status": "Status"}, T(name="t.csv"), r).height, r.rows_dropped
    (1, 1)
    """
    column = f"raw:{mapping['status']}" if mapping.get("status") else None
    if column not in frame.columns:
        return frame
    values = frame.get_column(column).cast(pl.String)
    said = [
        v for v in values.unique().drop_nulls().to_list() if v.strip().lower() in DELETED_STATUSES
    ]
    if not said:
        return frame
    gone = values.is_in(said)
    if "ticket_id" in frame.columns:
        # the ticket's last row decides (Zendesk restores deleted tickets): all its rows go
        ids = frame.get_column("ticket_id")
        # the latest row by its update time when the export has one, else the file's order
        when = [c for c in ("updated_at", "_line") if c in frame.columns]
        rows = frame.select(*when).with_columns(id=ids, gone=gone)
        last = (
            rows.group_by("id", maintain_order=True)
            .agg(
                pl.col("gone").sort_by(when, nulls_last=False).last()
                if when
                else pl.col("gone").last()
            )
            .filter("gone")
            .get_column("id")
        )
        gone = ids.is_in(last.implode()).fill_null(False) | (gone & ids.is_null())
    reason = f"deleted in the helpdesk (column {mapping['status']!r} says {said[0]!r})"
    bad = frame.filter(gone)
    report.rows_dropped += bad.height
    report.drop_reasons[reason] = report.drop_reasons.get(reason, 0) + bad.height
    for line in (
        bad.get_column("_line")
        .drop_nulls()
        .head(max(0, 10 - len(report.dropped_examples)))
        .to_list()
    ):
        report.dropped_examples.append((table.name, int(line), reason))
    return frame.filter(~gone)


def _waiting_step(frame: pl.DataFrame) -> pl.Expr:
    """Pending or on hold where an event log's step is a wait ("Wait - User", "Awaiting
    customer reply", "In attesa di riscontro utente"); null for any other step. Each distinct
    step is read once.

    >>> f = pl.DataFrame({"_activity": ["Take in charge", "Awaiting customer reply", "Wait",
    ...                                "Wait - Vendor"]})
    >>> f.select(_waiting_step(f)).to_series().to_list()
    [None, 'pending', 'pending', 'on_hold']
    """
    steps = frame.get_column("_activity").cast(pl.String).unique().drop_nulls()
    kinds = nz.normalise_status(steps)[0]
    keep = kinds.is_in(["pending", "on_hold"]).fill_null(False)
    return (
        pl.col("_activity")
        .cast(pl.String)
        .replace_strict(steps.filter(keep), kinds.filter(keep), default=None)
    )


#: Jira's status category column (To Do / In Progress / Done) in its interface languages.
_STATUS_CATEGORY = frozenset(
    {"status category", "categoría de estado", "categoria de status", "catégorie d'état"}
    | {"catégorie de statut", "statuskategorie", "categoria di stato", "statuscategorie"}
    | {"kategoria statusu", "kategorie stavu", "statuskategori", "категория статуса"}
)


#: Jira's resolution column (Fixed, Won't Do, Duplicate) in its interface languages.
_RESOLUTION = frozenset(
    {"resolution", "resolución", "resolução", "résolution", "lösung", "risoluzione"}
    | {"oplossing", "rozwiązanie", "řešení", "upplösning", "резолюция"}
)


def _raw_named(frame: pl.DataFrame, names: frozenset[str]) -> str | None:
    """The export's own column (``raw:<name>``) whose name is one of ``names``.

    >>> _raw_named(pl.DataFrame({"raw:Sub Status": ["x"]}), frozenset({"sub status"}))
    'raw:Sub Status'
    """
    found = (c for c in frame.columns if c.startswith("raw:") and norm_header(c[4:]) in names)
    return next(found, None)


def _derived_status(
    report: QualityReport, name: str, mapping: dict[str, str], rows: int, detail: str, raw: str
) -> None:
    """Report statuses filled from the export's column ``raw`` (``raw:<name>``)."""
    report.derived.append(
        {
            "file": name,
            "field": "status",
            "column": mapping.get("status"),
            "rows": rows,
            "detail": detail,
            "source": raw[4:],
        }
    )


def _status_from_category(
    frame: pl.DataFrame, mapping: dict[str, str], name: str, report: QualityReport
) -> pl.DataFrame:
    """A status of a team's own workflow ("QA Review", "Shipped") takes the group of its
    Jira status category ("In Progress", "Done") where the words did not say.

    >>> f = pl.DataFrame({"status": [None, "open", None], "raw:Status Category": ["Done"] * 3,
    ...                   "raw:Resolution": ["Fixed", "Fixed", "Won't Do"]})
    >>> _status_from_category(f, {"status": "Status"}, "t.csv", QualityReport())["status"].to_list()
    ['solved', 'open', 'closed']
    """
    col = _raw_named(frame, _STATUS_CATEGORY)
    if col is None or "status" not in frame.columns:
        return frame
    missing = frame.get_column("status").is_null()
    if not missing.any():
        return frame
    by_category = nz.normalise_status(frame.get_column(col))[0]
    outcome = _raw_named(frame, _RESOLUTION)
    if outcome is not None:
        # Done as "Won't Do", "Duplicate", "Cannot Reproduce": closed, not solved
        closed = nz.normalise_status(frame.get_column(outcome))[0] == "closed"
        by_category = by_category.set(  # type: ignore[arg-type]
            (by_category == "solved") & closed.fill_null(False), "closed"
        )
    filled = int((missing & by_category.is_not_null()).sum())
    if filled:
        why = "the status names a workflow step of its own"
        _derived_status(report, name, mapping, filled, f"from column {col[4:]!r} ({why})", col)
    return frame.with_columns(status=pl.coalesce("status", by_category))


#: A sub-status beside the status (BPI 2013: "Accepted" / "Wait - User").
_SUB_STATUS = frozenset({"sub status", "substatus", "sub-status", "sub_status", "subestado"})


def _status_from_sub_status(
    frame: pl.DataFrame, mapping: dict[str, str], name: str, report: QualityReport
) -> pl.DataFrame:
    """An open ticket whose sub-status is a wait ("Wait - User", "Wait - Vendor") is pending
    or on hold.

    >>> f = pl.DataFrame({"status": ["open", "open", "solved"],
    ...                   "raw:Sub Status": ["Wait - User", "In Progress", "Wait - User"]})
    >>> _status_from_sub_status(f, {"status": "Status"}, "t", QualityReport())["status"].to_list()
    ['pending', 'open', 'solved']
    """
    col = _raw_named(frame, _SUB_STATUS)
    if col is None or "status" not in frame.columns:
        return frame
    sub = nz.normalise_status(frame.get_column(col))[0]
    waiting = pl.col("status").is_in(["new", "open"]) & sub.is_in(["pending", "on_hold"])
    n = int(frame.select(waiting.sum()).item())
    if not n:
        return frame
    said = f"pending or on hold from column {col[4:]!r} (a wait under an open status)"
    _derived_status(report, name, mapping, n, said, col)
    return frame.with_columns(status=pl.when(waiting).then(sub).otherwise("status"))


def _one_status_lost(
    frame: pl.DataFrame,
    bad: pl.DataFrame,
    mapping: dict[str, str],
    name: str,
    report: QualityReport,
) -> None:
    """Warn when the rows dropped for a missing created date are (nearly) all the tickets of
    one status: the Kaggle ticket file dates a ticket by its first response, so every "Open"
    ticket went, and the counts lose a status without it showing in any chart.

    >>> from lib.ingest.load_report import QualityReport
    >>> f = pl.DataFrame({"status": ["open"] * 30 + ["closed"] * 70,
    ...                   "created_at": [None] * 30 + [1] * 70})
    >>> r = QualityReport()
    >>> _one_status_lost(f, f.filter(pl.col("created_at").is_null()),
    ...                  {"created_at": "First Response"}, "t.csv", r)
    >>> r.warnings[0][:65]
    "t.csv: all 30 open tickets were left out: column 'First Response'"
    """
    if "status" not in frame.columns or bad.height < 10 or bad.height < 0.02 * frame.height:
        return
    lost = bad.get_column("status").value_counts(sort=True).row(0)
    status, n = lost
    if status is None or n < 0.9 * bad.height:
        return
    total = frame.filter(pl.col("status") == status).height
    if n < 0.9 * total:
        return
    column = created_from_events(mapping).get("created_at")
    everyone = "all " if n == total else f"{n:,} of the {total:,} "
    report.warnings.append(
        f"{name}: {everyone}{n:,} {status} tickets were left out: column {column!r} has no "
        f"date for them, so every count, rate and backlog figure misses {status} tickets. "
        "Choose a column that dates every ticket as Created, if the export has one."
    )


def _finish_rows(
    frame: pl.DataFrame, table: RawTable, mapping: dict[str, str], report: QualityReport
) -> pl.DataFrame:
    """Fold solved dates, derive an empty status, and drop rows without id or created date."""
    solved = [c for c in ("solved_at", "_resolved_at", "_closed_at") if c in frame.columns]
    if solved:
        frame = frame.with_columns(solved_at=pl.min_horizontal(solved))
    if not mapping.get("status") and "_activity" in frame.columns:
        # a process-mining log without a status column: its last step says whether it is
        # closed or waiting (read from the export, not derived); derive_status fills only
        # what is left
        closed = closing_kind(pl.col("_activity"))
        if "raw:lifecycle:transition" in frame.columns:  # XES: only a step's "complete" ends it
            done = pl.col("raw:lifecycle:transition").str.strip_chars().str.to_lowercase()
            closed = pl.when(done.is_null() | (done == "complete")).then(closed)
        frame = frame.with_columns(status=pl.coalesce(closed, _waiting_step(frame)))
    frame = _status_from_category(frame, mapping, table.name, report)
    frame = _status_from_sub_status(frame, mapping, table.name, report)
    frame = derive_status(frame, mapping, table.name, report)
    frame = derive_first_response(frame, mapping, table.name, report)
    frame = _drop_deleted(frame, mapping, table, report)
    checks = [
        (
            "ticket_id",
            f"no ticket id (column {mapping.get('ticket_id')!r} is blank)",
        ),
        (
            "created_at",
            "created date missing or not a date "
            f"(column {created_from_events(mapping).get('created_at')!r})",
        ),
    ]
    for col, reason in checks:
        if col not in frame.columns:
            continue
        bad = frame.filter(pl.col(col).is_null())
        if bad.height:
            if col == "created_at":
                _one_status_lost(frame, bad, mapping, table.name, report)
            report.rows_dropped += bad.height
            report.drop_reasons[reason] = report.drop_reasons.get(reason, 0) + bad.height
            for line in bad.get_column("_line").head(10 - len(report.dropped_examples)).to_list():
                report.dropped_examples.append((table.name, int(line), reason))
            frame = frame.filter(pl.col(col).is_not_null())
    if frame.height == 0 and table.frame.height > 0:
        reasons = "; ".join(f"{n} rows: {r}" for r, n in report.drop_reasons.items())
        raise IngestError(
            f"none of the {table.frame.height} rows could be used ({reasons})",
            file=table.name,
            expected="a ticket id and a created date on each row",
        )
    return frame
