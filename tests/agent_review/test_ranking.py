"""lib.agent_review.ranking: the two orderings and how many agents change place."""

from __future__ import annotations

from lib import agent_review as review
from tests.agent_review.helpers import TRUTH, _table

# ---------------------------------------------------------------------------- orderings


def test_adjusted_order_puts_judged_first_then_highest_z() -> None:
    t = _table(
        agent=["tiny", "low", "mid", "high", "quiet"],
        z=[5.0, -3.5, 0.2, 4.1, None],
        q_value=[None, 0.001, 0.8, 0.00001, None],
        judged=[False, True, True, True, False],
        flagged=[False, True, False, True, False],
        direction=[None, "low", None, "high", None],
    )
    out = review.adjusted_order(t)
    # The unjudged agent with the largest z is listed after every judged one.
    assert out.get_column("agent").to_list() == ["high", "mid", "low", "tiny", "quiet"]
    assert out.get_column("place").to_list() == [1, 2, 3, 4, 5]
    assert out.get_column("status").to_list() == [
        "Flagged high", "In line", "Flagged low", "Not judged", "Not judged",
    ]  # fmt: skip
    assert out.get_column("q_label").to_list() == ["< 0.0001", "0.8", "0.001", "–", "–"]


def test_raw_order_breaks_ties_by_volume_then_name() -> None:
    t = _table(agent=["b", "a", "c", "d"], tickets=[10, 10, 30, 5], raw_rate=[0.2, 0.2, 0.2, 0.5])
    assert review.raw_order(t).get_column("agent").to_list() == ["d", "c", "a", "b"]


def test_rank_shift_counts_agents_who_change_place() -> None:
    # raw: a b c d e ; adjusted (by z): e b a c d  -> moves a -2, b 0, c -1, d -1, e +4
    t = _table(
        agent=list("abcde"),
        raw_rate=[0.5, 0.4, 0.3, 0.2, 0.1],
        z=[0.5, 1.0, 0.0, -1.0, 3.0],
    )
    s = review.rank_shift(t)
    assert (s.n_agents, s.n_changed, s.n_far) == (5, 4, 1)
    moves = dict(s.places.select("agent", "move").iter_rows())
    assert moves == {"a": -2, "b": 0, "c": -1, "d": -1, "e": 4}
    assert s.sentence == (
        "4 of 5 agents change place between the raw and the adjusted ranking; 1 move 3 places "
        "or more. Biggest moves: e from 5th to 1st; a from 1st to 3rd."
    )
    raw = review.raw_ranking(t)
    assert raw.get_column("move_text").to_list() == ["down 2", "same", "down 1", "down 1", "up 4"]


def test_rank_shift_when_nothing_moves() -> None:
    t = _table(agent=["a", "b"], raw_rate=[0.3, 0.1], z=[1.0, -1.0])
    s = review.rank_shift(t)
    assert s.n_changed == 0
    assert s.sentence.startswith("All 2 agents keep their place")


def test_rank_shift_on_demo_moves_the_hard_case_agent_down(comparison) -> None:
    s = review.rank_shift(comparison.table)
    places = {r["agent"]: r for r in s.places.rows(named=True)}
    hard, outlier = places[TRUTH.hard_case_agent], places[TRUTH.outlier_agent]
    assert hard["raw_place"] == 1  # tops the raw ranking ...
    assert hard["place"] >= 5  # ... but not the adjusted one
    assert outlier["place"] == 1 and outlier["raw_place"] > 1
    assert s.n_changed == int((s.places["move"] != 0).sum()) >= 2
    assert f"{TRUTH.hard_case_agent} from 1st to {review.ordinal(hard['place'])}" in s.sentence
