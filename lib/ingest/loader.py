"""From raw tables to canonical tickets: mapping, value parsing, event logs, duplicates, rules.

:func:`load_export` is the contract (DESIGN.md section 4); :func:`inspect_sources` and
:func:`load_tables` split it in two for the mapping screen (read and detect first, then
parse with the mapping the user confirmed).

Example
-------
>>> csv = (b"Id,Created at,Status,Group,Tags\\n1,2024-03-01 10:00,open,Tier 2,\\n"
...        b"2,2024-03-02 11:00,solved,Tier 1,vip\\n")
>>> res = load_export(csv)
>>> res.tickets.select("ticket_id", "escalated", "status").rows()
[('1', True, 'open'), ('2', False, 'solved')]
>>> res.report.rows_read, res.report.rows_kept
(2, 2)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from lib.errors import IngestError
from lib.ingest import normalise as nz
from lib.ingest.columns import match_columns, validate_mapping
from lib.ingest.eventlog import collapse_events, looks_like_event_log
from lib.ingest.presets import Preset
from lib.ingest.readers.containers import read_many
from lib.ingest.readers.table import RawTable
from lib.ingest.rules import Rule, RuleOutcome, apply_rules, default_rules
from lib.ingest.vendors import VendorMatch, detect_vendor, header_fingerprint, repeated_columns
from lib.schema import COLUMNS, SCHEMA, conform, validate

Progress = Callable[[float, str], None]

#: Most bytes one source may hold once decompressed (zip/gz bombs); ``REVIEW_MAX_BYTES``
#: overrides it. 2 GiB is about seven times the 1M-ticket benchmark export.
DEFAULT_MAX_BYTES = int(os.environ.get("REVIEW_MAX_BYTES", str(2 * 1024**3)))
#: Most files one zip archive may hold.
DEFAULT_MAX_MEMBERS = 50

#: Canonical keys parsed as timestamps (extra keys are folded into canonical ones).
_DATE_KEYS = ("created_at", "solved_at", "resolved_at", "closed_at", "updated_at", "escalated_at")
_TEXT_KEYS = (
    "category",
    "agent",
    "group",
    "customer",
    "customer_tier",
    "subject",
    "description",
    "level",
)
#: Extra (non-canonical) keys a mapping may hold, and where they land in the parsed frame.
EXTRA_KEYS = {
    "description": "_description",
    "level": "_level",
    "event_time": "_event_time",
    "escalated": "_esc_flag",
    "resolved_at": "_resolved_at",
    "closed_at": "_closed_at",
}


@dataclass
class FileReport:
    """What happened to one file (or archive member)."""

    name: str
    format: str
    encoding: str | None
    delimiter: str | None
    vendor: str
    vendor_label: str
    rows_read: int
    rows_unreadable: int
    notes: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    """The data-quality report shown on the data page."""

    files: list[FileReport] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    rows_dropped: int = 0
    #: (file, line, reason) for the first ten dropped rows
    dropped_examples: list[tuple[str, int, str]] = field(default_factory=list)
    #: reason -> number of rows
    drop_reasons: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    event_log: bool = False
    events: int = 0
    unmapped_columns: list[str] = field(default_factory=list)
    null_share: dict[str, float] = field(default_factory=dict)
    date_min: datetime | None = None
    date_max: datetime | None = None
    parse: list[dict[str, Any]] = field(default_factory=list)
    rule_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the dataset registry."""
        d = {k: v for k, v in self.__dict__.items() if k != "files"}
        d["files"] = [f.__dict__ for f in self.files]
        d["date_min"] = self.date_min.isoformat() if self.date_min else None
        d["date_max"] = self.date_max.isoformat() if self.date_max else None
        return d


@dataclass
class LoadResult:
    """What :func:`load_export` returns (contract: tickets, vendor, mapping, report)."""

    tickets: pl.DataFrame
    vendor: str
    mapping: dict[str, str]
    report: QualityReport
    rules: list[Rule] = field(default_factory=list)
    #: ticket_id plus ``raw:*`` source columns and helper columns (``_description``,
    #: ``_tier_move_at``, ...), one row per ticket, for re-applying rules and for sentiment.
    extras: pl.DataFrame | None = None
    fingerprint: str = ""


