"""lib.calibration.agreement: Fleiss' kappa and Gwet's AC1 against published worked examples and
against a second implementation written here from the definitions (a loop over pairs of raters)."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from lib.calibration import counts_table, fleiss_kappa, gwet_ac1

# Fleiss (1971), Table 1, subjects 1-15: six psychiatrists put each patient in one of five
# diagnoses (depression, personality disorder, schizophrenia, neurosis, other). As printed in
# Gwet's R package irrCAC (dataset distrib.6raters) and its README.
FLEISS_1971_15 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
]  # fmt: skip
# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip
# Gwet, Handbook of Inter-Rater Reliability (4th ed., 2014): 12 subjects, 4 raters, 5 categories,
# some ratings missing (irrCAC dataset cac.raw4raters). None = the rater skipped the subject.
GWET_RAW = [
    [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
    [None, None, 3, None],
]  # fmt: skip


def _counts(raw: list[list[int | None]], q: int) -> np.ndarray:
    return np.array([[sum(v == k for v in row) for k in range(1, q + 1)] for row in raw])


def test_fleiss_1971_psychiatric_diagnoses() -> None:
    """Fleiss 1971 subjects 1-15 (irrCAC README, fleiss.kappa.dist / gwet.ac1.dist): kappa
    0.4139265, SE 0.08119291, 95% CI (0.24, 0.588); AC1 0.4448007, SE 0.08418757, CI (0.264,
    0.625); pa 0.5511111, pe 0.2340741 (kappa) and 0.1914815 (AC1)."""
    k, a = fleiss_kappa(FLEISS_1971_15), gwet_ac1(FLEISS_1971_15)
    assert k.value == pytest.approx(0.4139265, abs=1e-7)
    assert k.se == pytest.approx(0.08119291, abs=1e-8)
    assert (round(k.low, 3), round(k.high, 3)) == (0.240, 0.588)
    assert (k.pa, k.pe) == (pytest.approx(0.5511111, abs=1e-7), pytest.approx(0.2340741, abs=1e-7))
    assert a.value == pytest.approx(0.4448007, abs=1e-7)
    assert a.se == pytest.approx(0.08418757, abs=1e-8)
    assert (round(a.low, 3), round(a.high, 3)) == (0.264, 0.625)
    assert a.pe == pytest.approx(0.1914815, abs=1e-7)


def test_wikipedia_worked_example() -> None:
    """Wikipedia's Fleiss' kappa example: P-bar 0.378, P-bar-e 0.213, kappa 0.210."""
    k = fleiss_kappa(WIKIPEDIA)
    assert (round(k.pa, 3), round(k.pe, 3), round(k.value, 3)) == (0.378, 0.213, 0.210)


def test_gwet_handbook_raw_ratings_with_missing_values() -> None:
    """Gwet's Handbook raw ratings with missing values (irrCAC README, cac.raw4raters): AC1
    0.77544, SE 0.14295, CI (0.461, 1); Fleiss' kappa 0.76117, SE 0.15302, CI (0.424, 1);
    pa 0.8181818. Subject 12 has one rating only: it counts for the answer shares, not for pa."""
    counts = _counts(GWET_RAW, 5)
    k, a = fleiss_kappa(counts), gwet_ac1(counts)
    assert a.value == pytest.approx(0.77544, abs=5e-6) and a.se == pytest.approx(0.14295, abs=5e-6)
    assert (round(a.low, 3), a.high) == (0.461, 1.0)
    assert k.value == pytest.approx(0.76117, abs=5e-6) and k.se == pytest.approx(0.15302, abs=5e-6)
    assert (round(k.low, 3), k.high) == (0.424, 1.0)
    assert k.pa == pytest.approx(0.8181818, abs=1e-7)
    assert math.isnan(k.per_item[11])


def _by_pairs(raw: list[list[str | None]], labels: list[str]) -> tuple[float, float]:
    """Kappa and AC1 from the definitions: pairs of distinct raters per subject, answer shares."""
    agree, rated = [], []
    shares = {lab: 0.0 for lab in labels}
    for row in raw:
        given = [v for v in row if v is not None]
        if not given:
            continue
        rated.append(row)
        for lab in labels:
            shares[lab] += given.count(lab) / len(given)
        pairs = list(itertools.permutations(range(len(given)), 2))
        if pairs:
            agree.append(sum(given[i] == given[j] for i, j in pairs) / len(pairs))
    pa = sum(agree) / len(agree)
    pi = [shares[lab] / len(rated) for lab in labels]
    pe_kappa = sum(p * p for p in pi)
    pe_ac1 = sum(p * (1 - p) for p in pi) / (len(labels) - 1)
    return (pa - pe_kappa) / (1 - pe_kappa), (pa - pe_ac1) / (1 - pe_ac1)


def _jackknife(raw: list[list[str | None]], labels: list[str], which: str) -> float:
    """The jackknife standard error over subjects (a second way to the same precision)."""
    full = []
    for i in range(len(raw)):
        sub = raw[:i] + raw[i + 1 :]
        full.append(_by_pairs(sub, labels)[0 if which == "kappa" else 1])
    n = len(full)
    mean = sum(full) / n
    return math.sqrt((n - 1) / n * sum((v - mean) ** 2 for v in full))


def test_matches_a_pairwise_loop_with_skipped_answers() -> None:
    """A random team (7 raters, 3 answers, one in six answers skipped): values equal the pair
    loop's exactly; the standard errors agree with a jackknife over subjects within 10%."""
    rng = random.Random(17)
    labels = ["tier1", "tier2", "billing"]
    raw = []
    for _ in range(150):
        truth = rng.choice(labels)
        raw.append(
            [
                None
                if rng.random() < 1 / 6
                else (truth if rng.random() < 0.6 else rng.choice(labels))
                for _ in range(7)
            ]
        )
    counts = np.array([[row.count(lab) for lab in labels] for row in raw])
    kappa, ac1 = _by_pairs(raw, labels)
    k, a = fleiss_kappa(counts), gwet_ac1(counts)
    assert k.value == pytest.approx(kappa, abs=1e-12)
    assert a.value == pytest.approx(ac1, abs=1e-12)
    assert k.se == pytest.approx(_jackknife(raw, labels, "kappa"), rel=0.10)
    assert a.se == pytest.approx(_jackknife(raw, labels, "ac1"), rel=0.10)


