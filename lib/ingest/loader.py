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

from collections.abc import Mapping
from typing import Any

import polars as pl

from lib.ingest.columns import match_columns
from lib.ingest.eventlog import OPENED_ABOVE_TIER1, collapse_events, looks_like_event_log
from lib.ingest.inspection import (
    DEFAULT_MAX_BYTES,
    Inspection,
    Progress,
    _merge_mapping,
    _noop,
    inspect_sources,
)
from lib.ingest.load_report import FileReport, LoadResult, QualityReport
from lib.ingest.rules import Rule, RuleOutcome, apply_rules, default_rules, escalation_signal
from lib.ingest.table_parse import _parse_table, created_from_events, distinct_ids
from lib.ingest.vendors import detect_vendor, header_fingerprint
from lib.schema import COLUMNS, SCHEMA, conform, first_column_whole, validate


def load_export(
    sources: Any,
    *,
    mapping: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
    tz: str = "UTC",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    dayfirst: bool | None = None,
) -> LoadResult:
    """Read one or many exports and return canonical tickets with a quality report.

    ``sources``: a path, bytes, a file-like object, or a list of them. ``mapping``:
    {canonical: source column}, overriding the detected one. ``rules``: escalation rules
    (default: :func:`lib.ingest.rules.default_rules`). ``tz``: zone of timestamps that carry
    no offset. ``dayfirst``: the user's order for dates such as 01/10/2023 (None: decided from
    the values, a preset may prefer one). Raises :class:`lib.errors.IngestError` with a
    message naming the file, the row or column, and what was expected.
    """
    insp = inspect_sources(sources, max_bytes=max_bytes, progress=progress)
    return load_tables(
        insp, mapping=mapping, rules=rules, tz=tz, progress=progress, dayfirst=dayfirst
    )


def load_tables(
    insp: Inspection,
    *,
    mapping: dict[str, str] | None = None,
    rules: list[Rule] | None = None,
    tz: str = "UTC",
    progress: Progress | None = None,
    dayfirst: bool | None = None,
) -> LoadResult:
    """Parse inspected tables with a mapping (default: the detected one); ``dayfirst`` as
    in :func:`load_export`."""
    progress = progress or _noop
    report = QualityReport()
    frames: list[pl.DataFrame] = []
    used_mapping: dict[str, str] = {}
    preset_event = events_created = False
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
        # Created at the first event: only collapsing the log (earliest time) makes that true.
        events_created = events_created or created_from_events(table_mapping) != table_mapping
        frame = _parse_table(table, table_mapping, match.preset, tz, report, dayfirst)
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
        # a column read to derive a field (a date's "Time", a "Resolved" flag) is used too
        helpers = {d.get("source") for d in report.derived if d.get("file") == table.name}
        used = set(table_mapping.values()) | helpers
        report.unmapped_columns.extend(
            c for c in table.frame.columns if c not in used and c not in report.unmapped_columns
        )
        frames.append(frame)
        if i == 0:
            used_mapping = table_mapping
            vendor = match.vendor
    progress(0.75, "Combining files and resolving duplicates")
    combined = (
        first_column_whole(pl.concat(frames, how="diagonal_relaxed"))
        if len(frames) > 1
        else frames[0]
    )
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
    n_ids = distinct_ids(combined.get_column("ticket_id")) if combined.height else 0
    # Outside an event log one row per id is kept below: validation need not count them again.
    ids_unique = False
    # A preset's log columns (ServiceNow's sys_mod_count) are in its list exports too: only
    # repeated numbers make the file a log.
    by_preset = preset_event and n_ids < combined.height
    if combined.height and (
        events_created or by_preset or looks_like_event_log(combined, n_unique=n_ids)
    ):
        report.event_log = True
        report.events = combined.height
        combined = collapse_events(combined, status_source=used_mapping.get("status"))
        _note_event_log(combined, used_mapping, report)
    else:
        combined = _drop_duplicates(combined, report, n_ids)
        combined = _unsolved_solve_dates(combined, used_mapping, report)
        ids_unique = True

    if "escalated_at" in combined.columns:
        combined = combined.with_columns(_export_escalated_at=pl.col("escalated_at"))
    progress(0.85, "Applying escalation rules")
    active_rules = rules if rules is not None else default_rules(combined.columns)
    outcome: RuleOutcome = apply_rules(combined, active_rules, sources=used_mapping)
    combined = outcome.frame
    report.rule_counts = outcome.counts
    # The same sentence (and threshold) as the warning on every page.
    signal = escalation_signal(combined, active_rules, counts=outcome.counts)
    if signal is not None:
        report.warnings.append(signal)
    combined = combined.with_columns(source=pl.lit(vendor))
    tickets = validate(conform(combined), ids_unique=ids_unique)
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


