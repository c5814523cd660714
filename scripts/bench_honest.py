"""Honest comparisons (issue 13, point 5) measured on seeded data with known truth.

Breakdown rows ("significant rises"): 12 categories over 28 days (14 previous, 14 review),
about 8 tickets a day each with its own base rate; every day shares a random shock to the
escalation odds, and about one day in ten is an outage day on which one to three categories
get five times their tickets with escalation odds raised sevenfold. The same process runs in
both periods (null), so every "significant rise" is false; then one category's rate is
doubled over the whole review period (a real rise) to measure power. Each page is scored
with the plain per-row z-test (before) and with the design effect by day plus
Benjamini-Hochberg (after).

Before/after a change (Routing): 60 days around a change date, about 100 tickets a day, the
same day shocks and outage days, no effect (null) or a step of +5 pt at the date (power);
the pooled two-proportion test (before) against the segmented regression's level change
(after).

Usage: ``.venv/bin/python scripts/bench_honest.py [--pages 150] [--seed 1]`` (about 30 s).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from scipy.special import expit, logit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib import audit
from lib.periods import review_periods

START = datetime(2024, 3, 1, tzinfo=UTC)
CATEGORIES = 12
DAYS = 28


def _tickets(
    rng: np.random.Generator,
    days: int,
    cats: int,
    per_day: float,
    lift: dict[int, float],
    outage: float = 0.1,
) -> pl.DataFrame:
    """Tickets of ``days`` days: day shocks, outage days; ``lift`` multiplies a category's
    odds from ``days // 2`` on (a real change)."""
    base = rng.uniform(0.05, 0.3, cats)
    shock = rng.normal(0.0, 0.3, days)
    n = rng.poisson(per_day, (days, cats))
    odds = logit(base)[None, :] + shock[:, None]
    for d in np.flatnonzero(rng.random(days) < outage):  # outage days
        hit = rng.choice(cats, size=min(cats, int(rng.integers(1, 4))), replace=False)
        n[d, hit] *= 5
        odds[d, hit] += np.log(7.0)
    for c, f in lift.items():
        odds[days // 2 :, c] += np.log(f)
    day_idx, cat_idx = np.meshgrid(np.arange(days), np.arange(cats), indexing="ij")
    day_t = np.repeat(day_idx.ravel(), n.ravel())
    cat_t = np.repeat(cat_idx.ravel(), n.ravel())
    p = np.repeat(expit(odds).ravel(), n.ravel())
    seconds = day_t * 86400 + rng.integers(0, 86400, day_t.size)
    start_us = int(START.timestamp() * 1_000_000)
    return pl.DataFrame(
        {
            "created_at": pl.Series(start_us + seconds * 1_000_000).cast(pl.Datetime("us", "UTC")),
            "category": [f"c{c:02d}" for c in cat_t],
            "escalated": rng.random(p.size) < p,
        }
    )


def _rises(b: pl.DataFrame) -> pl.DataFrame:
    return b.filter(pl.col("significant") & (pl.col("change") > 0))


#: The tests compared on the breakdown pages: (name, breakdown options).
VARIANTS = (
    ("plain z-test", {"cluster": None, "fdr": False}),
    ("design effect only", {"fdr": False}),
    ("BH only", {"cluster": None}),
    ("design effect + BH", {}),
)


def bench_breakdowns(pages: int, seed: int) -> dict[str, list[float]]:
    """Per variant: false rises per page (null), pages with any (null), the planted rise
    found (power), other rows called rises next to it."""
    rng = np.random.default_rng(seed)
    prds = review_periods(None, review_days=14, review_end=date(2024, 3, 28), baseline="prior90")
    out = {name: [0.0, 0.0, 0.0, 0.0] for name, _ in VARIANTS}
    for _ in range(pages):
        null = _tickets(rng, DAYS, CATEGORIES, 8.0, {})
        rise = _tickets(rng, DAYS, CATEGORIES, 8.0, {0: 2.5})
        for name, kw in VARIANTS:
            false = _rises(audit.breakdown(null, "category", prds, **kw)).height
            found = _rises(audit.breakdown(rise, "category", prds, **kw))
            hit = "c00" in found.get_column("category").to_list()
            out[name][0] += false
            out[name][1] += false > 0
            out[name][2] += hit
            out[name][3] += found.height - hit
    return {name: [v / pages for v in vals] for name, vals in out.items()}


def bench_change(series: int, seed: int, outage: float) -> dict[str, float]:
    """Share of series called a change by the pooled test and by the segmented regression's
    level change, with no effect (null) and with a step at the date (power)."""
    rng = np.random.default_rng(seed + 1)
    when = (START + timedelta(days=30)).date()
    out = {"null_pooled": 0, "null_model": 0, "power_pooled": 0, "power_model": 0, "fits": 0}
    for _ in range(series):
        for kind, lift in (("null", {}), ("power", {0: 1.5})):
            t = _tickets(rng, 60, 1, 100.0, lift, outage=outage)
            r = audit.before_after(t, date=when)
            out[f"{kind}_pooled"] += r.test.significant
            if r.model is not None:
                out["fits"] += 0.5
                out[f"{kind}_model"] += r.model.level_significant
    return {k: v / series for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    b = bench_breakdowns(args.pages, args.seed)
    print(f"Breakdowns, {args.pages} pages of {CATEGORIES} categories, seed {args.seed}")
    print(f"{'':22}{'false rises/page':>18}{'pages with any':>16}{'rise found':>12}"
          f"{'others called':>15}")  # fmt: skip
    for name, (false, pages, found, others) in b.items():
        print(f"{name:22}{false:>18.3f}{pages:>16.1%}{found:>12.1%}{others:>15.3f}")
    series = args.pages // 3
    for outage in (0.0, 0.03, 0.1):
        c = bench_change(series, args.seed, outage)
        print(
            f"\nBefore/after a change, {series} series of 60 days, outage days {outage:.0%}: "
            f"called a change with no effect / found a step of odds x1.5 "
            f"(model fitted on {c['fits']:.0%})"
        )
        print(f"  pooled two-proportion test   {c['null_pooled']:>6.1%} / {c['power_pooled']:.1%}")
        print(f"  segmented regression (level) {c['null_model']:>6.1%} / {c['power_model']:.1%}")
    print(f"\n{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
