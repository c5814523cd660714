"""Benchmark the agent comparison on seeded helpdesks with a known truth; print Markdown.

Usage: ``python scripts/bench_outliers.py [--helpdesks 200] [--skip-timing]``

Three scenarios, each over ``--helpdesks`` seeded helpdesks (tests/sim_helpdesk.py) with 20-40
agents, tenfold volume differences and 100-1,200 tickets per agent over six months:

* **mixed**: three agents with a raised propensity (odds ratio 2-3, one of them quiet) and three
  hard-case agents (hard categories, enterprise, phone; about twice the average raw rate, no own
  effect). Sensitivity by the raised agent's expected escalations, realised false discovery rate
  (a flag on anyone but a raised agent, or a raised agent flagged "low", is false), and how
  often hard-case agents are flagged.
* **null**: the same without raised agents: every flag is false.
* **spread**: no raised agents, but every agent has a small own effect (logit SD 0.25): shows
  how far each method lets modest, real spread turn into flags.

Methods: the naive raw ranking (each agent's rate against everyone else's, two-proportion
z-test, Benjamini-Hochberg, no minimum), and lib.outliers with its default (random-effects
overdispersion, in-control reference) next to variants. Finally times agent_outliers on one
million tickets.
"""

from __future__ import annotations

import os

# Small matrices only: extra BLAS threads cost more than they give on a shared machine.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

import lib.outliers as outliers  # noqa: E402
import lib.outliers.compare as compare  # noqa: E402
from tests.sim_helpdesk import naive_raw_flags, simulate_helpdesk, simulate_shifted  # noqa: E402

BANDS = (("< 10", 0.0, 10.0), ("10-30", 10.0, 30.0), ("> 30", 30.0, np.inf))


@contextlib.contextmanager
def sqrt_scale():
    """Swap in the square-root scale (y = sqrt(O/E), s = sqrt(V)/(2E)) for comparison."""
    original = compare._ratio_scale

    def scale(observed, expected, variance):
        ok = (expected > 0) & (variance > 1e-12)
        e = np.where(ok, expected, 1.0)
        y = np.where(ok, np.sqrt(observed / e), np.nan)
        s = np.where(ok, np.sqrt(np.where(ok, variance, 1.0)) / (2 * e), np.nan)
        return y, s

    compare._ratio_scale = scale
    try:
        yield
    finally:
        compare._ratio_scale = original


#: The comparison as it was before issue 13: one fit on every ticket (the agent's own too), no
#: month term, a hard minimum of 5 expected escalations.
BEFORE_13 = {
    "leave_one_out": False,
    "shrink": False,
    "case_mix": ("category", "channel", "priority", "customer_tier"),
}
METHODS: dict[str, dict] = {
    "adjusted (default: random effects, in-control reference)": {},
    "before issue 13 (one fit on all tickets, no month, hard minimum)": BEFORE_13,
    "adjusted, reference = all tickets": {"reference": "all"},
    "adjusted, multiplicative phi": {"overdispersion": "winsorised"},
    "adjusted, no overdispersion allowance": {"overdispersion": "none"},
    "adjusted, square-root scale": {"_sqrt": True},
}
RAW = "raw ranking (naive dashboard)"


def helpdesk(seed: int, **kwargs):
    rng = np.random.default_rng(10_000 + seed)
    n_agents = int(rng.integers(20, 41))
    per_agent = float(np.exp(rng.uniform(np.log(100), np.log(1200))))
    return simulate_helpdesk(seed, n_agents=n_agents, n_tickets=int(n_agents * per_agent), **kwargs)


def run_methods(tickets: pl.DataFrame) -> dict[str, pl.DataFrame]:
    out = {}
    for name, options in METHODS.items():
        options = dict(options)
        if options.pop("_sqrt", False):
            with sqrt_scale():
                table = outliers.agent_outliers(tickets, **options)
        else:
            table = outliers.agent_outliers(tickets, **options)
        out[name] = table.select("agent", "flagged", "direction", "expected", "judged")
    raw = naive_raw_flags(tickets)
    out[RAW] = raw.select("agent", "flagged", "direction")
    return out


