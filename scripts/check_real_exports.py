"""Load every export in a folder the way a user would (``load_export`` with defaults) and print
one block per file: vendor, rows read / kept / dropped with reasons, created range, statuses,
the busiest agents, escalations by rule, warnings and time.

    .venv/bin/python scripts/check_real_exports.py [--markdown] DIR [DIR ...]

``--markdown`` prints one table row per file instead (the conformance table in BENCHMARKS.md).

A file the importer refuses prints its message instead (that is what a user would see).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.errors import ReviewError  # noqa: E402
from lib.ingest import load_export  # noqa: E402
from lib.ingest.signals import suggest_signals  # noqa: E402

SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xlsx", ".parquet")
SUFFIXES += (".xes", ".xml")
SUFFIXES += (".gz", ".zip")


def _top(tickets, column: str, n: int = 4) -> str:
    counts = tickets.get_column(column).value_counts(sort=True).head(n)
    return ", ".join(f"{v}: {c:,}" for v, c in counts.iter_rows())


def check(path: Path) -> None:
    """Print the block of one file."""
    print(f"## {path.name}")
    t0 = time.perf_counter()
    try:
        result = load_export(path)
    except ReviewError as exc:
        print(f"refused in {time.perf_counter() - t0:.2f} s: {exc}\n")
        return
    took = time.perf_counter() - t0
    t, rep = result.tickets, result.report
    esc = int(t.get_column("escalated").sum())
    events = f" ({rep.events:,} events)" if rep.event_log else ""
    print(
        f"vendor {result.vendor}; {rep.rows_read:,} rows read{events}; {rep.rows_kept:,} tickets "
        f"kept, {rep.rows_dropped:,} dropped {dict(rep.drop_reasons) or ''}; {took:.2f} s"
    )
    print(f"created {rep.date_min} .. {rep.date_max}")
    print(f"mapping: {result.mapping}")
    print(f"status: {_top(t, 'status', 8)}")
    print(f"agents: {_top(t, 'agent')} (missing {t.get_column('agent').null_count():,})")
    print(f"escalated: {esc:,} ({esc / max(t.height, 1):.1%}); by rule {dict(rep.rule_counts)}")
    for warning in rep.warnings:
        print(f"warning: {warning}")
    for signal in _signals(result, 3):
        print(f"suggested signal: {signal}")
    print()


_HEADER = (
    "| file | vendor | rows read | tickets kept / dropped | created | statuses | escalated (rule) "
    "| best suggested signal | time |\n| --- | --- | ---: | --- | --- | --- | --- | --- | ---: |"
)


def _signals(result, n: int = 1) -> list[str]:
    """The export's best escalation signals as the Data page offers them (label, tickets)."""
    frame = result.tickets
    if result.extras is not None:
        frame = frame.join(result.extras, on="ticket_id", how="left")
    found = suggest_signals(frame, result.rules, mapping=result.mapping)
    return [f"{s.label}: {s.tickets:,} (e.g. {s.example})" for s in found[:n]]


def row(path: Path) -> str:
    """One markdown table row for one file (the refusal message when the importer refuses it)."""
    t0 = time.perf_counter()
    try:
        result = load_export(path)
    except ReviewError as exc:
        took = time.perf_counter() - t0
        return f"| {path.name} | refused: {str(exc)[:160]} | | | | | | | {took:.2f} s |"
    took = time.perf_counter() - t0
    t, rep = result.tickets, result.report
    esc = int(t.get_column("escalated").sum())
    rules = ", ".join(f"{k} {v:,}" for k, v in rep.rule_counts.items() if v) or "no rule fired"
    dropped = f"{rep.rows_dropped:,}" + (
        f" ({', '.join(rep.drop_reasons)})" if rep.drop_reasons else ""
    )
    read = f"{rep.rows_read:,}" + (f" ({rep.events:,} events)" if rep.event_log else "")
    created = f"{str(rep.date_min)[:10]} .. {str(rep.date_max)[:10]}"
    share = f"{esc / max(t.height, 1):.1%}"
    return (
        f"| {path.name} | {result.vendor} | {read} | {rep.rows_kept:,} / {dropped} | {created} "
        f"| {_top(t, 'status', 6)} | {esc:,} ({share}; {rules}) "
        f"| {'; '.join(_signals(result)) or 'none'} | {took:.2f} s |"
    )


def _files(folders: list[str]) -> list[Path]:
    out = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.name.lower().endswith(SUFFIXES):
                out.append(path)
    return out


def main(args: list[str]) -> None:
    markdown = "--markdown" in args
    folders = [a for a in args if a != "--markdown"]
    if markdown:
        print(_HEADER)
    for path in _files(folders):
        if markdown:
            print(row(path))
        else:
            check(path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
