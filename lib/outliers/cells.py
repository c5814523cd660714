"""Tickets as counted cells: the one pass over the tickets an agent comparison needs (issue 18).

Everything :func:`lib.outliers.agent_comparison` computes depends on the tickets only through
how many tickets (``n``) and escalations (``o``) each credited agent has in each combination of
case-mix levels. :func:`ticket_cells` counts them in one lazy group-by over the few columns it
needs (no copy of the other columns), with the period (month by default) as a key when a
month-by-month history is wanted, and what the owner choice and the ``first_group`` check need
per cell. Comparisons then run on these cells (a few hundred thousand rows at 10 million
tickets), each month's on its own slice of them.

>>> from datetime import datetime, timezone
>>> t = pl.DataFrame({"agent": ["a", "a", "b"], "category": ["x", "x", None],
...     "escalated": [True, False, True],
...     "created_at": [datetime(2024, m, 2, tzinfo=timezone.utc) for m in (1, 1, 2)]})
>>> c = ticket_cells(t, ["category", "month"], "final")
>>> c.frame.sort("agent").select("agent", "category", "month", "n", "o").rows()
[('a', 'x', '2024-01', 2, 1), ('b', None, '2024-02', 1, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from lib.outliers.casemix import DERIVED_TERMS, NONE_LEVEL
from lib.outliers.codes import MONTH, PREFIX, TicketCodes, code_name, month_start
from lib.outliers.inputs import OutlierError
from lib.outliers.owner import OWNERS, owner_choice, owner_expr
from lib.periods import business_zone, local_day

#: The period key of cells counted per period.
PERIOD = "__period"


@dataclass(frozen=True)
class Cells:
    """Tickets counted per credited agent and case-mix levels (and period).

    ``frame`` has ``agent`` (null: unassigned), the case-mix columns the tickets have (text,
    missing values kept as null), ``__period`` when counted per period, ``n``, ``o``, and
    ``fg_differs`` (escalated tickets whose ``first_group`` is not their final ``group``) when
    both columns exist, ``by_n``/``first_n`` (tickets with ``escalated_by``/``first_agent``).
    """

    frame: pl.DataFrame
    #: The case-mix columns asked for, in order (``case_mix`` of the comparison).
    case_mix: tuple[str, ...]
    #: The owner choice asked for and the one used (see :func:`lib.outliers.responsible_owner`).
    requested: str
    used: str
    #: The period counted per (``every`` of :func:`ticket_cells`; None: no period key).
    every: str | None = None

    @property
    def n_tickets(self) -> int:
        return int(self.frame.get_column("n").sum() or 0)

    @property
    def n_unassigned(self) -> int:
        return int(self.frame.filter(pl.col("agent").is_null()).get_column("n").sum() or 0)

    def usable_terms(self) -> tuple[str, ...]:
        """The case-mix columns with more than one non-null level (as ``usable_case_mix``)."""
        terms: list[str] = []
        for column in self.case_mix:
            if column == "first_group" and self.copies_final_group():
                continue
            if (
                column in self.frame.columns
                and column not in terms
                and self.frame.get_column(column).drop_nulls().n_unique() > 1
            ):
                terms.append(column)
        return tuple(terms)

    def copies_final_group(self) -> bool:
        """Whether ``first_group`` only copies ``group`` on the escalated tickets."""
        if "fg_differs" not in self.frame.columns:
            return False
        escalated = int(self.frame.get_column("o").sum() or 0)
        return escalated > 0 and int(self.frame.get_column("fg_differs").sum() or 0) == 0

    def counts(self, terms: Iterable[str]) -> pl.DataFrame:
        """Tickets (n) and escalations (o) per agent and combination of ``terms``' levels, as
        ``casemix._counts(tickets, terms, by=["agent"])`` gives them."""
        terms = tuple(terms)
        if self._one_row_per(terms):  # nothing to add up: each row is one agent's cell already
            return self.filled(terms)
        keys = [pl.col("agent")] + [pl.col(t).fill_null(NONE_LEVEL) for t in terms]
        return self.frame.group_by(keys).agg(pl.col("n").sum(), pl.col("o").sum())

    def _one_row_per(self, terms: Iterable[str]) -> bool:
        """Whether the rows are already one per agent and combination of ``terms``' levels:
        the frame's keys are exactly those (its period is the month, when a term)."""
        keys = set(self.frame.columns) - {"n", "o", "fg_differs", "by_n", "first_n", PERIOD}
        terms = set(terms)
        month_is_period = "month" in terms and self.every == "1mo"
        return keys == {"agent", *terms} and (PERIOD not in self.frame.columns or month_is_period)

    def periods(self) -> list:
        """The periods counted (first seen first)."""
        return self.frame.get_column(PERIOD).unique(maintain_order=True).to_list()

    def period(self, start) -> Cells:
        """The cells of one period (``None``: tickets with no creation date)."""
        part = self.frame.filter(pl.col(PERIOD).eq_missing(start)).drop(PERIOD)
        return Cells(part, *self._names())

    def by_period(self) -> list[tuple[Any, Cells, str]]:
        """Each period (in date order, undated last) with its cells and the owner a comparison
        of its tickets alone would use: :meth:`period` and :meth:`owner_in` of every period,
        the cells sorted by period once and sliced instead of filtered twice per period."""
        return [(start, part, owner) for start, _, _, owner, part in self.period_parts()[1]]

    def period_parts(self) -> tuple[pl.DataFrame, list[tuple[Any, int, int, str, Cells]]]:
        """The cells sorted by period (undated last), and each period's start, first row,
        number of rows, owner and cells (see :meth:`by_period`)."""
        ordered = self.frame.sort(PERIOD, maintain_order=True, nulls_last=True)
        sizes = ordered.group_by(PERIOD, maintain_order=True).len()
        out, offset = [], 0
        for start, size in sizes.iter_rows():
            part = ordered.slice(offset, size)
            cells = Cells(part.drop(PERIOD), *self._names())
            out.append((start, offset, size, self._owner_of(part), cells))
            offset += size
        return ordered, out

    def filled(self, terms: Iterable[str]) -> pl.DataFrame:
        """Agent, ``terms`` (missing values as ``(none)``), ``n`` and ``o`` of every row, as
        :meth:`counts` reads them (without adding up rows)."""
        keys = [pl.col(t).fill_null(NONE_LEVEL) for t in terms]
        return self.frame.select("agent", *keys, "n", "o")

    def _names(self) -> tuple[tuple[str, ...], str, str]:
        return self.case_mix, self.requested, self.used

    def _owner_of(self, part: pl.DataFrame) -> str:
        return owner_choice(
            self.requested,
            has_by=int(part.get_column("by_n").sum() or 0) > 0,
            has_first=int(part.get_column("first_n").sum() or 0) > 0,
        )

    def owner_in(self, start) -> str:
        """The owner a comparison of one period's tickets alone would use."""
        return self._owner_of(self.frame.filter(pl.col(PERIOD).eq_missing(start)))


