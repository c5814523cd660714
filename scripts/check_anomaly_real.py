"""Run the anomaly detector on the day-level volume history of every export in a folder, loaded
the way a user would (``load_export`` with defaults, as ``scripts/check_real_exports.py``).

    .venv/bin/python scripts/check_anomaly_real.py [--sensitivity balanced] DIR [DIR ...]

Per file: the days and tickets, then the alerts on all tickets as one series (topic "All
tickets") with their day, kind, weekday, observed and expected count, the shared events across
categories, and the number of category alerts. No event is planted in real data: each alert is
either a real event one can explain (a holiday, an outage, the start or end of the export) or a
false one; BENCHMARKS.md records which.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from check_real_exports import _files  # noqa: E402

from lib.anomaly import detect_anomalies, shared_events  # noqa: E402
from lib.errors import ReviewError  # noqa: E402
from lib.ingest import load_export  # noqa: E402

ALL = "All tickets"


def check(path: Path, sensitivity: str) -> None:
    """Print the block of one file."""
    print(f"## {path.name}")
    t0 = time.perf_counter()
    try:
        tickets = load_export(path).tickets
    except ReviewError as exc:
        print(f"refused: {exc}\n")
        return
    days = tickets.select(pl.col("created_at").dt.date().alias("d")).get_column("d")
    if days.is_empty():
        print("no dated tickets\n")
        return
    span = (days.max() - days.min()).days + 1
    first, last = days.min(), days.max()
    print(f"{tickets.height:,} tickets on {days.n_unique():,} of {span:,} days, {first} .. {last}")
    opts = {"sensitivity": sensitivity, "metrics": "volume"}
    whole = tickets.with_columns(pl.lit(ALL).alias("_all"))
    alerts = detect_anomalies(whole, topic="_all", **opts)
    print(f"alerts on all tickets: {alerts.height}")
    for a in alerts.sort("start").iter_rows(named=True):
        print(
            f"- {a['start']:%a %Y-%m-%d} .. {a['end']:%a %Y-%m-%d} {a['kind']}: observed "
            f"{a['observed']:.1f} a {a['granularity']}, expected {a['expected']:.1f}"
        )
    if "category" in tickets.columns and tickets.get_column("category").n_unique() > 1:
        per_topic = detect_anomalies(tickets, **opts)
        shared = shared_events(tickets, **opts)
        print(f"category alerts: {per_topic.height}; shared events: {shared.height}")
        for s in shared.sort("start").iter_rows(named=True):
            print(f"- {s['explanation']}")
    print(f"({time.perf_counter() - t0:.1f} s)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--sensitivity", default="balanced")
    args = parser.parse_args()
    for path in _files(args.folders):
        check(path, args.sensitivity)


if __name__ == "__main__":
    main()
