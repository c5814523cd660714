"""Check every sentiment source of each export against its satisfaction ratings (AUC).

    .venv/bin/python scripts/check_sentiment.py FILE_OR_DIR [...]

For each export: how sentiment would be obtained (``lib.sentiment.score_sentiment``: source,
scorer, tickets left unscored for their language), one line per source from
``lib.sentiment_check.source_checks`` and, when there are enough ratings, the text model trained
on the export's rated tickets judged on held-out tickets beside VADER (``lib.sentiment_model``),
with its training time (CPU and wall seconds). Exports without ratings say so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.errors import ReviewError  # noqa: E402
from lib.ingest import load_export  # noqa: E402
from lib.sentiment import score_sentiment  # noqa: E402
from lib.sentiment_check import source_checks  # noqa: E402
from scripts.check_real_exports import _files  # noqa: E402


def check(path: Path) -> None:
    """Print the checks of one export."""
    try:
        result = load_export(path)
    except ReviewError as exc:
        print(f"## {path.name}: refused ({exc})\n")
        return
    t, extras = result.tickets, result.extras
    desc = None
    if extras is not None and "_description" in extras.columns:
        desc = t.select("ticket_id").join(
            extras.select("ticket_id", "_description"), on="ticket_id", how="left"
        )["_description"]
    cpu, wall = time.process_time(), time.perf_counter()
    got = score_sentiment(t, description=desc)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rated = t.get_column("satisfaction").drop_nulls().len()
    print(
        f"## {path.name}: sentiment {got.how}; source {got.source}, scorer {got.scorer}; "
        f"{rated:,} rated tickets; scoring took {cpu:.1f} s CPU, {wall:.1f} s wall"
    )
    for c in source_checks(t, description=desc):
        print(f"- {c.sentence()}")
    if got.trial is not None:
        print(f"- {got.trial.sentence()} (training and check: {got.trial.seconds:.1f} s wall)")
    print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for arg in sys.argv[1:]:
        for path in [Path(arg)] if Path(arg).is_file() else _files([arg]):
            check(path)