def _as_lazy(tickets: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    return tickets.lazy() if isinstance(tickets, pl.DataFrame) else tickets


#: With at most this many possible cells (products of the keys' codes), the coded count adds
#: up into arrays of that size (8 bytes a cell, one at a time) instead of a hash group-by.
DENSE_CELLS = 2**23


def _count_dense(
    lazy: pl.LazyFrame, number: pl.Expr, values: list[tuple[str, pl.Expr | None]], size: int
) -> pl.DataFrame:
    """Tickets and ``values`` added up per cell number below ``size`` (``np.bincount``): the
    cells with tickets, as the group-by by ``__cell`` would give them."""
    wanted = [(name, v) for name, v in values if v is not None]
    rows = lazy.select(
        number.alias("__cell"), *[v.cast(pl.UInt8).alias(name) for name, v in wanted]
    ).collect()
    cell = rows.get_column("__cell").to_numpy()
    tickets = np.bincount(cell, minlength=size)
    seen = np.flatnonzero(tickets)
    out = {"__cell": seen, "n": tickets[seen]}
    for name, v in values:
        if v is None:
            out[name] = np.zeros(seen.size, dtype=np.int64)
        else:
            added = np.bincount(cell, weights=rows.get_column(name).to_numpy(), minlength=size)
            out[name] = added[seen].astype(np.int64)  # sums of 0/1 below 2**53: exact
    return pl.DataFrame(out, schema={k: pl.Int64 for k in out})


def _count_coded(
    lazy: pl.LazyFrame,
    have: set[str],
    codes: TicketCodes,
    keys: list[str],
    sums: tuple[list[pl.Expr], list[tuple[str, pl.Expr | None]]],
    owner: tuple[pl.Expr, list[str]],
    empty: frozenset[str] = frozenset(),
) -> pl.DataFrame | None:
    """The group-by of :func:`ticket_cells` on the tickets' codes (``codes`` attached to
    ``lazy``): one 64-bit number per ticket made of the keys' codes, grouped, then turned back
    into the keys' text (and month dates) once per cell. ``empty``: keys with no value in these
    tickets (null in every cell: they need no code; a column a helpdesk exports but never
    fills). None when another key is not coded (or the numbers would not fit): the caller
    counts on the text then."""
    parts: list[tuple[str, pl.Expr | None, int, int]] = []  # key, code, first code, codes
    for name in keys:
        if name in empty:
            parts.append((name, None, 0, 0))  # one digit value: 0, null
        elif name == "agent":
            credit, columns = owner
            if not all(c in codes.levels and code_name(c) in have for c in columns):
                return None
            parts.append((name, credit, 0, codes.levels["agent"].len()))
        elif name in (PERIOD, "__month"):
            if codes.month_range is None or codes.zone != business_zone():
                return None
            lo, hi = codes.month_range
            parts.append((name, pl.col(code_name(MONTH)), lo, hi - lo + 1))
        elif name in codes.levels and code_name(name) in have:
            parts.append((name, pl.col(code_name(name)), 0, codes.levels[name].len()))
        else:
            return None
    strides, stride = [], 1
    for *_, size in reversed(parts):
        strides.append(stride)
        stride *= size + 1  # 0 stands for null
    if stride >= 2**62:
        return None
    strides.reverse()
    number = pl.lit(0, dtype=pl.Int64)
    for (_, code, first, _), step in zip(parts, strides, strict=True):
        if code is not None:
            number = number + (code.cast(pl.Int64) - (first - 1)).fill_null(0) * step
    aggs, values = sums
    if stride <= DENSE_CELLS:  # few possible cells: counted into an array, no hash table
        counted = _count_dense(lazy, number, values, stride)
    else:
        counted = lazy.group_by(number.alias("__cell")).agg(aggs).collect()
    cell = pl.col("__cell")
    decoded = []
    for (name, code, first, size), step in zip(parts, strides, strict=True):
        if code is None:
            decoded.append(pl.lit(None, dtype=pl.String).alias(name))
            continue
        digit = cell // step % (size + 1)
        index = pl.when(digit > 0).then(digit - 1)
        if name in (PERIOD, "__month"):
            decoded.append(month_start(index + first).alias(name))
        else:
            text = codes.levels["agent" if name == "agent" else name]
            decoded.append(pl.lit(text).gather(index).alias(name))
    return counted.select(*decoded, pl.exclude("__cell"))


def ticket_cells(
    tickets: pl.DataFrame | pl.LazyFrame,
    case_mix: Iterable[str],
    owner: str = "escalating",
    *,
    every: str | None = None,
    codes: TicketCodes | None = None,
) -> Cells:
    """Count ``tickets`` into :class:`Cells` in one pass (see the module notes).

    ``tickets`` may be lazy (a filtered scan of a shared frame): only the columns used are
    read. ``every`` (a Polars duration such as ``"1mo"``) adds the business-zone period of
    ``created_at`` as a key. With ``codes`` (:mod:`lib.outliers.codes`, attached to the
    tickets by ``codes.attach``), the tickets are grouped on their codes instead of their
    text: the same cells, several times faster on millions of tickets.
    """
    if owner not in OWNERS:
        raise OutlierError(f"owner must be one of {list(OWNERS)}, got {owner!r}")
    if isinstance(case_mix, str):
        case_mix = (case_mix,)
    case_mix = tuple(case_mix)
    lazy = _as_lazy(tickets)
    have = set(lazy.collect_schema().names())
    esc = pl.col("escalated").fill_null(False)
    # case-mix columns the codes do not cover: whether these tickets have a value in them
    # (a column with none is a key of nulls, counted on the codes all the same)
    uncoded = [] if codes is None else [c for c in case_mix if c in have and c not in codes.levels]
    filled = lazy.select(
        *[pl.col(c).is_not_null().any().alias(f"has:{c}") for c in dict.fromkeys(uncoded)],
        by=pl.col("escalated_by").is_not_null().any() if "escalated_by" in have else pl.lit(False),
        first=pl.col("first_agent").is_not_null().any() if "first_agent" in have else pl.lit(False),
    ).collect()
    empty = frozenset(c for c in uncoded if not filled.item(0, f"has:{c}"))
    used = owner_choice(
        owner, has_by=bool(filled.item(0, "by")), has_first=bool(filled.item(0, "first"))
    )
    keys: list[pl.Expr] = [owner_expr(used, has_first=bool(filled.item(0, "first"))).alias("agent")]
    month = None
    derived = [
        c for c in case_mix if c in DERIVED_TERMS and c not in have and DERIVED_TERMS[c] in have
    ]
    if "month" in derived:
        month = local_day("created_at").dt.month_start()
    if every is not None:
        period = local_day("created_at").dt.truncate(every)
        keys.append(period.alias(PERIOD))
    seen: set[str] = set()
    for column in case_mix:
        if column in seen or (column == "month" and month is not None):
            continue
        seen.add(column)
        if column in have:
            keys.append(pl.col(column).cast(pl.String).alias(column))
    if month is not None and every != "1mo":
        keys.append(month.alias("__month"))
    # what is added up per cell besides the tickets: a 0/1 value per ticket (None: always 0)
    values: list[tuple[str, pl.Expr | None]] = [("o", esc)]
    if {"first_group", "group"} <= have and "first_group" in case_mix:
        values.append(("fg_differs", esc & ~pl.col("first_group").eq_missing(pl.col("group"))))
    for name, column, key in (("by_n", "escalated_by", "by"), ("first_n", "first_agent", "first")):
        # a column with no value in these tickets counts 0 in every cell: nothing to add up
        any_value = column in have and bool(filled.item(0, key))
        values.append((name, pl.col(column).is_not_null() if any_value else None))
    aggs = [pl.len().cast(pl.Int64).alias("n")] + [
        (pl.lit(0, dtype=pl.Int64) if v is None else v.cast(pl.Int64).sum()).alias(name)
        for name, v in values
    ]
    frame = None
    if codes is not None and every in (None, "1mo"):
        has_first = bool(filled.item(0, "first"))
        credit = owner_expr(used, has_first=has_first, prefix=PREFIX)
        named = ["agent", *(["first_agent"] if has_first and used != "final" else [])]
        named += ["escalated_by"] if used == "escalating" else []
        names = [k.meta.output_name() for k in keys]
        frame = _count_coded(lazy, have, codes, names, (aggs, values), (credit, named), empty)
    if frame is None:
        frame = lazy.group_by(keys).agg(aggs).collect()
    if month is not None:
        source = PERIOD if every == "1mo" else "__month"
        frame = frame.with_columns(pl.col(source).dt.strftime("%Y-%m").alias("month"))
        if source == "__month":
            frame = frame.drop("__month")
    return Cells(frame, case_mix, owner, used, every)


__all__ = ["PERIOD", "Cells", "ticket_cells"]
