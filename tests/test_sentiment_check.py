"""Sentiment against ratings: the AUC and its interval, checked on seeded data with known truth."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import polars as pl

from lib.sentiment_check import MIN_EACH, rating_check, source_checks


def _brute_auc(s: list[float], bad: list[bool]) -> float:
    pairs = [
        1.0 if sb < sg else 0.5 if sb == sg else 0.0
        for (sb, b1), (sg, b2) in product(zip(s, bad, strict=True), repeat=2)
        if b1 and not b2
    ]
    return sum(pairs) / len(pairs)


def test_auc_equals_the_share_of_pairs_ordered_right_with_ties_half() -> None:
    rng = np.random.default_rng(3)
    s = rng.choice([-0.5, 0.0, 0.0, 0.3, 0.8], size=120).tolist()
    r = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], size=120).tolist()
    got = rating_check(pl.Series(s), pl.Series(r)).auc
    assert got == round(_brute_auc(s, [x < 0.5 for x in r]), 4)


def test_interval_covers_the_known_auc_about_95_percent_of_the_time() -> None:
    # bad ratings: sentiment ~ N(-0.5, 1); good: N(0, 1). True AUC = Phi(0.5 / sqrt 2).
    truth = 0.5 * (1 + math.erf(0.5 / math.sqrt(2) / math.sqrt(2)))
    rng = np.random.default_rng(11)
    hits, estimates = 0, []
    for _ in range(300):
        bad = rng.random(400) < 0.25
        s = np.where(bad, rng.normal(-0.5, 1, 400), rng.normal(0, 1, 400))
        c = rating_check(pl.Series(s), pl.Series(np.where(bad, 0.0, 1.0)))
        hits += c.low <= truth <= c.high
        estimates.append(c.auc)
    assert abs(np.mean(estimates) - truth) < 0.01
    assert 0.91 <= hits / 300 <= 0.99


def test_missing_values_are_left_out_and_too_few_ratings_give_no_verdict() -> None:
    s = pl.Series([0.1, None, -0.3, float("nan")] * 10)
    r = pl.Series([1.0, 0.0, None, 0.0] * 10)
    c = rating_check(s, r, source="subject")
    assert (c.rated, c.bad, c.auc) == (10, 0, None)
    assert "too few ratings" in c.sentence() and f"needs {MIN_EACH} bad" in c.sentence()


def test_useless_subjects_rank_below_an_informative_description() -> None:
    # Subjects say nothing about mood; descriptions do: the check must tell them apart.
    n = 200
    bad = [i % 4 == 0 for i in range(n)]
    t = pl.DataFrame(
        {
            "subject": ["Question about my invoice"] * n,
            "satisfaction": [0.0 if b else 1.0 for b in bad],
        }
    )
    desc = pl.Series(
        [
            "This is terrible, I am furious and disappointed" if b else "Thanks, works great now"
            for b in bad
        ]
    )
    checks = source_checks(t, description=desc)
    assert [c.source for c in checks] == ["description", "subject"]
    assert checks[0].auc == 1.0 and checks[1].auc == 0.5
    assert "coin toss" in checks[1].sentence()


def test_no_ratings_no_checks() -> None:
    assert source_checks(pl.DataFrame({"subject": ["a"]})) == []
    t = pl.DataFrame(
        {"subject": ["a"], "satisfaction": [None]}, schema_overrides={"satisfaction": pl.Float64}
    )
    assert source_checks(t) == []