@dataclass
class Inspection:
    """Raw tables plus what was detected about them, before parsing."""

    tables: list[RawTable]
    match: VendorMatch
    mapping: dict[str, str]
    fingerprint: str
    matches: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Union of the tables' columns, in first-seen order."""
        seen: dict[str, None] = {}
        for t in self.tables:
            for c in t.frame.columns:
                seen.setdefault(c, None)
        return list(seen)

    def preview(self, n: int = 5) -> pl.DataFrame:
        """The first rows of the first table."""
        return self.tables[0].frame.head(n)


def _noop(_: float, __: str) -> None:
    return None


def inspect_sources(
    sources: Any, *, max_bytes: int | None = DEFAULT_MAX_BYTES, progress: Progress | None = None
) -> Inspection:
    """Read the sources and detect vendor and column mapping, without parsing values."""
    progress = progress or _noop
    progress(0.05, "Reading files")
    tables = [t for t in read_many(_as_list(sources), max_bytes=max_bytes)]
    if not tables:
        raise IngestError("no file was given", expected="at least one export file")
    first = tables[0]
    match = detect_vendor(first.frame.columns)
    matches = match_columns(first.frame, preset=match.preset)
    mapping = _merge_mapping(match, matches)
    progress(0.3, f"Detected {match.label}")
    return Inspection(tables, match, mapping, header_fingerprint(first.frame.columns), matches)


def _merge_mapping(match: VendorMatch, matches: dict[str, Any]) -> dict[str, str]:
    """A preset's own mapping first, then value-aware matches for the rest.

    For a generic export the value-aware matches win over the name-only guess, so a column
    whose values contradict its name (``Tier`` holding L1/L2) lands where the values say.
    """
    if match.preset is None:
        mapping = {k: m.column for k, m in matches.items() if m.column is not None}
        for key, col in match.mapping.items():
            if key not in mapping and col not in mapping.values():
                mapping[key] = col
        return mapping
    mapping = dict(match.mapping)
    for key, m in matches.items():
        if key not in mapping and m.column is not None and m.column not in mapping.values():
            mapping[key] = m.column
    return mapping


def _as_list(sources: Any) -> list[Any]:
    if isinstance(sources, list | tuple):
        return list(sources)
    return [sources]


