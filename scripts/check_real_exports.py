"""Load every export in a folder the way a user would (``load_export`` with defaults) and print
one block per file: vendor, rows read / kept / dropped with reasons, created range, statuses,
the busiest agents, escalations by rule, warnings and time.

    .venv/bin/python scripts/check_real_exports.py DIR [DIR ...]

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

SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".xlsx", ".parquet")
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
    print()


def main(folders: list[str]) -> None:
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.name.lower().endswith(SUFFIXES):
                check(path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
