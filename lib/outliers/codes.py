"""The tickets' text keys as small integer codes, made once per snapshot (issue 18).

Counting 10 million tickets into cells (:func:`lib.outliers.ticket_cells`) grouped them on
six keys, five of them text: every row's strings were hashed and compared. Here each text
column an agent comparison groups on (the owner columns, the case-mix columns) is coded once
as a dense integer (a Polars categorical with its own categories: the codes run 0, 1, ...
in order of first appearance), and the month as ``year * 12 + month - 1`` of the business
day. :meth:`TicketCodes.attach` puts the codes beside the tickets (no copy), so filters still
read the tickets' own columns; ``ticket_cells`` then groups on one 64-bit number per ticket
made of the codes, and turns each cell's number back into its text once per cell.

The agent, first-owner and escalated-by columns share one set of codes, so crediting a ticket
(``coalesce`` of the three) works on the codes as it does on the names.

>>> from datetime import datetime, timezone
>>> t = pl.DataFrame({"agent": ["a", "b", "a"], "category": ["x", None, "y"],
...     "created_at": [datetime(2024, m, 2, tzinfo=timezone.utc) for m in (1, 1, 2)]})
>>> c = encode_tickets(t)
>>> c.frame.get_column("__code:category").to_list(), c.levels["category"].to_list()
([0, None, 1], ['x', 'y'])
>>> c.frame.get_column("__code:month").to_list()
[24288, 24288, 24289]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from lib.outliers.casemix import CASE_MIX, DERIVED_TERMS, _copies_final_group
from lib.periods import business_zone, local_day
from lib.sidecar_file import checked_rows, write_whole

#: Prefix of the code columns :meth:`TicketCodes.attach` adds beside the tickets.
PREFIX = "__code:"
#: Columns credited to an agent, coded with one shared set of codes.
OWNER_COLUMNS: tuple[str, ...] = ("agent", "first_agent", "escalated_by")
#: The month code's column (year * 12 + month - 1 of the business-zone day).
MONTH = "month"
#: The codes' file name beside a snapshot (``Store.sidecar_path``): made once, read by every
#: later process instead of coding the snapshot again (:func:`write_codes`, :func:`read_codes`).
CODES_SIDECAR = "codes.parquet"
#: Kept in the file: codes written by another version of :func:`encode_tickets` are made again.
CODES_VERSION = "1"


def code_name(column: str) -> str:
    """The name of ``column``'s code column.

    >>> code_name("agent")
    '__code:agent'
    """
    return PREFIX + column


def month_code(column: str = "created_at") -> pl.Expr:
    """The business-zone month of a timestamp as one integer, ``year * 12 + month - 1``.

    >>> from datetime import datetime, timezone
    >>> pl.DataFrame({"t": [datetime(2024, 3, 2, tzinfo=timezone.utc)]}).select(
    ...     month_code("t")).item()
    24290
    """
    day = local_day(column)
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def month_start(code: pl.Expr) -> pl.Expr:
    """The first day of the month a :func:`month_code` names (a Date).

    >>> pl.DataFrame({"m": [24290]}).select(month_start(pl.col("m"))).item()
    datetime.date(2024, 3, 1)
    """
    return pl.date(code // 12, code % 12 + 1, 1)


@dataclass(frozen=True)
class TicketCodes:
    """The codes of one frame of tickets (in its row order) and what each code stands for.

    ``frame`` has ``__code:<column>`` (UInt32, null where the ticket's value is null) for each
    coded text column and ``__code:month`` (Int32) when the tickets have ``created_at``;
    ``levels[column][code]`` is the text of a code; ``months`` is how many distinct months
    the tickets have and ``month_range`` the first and last month code (None: no dates);
    ``zone`` the business zone the months were counted in.
    """

    frame: pl.DataFrame
    levels: dict[str, pl.Series]
    months: int
    month_range: tuple[int, int] | None
    zone: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The coded text columns."""
        return tuple(self.levels)

    def attach(self, tickets: pl.DataFrame) -> pl.LazyFrame:
        """``tickets`` (the frame these codes were made from) with the code columns beside
        them, lazily: filters and counts read only the columns they name."""
        if tickets.height != self.frame.height:
            raise ValueError("the codes were made from other tickets")
        return pl.concat([tickets.lazy(), self.frame.lazy()], how="horizontal")

    def usable_terms(
        self, tickets: pl.DataFrame, case_mix: Iterable[str] = CASE_MIX
    ) -> tuple[str, ...]:
        """:func:`lib.outliers.usable_case_mix` of ``tickets`` (the frame coded) read from the
        codes: a column's levels are the values it has."""
        if isinstance(case_mix, str):
            case_mix = (case_mix,)
        terms: list[str] = []
        for column in case_mix:
            if column in terms:
                continue
            if column == "first_group" and _copies_final_group(tickets):
                continue
            if column in self.levels and column not in OWNER_COLUMNS:
                distinct = self.levels[column].len()
            elif column == MONTH and column not in tickets.columns:
                distinct = self.months
            elif column in tickets.columns:  # not coded (not text): counted as before
                distinct = tickets.get_column(column).drop_nulls().n_unique()
            else:
                distinct = 0
            if distinct > 1:
                terms.append(column)
        return tuple(terms)


def _smallest(size: int) -> pl.DataType:
    """The smallest unsigned integer type holding the codes 0 to ``size - 1``."""
    return pl.UInt8() if size <= 2**8 else pl.UInt16() if size <= 2**16 else pl.UInt32()


def _plan(tickets: pl.DataFrame, case_mix: Iterable[str]) -> tuple[list[str], list[str], bool]:
    """The owner and case-mix text columns :func:`encode_tickets` codes (text with a value
    somewhere: an empty column needs none), and whether it derives the month."""
    have = tickets.schema

    def worth(column: str) -> bool:
        return (
            column in have
            and have[column] == pl.String
            and tickets.get_column(column).null_count() < tickets.height
        )

    case_mix = tuple(case_mix)
    text = [c for c in dict.fromkeys(case_mix) if worth(c)]
    owners = [c for c in OWNER_COLUMNS if worth(c)]
    derived = MONTH in case_mix and MONTH not in have and DERIVED_TERMS[MONTH] in have
    return owners, text, derived


def encode_tickets(tickets: pl.DataFrame, case_mix: Iterable[str] = CASE_MIX) -> TicketCodes:
    """Code the owner columns, the text case-mix columns of ``case_mix`` and the month of
    ``tickets`` (see the module notes): one pass per column, the columns in parallel."""
    owners, text, derived = _plan(tickets, case_mix)
    shared = pl.Categorical(pl.Categories.random())
    exprs = [pl.col(c).cast(shared).alias(c) for c in owners]
    exprs += [pl.col(c).cast(pl.Categorical(pl.Categories.random())).alias(c) for c in text]
    if derived:
        exprs.append(month_code(DERIVED_TERMS[MONTH]).alias(MONTH))
    coded = tickets.select(exprs)
    levels: dict[str, pl.Series] = {}
    for column in [*owners, *text]:
        # the categories' own text in code order (the shared one: every owner's name)
        levels[column] = coded.schema[column].categories.to_series()
    month = coded.get_column(MONTH).drop_nulls() if derived else pl.Series([], dtype=pl.Int32)
    months = month.n_unique()
    month_range = (int(month.min()), int(month.max())) if months else None  # type: ignore[arg-type]
    frame = coded.select(
        *[
            pl.col(c).to_physical().cast(_smallest(levels[c].len())).alias(code_name(c))
            for c in [*owners, *text]
        ],
        *([pl.col(MONTH).alias(code_name(MONTH))] if derived else []),
    )
    return TicketCodes(frame, levels, months, month_range, business_zone())


def write_codes(path: Path | str, codes: TicketCodes, *, beside: Path | None = None) -> bool:
    """Keep ``codes`` in the file ``path`` (the codes as Parquet columns, what they stand for
    in its metadata); False when it cannot be written (a read-only folder, a full disk: the
    codes then stay in memory only, and no temporary file is left). Written whole, then
    renamed: a reader never sees half a file. ``beside``: the snapshot they were made from;
    when it is gone by then (deleted, or replaced by another), nothing is kept.

    >>> import tempfile, pathlib
    >>> side = pathlib.Path(tempfile.mkdtemp(), CODES_SIDECAR)
    >>> t = pl.DataFrame({"agent": ["a", "b", "a"]})
    >>> write_codes(side, encode_tickets(t)), read_codes(side, t).levels["agent"].to_list()
    (True, ['a', 'b'])
    """
    meta = {
        "codes_version": CODES_VERSION,
        "codes_zone": codes.zone,
        "codes_rows": str(codes.frame.height),
        "codes_levels": json.dumps({c: s.to_list() for c, s in codes.levels.items()}),
        "codes_months": str(codes.months),
        "codes_month_range": json.dumps(codes.month_range),
    }
    return write_whole(
        path,
        ".parquet",
        lambda tmp: codes.frame.write_parquet(tmp, compression="lz4", metadata=meta),
        beside=beside,
    )


def read_codes(
    path: Path | str, tickets: pl.DataFrame, case_mix: Iterable[str] = CASE_MIX
) -> TicketCodes | None:
    """The codes :func:`write_codes` kept for ``tickets`` (the frame they were made from, in
    the same row order: a snapshot's tickets), as :func:`encode_tickets` would make them in
    the current business zone; None when the file is missing, damaged or foreign, or was made
    by another version, in another zone, for another number of tickets or other columns
    (then they are made again)."""
    side = Path(path)
    if not side.is_file():
        return None
    owners, text, derived = _plan(tickets, case_mix)
    names = [*owners, *text]
    wanted = [code_name(c) for c in names] + ([code_name(MONTH)] if derived else [])
    try:
        meta = pl.read_parquet_metadata(side)
        if (
            meta.get("codes_version") != CODES_VERSION
            or meta.get("codes_zone") != business_zone()
            or meta.get("codes_rows") != str(tickets.height)
        ):
            return None
        kept = json.loads(meta["codes_levels"])
        if list(kept) != names:
            return None
        levels = {c: pl.Series(c, kept[c], dtype=pl.String) for c in names}
        span = json.loads(meta["codes_month_range"])
        months = int(meta["codes_months"])
        frame = pl.read_parquet(side)
    except Exception:  # polars, json and int() raise several types for a damaged file
        return None
    expected = [_smallest(levels[c].len()) for c in names] + ([pl.Int32()] if derived else [])
    if frame.columns != wanted or frame.dtypes != expected or frame.height != tickets.height:
        return None
    if not _agrees(frame, levels, derived, tickets):
        return None
    month_range = (int(span[0]), int(span[1])) if span else None
    return TicketCodes(frame, levels, months, month_range, business_zone())


def _agrees(
    frame: pl.DataFrame, levels: dict[str, pl.Series], derived: bool, tickets: pl.DataFrame
) -> bool:
    """Whether the codes of the tickets :func:`lib.sidecar_file.checked_rows` picks stand for
    their own values (a file made from other tickets of the same size and columns fails)."""
    rows = checked_rows(tickets.height)
    codes = frame[rows]
    used = [*levels, *([DERIVED_TERMS[MONTH]] if derived else [])]
    sample = tickets.select(used)[rows]
    for column, level in levels.items():
        try:  # a code beyond the levels: a damaged file
            said = level.gather(codes.get_column(code_name(column)))
        except pl.exceptions.PolarsError:
            return False
        if not said.equals(sample.get_column(column), check_names=False):
            return False
    if derived:
        month = sample.select(month_code(DERIVED_TERMS[MONTH])).to_series()
        if not month.equals(codes.get_column(code_name(MONTH)), check_names=False):
            return False
    return True


__all__ = [
    "CODES_SIDECAR",
    "CODES_VERSION",
    "MONTH",
    "OWNER_COLUMNS",
    "PREFIX",
    "TicketCodes",
    "code_name",
    "encode_tickets",
    "month_code",
    "month_start",
    "read_codes",
    "write_codes",
]
