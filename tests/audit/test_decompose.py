"""Mix vs performance: the Kitagawa split of a rate change, checked by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from lib import audit as m
from lib.audit.decompose import decompose_counts, explain_decomposition, rate_change_decomposition


def _counts(rows: list[tuple[str, int, int, int, int]]) -> pl.DataFrame:
    """(segment, previous tickets, previous escalations, tickets, escalations) per row."""
    return pl.DataFrame(
        rows,
        schema=["seg", "previous_tickets", "previous_escalations", "tickets", "escalations"],
        orient="row",
    )


def test_simpsons_paradox_every_segment_improves_but_the_total_worsens():
    # previous: enterprise 6/10 (60%), free 9/90 (10%) -> 15/100 = 15%
    # review:   enterprise 45/90 (50%), free 0/10 (0%) -> 45/100 = 45%
    # both segments fall 10 pt; the total rises 30 pt because enterprise went from 10% to 90%
    # of the tickets. within = -0.1 * (0.1 + 0.9) / 2 - 0.1 * (0.9 + 0.1) / 2 = -0.10
    # mix = (0.9 - 0.1) * (0.6 + 0.5) / 2 + (0.1 - 0.9) * (0.1 + 0.0) / 2 = 0.44 - 0.04 = 0.40
    d = decompose_counts(_counts([("enterprise", 10, 6, 90, 45), ("free", 90, 9, 10, 0)]), "seg")
    assert d.segments.get_column("rate_change").to_list() == pytest.approx([-0.1, -0.1])
    assert (d.previous_rate, d.rate) == (pytest.approx(0.15), pytest.approx(0.45))
    assert d.change == pytest.approx(0.30)
    assert d.mix == pytest.approx(0.40)
    assert d.within == pytest.approx(-0.10)
    # per segment, the mix part is centred on the mean overall rate (0.15 + 0.45) / 2 = 0.30:
    # enterprise 0.8 * (0.55 - 0.30) = 0.20, free -0.8 * (0.05 - 0.30) = 0.20
    seg = {r["seg"]: r for r in d.segments.iter_rows(named=True)}
    assert seg["enterprise"]["mix_part"] == pytest.approx(0.20)
    assert seg["free"]["mix_part"] == pytest.approx(0.20)
    assert seg["enterprise"]["within_part"] == pytest.approx(-0.05)
    text = explain_decomposition(d, "tier")
    assert text.startswith("Of the +30.0 pt rise (from 15.0% to 45.0%), +40.0 pt comes from mix")
    assert "more enterprise tickets" in text or "fewer free tickets" in text
    assert text.endswith("-10.0 pt from lower rates within each tier (mostly enterprise).") or (
        text.endswith("(mostly free).")
    )


def test_both_parts_by_hand():
    # previous A 10/100 (10%), B 30/100 (30%) -> 20%; review A 20/100 (20%), B 120/300 (40%)
    # -> 140/400 = 35%. Shares 0.5/0.5 -> 0.25/0.75.
    # within: 0.1 * (0.25 + 0.5) / 2 + 0.1 * (0.75 + 0.5) / 2 = 0.0375 + 0.0625 = 0.10
    # mix: -0.25 * 0.15 + 0.25 * 0.35 = 0.05; total 0.15
    d = decompose_counts(_counts([("A", 100, 10, 100, 20), ("B", 100, 30, 300, 120)]), "seg")
    assert (d.change, d.mix, d.within) == (
        pytest.approx(0.15),
        pytest.approx(0.05),
        pytest.approx(0.10),
    )
    seg = {r["seg"]: r for r in d.segments.iter_rows(named=True)}
    # centred on 0.275: A -0.25 * (0.15 - 0.275) = 0.03125, B 0.25 * (0.35 - 0.275) = 0.01875
    # (fewer tickets of the low-rate A pushes harder than more of B)
    assert seg["A"]["mix_part"] == pytest.approx(0.03125)
    assert seg["B"]["mix_part"] == pytest.approx(0.01875)
    assert seg["B"]["share_change"] == pytest.approx(0.25)
    assert seg["A"]["within_part"] == pytest.approx(0.0375)
    assert explain_decomposition(d) == (
        "Of the +15.0 pt rise (from 20.0% to 35.0%), +5.0 pt comes from mix (which tickets "
        "came in: mostly fewer A tickets) and +10.0 pt from higher rates within each seg "
        "(mostly B)."
    )


def test_segments_in_one_period_only_count_as_mix():
    # previous A 10/50, B 5/50 -> 15%; review A 10/50, C 20/50 (new) -> 30%; B gone.
    # No segment present in both periods changed its rate, so everything is mix.
    # centred on 0.225: B (0 - 0.5) * (0.1 - 0.225) = 0.0625, C 0.5 * (0.4 - 0.225) = 0.0875
    d = decompose_counts(
        _counts([("A", 50, 10, 50, 10), ("B", 50, 5, 0, 0), ("C", 0, 0, 50, 20)]), "seg"
    )
    assert (d.change, d.mix, d.within) == (pytest.approx(0.15), pytest.approx(0.15), 0.0)
    seg = {r["seg"]: r for r in d.segments.iter_rows(named=True)}
    assert (seg["A"]["status"], seg["B"]["status"], seg["C"]["status"]) == ("both", "gone", "new")
    assert seg["C"]["rate_change"] is None and seg["C"]["within_part"] == 0.0
    assert seg["B"]["mix_part"] == pytest.approx(0.0625)
    assert seg["C"]["mix_part"] == pytest.approx(0.0875)
    assert d.segments.get_column("seg").to_list() == ["C", "B", "A"]  # biggest part first
    assert "mostly the new C tickets" in explain_decomposition(d)


def test_parts_always_sum_to_the_change():
    rng = np.random.default_rng(7)
    for _ in range(50):
        s = int(rng.integers(1, 8))
        n0, n1 = rng.integers(0, 40, s), rng.integers(0, 40, s)
        n0[0], n1[-1] = max(n0[0], 1), max(n1[-1], 1)
        k0, k1 = rng.binomial(n0, 0.3), rng.binomial(n1, 0.4)
        rows = [(f"s{i}", int(n0[i]), int(k0[i]), int(n1[i]), int(k1[i])) for i in range(s)]
        d = decompose_counts(_counts(rows), "seg")
        assert d.mix + d.within == pytest.approx(d.change, abs=1e-12)
        assert d.segments.get_column("total_part").sum() == pytest.approx(d.change, abs=1e-12)


def test_no_tickets_in_a_period_is_not_an_error():
    d = decompose_counts(_counts([("A", 0, 0, 10, 2)]), "seg")
    assert (d.previous_rate, d.rate, d.change, d.mix, d.within) == (None, 0.2, None, None, None)
    assert (
        explain_decomposition(d)
        == "There is nothing to compare: one of the two periods has no tickets."
    )
    empty = decompose_counts(_counts([]), "seg")
    assert empty.segments.height == 0 and empty.change is None
    with pytest.raises(m.MetricsError, match="lack"):
        decompose_counts(pl.DataFrame({"seg": ["a"], "tickets": [1]}), "seg")


def test_from_tickets_matches_the_breakdown_counts(tickets, periods):
    # review 15..21 Jan: chat 3/3, email 0/1, web 0/1 (60%); previous 8..14 Jan: phone 0/1,
    # chat 1/1 (50%); missing categories form their own segment
    d = rate_change_decomposition(tickets, "channel", periods)
    assert (d.previous_rate, d.rate) == (0.5, 0.6)
    assert d.mix + d.within == pytest.approx(0.1)
    b = m.breakdown(tickets, "channel", periods)
    again = decompose_counts(b, "channel")
    assert (again.mix, again.within) == (pytest.approx(d.mix), pytest.approx(d.within))
    # chat kept its rate (100%), so the within part is 0 and all of +10 pt is mix
    assert d.within == pytest.approx(0.0) and d.mix == pytest.approx(0.1)
    cat = rate_change_decomposition(tickets, "category", periods)
    assert m.MISSING in cat.segments.get_column("category").to_list()
