"""Shared by the tests of lib.agent_review: the demo's known truth and a comparison table maker."""

from __future__ import annotations

import polars as pl

from lib.demo import demo_truth

TRUTH = demo_truth()


def _table(**columns) -> pl.DataFrame:
    n = len(columns["agent"])
    base = {
        "tickets": [100] * n,
        "raw_rate": [0.1] * n,
        "z": [0.0] * n,
        "q_value": [0.5] * n,
        "judged": [True] * n,
        "flagged": [False] * n,
        "direction": [None] * n,
    }
    base.update(columns)
    return pl.DataFrame(base, schema_overrides={"direction": pl.String})
