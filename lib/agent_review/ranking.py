"""The raw and the adjusted ranking of agents as the page lists them, each agent's status in
words, and how many agents change place between the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from lib.agent_review._common import _require

#: Status of an agent in words, by key.
STATUS_LABELS: dict[str, str] = {
    "high": "Flagged high",
    "low": "Flagged low",
    "in_line": "In line",
    "not_judged": "Not judged",
    "not_comparable": "Not comparable",
}


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '103rd']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def status_expr(comparable: bool = False) -> pl.Expr:
    """The agent's status in words (:data:`STATUS_LABELS`) from judged, flagged, direction
    (and ``comparable`` when asked: "Not comparable" before "Not judged").

    >>> t = pl.DataFrame({"judged": [False, False], "flagged": [False, False],
    ...                   "direction": [None, None], "comparable": [False, True]})
    >>> t.select(status_expr(comparable=True)).to_series().to_list()
    ['Not comparable', 'Not judged']
    """
    start = (
        pl.when(~pl.col("comparable").fill_null(True))
        .then(pl.lit(STATUS_LABELS["not_comparable"]))
        .when(~pl.col("judged").fill_null(False))
        if comparable
        else pl.when(~pl.col("judged").fill_null(False))
    )
    return (
        start.then(pl.lit(STATUS_LABELS["not_judged"]))
        .when(pl.col("flagged").fill_null(False) & (pl.col("direction") == "high"))
        .then(pl.lit(STATUS_LABELS["high"]))
        .when(pl.col("flagged").fill_null(False) & (pl.col("direction") == "low"))
        .then(pl.lit(STATUS_LABELS["low"]))
        .otherwise(pl.lit(STATUS_LABELS["in_line"]))
        .alias("status")
    )


def q_label_expr() -> pl.Expr:
    """``q_label``: the q-value as text (``"< 0.0001"``, ``"0.23"``; ``"–"`` when not judged)."""
    q = pl.col("q_value")
    return (
        pl.when(~pl.col("judged").fill_null(False) | q.is_null())
        .then(pl.lit("–"))
        .when(q < 0.0001)
        .then(pl.lit("< 0.0001"))
        .otherwise(q.round_sig_figs(2).cast(pl.String))
        .alias("q_label")
    )


def adjusted_order(table: pl.DataFrame) -> pl.DataFrame:
    """The comparison table as the page lists it: judged agents first, highest z first.

    Agents below the minimum expected count come last (they are shown, not judged), then by
    z. Adds ``place`` (1 = first listed), ``status`` (:data:`STATUS_LABELS`) and ``q_label``
    (the q-value as text: ``"< 0.0001"``, ``"0.23"``, ``"–"`` when not judged).
    See the module example.
    """
    _require(table, ["agent", "z", "judged", "flagged", "direction"], "the adjusted ranking")
    return (
        table.sort(
            [pl.col("judged").fill_null(False), pl.col("z"), pl.col("agent")],
            descending=[True, True, False],
            nulls_last=True,
        )
        .with_columns(
            status_expr("comparable" in table.columns),
            *([q_label_expr()] if "q_value" in table.columns else []),
        )
        .with_row_index("place", offset=1)
        .with_columns(pl.col("place").cast(pl.Int64))
    )


def raw_order(table: pl.DataFrame) -> pl.DataFrame:
    """The raw, unadjusted ranking: highest escalation rate first (ties: more tickets first).

    Adds ``raw_place`` (1 = highest raw rate).

    >>> t = pl.DataFrame({"agent": ["a", "b", "c"], "tickets": [10, 50, 40],
    ...                   "raw_rate": [0.1, 0.3, 0.3]})
    >>> raw_order(t).select("raw_place", "agent").rows()
    [(1, 'b'), (2, 'c'), (3, 'a')]
    """
    _require(table, ["agent", "tickets", "raw_rate"], "the raw ranking")
    return (
        table.sort(
            ["raw_rate", "tickets", "agent"], descending=[True, True, False], nulls_last=True
        )
        .with_row_index("raw_place", offset=1)
        .with_columns(pl.col("raw_place").cast(pl.Int64))
    )


@dataclass(frozen=True)
class RankShift:
    """How the raw and the adjusted ranking differ (see :func:`rank_shift`)."""

    n_agents: int
    #: Agents whose place differs between the two rankings.
    n_changed: int
    #: Agents who move ``far`` places or more.
    n_far: int
    #: One row per agent: agent, raw_place, place (adjusted), move (raw - adjusted: positive
    #: means the agent sits higher, i.e. looks worse, once case mix is allowed for).
    places: pl.DataFrame
    sentence: str


def rank_shift(table: pl.DataFrame, *, far: int = 3, examples: int = 2) -> RankShift:
    """Compare each agent's place in :func:`raw_order` with their place in
    :func:`adjusted_order`, and say so in one or two sentences.

    >>> t = pl.DataFrame({"agent": ["a", "b", "c", "d"], "tickets": [50] * 4,
    ...     "raw_rate": [0.4, 0.3, 0.2, 0.1], "z": [0.1, 3.0, 1.0, -1.0],
    ...     "judged": [True] * 4, "flagged": [False, True, False, False],
    ...     "direction": [None, "high", None, None]})
    >>> s = rank_shift(t)
    >>> s.n_changed, s.n_far, s.places.filter(pl.col("agent") == "a").row(0)
    (3, 0, ('a', 1, 3, -2))
    >>> s.sentence
    '3 of 4 agents change place between the raw and the adjusted ranking. Biggest moves: a from 1st to 3rd; b from 2nd to 1st.'
    """  # noqa: E501
    adjusted = adjusted_order(table).select("agent", "place")
    raw = raw_order(table).select("agent", "raw_place")
    places = (
        raw.join(adjusted, on="agent", how="inner")
        .with_columns(move=pl.col("raw_place") - pl.col("place"))
        .sort(["raw_place"])
    )
    n = places.height
    changed = places.filter(pl.col("move") != 0)
    n_changed = changed.height
    n_far = places.filter(pl.col("move").abs() >= far).height
    if n == 0:
        sentence = "No agents to rank."
    elif n_changed == 0:
        sentence = (
            f"All {n} agents keep their place: allowing for case mix does not change the order."
            if n > 1
            else "Only one agent: there is no ranking to compare."
        )
    else:
        lead = (
            f"All {n} agents change place"
            if n_changed == n
            else f"{n_changed} of {n} agents change place"
        )
        sentence = f"{lead} between the raw and the adjusted ranking"
        if n_far:
            sentence += f"; {n_far} move {far} places or more"
        top = changed.sort(
            [pl.col("move").abs(), pl.col("raw_place")], descending=[True, False]
        ).head(examples)
        moves = "; ".join(
            f"{r['agent']} from {ordinal(r['raw_place'])} to {ordinal(r['place'])}"
            for r in top.rows(named=True)
        )
        sentence += f". Biggest moves: {moves}."
    return RankShift(n, n_changed, n_far, places, sentence)


def raw_ranking(table: pl.DataFrame) -> pl.DataFrame:
    """:func:`raw_order` with each agent's adjusted ``place``, ``move`` (raw place - adjusted
    place) and ``move_text`` ("up 2": higher in the adjusted ranking, "down 1", "same").

    >>> t = pl.DataFrame({"agent": ["a", "b"], "tickets": [50, 50], "raw_rate": [0.4, 0.3],
    ...     "z": [0.1, 3.0], "judged": [True, True], "flagged": [False, True],
    ...     "direction": [None, "high"]})
    >>> raw_ranking(t).select("raw_place", "agent", "place", "move_text").rows()
    [(1, 'a', 2, 'down 1'), (2, 'b', 1, 'up 1')]
    """
    places = adjusted_order(table).select("agent", "place")
    return (
        raw_order(table)
        .join(places, on="agent", how="left")
        .with_columns(move=pl.col("raw_place") - pl.col("place"))
        .with_columns(
            move_text=pl.when(pl.col("move") > 0)
            .then(pl.format("up {}", pl.col("move")))
            .when(pl.col("move") < 0)
            .then(pl.format("down {}", -pl.col("move")))
            .otherwise(pl.lit("same"))
        )
    )
