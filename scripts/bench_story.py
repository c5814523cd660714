"""Benchmark of the review's one story (issue 19, lib.audit.story) on seeded helpdesks with known
truth (tests/sim_story.py: 56 days of about 150 tickets a day, five dimensions, escalations after
a realistic delay, the export at the end of the last day, the review period its last 14 days).

- ``planted``: the phone channel's escalation rate doubled in the review period, all else
  constant. Counted: the story's largest significant change is phone (power), and any other
  row called significant (these are real too: phone tickets sit in every category, priority,
  group and tier, so their rates rose a little).
- ``constant``: every rate constant. Counted: a story with any significant change (a false
  alarm somewhere in the review), for the story (q-values across every row of every dimension)
  and, for comparison, each dimension's own Benjamini-Hochberg (what five separate tables
  would say), each with the horizon and as exported (no horizon).

Run: ``.venv/bin/python scripts/bench_story.py`` (``--seeds 100``, about 2 minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib import audit  # noqa: E402
from lib.periods import review_periods  # noqa: E402
from tests.sim_story import helpdesk  # noqa: E402


def _per_table_alarm(tickets, periods, horizon) -> bool:
    """Any row significant when each dimension is corrected on its own (fdr per table)."""
    return any(
        audit.breakdown(tickets, d, periods, horizon=horizon).get_column("significant").any()
        for d in audit.story.DIMENSIONS
    )


def main(seeds: int) -> None:
    t0 = time.perf_counter()
    found = first = others = 0
    alarms = {"story, horizon": 0, "story, as exported": 0, "per table, horizon": 0,
              "per table, as exported": 0, "headline drop, as exported": 0,
              "headline change, horizon": 0}  # fmt: skip
    timings = []
    for seed in range(1, seeds + 1):
        t = helpdesk(seed, planted=True)
        p = review_periods(t)
        h = audit.choose_horizon(t).horizon()
        s0 = time.perf_counter()
        s = audit.period_story(t, p, horizon=h)
        timings.append(time.perf_counter() - s0)
        phone = [c for c in s.changes if (c.dimension, c.value) == ("channel", "phone")]
        found += bool(phone)
        first += bool(s.changes) and (s.changes[0].dimension, s.changes[0].value) == (
            "channel", "phone")  # fmt: skip
        others += len(s.changes) - len(phone)
        t = helpdesk(seed, planted=False)
        p = review_periods(t)
        h = audit.choose_horizon(t).horizon()
        for label, hz in (("horizon", h), ("as exported", None)):
            s = audit.period_story(t, p, horizon=hz)
            alarms[f"story, {label}"] += bool(s.changes)
            alarms[f"per table, {label}"] += _per_table_alarm(t, p, hz)
            if hz is None:
                alarms["headline drop, as exported"] += s.headline.significant and (
                    s.headline.change < 0)  # fmt: skip
            else:
                alarms["headline change, horizon"] += s.headline.significant
    print(f"{seeds} seeds, {time.perf_counter() - t0:.0f} s")
    print(f"planted: phone found significant {found}/{seeds}, ranked first {first}/{seeds}, "
          f"other rows significant {others / seeds:.1f} per story")  # fmt: skip
    for k, v in alarms.items():
        print(f"constant: {k}: {v}/{seeds} ({100 * v / seeds:.0f}%)")
    median = sorted(timings)[len(timings) // 2]
    print(f"period_story (8,400 tickets, 5 dimensions): median {1000 * median:.0f} ms")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=100)
    main(ap.parse_args().seeds)
