"""``python -m review import``: an export into a dataset, as the Data page imports it.

The same calls as the Data page (``ui.importer``): :func:`lib.ingest.inspect_sources`, the
saved mapping of exports with the same header, the proposed business zone,
:func:`lib.ingest.load_tables`, the snapshot frame, ``register_dataset`` and ``save_mapping``.
A bad file changes nothing: the error names the file, line and column (``lib.errors``).
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import polars as pl

from lib.ingest import inspect_sources, load_tables
from lib.ingest.business_zone import ZONE_KEY, propose_for_tables, split_zone
from lib.ingest.date_order import SAVED_KEY, split_saved
from lib.ingest.keys import KEYS
from lib.ingest.load_report import LoadResult
from lib.ingest.rules import Rule, current_tag_rule_count, rules_from_json, rules_to_json
from lib.periods import PeriodError, check_zone
from lib.privacy import mask_report, pseudonymise
from review.context import Progress, find_dataset, open_store
from review.errors import UsageError


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["ticket_id=Case Number", ...]`` as a mapping, checked against the canonical keys.

    >>> parse_mapping(["ticket_id=Case Number", "group = Queue"])
    {'ticket_id': 'Case Number', 'group': 'Queue'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, column = pair.partition("=")
        key, column = key.strip(), column.strip()
        if not sep or not key or not column:
            raise UsageError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. ticket_id='Case Number'")
        if key not in KEYS:
            raise UsageError(
                f"--map {pair!r}: unknown field {key!r} (expected one of {', '.join(KEYS)})"
            )
        out[key] = column
    return out


def read_rules(path: str) -> list[Rule]:
    """Escalation rules from a JSON file (the list the Data page stores, ``rules_to_json``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError("expected a JSON list of rules")
        return rules_from_json(data)
    except OSError as exc:
        raise UsageError(f"--rules {path}: cannot read it ({exc.strerror})") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"--rules {path}: not a list of escalation rules ({exc})") from exc


def check_options(args: Namespace) -> tuple[list[Path], dict[str, str], list[Rule] | None]:
    """The files, ``--map`` and ``--rules`` of ``import`` and ``signals``, checked before any
    work: a missing file, a bad zone or mapping, both rule options: a :class:`UsageError`."""
    paths = [Path(f) for f in args.files]
    for p in paths:
        if not p.is_file():
            raise UsageError(f"{p}: no such file")
    if args.zone:
        try:
            check_zone(args.zone)
        except PeriodError as exc:
            raise UsageError(f"--zone: {exc}") from exc
    mapping = parse_mapping(args.map or [])
    if args.rules and args.rules_from:
        raise UsageError("give --rules or --rules-from, not both")
    return paths, mapping, read_rules(args.rules) if args.rules else None


def load(
    args: Namespace,
    store: Any,
    paths: list[Path],
    mapping: dict[str, str],
    rules: list[Rule] | None,
    bar: Progress,
) -> tuple[LoadResult, str, bool | None]:
    """Read the exports as the Data page does (the mapping saved for the same header unless
    ``--map`` is given, the saved or proposed business zone, the rules of ``--rules-from``):
    the load result, the zone and the day order used."""
    if args.rules_from:  # the rules of a dataset imported before (a monthly import)
        rules = rules_from_json(find_dataset(store, args.rules_from).rules)
    insp = inspect_sources(
        [str(p) for p in paths] if len(paths) > 1 else str(paths[0]), progress=bar
    )
    saved, saved_zone = split_zone(store.get_mapping(insp.fingerprint))
    dayfirst = args.dayfirst
    used: dict[str, Any] | None = None
    if saved and not mapping:
        used, saved_dayfirst = split_saved(saved)
        dayfirst = dayfirst if dayfirst is not None else saved_dayfirst
    elif mapping:
        used = {**insp.mapping, **mapping}
    zone = args.zone or saved_zone or propose_for_tables(insp.tables, used or insp.mapping).zone
    result = load_tables(insp, mapping=used, rules=rules, tz=zone, progress=bar, dayfirst=dayfirst)
    return result, zone, dayfirst


