"""Regenerate the shipped demo export, data/demo_helpdesk.csv.gz (``make demo``).

The file is a Zendesk-style ticket CSV of the seeded demo helpdesk (lib/demo/) with the default
parameters; the same code and parameters always give the same bytes. Run it after changing
lib/demo/; tests/demo/test_export.py checks that the shipped file matches the generator.

Usage: python scripts/make_demo.py [--out PATH] [--seed N] [--days N] [--tickets-per-day X]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.demo import demo_truth, write_demo_export  # noqa: E402

DEFAULT_OUT = ROOT / "data" / "demo_helpdesk.csv.gz"


def main(argv: list[str] | None = None) -> Path:
    """Write the demo export and print what was written."""
    parser = argparse.ArgumentParser(prog="make_demo.py", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write (.csv/.gz)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--tickets-per-day", type=float, default=60.0)
    args = parser.parse_args(argv)
    try:
        path = write_demo_export(
            args.out, seed=args.seed, days=args.days, tickets_per_day=args.tickets_per_day
        )
    except ValueError as exc:
        parser.error(str(exc))
    truth = demo_truth(seed=args.seed, days=args.days)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    print(f"planted: {truth}")
    return path


if __name__ == "__main__":
    main()
