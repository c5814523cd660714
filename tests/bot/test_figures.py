"""Bot figures: shares with their denominators and Wilson intervals, handed-off against
straight-to-person escalation per topic, knowledge-base candidates, the same-mix rate, and
reading the export's bot columns from a snapshot file. Counts checked by hand against the rows
of tests/data/bot_zendesk_via.csv (see tests/bot/test_marks.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.audit import wilson_interval
from lib.bot import bot_by_category, bot_review, direct_same_mix, mark_tickets, review_marks
from lib.ingest import load_export

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def zendesk():
    return load_export(DATA / "bot_zendesk_via.csv")


@pytest.fixture(scope="module")
def review(zendesk):
    return review_marks(zendesk.tickets, mark_tickets(zendesk.snapshot_frame()))


def test_summary_shares_have_denominators_and_intervals(review) -> None:
    s = {r["measure"]: r for r in review.summary.iter_rows(named=True)}
    expected = {
        "Bot first touch": (16, 31),
        "Resolved by the bot": (6, 16),
        "Handed to a person": (9, 16),
        "Bot only, not solved": (1, 16),
        "Straight to a person": (15, 31),
        "Escalated after a handoff": (5, 9),  # Tier 2: 1 question + 4 incidents
        "Escalated, straight to a person": (2, 15),
    }
    assert {m: (r["k"], r["n"]) for m, r in s.items()} == expected
    low, high = wilson_interval(5, 9)
    row = s["Escalated after a handoff"]
    assert row["share"] == pytest.approx(5 / 9)
    assert (row["share_low"], row["share_high"]) == pytest.approx((low, high))


def test_topics_compare_within_category_and_flag_candidates(review) -> None:
    per = {r["category"]: r for r in review.by_category.iter_rows(named=True)}
    inc, q = per["incident"], per["question"]
    # incident: 6 bot tickets, all handed off, 4 escalated; 10 straight to a person, 2 escalated
    assert (inc["bot_first"], inc["handed_off"], inc["handed_escalated"]) == (6, 6, 4)
    assert (inc["direct"], inc["direct_escalated"]) == (10, 2)
    assert inc["gap"] == pytest.approx(4 / 6 - 2 / 10)
    assert (inc["direct_rate_low"], inc["direct_rate_high"]) == pytest.approx(
        wilson_interval(2, 10)
    )
    # Handed off at 100% of its bot tickets (overall 9/16) and escalating more: a candidate.
    # question: 3 of 10 handed off (below the overall share) and fewer than 5 handoffs.
    assert inc["candidate"] and not q["candidate"]
    assert review.by_category["category"].to_list()[0] == "incident"
    # Straight-to-person rate with the handoffs' topic mix: (6 * 2/10 + 3 * 0/5) / 9.
    assert review.same_mix == pytest.approx((6 * 0.2 + 3 * 0.0) / 9)


def test_candidates_need_enough_handoffs() -> None:
    t = pl.DataFrame({"category": ["a"] * 6, "escalated": [True, True, False, False, False, False],
                      "bot_first": [True, True, False, False, False, False],
                      "handed_off": [True, True, False, False, False, False]})  # fmt: skip
    assert not bot_by_category(t).item(0, "candidate")
    assert bot_by_category(t, min_handed=2).item(0, "candidate")


def test_same_mix_without_handoffs_is_none() -> None:
    assert (
        direct_same_mix(pl.DataFrame({"handed_off": [0], "direct": [3], "direct_rate": [0.1]}))
        is None
    )
    assert (
        direct_same_mix(pl.DataFrame({"handed_off": [2], "direct": [0], "direct_rate": [None]}))
        is None
    )


def test_bot_review_reads_the_bot_columns_from_the_snapshot(zendesk, tmp_path) -> None:
    snap = tmp_path / "s.parquet"
    zendesk.snapshot_frame().write_parquet(snap)
    tickets = zendesk.tickets
    assert bot_review(tickets, snapshot=str(snap)).summary.item(0, "k") == 16
    # Without the export's columns only the tags remain (9 bot_handoff tickets).
    without = bot_review(tickets)
    assert without.summary.item(0, "k") == 9
    # Filtered tickets: only those rows are counted.
    some = bot_review(tickets.filter(pl.col("category") == "incident"), snapshot=str(snap))
    assert some.summary.select("k", "n").row(0) == (6, 16)


def test_empty_and_markless_frames() -> None:
    empty = pl.DataFrame(schema={c: pl.String for c in ("ticket_id", "category")}).with_columns(
        escalated=pl.lit(None, pl.Boolean), tags=pl.lit(None, pl.List(pl.String))
    )
    got = bot_review(empty)
    assert not got.found and got.by_category.height == 0
    assert got.summary.item(0, "n") == 0 and got.summary.item(0, "share") is None
    assert "bot_handoff" in got.hint and set(got.looked_at) == {"Tags"}


def test_every_count_sits_after_its_whisker_beside_its_own_bar() -> None:
    # "0 of 6" sat on the whisker of a 0% bar; "2 of 12" inside its bar was crossed by the
    # lower whisker (17%, from 5%): every count is now drawn after its interval's end
    from lib.charts.bot import handoff_figure

    lo, hi = wilson_interval(0, 6)
    lo2, hi2 = wilson_interval(2, 12)
    per = pl.DataFrame(
        {
            "category": ["Billing"],
            "candidate": [False],
            "handed_off": [6],
            "handed_escalated": [0],
            "handed_rate": [0.0],
            "handed_rate_low": [lo],
            "handed_rate_high": [hi],
            "direct": [12],
            "direct_escalated": [2],
            "direct_rate": [2 / 12],
            "direct_rate_low": [lo2],
            "direct_rate_high": [hi2],
        }
    )
    fig = handoff_figure(per)
    traces = {t.name: t for t in fig.data}
    zero, other = traces["Escalated after a bot handoff"], traces["Escalated, straight to a person"]
    # the bars are their rates, with their intervals; the hover reads the rate and the counts
    assert zero.x == (0,) and zero.error_x.array == (pytest.approx(100 * hi),)
    assert other.x == (pytest.approx(100 / 6),)
    assert other.error_x.arrayminus == (pytest.approx(100 / 6 - 100 * lo2),)
    assert list(other.customdata[0][:2]) == [2, 12] and not other.text
    room = 100 * max(hi, hi2)
    for bar, key, high, text in ((zero, "handed", hi, "0 of 6"), (other, "direct", hi2, "2 of 12")):
        counts = traces[f"{key} counts"]
        assert counts.text == (text,) and counts.textposition == "middle right"
        assert counts.offsetgroup == bar.offsetgroup == key  # beside its own bar
        # after the whisker's end, by a small gap
        assert counts.x[0] == pytest.approx(100 * high + 0.012 * room)
    assert fig.layout.scattermode == "group" and fig.layout.barmode == "group"
    assert fig.layout.xaxis.range[1] > counts.x[0]  # room for the labels
    assert all(t.endswith("%") for t in fig.layout.xaxis.ticktext)
