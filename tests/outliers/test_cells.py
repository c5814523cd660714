"""Issue 18: the agent comparison from counted cells gives the figures the per-ticket path gave.

The reference below is the former path (every ticket credited, then counted, one Newton refit
per agent, and one full comparison per month on that month's tickets); the new one counts the
tickets once (:func:`lib.outliers.ticket_cells`) and refits every agent at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from lib import outliers
from lib.outliers import casemix, loo
from lib.periods import local_day
from tests.sim_helpdesk import simulate_shifted

CASE_MIX = ("category", "channel", "priority", "customer_tier", "month")


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    """Six months, a new hire in the busy months, escalations credited to who escalated them,
    and a month whose tickets name no escalating or first owner."""
    t = simulate_shifted(4, "new_hire", n_agents=8, n_tickets=3000).tickets
    rng = np.random.default_rng(4)
    mover = pl.Series(rng.random(t.height) < 0.3)
    march = pl.col("created_at") < datetime(2024, 3, 1, tzinfo=UTC)
    return t.with_columns(
        first_agent=pl.when(march).then(None).otherwise(pl.col("agent")),
        escalated_by=pl.when(march | ~pl.col("escalated")).then(None).otherwise(pl.col("agent")),
        agent=pl.when(mover & pl.col("escalated")).then(pl.lit("tier2")).otherwise("agent"),
    )


def reference_loo(counts: pl.DataFrame, model, agents: list[str], excluded=()) -> np.ndarray:
    """The former leave-one-out: one Newton refit per agent (expected counts only)."""
    terms = list(model.terms)
    keyed = counts.with_columns(pl.struct(terms).rank("dense").cast(pl.Int64).alias("_c") - 1)
    cells = keyed.group_by("_c").agg(pl.col(terms).first()).sort("_c")
    x = loo._design(cells, model)
    idx = keyed.get_column("_c").to_numpy()
    n, o = keyed.get_column("n").to_numpy() * 1.0, keyed.get_column("o").to_numpy() * 1.0
    agent = keyed.get_column("agent")
    ref = (agent.is_null() | ~agent.is_in(list(excluded))).to_numpy()
    n_ref, o_ref = np.bincount(idx[ref], n[ref], len(x)), np.bincount(idx[ref], o[ref], len(x))
    out = []
    for a in agents:
        mine = (agent == a).fill_null(False).to_numpy()
        n_a, o_a = np.bincount(idx[mine], n[mine], len(x)), np.bincount(idx[mine], o[mine], len(x))
        fit_n, fit_o = (n_ref, o_ref) if a in excluded else (n_ref - n_a, o_ref - o_a)
        beta, _ = loo._newton(x, fit_n, fit_o, loo._params(model))
        out.append(float((n_a * loo._expit(x @ beta)).sum()))
    return np.array(out)


def test_cells_count_as_the_tickets_did(tickets: pl.DataFrame) -> None:
    credited = outliers.responsible_owner(tickets, "escalating").tickets
    terms = casemix._usable_terms(credited, CASE_MIX)
    cells = outliers.ticket_cells(tickets.lazy(), CASE_MIX, "escalating", every="1mo")
    assert cells.usable_terms() == terms == CASE_MIX
    assert (cells.n_tickets, cells.used) == (tickets.height, "escalating")
    old = casemix._counts(credited, terms, by=["agent"])
    keys = ["agent", *terms]
    assert_frame_equal(cells.counts(terms).sort(keys), old.sort(keys), check_dtypes=False)


def test_batched_refits_match_one_at_a_time(tickets: pl.DataFrame) -> None:
    credited = outliers.responsible_owner(tickets, "escalating").tickets
    counts = casemix._counts(credited, CASE_MIX, by=["agent"])
    model = casemix._fit_counts(counts, CASE_MIX)
    agents = sorted(counts.get_column("agent").drop_nulls().unique().to_list())
    new = outliers.leave_one_out(counts, model, agents, excluded=["agent_01"])
    old = reference_loo(counts, model, agents, excluded=["agent_01"])
    np.testing.assert_allclose(new.expected, old, rtol=1e-9)


def test_comparison_and_history_match_the_per_ticket_path(tickets: pl.DataFrame) -> None:
    opts = {"case_mix": CASE_MIX, "owner": "escalating", "min_expected": 2.0}
    history = outliers.flag_history(tickets, **opts)
    # the former flag_history: a whole comparison on each month's tickets
    month = local_day("created_at").dt.truncate("1mo")
    frames = []
    for part in tickets.with_columns(month.alias("m")).partition_by("m"):
        start = part.get_column("m")[0]
        table = outliers.agent_comparison(part.drop("m"), **opts).table
        frames.append(table.select("agent", pl.lit(start).alias("period_start"), "expected", "z"))
    old = pl.concat(frames).sort("agent", "period_start")
    new = history.select("agent", "period_start", "expected", "z")
    assert_frame_equal(new, old, rel_tol=1e-9, abs_tol=1e-12, check_exact=False)
    # the March tickets name no escalating owner: that month falls back to the final owner
    assert "tier2" in history.get_column("agent").to_list()
    # the comparison from the month cells is the comparison of the tickets
    cells = outliers.ticket_cells(tickets, CASE_MIX, "escalating", every="1mo")
    whole = outliers.comparison_of_cells(cells, min_expected=2.0).table
    direct = outliers.agent_comparison(tickets, **opts).table
    assert_frame_equal(whole, direct, rel_tol=1e-9, abs_tol=1e-12, check_exact=False)


# ---- issue 18 (`agents` branch): counting on the tickets' codes ------------------------------
def _cells_equal(new: outliers.Cells, old: outliers.Cells) -> None:
    assert new.frame.columns == old.frame.columns
    assert (new.used, new.requested, new.case_mix) == (old.used, old.requested, old.case_mix)
    keys = [c for c in old.frame.columns if c not in ("n", "o", "by_n", "first_n", "fg_differs")]
    assert_frame_equal(new.frame.sort(keys, nulls_last=True), old.frame.sort(keys, nulls_last=True))


@pytest.fixture(scope="module")
def untidy(tickets: pl.DataFrame) -> pl.DataFrame:
    """The tickets with missing levels, undated tickets, unassigned ones and a first group."""
    rng = np.random.default_rng(7)
    hole = [pl.Series(rng.random(tickets.height) < 0.05) for _ in range(4)]
    return tickets.with_columns(
        category=pl.when(hole[0]).then(None).otherwise("category"),
        created_at=pl.when(hole[1]).then(None).otherwise("created_at"),
        agent=pl.when(hole[2]).then(None).otherwise("agent"),
        first_group=pl.when(hole[3]).then(pl.lit("g2")).otherwise(pl.lit("g1")),
        group=pl.lit("g1"),
    )


@pytest.mark.parametrize(
    ("owner", "every", "dense"),
    [
        ("escalating", "1mo", True),
        ("first", None, True),
        ("final", "1mo", False),
        ("escalating", None, False),
        ("first", "1mo", False),
        ("final", None, True),
    ],
)
def test_cells_from_codes_are_the_cells_from_text(
    untidy: pl.DataFrame,
    owner: str,
    every: str | None,
    dense: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lib.outliers import cells as cells_module

    if not dense:  # as many possible cells as a big export has: the hash group-by
        monkeypatch.setattr(cells_module, "DENSE_CELLS", 0)
    counted = []
    real = cells_module._count_coded
    monkeypatch.setattr(
        cells_module, "_count_coded", lambda *a: counted.append(real(*a)) or counted[-1]
    )
    case_mix = (*CASE_MIX, "first_group")
    codes = outliers.encode_tickets(untidy, case_mix)
    # a filter on the tickets' own columns, as the page's sidebar applies it
    keep = pl.col("channel") != "phone"
    coded = codes.attach(untidy).filter(keep)
    new = outliers.ticket_cells(coded, case_mix, owner, every=every, codes=codes)
    old = outliers.ticket_cells(untidy.lazy().filter(keep), case_mix, owner, every=every)
    _cells_equal(new, old)
    assert len(counted) == 1 and counted[0] is not None  # counted on the codes
    assert new.n_tickets == untidy.filter(keep).height
    assert codes.usable_terms(untidy, case_mix) == outliers.usable_case_mix(untidy, case_mix)


@pytest.mark.parametrize("dense", [True, False])
def test_a_column_with_no_value_is_counted_on_the_codes(
    untidy: pl.DataFrame, dense: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a helpdesk exports the first group but never fills it (the Zendesk-style demo at 10M):
    # it is a key of nulls, not a reason to count 10 million tickets on their text
    from lib.outliers import cells as cells_module

    if not dense:
        monkeypatch.setattr(cells_module, "DENSE_CELLS", 0)
    counted = []
    real = cells_module._count_coded
    monkeypatch.setattr(
        cells_module, "_count_coded", lambda *a: counted.append(real(*a)) or counted[-1]
    )
    # first_group never filled; priority a number (not coded), filled on phone tickets only
    t = untidy.with_columns(
        first_group=pl.lit(None, dtype=pl.String),
        priority=pl.when(pl.col("channel") == "phone").then(pl.col("priority").rank("dense")),
    )
    case_mix = (*CASE_MIX, "first_group")
    codes = outliers.encode_tickets(t, case_mix)
    assert "first_group" not in codes.levels and "priority" not in codes.levels
    keep = pl.col("channel") != "phone"  # no priority left in these tickets
    for owner in ("escalating", "final"):
        new = outliers.ticket_cells(
            codes.attach(t).filter(keep), case_mix, owner, every="1mo", codes=codes
        )
        _cells_equal(new, outliers.ticket_cells(t.filter(keep), case_mix, owner, every="1mo"))
        assert new.frame.schema["first_group"] == pl.String
        assert new.frame.get_column("priority").null_count() == new.frame.height
    assert [c is not None for c in counted] == [True, True]  # both counted on the codes
    # the phone tickets have a priority the codes do not cover: counted on the text
    every = outliers.ticket_cells(codes.attach(t), case_mix, every="1mo", codes=codes)
    _cells_equal(every, outliers.ticket_cells(t, case_mix, every="1mo"))
    assert counted[-1] is None


def test_codes_count_only_what_they_code(untidy: pl.DataFrame) -> None:
    # a case-mix column that is not text is not coded: counted on its values, as before
    t = untidy.with_columns(priority=pl.col("priority").rank("dense").cast(pl.Int32))
    codes = outliers.encode_tickets(t, CASE_MIX)
    assert "priority" not in codes.levels
    new = outliers.ticket_cells(codes.attach(t), CASE_MIX, every="1mo", codes=codes)
    _cells_equal(new, outliers.ticket_cells(t, CASE_MIX, every="1mo"))
    assert codes.usable_terms(t) == outliers.usable_case_mix(t)
    # first_group copying the final group is left out, as usable_case_mix does
    copied = untidy.with_columns(first_group=pl.col("group"))
    assert "first_group" not in outliers.encode_tickets(copied).usable_terms(copied)
    # codes of other tickets are refused, not silently misaligned
    with pytest.raises(ValueError, match="other tickets"):
        codes.attach(t.head(10))


def test_month_codes_follow_the_business_zone(untidy: pl.DataFrame) -> None:
    from lib.periods import use_zone

    with use_zone("Pacific/Auckland"):
        codes = outliers.encode_tickets(untidy)
        new = outliers.ticket_cells(codes.attach(untidy), CASE_MIX, every="1mo", codes=codes)
        _cells_equal(new, outliers.ticket_cells(untidy, CASE_MIX, every="1mo"))
    # codes made in another zone are not used for this one's months: counted on the text
    again = outliers.ticket_cells(codes.attach(untidy), CASE_MIX, every="1mo", codes=codes)
    _cells_equal(again, outliers.ticket_cells(untidy, CASE_MIX, every="1mo"))


def test_comparison_from_codes_is_unchanged(untidy: pl.DataFrame) -> None:
    codes = outliers.encode_tickets(untidy)
    opts = {"min_expected": 2.0}
    new = outliers.ticket_cells(codes.attach(untidy), CASE_MIX, every="1mo", codes=codes)
    old = outliers.ticket_cells(untidy, CASE_MIX, every="1mo")
    a, b = outliers.comparison_of_cells(new, **opts), outliers.comparison_of_cells(old, **opts)
    assert_frame_equal(a.table, b.table, rel_tol=1e-9, abs_tol=1e-12, check_exact=False)


def test_cell_index_numbers_agents_in_the_order_polars_sorts_them() -> None:
    # the comparison adds up each agent's cells in numpy: its table keeps the order of a
    # Polars sort of the names (accents, case, digits, emoji), the unassigned left out
    names = ["Émile", "emile", "Zoë", "ana", "Ana", "10x", "9", "😀 bot", "ß", "", None]
    rng = np.random.default_rng(5)
    agent = rng.choice(np.array(names, dtype=object), 400).tolist()
    counts = pl.DataFrame(
        {"agent": agent, "channel": rng.choice(["a", "b"], 400).tolist(), "n": 1, "o": 0},
        schema_overrides={"agent": pl.String},
    )
    index = loo.CellIndex.of(counts, ["channel"])
    agents, code = index.agent_codes
    assert agents == counts.get_column("agent").drop_nulls().unique().sort().to_list()
    assert [agents[c] if c >= 0 else None for c in code] == index.agent.to_list()
    assert index.rows_of({"ana", ""}).tolist() == (
        index.agent.is_in(["ana", ""]).fill_null(False).to_list()
    )
    asked = ["Zoë", "nobody", "9"]
    assert index.codes_of(asked).tolist() == [
        asked.index(a) if a in asked else -1 for a in index.agent.to_list()
    ]


@pytest.mark.parametrize("case_mix", [CASE_MIX, ("category", "channel", "first_group")])
def test_period_indexer_indexes_each_month_as_its_own_cells_would(
    untidy: pl.DataFrame, case_mix: tuple[str, ...]
) -> None:
    # the history indexes every month from numbers worked out once over all months: each
    # month's index must be the one its own counts give (cells, agents, levels, counts)
    cells = outliers.ticket_cells(untidy, case_mix, every="1mo")
    ordered, parts = cells.period_parts()
    whole = outliers.Cells(ordered, *cells._names())
    checked = 0
    for start, offset, size, _, part in parts:
        terms = part.usable_terms()
        fast = loo.PeriodIndexer.of(whole.filled(terms), terms).index(offset, size)
        slow = loo.CellIndex.of(part.counts(terms), terms)
        assert_frame_equal(fast.cells, slow.cells)
        assert fast.agent_codes[0] == slow.agent_codes[0]
        for term in terms:
            assert fast.level_codes.of(term)[0] == slow.level_codes.of(term)[0]
            assert fast.level_codes.of(term)[1].tolist() == slow.level_codes.of(term)[1].tolist()

        def rows_of(index: loo.CellIndex) -> list:
            names, code = index.agent_codes
            agent = [names[c] if c >= 0 else None for c in code]
            assert agent == index.agent.to_list()
            # added up per agent and cell: a month whose rows differ in a column left out of
            # its terms has several rows per agent and cell (its counts add them up)
            out = pl.DataFrame(
                {"agent": agent, "cell": index.cell, "n": index.n, "o": index.o},
                schema_overrides={"agent": pl.String},
            )
            return out.group_by("agent", "cell").agg(pl.sum("n", "o")).sort(pl.all()).rows()

        assert rows_of(fast) == rows_of(slow)
        checked += start is not None
    assert checked >= 6  # every dated month


def test_history_from_shared_numbers_is_the_history_month_by_month(untidy: pl.DataFrame) -> None:
    from lib.outliers import drilldown

    cells = outliers.ticket_cells(untidy, CASE_MIX, every="1mo")
    opts = {"min_expected": 2.0}
    new = drilldown.history_of_cells(cells, untidy, **opts)
    frames = []
    for start, part, _ in cells.by_period():  # each month on its own cells, as before
        table = outliers.comparison_of_cells(part, **opts).table
        frames.append(
            table.select(new.columns[:1])
            .with_columns(period_start=pl.lit(start, dtype=pl.Date))
            .hstack(table.select(new.columns[2:]))
        )
    old = pl.concat(frames).sort(["agent", "period_start"])
    assert_frame_equal(new, old, rel_tol=1e-9, abs_tol=1e-12, check_exact=False)
    assert new.get_column("flagged").any()  # a month with a flag: the comparison is not idle