def scenario(n: int, offset: int, **kwargs) -> tuple[dict, dict]:
    """Run all methods on n helpdesks; return per-method counters and per-band counters."""
    stats: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    bands: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for i in range(n):
        sim = helpdesk(offset + i, **kwargs)
        results = run_methods(sim.tickets)
        default = results[next(iter(METHODS))]
        expected = default.select("agent", "expected")
        for name, table in results.items():
            t = table.join(sim.truth, on="agent").join(
                expected.rename({"expected": "e_band"}), on="agent"
            )
            raised = t.filter(pl.col("kind") == "raised")
            hits = raised.filter(pl.col("direction") == "high")
            false = t.filter(
                pl.col("flagged") & ((pl.col("kind") != "raised") | (pl.col("direction") == "low"))
            ).height
            s = stats[name]
            s["helpdesks"] += 1
            s["agents"] += t.height
            s["raised"] += raised.height
            s["hits"] += hits.height
            s["flags"] += int(t.get_column("flagged").sum())
            s["false"] += false
            s["fdp"] += false / max(false + hits.height, 1)
            s["any_false"] += false > 0
            hard = t.filter(pl.col("kind") == "hard_case")
            s["hard"] += hard.height
            s["hard_flagged"] += int(hard.get_column("flagged").sum())
            normal = t.filter(pl.col("kind") == "normal")
            s["normal"] += normal.height
            s["normal_flagged"] += int(normal.get_column("flagged").sum())
            for band, lo, hi in BANDS:
                in_band = raised.filter((pl.col("e_band") >= lo) & (pl.col("e_band") < hi))
                bands[name][band + " n"] += in_band.height
                bands[name][band] += in_band.filter(pl.col("direction") == "high").height
                if band == "< 10":
                    bands[name]["unjudged"] += in_band.filter(pl.col("e_band") < 5).height
    return stats, bands


SHIFTED_METHODS = {"after (default)": {}, "before issue 13": BEFORE_13}


def shifted(n: int, offset: int, kind: str) -> str:
    """The specialist-with-excess or new-hire scenario: before and after, plus the raw ranking.

    Sensitivity counts the raised agents (and the specialist, whose excess is real) flagged
    high; realised FDR is the mean share of false flags (anyone else, or a "low" flag on them)
    among each helpdesk's flags.
    """
    stats: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for i in range(n):
        sim = simulate_shifted(offset + i, kind)
        results = {
            name: outliers.agent_outliers(sim.tickets, **opts).select(
                "agent", "flagged", "direction", "ratio"
            )
            for name, opts in SHIFTED_METHODS.items()
        }
        results[RAW] = naive_raw_flags(sim.tickets).select(
            "agent", "flagged", "direction", pl.lit(None, pl.Float64).alias("ratio")
        )
        for name, table in results.items():
            t = table.join(sim.truth, on="agent")
            real = pl.col("kind").is_in(["raised", "specialist"])
            hits = t.filter(real & (pl.col("direction") == "high")).height
            false = t.filter(pl.col("flagged") & (~real | (pl.col("direction") == "low"))).height
            special = t.filter(pl.col("kind") == kind).row(0, named=True)
            s = stats[name]
            s["helpdesks"] += 1
            s["real"] += t.filter(real).height
            s["hits"] += hits
            s["fdp"] += false / max(false + hits, 1)
            s["special_flagged"] += bool(special["flagged"]) and special["direction"] == "high"
            s["special_ratio"] += special["ratio"] or 0.0
    who = "specialist (85% of 'api', odds x2)" if kind == "specialist" else "new hire (busy months)"
    lines = [
        f"| method | {who} flagged high | its mean O/E | sensitivity (all real excesses) "
        "| realised FDR |",
        "|" + " --- |" * 5,
    ]
    for name in [*SHIFTED_METHODS, RAW]:
        s = stats[name]
        ratio = "n/a" if name == RAW else f"{s['special_ratio'] / s['helpdesks']:.2f}"
        lines.append(
            f"| {name} | {pct(s['special_flagged'], s['helpdesks'])} | {ratio} "
            f"| {pct(s['hits'], s['real'])} | {pct(s['fdp'], s['helpdesks'])} |"
        )
    return "\n".join(lines)


def pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def mixed_table(stats: dict, bands: dict) -> str:
    names = [RAW, *METHODS]
    head = (
        "| method | sensitivity E < 10 | E 10-30 | E > 30 | all raised | realised FDR "
        "| hard-case flagged | ordinary flagged | flags per helpdesk |"
    )
    lines = [head, "|" + " --- |" * 9]
    for name in names:
        s, b = stats[name], bands[name]
        lines.append(
            f"| {name} | {pct(b['< 10'], b['< 10 n'])} | {pct(b['10-30'], b['10-30 n'])} "
            f"| {pct(b['> 30'], b['> 30 n'])} | {pct(s['hits'], s['raised'])} "
            f"| {pct(s['fdp'], s['helpdesks'])} | {pct(s['hard_flagged'], s['hard'])} "
            f"| {pct(s['normal_flagged'], s['normal'])} | {s['flags'] / s['helpdesks']:.2f} |"
        )
    b = bands[next(iter(METHODS))]
    lines.append("")
    lines.append(
        f"Raised agents per band: E < 10: {int(b['< 10 n'])} (of which {int(b['unjudged'])} "
        f"below the minimum of 5, never judged), 10-30: {int(b['10-30 n'])}, "
        f"> 30: {int(b['> 30 n'])}. Bands use the default method's expected count."
    )
    return "\n".join(lines)


def null_table(stats: dict, title: str) -> str:
    lines = [
        f"| method | agents flagged ({title}) | helpdesks with any flag "
        "| hard-case flagged | flags per helpdesk |",
        "|" + " --- |" * 5,
    ]
    for name in [RAW, *METHODS]:
        s = stats[name]
        lines.append(
            f"| {name} | {pct(s['flags'], s['agents'])} | {pct(s['any_false'], s['helpdesks'])} "
            f"| {pct(s['hard_flagged'], s['hard'])} | {s['flags'] / s['helpdesks']:.2f} |"
        )
    return "\n".join(lines)


def timing() -> str:
    sim = simulate_helpdesk(7, n_agents=40, n_tickets=1_000_000)
    rows = []
    for label, options in (
        ("default", {}),
        ('reference="all"', {"reference": "all"}),
        ("before issue 13", BEFORE_13),
    ):
        outliers.agent_outliers(sim.tickets, **options)  # warm up
        best = min(_timed(sim.tickets, options) for _ in range(3))
        rows.append(f"| {label} | {best:.2f} s |")
    return "\n".join(
        ["| agent_outliers on 1,000,000 tickets, 40 agents | best of 3 |", "| --- | --- |", *rows]
    )


def _timed(tickets: pl.DataFrame, options: dict) -> float:
    start = time.perf_counter()
    outliers.agent_outliers(tickets, **options)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helpdesks", type=int, default=200)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument(
        "--only-shifted", action="store_true", help="only the issue-13 scenarios (faster)"
    )
    args = parser.parse_args()
    n = args.helpdesks
    started = time.perf_counter()

    print("## Agent outliers (scripts/bench_outliers.py)\n")
    print(
        f"{n} seeded helpdesks per scenario; 20-40 agents, tenfold volume range, 100-1,200 "
        "tickets per agent over six months; BH at q = 0.05, minimum expected 5.\n"
    )
    print("### Specialist with an excess (25 agents, 30,000 tickets, 2 raised agents besides)\n")
    print(shifted(n, 300_000, "specialist"))
    print()
    print("### New hire working only in the two busy months (no own effect; 2 raised agents)\n")
    print(shifted(n, 400_000, "new_hire"))
    print()
    if args.only_shifted:
        print(f"Benchmark run time: {time.perf_counter() - started:.0f} s.")
        return
    stats, bands = scenario(n, 0)
    print("### Mixed truth: 3 raised agents (odds ratio 2-3, one quiet), 3 hard-case agents\n")
    print(mixed_table(stats, bands))
    print()
    stats, _ = scenario(n, 100_000, n_raised=0)
    print("### No outliers (3 hard-case agents, nobody with an own effect): every flag is false\n")
    print(null_table(stats, "all false"))
    print()
    stats, _ = scenario(n, 200_000, n_raised=0, agent_sd=0.25)
    print("### Modest real spread (every agent's own log-odds effect ~ N(0, 0.25^2))\n")
    print(null_table(stats, "any"))
    print()
    if not args.skip_timing:
        print("### Speed\n")
        print(timing())
        print()
    print(f"Benchmark run time: {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
