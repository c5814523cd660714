"""Escalation-risk speed: train on 1M closed tickets (< 30 s), score 100,000 open ones (< 2 s).

    .venv/bin/python scripts/bench_risk.py [--closed 1000000] [--open 100000] [--repeat 2]
    .venv/bin/python scripts/bench_risk.py --quality [--seeds 3]

``--quality`` instead backtests the seeded helpdesk with known risk factors
(``tests/risk/sim_risk.py``) for a few seeds: the model's AUC and top-10% figures beside the
planted truth's AUC, "oldest idle first" and "the category's own rate", and the AUC with the
final group added on purpose (leakage).

The helpdesk is generated (seeded, vectorised): a year of closed tickets with category, tier,
first owner, first group, customer and first-reply effects on a constant escalation hazard,
plus a backlog of open tickets opened over the last 60 days. Prints one line per step with
the best of ``--repeat`` runs and exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl

from lib.risk import RiskModel, score_open, train_risk_model
from lib.schema import conform

TRAIN_TARGET_S = 30.0
SCORE_TARGET_S = 2.0
START = datetime(2024, 1, 1, tzinfo=UTC)


def helpdesk(closed: int, open_: int, seed: int = 0) -> pl.DataFrame:
    """``closed`` solved tickets over a year, then ``open_`` open ones from its last 60 days."""
    rng = np.random.default_rng(seed)
    n = closed + open_
    year = 365 * 24.0
    created = np.concatenate(
        [np.sort(rng.uniform(0, year - 24 * 10, closed)), rng.uniform(year - 60 * 24, year, open_)]
    )
    cat = rng.integers(0, 12, n)
    tier = rng.integers(0, 3, n)
    agent = rng.integers(0, 200, n)
    cust = rng.integers(0, n // 6, n)
    lam = 0.002 * np.exp(0.25 * (cat % 4) + 0.4 * (tier == 0) + 0.8 * (agent == 7))
    esc = rng.exponential(1 / lam)
    solve = rng.exponential(30.0, n) + 0.5
    is_open = np.arange(n) >= closed
    escalated = (esc < solve) & ~is_open
    solved = np.where(is_open, np.nan, created + np.where(escalated, esc + 20, solve))
    reply = rng.exponential(6.0, n)

    def times(hours: np.ndarray) -> pl.Series:
        us = np.where(np.isfinite(hours), hours * 3.6e9, 0).astype(np.int64)
        s = pl.Series(us).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        s = s + pl.lit(START - datetime(1970, 1, 1, tzinfo=UTC))
        return pl.select(pl.when(pl.Series(np.isfinite(hours))).then(s)).to_series()

    return conform(
        pl.DataFrame(
            {
                "ticket_id": pl.int_range(n, eager=True).cast(pl.String),
                "created_at": times(created),
                "solved_at": times(solved),
                "updated_at": times(np.where(is_open, created + reply, solved)),
                "status": np.where(is_open, "open", "solved"),
                "category": pl.Series(cat).cast(pl.String).str.replace("^", "Topic "),
                "channel": np.where(rng.random(n) < 0.5, "email", "web"),
                "priority": np.where(rng.random(n) < 0.2, "high", "normal"),
                "customer_tier": np.array(["Enterprise", "Pro", "Free"])[tier],
                "first_agent": pl.Series(agent).cast(pl.String).str.replace("^", "Agent "),
                "agent": pl.Series(agent).cast(pl.String).str.replace("^", "Agent "),
                "first_group": np.array(["L1 a", "L1 b", "L1 c"])[agent % 3],
                "customer": pl.Series(cust).cast(pl.String).str.replace("^", "Customer "),
                "subject": "A ticket",
                "escalated": escalated,
                "escalated_at": times(np.where(escalated, created + esc, np.nan)),
                "first_response_minutes": reply * 60,
                "source": "generic",
            }
        )
    )


def quality(seeds: int) -> None:
    """Backtest figures on the seeded helpdesk (see the module notes)."""
    from lib.risk import DEFAULT_FEATURES, backtest
    from lib.risk.backtest import auc
    from tests.risk.sim_risk import IDLE_POWER, simulate

    print(
        "| seed | scores (escalations) | AUC: model / truth / oldest idle / category | "
        "top 10% precision: model / idle / category | top 10% recall: model / idle | "
        "AUC with the final group |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for seed in range(1, seeds + 1):
        sim = simulate(seed)
        bt = backtest(sim.tickets, horizon_days=4)
        sc = bt.scored.join(sim.truth, on="ticket_id")
        y = sc.get_column("escalated").to_numpy()
        truth = auc(
            np.log(sc.get_column("true_rate").to_numpy())
            + IDLE_POWER * np.log1p(sc.get_column("idle_hours").to_numpy() / 24),
            y,
        )
        leak = backtest(sim.tickets, horizon_days=4, features=(*DEFAULT_FEATURES, "group"))
        print(
            f"| {seed} | {bt.scored.height:,} ({int(y.sum())}) | {bt.auc:.3f} / {truth:.3f} / "
            f"{bt.idle_auc:.3f} / {bt.category_auc:.3f} | {bt.precision_top10:.0%} / "
            f"{bt.idle_precision_top10:.0%} / {bt.category_precision_top10:.0%} | "
            f"{bt.recall_top10:.0%} / {bt.idle_recall_top10:.0%} | {leak.auc:.3f} "
            f"(leakage suspected: {leak.leakage_suspected}) |"
        )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--closed", type=int, default=1_000_000)
    p.add_argument("--open", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--quality", action="store_true")
    p.add_argument("--seeds", type=int, default=3)
    a = p.parse_args()
    if a.quality:
        quality(a.seeds)
        return 0
    t0 = time.perf_counter()
    tickets = helpdesk(a.closed, a.open)
    print(f"generated {tickets.height:,} tickets in {time.perf_counter() - t0:.1f} s")
    as_of = START + timedelta(days=365)
    train_s, score_s, train_cpu, score_cpu, model, scored = [], [], [], [], None, None
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        model = train_risk_model(tickets, horizon_days=7, as_of=as_of)
        train_s.append(time.perf_counter() - t0)
        train_cpu.append(time.process_time() - c0)
        assert isinstance(model, RiskModel), getattr(model, "reason", "")
        t0, c0 = time.perf_counter(), time.process_time()
        scored = score_open(model, tickets, as_of=as_of)
        score_s.append(time.perf_counter() - t0)
        score_cpu.append(time.process_time() - c0)
    assert model is not None and scored is not None
    print(
        f"train: {min(train_s):.2f} s wall, {min(train_cpu):.2f} s CPU (best of {a.repeat}; "
        f"target {TRAIN_TARGET_S:g} s) on "
        f"{a.closed:,} closed tickets: {model.training_rows:,} snapshot rows of "
        f"{model.training_tickets:,} tickets, {len(model.design.columns)} columns"
    )
    print(
        f"score: {min(score_s):.2f} s wall, {min(score_cpu):.2f} s CPU (best of {a.repeat}; "
        f"target {SCORE_TARGET_S:g} s) for "
        f"{scored.height:,} open tickets with reasons"
    )
    ok = min(train_s) < TRAIN_TARGET_S and min(score_s) < SCORE_TARGET_S
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{'OK' if ok else 'MISSED a target'} (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