#: Statuses of a ticket that is being worked now (a pending one may await the customer's
#: confirmation of a solve: "Awaiting Confirmation").
_UNSOLVED = ("new", "open")


def _unsolved_solve_dates(
    frame: pl.DataFrame, mapping: dict[str, str], report: QualityReport
) -> pl.DataFrame:
    """A ticket the export calls new or open is not solved, whatever solve date it still
    carries (Zendesk keeps "Solved at" when a solved ticket is reopened): the date is left
    out, and the report says how many.

    >>> from datetime import datetime
    >>> t = pl.DataFrame({"status": ["open", "solved"], "solved_at": [datetime(2024, 1, 2)] * 2})
    >>> r = QualityReport()
    >>> _unsolved_solve_dates(t, {"status": "Status"}, r).get_column("solved_at").null_count()
    1
    """
    if not mapping.get("status") or "solved_at" not in frame.columns:
        return frame
    unsolved = pl.col("status").is_in(_UNSOLVED) & pl.col("solved_at").is_not_null()
    n = int(frame.select(unsolved.sum()).item())
    if not n:
        return frame
    report.warnings.append(
        f"{n:,} {'ticket' if n == 1 else 'tickets'} the export calls open still "
        f"{'carries' if n == 1 else 'carry'} a solve date (reopened after a solve): it is left "
        "out, so they count as unsolved."
    )
    return frame.with_columns(solved_at=pl.when(unsolved).then(None).otherwise("solved_at"))


def _note_event_log(tickets: pl.DataFrame, mapping: dict[str, str], report: QualityReport) -> None:
    """Report lines on a collapsed event log: created times taken from first events, and
    tickets opened directly above the first support tier (tagged ``opened_above_tier1``)."""
    if not mapping.get("created_at") and mapping.get("event_time"):
        report.warnings.append(
            f"The event log has no created column: each ticket is created at its first event "
            f"(column {mapping['event_time']!r}). A log cut at its start shows later dates "
            "for tickets opened before it."
        )
    if "_first_tier" not in tickets.columns:
        return
    above = int((tickets.get_column("_first_tier") >= 2).sum() or 0)
    report.opened_above_tier1 = above
    if above:
        report.warnings.append(
            f"{above:,} of {tickets.height:,} tickets were opened directly at tier 2 or above "
            f"(tagged “{OPENED_ABOVE_TIER1}”). The default rule counts them escalated only "
            "when they moved further up; switch on “Ever at L2 or above” to count them all."
        )


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


def reapply_rules(
    snapshot: pl.DataFrame, rules: list[Rule], *, mapping: Mapping[str, Any] | None = None
) -> tuple[pl.DataFrame, RuleOutcome]:
    """Apply another rule set to a stored snapshot (canonical columns plus extras).

    ``mapping`` is the dataset's column mapping: with it a custom rule on a normalised
    ticket field also matches the export's own value (kept as ``raw:<name>``). Returns the
    new snapshot frame (same columns) and the outcome with counts per rule.
    """
    outcome = apply_rules(snapshot, rules, sources=mapping)
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