def keep_beside(store: Any, record: Any, frame: pl.DataFrame) -> None:
    """Write what the app would otherwise work out on the first pages it opens on the new
    dataset ``record`` (the snapshot of ``frame``): the sidebar's filter choices and the
    Agents page's codes, in the dataset's business zone, for example
    ``keep_beside(store, store.register_dataset("Q1", frame), frame)``. A file that cannot be
    written is left out (the app then works them out itself)."""
    from lib.audit.filter_choices import (
        FILTER_CHOICES_SIDECAR,
        FILTER_COLUMNS,
        filter_choices,
        write_filter_choices,
    )
    from lib.ingest.loader import canonical_only
    from lib.outliers.codes import CODES_SIDECAR, encode_tickets, write_codes
    from lib.periods import use_zone

    tickets = canonical_only(frame)  # what the app reads back from the snapshot
    choices = filter_choices(tickets, FILTER_COLUMNS)
    snapshot = store.snapshot_file(record)
    side = store.sidecar_path(record, FILTER_CHOICES_SIDECAR)
    write_filter_choices(side, choices, tickets, beside=snapshot)
    with use_zone(record.business_tz):
        codes = encode_tickets(tickets)
    write_codes(store.sidecar_path(record, CODES_SIDECAR), codes, beside=snapshot)


def run(args: Namespace) -> int:
    """Import ``args.files`` into a new dataset; print what was imported."""
    paths, mapping, rules = check_options(args)
    bar = Progress(quiet=args.quiet)
    store = open_store(args.database)
    try:
        result, zone, dayfirst = load(args, store, paths, mapping, rules, bar)
        frame = result.snapshot_frame()
        report = result.report.to_dict()
        if args.pseudonymise:
            frame = pseudonymise(frame, key=store.secret_key("pseudonym_key"))
            report = mask_report(report)
        names = [p.name for p in paths]
        previous = store.get_active_dataset()
        rec = store.register_dataset(
            args.name or ", ".join(names)[:80],
            frame,
            source_files=names,
            vendor=result.vendor,
            mapping=result.mapping,
            rules=rules_to_json(result.rules),
            report=report,
            business_tz=zone,
            activate=not args.keep_active,
        )
        try:
            keep_beside(store, rec, frame)
        except Exception as exc:  # only saves the app work: the import itself is done
            print(f"warning: the filter choices and agent codes were not kept ({exc})")
        remembered = dict(result.mapping)
        if dayfirst is not None:
            remembered[SAVED_KEY] = dayfirst
        store.save_mapping(result.fingerprint, {**remembered, ZONE_KEY: zone}, vendor=result.vendor)
    finally:
        store.close()
    escalated = int(result.tickets.get_column("escalated").sum())
    bar.done()
    active = (
        "it is now the active dataset"
        if not args.keep_active
        else f"the active dataset stays “{previous.name}”"
        if previous
        else "no dataset is active"
    )
    label = result.report.files[0].vendor_label
    print(
        f"Imported {frame.height:,} tickets from {', '.join(names)} ({label}) as dataset "
        f"{rec.id} “{rec.name}”; {escalated:,} escalated; business zone {zone}; {active}."
    )
    for warning in result.report.warnings:
        print(f"warning: {warning}")
    would = current_tag_rule_count(result.tickets, result.rules)
    if would is not None:  # the rules of a dataset imported by an earlier version
        marks = result.report.rule_counts.get("tag", 0)
        print(
            "note: the tag rule is an earlier version's (tags containing the English “escalat” "
            f"only; it marks {_tickets(marks)}). Today's reads the export languages and leaves "
            f"out denied escalations: {_tickets(would)}. Switch on the Data page, Escalation "
            "rules."
        )
    dropped = result.report.rows_dropped
    if dropped:
        print(
            f"warning: {dropped:,} rows were left out (see the dataset's report on the Data page)"
        )
    return 0


def _tickets(n: int) -> str:
    """``n`` tickets in words.

    >>> _tickets(1), _tickets(1200)
    ('1 ticket', '1,200 tickets')
    """
    return f"{n:,} ticket{'' if n == 1 else 's'}"