def load_export(
    sources: Any,
    *,
    mapping: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
    tz: str = "UTC",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> LoadResult:
    """Read one or many exports and return canonical tickets with a quality report.

    ``sources``: a path, bytes, a file-like object, or a list of them. ``mapping``:
    {canonical: source column}, overriding the detected one. ``rules``: escalation rules
    (default: :func:`lib.ingest.rules.default_rules`). ``tz``: zone of timestamps that carry
    no offset. Raises :class:`lib.errors.IngestError` with a message naming the file, the
    row or column, and what was expected.
    """
    insp = inspect_sources(sources, max_bytes=max_bytes, progress=progress)
    return load_tables(insp, mapping=mapping, rules=rules, tz=tz, progress=progress)


def load_tables(
    insp: Inspection,
    *,
    mapping: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
    tz: str = "UTC",
    progress: Progress | None = None,
) -> LoadResult:
    """Parse inspected tables with a mapping (default: the detected one)."""
    progress = progress or _noop
    report = QualityReport()
    frames: list[pl.DataFrame] = []
    used_mapping: dict[str, str] = {}
    preset_event = False
    n = len(insp.tables)
    for i, table in enumerate(insp.tables):
        progress(0.3 + 0.4 * i / n, f"Parsing {table.name}")
        if i == 0:
            match = insp.match
            table_mapping = dict(mapping) if mapping is not None else dict(insp.mapping)
        else:
            match = detect_vendor(table.frame.columns)
            if mapping is not None and all(c in table.frame.columns for c in mapping.values()):
                table_mapping = dict(mapping)
            elif header_fingerprint(table.frame.columns) == insp.fingerprint:
                table_mapping = dict(mapping if mapping is not None else insp.mapping)
            else:
                table_mapping = _merge_mapping(
                    match, match_columns(table.frame, preset=match.preset)
                )
        preset_event = preset_event or bool(match.preset and match.preset.event_log)
        frame = _parse_table(table, table_mapping, match.preset, tz, report)
        report.files.append(
            FileReport(
                name=table.name,
                format=table.format,
                encoding=table.encoding,
                delimiter=table.delimiter,
                vendor=match.vendor,
                vendor_label=match.label,
                rows_read=table.frame.height + table.dropped_count,
                rows_unreadable=table.dropped_count,
                notes=list(table.notes),
            )
        )
        used = set(table_mapping.values())
        report.unmapped_columns.extend(
            c for c in table.frame.columns if c not in used and c not in report.unmapped_columns
        )
        frames.append(frame)
        if i == 0:
            used_mapping = table_mapping
            vendor = match.vendor
    progress(0.75, "Combining files and resolving duplicates")
    combined = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    report.rows_read = sum(f.rows_read for f in report.files)
    report.rows_dropped += sum(f.rows_unreadable for f in report.files)
    for t in insp.tables:
        for line, reason in t.dropped:
            if len(report.dropped_examples) < 10:
                report.dropped_examples.append((t.name, line, reason))
        if t.dropped_count:
            key = "could not be read (broken row)"
            report.drop_reasons[key] = report.drop_reasons.get(key, 0) + t.dropped_count

    # Rows without an id were dropped above, so this counts the distinct non-null ids.
    n_ids = combined.get_column("ticket_id").n_unique() if combined.height else 0
    if combined.height and (preset_event or looks_like_event_log(combined, n_unique=n_ids)):
        report.event_log = True
        report.events = combined.height
        combined = collapse_events(combined)
    else:
        combined = _drop_duplicates(combined, report, n_ids)

    if "escalated_at" in combined.columns:
        combined = combined.with_columns(_export_escalated_at=pl.col("escalated_at"))
    progress(0.85, "Applying escalation rules")
    active_rules = rules if rules is not None else default_rules(combined.columns)
    outcome: RuleOutcome = apply_rules(combined, active_rules)
    combined = outcome.frame
    report.rule_counts = outcome.counts
    if combined.height and outcome.escalated == 0:
        off = [r for r in active_rules if not r.enabled and outcome.counts.get(r.id)]
        hint = "; ".join(f"“{r.label}” would mark {outcome.counts[r.id]:,}" for r in off)
        report.warnings.append(
            "No switched-on escalation rule marks any ticket, so every rate will be 0%. "
            "Check the rules on the Data page or add one for this export"
            + (f" ({hint})." if hint else ".")
        )
    combined = combined.with_columns(source=pl.lit(vendor))
    tickets = validate(conform(combined))
    extras_cols = [c for c in combined.columns if c.startswith(("raw:", "_")) and c != "_line"]
    extras = combined.select(["ticket_id", *extras_cols])
    report.rows_kept = tickets.height
    report.null_share = {
        c: round(tickets.get_column(c).null_count() / tickets.height, 4) if tickets.height else 0.0
        for c in COLUMNS
        if c != "tags"
    }
    if tickets.height:
        report.date_min = tickets.get_column("created_at").min()  # type: ignore[assignment]
        report.date_max = tickets.get_column("created_at").max()  # type: ignore[assignment]
    progress(1.0, "Done")
    return LoadResult(
        tickets=tickets,
        vendor=vendor,
        mapping=used_mapping,
        report=report,
        rules=active_rules,
        extras=extras,
        fingerprint=insp.fingerprint,
    )


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
        report.warnings.append(
            f"{table.name}, column {col!r}: day and month order could not be told apart "
            f"from the data; read as {pr.detail}. Check a few dates."
        )


def _line_numbers(table: RawTable) -> pl.Series:
    if table.line_numbers is not None:
        return table.line_numbers.cast(pl.Int64).alias("_line")
    start = table.header_line + 1
    return pl.int_range(start, start + table.frame.height, eager=True).alias("_line")


def _via_unique(
    s: pl.Series, fn: Callable[[pl.Series], tuple[pl.Series, Any]]
) -> tuple[pl.Series, Any]:
    """Run a value parser on the distinct values only, then map them back.

    Most ticket columns (status, priority, channel, category, agent, scores) hold a few
    hundred distinct values in a million rows; parsing those and mapping back costs one
    counting pass and one gather instead of a full string pipeline per row. Counts in the
    report are per row (weighted by how often each distinct value occurs).
    """
    if s.dtype != pl.String or s.len() < 50_000:
        return fn(s)
    uniq = s.unique().drop_nulls()
    if uniq.len() > max(2_000, s.len() // 50):
        return fn(s)
    parsed_u, pr_u = fn(uniq)
    codes = s.cast(pl.Enum(uniq)).to_physical()
    full = parsed_u.gather(codes).alias(s.name)
    if pr_u is None:
        return full, None
    n = pl.Series(np.bincount(codes.drop_nulls().to_numpy(), minlength=uniq.len()))
    given_u = ~uniq.str.contains(nz.PLACEHOLDER_PATTERN).fill_null(False)
    ok_u = parsed_u.is_not_null()
    failed = int(n.filter(given_u & ~ok_u).sum())
    examples: list[tuple[int, str]] = []
    if failed:
        bad_values = uniq.filter(given_u & ~ok_u)
        idx = s.is_in(bad_values.implode()).arg_true().head(10).to_list()
        examples = [(int(i), str(s[i])) for i in idx]
    report = nz.ParseReport(
        column=pr_u.column,
        parsed=int(n.filter(given_u & ok_u).sum()),
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
) -> pl.DataFrame:
    """Parse every mapped column of one table into canonical values.

    Columns are independent, so they are parsed on a small thread pool: Polars releases the
    GIL while it works, which keeps a large export close to the bare read time.
    """
    frame = table.frame
    problems = validate_mapping(mapping, frame.columns)
    if problems:
        raise IngestError(
            "; ".join(problems),
            file=table.name,
            expected="a column for the ticket id and one for the created date",
        )
    value_maps = preset.value_maps if preset else {}
    dayfirst = preset.dayfirst if preset else None
    units = preset.duration_unit if preset else {}
    #: (target column, source column, canonical key, job returning (series, parse report))
    jobs: list[tuple[str, str, str, Callable[[], tuple[pl.Series, Any]]]] = []

    def add(key: str, target: str, fn: Callable[[str, pl.Series], tuple[pl.Series, Any]]):
        name = mapping.get(key)
        if name and name in frame.columns:
            s = frame.get_column(name)
            jobs.append((target, name, key, lambda: fn(name, s)))

    def ticket_id(_: str, s: pl.Series) -> tuple[pl.Series, None]:
        # The readers already strip cells and turn empty ones into nulls; ids need no more.
        s = s.cast(pl.String) if s.dtype != pl.String else s
        if s.str.contains(r"\s\s|[\t\r\n]").any():
            s = nz.clean_text(s)
        marks = [v for p in nz.PLACEHOLDERS if p for v in (p, p.upper(), p.capitalize())]
        if s.is_in(marks).any():  # "N/A", "?" and the like are no id
            s = s.set(s.is_in(marks), None)  # type: ignore[arg-type]
        if s.str.ends_with(".0").any():  # ids written as floats by a spreadsheet
            s = s.str.replace(r"^(\d+)\.0$", "$1")
        return s, None

    def dates(_: str, s: pl.Series) -> tuple[pl.Series, Any]:
        return nz.parse_datetimes(s, tz=tz, dayfirst=dayfirst)

    def vocab(fn: Callable[..., Any], key: str) -> Callable[[str, pl.Series], Any]:
        return lambda _, s: _via_unique(s, lambda u: fn(u, extra=value_maps.get(key)))

    def text(_: str, s: pl.Series) -> tuple[pl.Series, None]:
        return _via_unique(s.cast(pl.String), lambda u: (nz.clean_text(u), None))

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
            parsed, pr = _via_unique(s, nz.parse_int)
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
        return _via_unique(s, lambda u: nz.parse_duration_minutes(u, unit=unit))

    def sentiment(_: str, s: pl.Series) -> tuple[pl.Series, Any]:
        parsed, pr = nz.parse_float(s)
        return parsed.clip(-1.0, 1.0), pr

    add("ticket_id", "ticket_id", ticket_id)
    for key in (*_DATE_KEYS, "event_time"):
        add(key, EXTRA_KEYS.get(key, key), dates)
    add("status", "status", vocab(nz.normalise_status, "status"))
    add("priority", "priority", vocab(nz.normalise_priority, "priority"))
    add("channel", "channel", vocab(nz.normalise_channel, "channel"))
    for key in _TEXT_KEYS:
        add(key, EXTRA_KEYS.get(key, key), text)
    add("tags", "tags", tags)
    add("reassignments", "reassignments", counts("reassignments"))
    add("reopens", "reopens", counts("reopens"))
    add("first_response_minutes", "first_response_minutes", minutes)
    add("satisfaction", "satisfaction", lambda _, s: _via_unique(s, nz.parse_satisfaction))
    add("sentiment", "sentiment", sentiment)
    add("escalated", "_esc_flag", lambda _, s: _via_unique(s, nz.parse_bool))

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
        out[target] = series.alias(target)

    parsed_frame = pl.DataFrame(list(out.values())).with_columns(
        _line=_line_numbers(table), _file=pl.lit(table.name)
    )
    raw = frame.rename({c: f"raw:{c}" for c in frame.columns})
    parsed_frame = pl.concat([parsed_frame, raw], how="horizontal")
    return _finish_rows(parsed_frame, table, mapping, report)


def _finish_rows(
    frame: pl.DataFrame, table: RawTable, mapping: dict[str, str], report: QualityReport
) -> pl.DataFrame:
    """Fold solved dates, default the status, and drop rows without id or created date."""
    solved = [c for c in ("solved_at", "_resolved_at", "_closed_at") if c in frame.columns]
    if solved:
        frame = frame.with_columns(solved_at=pl.min_horizontal(solved))
    if "status" not in frame.columns:
        frame = frame.with_columns(status=pl.lit(None, pl.String))
    has_solved = pl.col("solved_at").is_not_null() if "solved_at" in frame.columns else False
    frame = frame.with_columns(
        status=pl.col("status").fill_null(
            pl.when(has_solved).then(pl.lit("solved")).otherwise(pl.lit("open"))
        )
    )
    checks = [
        (
            "ticket_id",
            f"no ticket id (column {mapping.get('ticket_id')!r} is blank)",
        ),
        (
            "created_at",
            f"created date missing or not a date (column {mapping.get('created_at')!r})",
        ),
    ]
    for col, reason in checks:
        if col not in frame.columns:
            continue
        bad = frame.filter(pl.col(col).is_null())
        if bad.height:
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


def _drop_duplicates(frame: pl.DataFrame, report: QualityReport, n_unique: int) -> pl.DataFrame:
    """Keep the most recently updated row per ticket id; count the rest (``n_unique``:
    distinct ids in ``frame``)."""
    if frame.height == 0:
        return frame
    dupes = frame.height - n_unique
    if not dupes:
        return frame
    report.duplicates = dupes
    order = [c for c in ("updated_at", "_line") if c in frame.columns]
    frame = (
        frame.with_row_index("__pos")
        .sort([*order, "__pos"], nulls_last=False)
        .unique("ticket_id", keep="last", maintain_order=False)
        .sort("__pos")
        .drop("__pos")
    )
    report.warnings.append(
        f"{dupes} duplicate rows by ticket id; kept the most recently updated row of each."
    )
    return frame


def reapply_rules(snapshot: pl.DataFrame, rules: list[Rule]) -> tuple[pl.DataFrame, RuleOutcome]:
    """Apply another rule set to a stored snapshot (canonical columns plus extras).

    Returns the new snapshot frame (same columns) and the outcome with counts per rule.
    """
    outcome = apply_rules(snapshot, rules)
    frame = outcome.frame.with_columns(
        pl.col("escalated_at").cast(SCHEMA["escalated_at"]),
    )
    return frame.select(snapshot.columns), outcome


def canonical_only(frame: pl.DataFrame) -> pl.DataFrame:
    """Select the canonical columns of a snapshot that also holds extras."""
    return frame.select([c for c in COLUMNS if c in frame.columns]).pipe(conform)


__all__ = [
    "SCHEMA",
    "FileReport",
    "Inspection",
    "LoadResult",
    "QualityReport",
    "canonical_only",
    "inspect_sources",
    "load_export",
    "load_tables",
    "reapply_rules",
]