def test_one_answer_only_kappa_undefined_ac1_perfect() -> None:
    """Everyone says "handle at Tier 1" to everything: chance agreement is 100%, so kappa is
    undefined (and says why), while AC1 on the two-answer scale is 1."""
    counts = [[4, 0]] * 5
    k, a = fleiss_kappa(counts), gwet_ac1(counts)
    assert not k.defined and "same answer" in k.reason
    assert a.value == pytest.approx(1.0) and a.pe == 0.0


def test_kappa_paradox_one_dominant_answer() -> None:
    """19 of 20 scenarios handled at Tier 1 by all three, one split: kappa is low, AC1 high."""
    counts = [[3, 0]] * 19 + [[2, 1]]
    assert fleiss_kappa(counts).value < 0 < 0.9 < gwet_ac1(counts).value


def test_a_single_participant_needs_two() -> None:
    k = fleiss_kappa([[1, 0], [0, 1], [1, 0]])
    assert not k.defined and "needs two" in k.reason
    assert not gwet_ac1([[1, 0]]).defined


def test_one_scenario_has_a_value_but_no_interval() -> None:
    k = gwet_ac1([[2, 1]])
    assert k.defined and math.isnan(k.se) and math.isnan(k.low)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        fleiss_kappa([[1, -1]])
    with pytest.raises(ValueError, match="one row per scenario"):
        fleiss_kappa([1, 2, 3])


def test_counts_table_ignores_unknown_items_and_labels() -> None:
    import polars as pl

    a = pl.DataFrame({"item_id": [1, 9, 1], "label": ["x", "x", "zzz"]})
    assert counts_table(a, [1], ["x"]).tolist() == [[1.0]]
