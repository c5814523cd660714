"""Benchmark of the escalation horizon (issue 13 point 2): false "significant drops" of the
newest period with and without the horizon, and the power to see a real drop.

Seeded helpdesks with known truth: 300 tickets a day for 90 days, a constant true escalation
rate of 14%, escalations after a delay drawn from a lognormal (median 0.6 days, 7% after 7
days, about 40% after a day, as in the demo) or resampled from the demo's own delays; the
export is taken at the end of the last day, so the review period (the last 14 days) ends at
the export date and the escalations still to come are not in it. Each helpdesk compares its
review period with the previous 14 days (two-proportion z-test, 5% two-sided); a
"significant drop" is a significant change downwards (nominal rate 2.5%).

Variants: ``raw`` (state at export, the old comparison), ``horizon`` (lib.audit.maturity with
the suggested horizon), ``no times`` (the export without escalated_at: mature = old enough)
and ``no times + solved`` (mature = old enough *or* solved/closed: the rule not taken, measured
here to show why). ``drop`` plants a real fall of the true rate from 14% to 12% from the first
day of the review period.

The second table does the same for the Breakdowns page's rows: each helpdesk's tickets get a
category drawn at random (shares 50/30/20%, the same true rate in each), and a page counts a
false drop when any row is a significant drop (clustered by day, Benjamini-Hochberg across
the rows, as the page does): the rows as exported (before) against the rows with the
suggested horizon (now), with and without escalation times.

Run: ``.venv/bin/python scripts/bench_maturity.py`` (``--seeds 200``, about a minute).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.audit import breakdown, kpis, two_proportion_test
from lib.audit.maturity import NO_TIME, choose_horizon, mature_expr
from lib.periods import in_dates, review_periods
from tests.sim_maturing import demo_delays, helpdesk, with_categories


def _solved_rule_test(t: pl.DataFrame, periods, horizon) -> tuple[float | None, bool]:
    """The rule not taken: mature when old enough or solved/closed (no escalation times)."""
    mature = mature_expr(horizon) | pl.col("status").is_in(["solved", "closed"])
    counts = []
    for name in ("review", "previous"):
        part = t.filter(in_dates(*getattr(periods, name)) & mature)
        counts += [int(part.get_column("escalated").sum()), part.height]
    r = two_proportion_test(*counts)
    return r.z, r.significant and (r.diff or 0.0) < 0


def run(seeds: int) -> None:
    demo = demo_delays()
    print(
        f"demo delays: n={demo.size}, after 1 day {np.mean(demo > 1):.0%}, "
        f"after 7 days {np.mean(demo > 7):.1%}"
    )
    rows = []
    t0 = time.perf_counter()
    for delays in ("lognormal", "demo"):
        for drop in (False, True):
            stats: dict[str, list] = {
                k: [] for k in ("raw", "horizon", "no times", "no times + solved")
            }
            days_used, kept = [], []
            for seed in range(seeds):
                t = helpdesk(seed, delays=demo if delays == "demo" else None, drop=drop)
                p = review_periods(t, review_days=14)
                choice = choose_horizon(t)
                h = choice.horizon()
                days_used.append(choice.days)
                raw = kpis(t, p).change("previous")
                hz = kpis(t, p, horizon=h)
                kept.append(hz.review["tickets"] / (hz.review["tickets"] + hz.review["maturing"]))
                untimed = t.with_columns(escalated_at=NO_TIME)
                h0 = choose_horizon(untimed).horizon()
                nt = kpis(untimed, p, horizon=h0).change("previous")
                stats["raw"].append((raw.z, raw.significant and raw.diff < 0))
                c = hz.change("previous")
                stats["horizon"].append((c.z, c.significant and c.diff < 0))
                stats["no times"].append((nt.z, nt.significant and nt.diff < 0))
                stats["no times + solved"].append(_solved_rule_test(untimed, p, h0))
            for name, values in stats.items():
                zs = [z for z, _ in values if z is not None]
                rows.append(
                    {
                        "delays": delays,
                        "truth": "drop 14% -> 12%" if drop else "constant 14%",
                        "variant": name,
                        "significant drops": f"{100 * np.mean([s for _, s in values]):.1f}%",
                        "mean z": f"{np.mean(zs):+.2f}",
                        "horizon days": (
                            f"{min(days_used)}-{max(days_used)}" if name == "horizon" else ""
                        ),
                        "review tickets kept": f"{np.mean(kept):.0%}" if name == "horizon" else "",
                    }
                )
    elapsed = time.perf_counter() - t0
    _print(pl.DataFrame(rows))
    print(f"\n{seeds} seeds per row, {elapsed:.0f} s")


def _print(table: pl.DataFrame) -> None:
    cols = table.columns
    print("| " + " | ".join(cols) + " |")
    print("| " + " | ".join("---" for _ in cols) + " |")
    for r in table.iter_rows():
        print("| " + " | ".join(str(v) for v in r) + " |")


def run_rows(seeds: int) -> None:
    """False drops on the Breakdowns rows (constant true rate), before and with the horizon."""
    demo = demo_delays()
    rows = []
    t0 = time.perf_counter()
    for delays in ("lognormal", "demo"):
        stats: dict[str, list[tuple[int, int]]] = {
            k: [] for k in ("rows as exported (before)", "horizon (now)", "no times, horizon")
        }
        for seed in range(seeds):
            t = helpdesk(seed, delays=demo if delays == "demo" else None)
            t = with_categories(t, seed)
            p = review_periods(t, review_days=14)
            untimed = t.with_columns(escalated_at=NO_TIME)
            for name, frame, h in (
                ("rows as exported (before)", t, None),
                ("horizon (now)", t, choose_horizon(t).horizon()),
                ("no times, horizon", untimed, choose_horizon(untimed).horizon()),
            ):
                b = breakdown(frame, "category", p, horizon=h)
                drops = b.filter(pl.col("significant") & (pl.col("change") < 0)).height
                stats[name].append((drops, b.height))
        for name, values in stats.items():
            drops = sum(d for d, _ in values)
            tested = sum(n for _, n in values)
            rows.append(
                {
                    "delays": delays,
                    "variant": name,
                    "pages with a false drop": f"{100 * np.mean([d > 0 for d, _ in values]):.1f}%",
                    "rows called a drop": f"{100 * drops / tested:.1f}%",
                }
            )
    elapsed = time.perf_counter() - t0
    _print(pl.DataFrame(rows))
    print(f"\n{seeds} seeds per row, 3 categories each, {elapsed:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    seeds = ap.parse_args().seeds
    run(seeds)
    print()
    run_rows(seeds)


if __name__ == "__main__":
    main()
