"""Pseudonymisation of personal data before anything is stored.

Customer names and e-mail addresses are replaced by stable pseudonyms (a keyed hash, so the
same customer gets the same pseudonym in every import made with the same key, and repeat
contacts still count); e-mail addresses and phone numbers inside free text (subjects,
descriptions and every other text column of the export, scanned in full) are replaced by
placeholders, and so are those in the data-quality report (``mask_report``). Analytics keep
working on the pseudonyms.

Example
-------
>>> import polars as pl
>>> t = pl.DataFrame({"customer": ["Acme Ltd", "Acme Ltd", None],
...                   "subject": ["Call me on +44 20 7946 0958", "mail ann@acme.com", "ok"]})
>>> out = pseudonymise(t, key=b"k")
>>> out.get_column("customer").to_list()[0] == out.get_column("customer").to_list()[1]
True
>>> out.get_column("customer")[0].startswith("customer-"), out.get_column("customer")[2]
(True, None)
>>> out.get_column("subject").to_list()
['Call me on [phone]', 'mail [email]', 'ok']
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

EMAIL_RE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
#: Phone numbers: an optional +, then 7 or more digits with spaces, dots, dashes, brackets.
PHONE_RE = r"\+?\(?\d[\d\s().-]{6,}\d"
#: A whole value that is a date/time or a plain number (ids, counts, timestamps): not a phone.
_NOT_PHONE_RE = (
    r"^\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"(\s*[AaPp][Mm])?\s*(Z|UTC|[+-]\d{2}:?\d{2})?|-?\d+([.,]\d+)?)\s*$"
)

#: Canonical columns that hold a person or organisation: replaced by pseudonyms.
IDENTITY_COLUMNS = ("customer",)
#: Canonical free-text columns: e-mails and phone numbers inside are masked.
TEXT_COLUMNS = ("subject", "_description")
#: Export column names that hold a person (requester, caller, e-mail...): pseudonymised.
_PERSON_NAME_RE = re.compile(
    r"(?i)(requester|customer|caller|contact|e-?mail|^from\b|full name|reporter|"
    r"organi[sz]ation|company|account name|opened by|participants|phone)"
)


def pseudonym(value: str, *, key: bytes, prefix: str = "customer") -> str:
    """A stable pseudonym for one value.

    >>> pseudonym("Acme", key=b"k") == pseudonym("acme ", key=b"k")
    True
    """
    digest = hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:10]
    return f"{prefix}-{digest}"


def _pseudonymise_series(s: pl.Series, *, key: bytes, prefix: str) -> pl.Series:
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique()
    mapped = [pseudonym(v, key=key, prefix=prefix) for v in uniq.to_list()]
    return s.replace_strict(uniq, mapped, default=None, return_dtype=pl.String)


def mask_text(expr: pl.Expr) -> pl.Expr:
    """Replace e-mail addresses and phone numbers inside text by ``[email]`` / ``[phone]``.

    A value that is only a date, a time stamp or a plain number is left as it is.

    >>> pl.select(mask_text(pl.lit("write to a.b@x.org or 0171 234 5678"))).item()
    'write to [email] or [phone]'
    >>> s = pl.Series(["2024-03-01 10:00:00", "12345678", "+44 20 7946 0958"])
    >>> pl.select(mask_text(pl.lit(s))).to_series().to_list()
    ['2024-03-01 10:00:00', '12345678', '[phone]']
    """
    masked = expr.str.replace_all(EMAIL_RE, "[email]").str.replace_all(PHONE_RE, "[phone]")
    return pl.when(expr.str.contains(_NOT_PHONE_RE)).then(expr).otherwise(masked)


def mask_report(report: Any) -> Any:
    """The data-quality report (nested dicts and lists) with every string masked.

    Failed-value examples, file notes (a footer line), warnings and dropped-row reasons can
    quote the export; stored reports of a pseudonymised import must not.

    >>> mask_report({"parse": [{"examples": [(3, "dave.created@acme.com")]}], "rows_read": 12})
    {'parse': [{'examples': [(3, '[email]')]}], 'rows_read': 12}
    """
    found: list[str] = []
    _walk(report, found.append)
    if not found:
        return report
    masked = iter(pl.DataFrame({"v": found}).select(mask_text(pl.col("v"))).to_series().to_list())
    return _rebuild(report, masked)


def _walk(value: Any, visit: Any) -> None:
    if isinstance(value, str):
        visit(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            _walk(k, visit)
            _walk(v, visit)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, visit)


def _rebuild(value: Any, masked: Iterator[str]) -> Any:
    """``value`` with its strings replaced, in the order ``_walk`` visited them."""
    if isinstance(value, str):
        return next(masked)
    if isinstance(value, dict):
        return {_rebuild(k, masked): _rebuild(v, masked) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_rebuild(v, masked) for v in value)
    return value


def person_columns(columns: Iterable[str]) -> list[str]:
    """Export (``raw:``) columns whose names say they hold a person or organisation.

    >>> person_columns(["raw:Requester", "raw:Subject", "raw:Requester email", "raw:Via"])
    ['raw:Requester', 'raw:Requester email']
    """
    return [c for c in columns if c.startswith("raw:") and _PERSON_NAME_RE.search(c[4:])]


def pseudonymise(frame: pl.DataFrame, *, key: bytes) -> pl.DataFrame:
    """Pseudonymise a ticket frame (canonical columns, optionally with ``raw:*`` extras).

    Identity columns and person-like export columns get keyed pseudonyms; the free-text
    columns and every other export (``raw:``) text column have e-mail addresses and phone
    numbers masked, every row of them. Mapped ids, dates, categories, agents and numbers are
    left alone so the analytics are unchanged.
    """
    out = frame
    people = [c for c in IDENTITY_COLUMNS if c in out.columns] + person_columns(out.columns)
    for col in people:
        prefix = "customer" if col == "customer" else "person"
        out = out.with_columns(_pseudonymise_series(out.get_column(col), key=key, prefix=prefix))
    text_cols = [
        c
        for c, dtype in out.schema.items()
        if dtype == pl.String and c not in people and (c in TEXT_COLUMNS or c.startswith("raw:"))
    ]
    if text_cols:
        out = out.with_columns([mask_text(pl.col(c)).alias(c) for c in text_cols])
    return out
