"""Free text and tags: text stripped with placeholders as null, tag lists split and tidied."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from lib.ingest.normalise._common import _distinct_codes, _map_series
from lib.ingest.normalise.placeholders import PLACEHOLDERS, _clean_strings


def clean_text(s: pl.Series) -> pl.Series:
    """Strip, collapse runs of whitespace to one space, and turn placeholders into null.

    >>> import polars as pl
    >>> clean_text(pl.Series(["  Printer   on fire\\n now ", "N/A", None])).to_list()
    ['Printer on fire now', None, None]
    """
    if isinstance(s.dtype, pl.List):
        s = s.cast(pl.List(pl.String)).list.join(", ")
    elif s.dtype != pl.String:
        s = s.cast(pl.String)
    # Scans are much cheaper than rewriting every value: only rewrite when needed.
    if s.str.contains(r"\s\s|[\t\r\n\v\f]|^\s|\s$").any():
        s = s.str.replace_all(r"\s+", " ").str.strip_chars()
    return _clean_strings(s)


def one_name(
    s: pl.Series, *, last: bool, rank: Callable[[pl.Expr], pl.Expr] | None = None
) -> tuple[pl.Series, int]:
    """Cells that list several names, one per line (GLPI's co-assigned technicians or groups),
    cut to one: the last listed or, with ``last=False``, the first; with ``rank``, the one it
    ranks highest (ties: as before); and how many cells listed several. Other cells are left
    as they are.

    >>> import polars as pl
    >>> one_name(pl.Series(["Dupont Marie\\nMartin Paul", "Ann", None]), last=True)[0].to_list()
    ['Martin Paul', 'Ann', None]
    >>> by_len = lambda e: e.str.len_chars()
    >>> one_name(pl.Series(["Support N2\\nN1"]), last=True, rank=by_len)[0].to_list()
    ['Support N2']
    """
    if s.dtype != pl.String:
        s = s.cast(pl.String)
    several = s.str.contains(r"\S\s*\n\s*\S").fill_null(False)
    n = int(several.sum())
    if n == 0:
        return s, 0
    lines = s.str.split("\n").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
    )
    if rank is not None:  # the lines ranked highest, then the last (or first) of them
        ranked = lines.list.eval(rank(pl.element()).fill_null(0))
        top = ranked.list.eval(
            pl.int_range(pl.element().len()).filter(pl.element() == pl.element().max())
        )
        lines = pl.select(pl.lit(lines).list.gather(pl.lit(top))).to_series()
    pick = lines.list.last() if last else lines.list.first()
    return pl.select(pl.when(several).then(pick).otherwise(s)).to_series().alias(s.name), n


def split_tags(s: pl.Series) -> pl.Series:
    """Split tag cells into lower-case lists without duplicates (order kept).

    Splits on commas, semicolons and pipes; on whitespace only when no value in the column has
    any of those (Zendesk separates tags with spaces). Lists (JSON, Parquet) are cleaned the
    same way. Nulls become empty lists.

    >>> import polars as pl
    >>> split_tags(pl.Series(["VIP billing vip", None])).to_list()
    [['vip', 'billing'], []]
    >>> split_tags(pl.Series(["Refund; Late delivery|refund", "a,b"])).to_list()
    [['refund', 'late delivery'], ['a', 'b']]
    """
    empty = pl.lit([], dtype=pl.List(pl.String))
    if isinstance(s.dtype, pl.List):
        lists = s.cast(pl.List(pl.String)).list.eval(pl.element().str.to_lowercase())
        return _map_series(lists, lambda v: _tidy_tags(v).fill_null(empty))
    text = s if s.dtype == pl.String else s.cast(pl.String)
    # Tag cells repeat a lot: each distinct cell is split once, then gathered by its code.
    coded = _distinct_codes(text, text.len() // 2)
    cells = text if coded is None else coded[0]
    sep = r"[,;|]" if cells.str.contains(r"[,;|]").any() else r"\s+"
    if coded is None:  # mostly distinct: split every row
        return _map_series(text, lambda v: _split(v, sep).fill_null(empty))
    distinct, codes = coded
    lists = _map_series(distinct, lambda v: _split(v, sep))
    return _map_series(lists.gather(codes), lambda v: v.fill_null(empty)).alias(s.name)


def _split(text: pl.Expr, sep: str) -> pl.Expr:
    return _tidy_tags(text.str.to_lowercase().str.replace_all(sep, "\x1f").str.split("\x1f"))


def _tidy_tags(lists: pl.Expr) -> pl.Expr:
    """Strip each tag (and JSON brackets/quotes), drop empty and placeholder tags, dedupe."""
    tag = pl.element().str.strip_chars(" \t\r\n\"'[]")
    return lists.list.eval(tag.filter(~tag.is_in(list(PLACEHOLDERS)))).list.unique(
        maintain_order=True
    )
