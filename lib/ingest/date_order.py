"""The day/month order of one file's numeric dates: what the user chose, else what any of its
date columns proves, else the preset's preference, with the reason the load report gives.

A column's own values always win (``25/01/2023`` is day first whatever is preferred); this
only settles the columns whose every value fits both orders.

Example
-------
>>> frame = pl.DataFrame({"Created": ["01/02/2023"], "Resolved": ["01/25/2023"]})
>>> hint = file_day_first(frame, ["Created", "Resolved"], None, None)
>>> hint.value, hint.settled, hint.reason
(False, True, "column 'Resolved' of the same file has 01/25/2023, which only fits month first")
"""

from __future__ import annotations

import polars as pl

from lib.ingest.normalise.date_formats import DayFirst, order_evidence
from lib.ingest.presets import Preset

#: Key of the day/month choice kept with a saved mapping (``True`` day first, ``False`` month
#: first); it is not a column, so it is taken out before the mapping is used.
SAVED_KEY = "_dayfirst"

#: A value that starts with a numeric day and month in either order (``01/10/2023``).
_DAY_MONTH = r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
#: How many values of a column are looked at to tell whether it holds such dates.
_PEEK = 2000


def chosen_word(dayfirst: bool) -> str:
    """``True`` -> ``"day first"``.

    >>> chosen_word(False)
    'month first'
    """
    return "day first" if dayfirst else "month first"


def file_day_first(
    frame: pl.DataFrame,
    date_columns: list[str],
    preset: Preset | None,
    chosen: bool | None,
) -> DayFirst | None:
    """The order for the file's undecided date columns and why (None: no preference).

    ``chosen`` is the user's choice from the mapping screen (None: decide from the data).
    """
    if chosen is not None:
        return DayFirst(
            chosen, f"you chose {chosen_word(chosen)} on the mapping screen", settled=True
        )
    proofs: dict[bool, tuple[str, str]] = {}
    for col in date_columns:
        if col not in frame.columns or frame.schema[col] != pl.String:
            continue
        values = frame.get_column(col).drop_nulls()
        # Only numeric day/month dates can prove an order: an ISO column (2024-01-05) is not
        # scanned row by row (the 1M-ticket load stays as fast as before).
        if not values.head(_PEEK).str.contains(_DAY_MONTH).any():
            continue
        clean = values.str.strip_chars()
        n_first, n_second, ex_first, ex_second = order_evidence(clean)
        if n_first and ex_first is not None:
            proofs.setdefault(True, (col, ex_first))
        if n_second and ex_second is not None:
            proofs.setdefault(False, (col, ex_second))
    if len(proofs) == 1:
        value, (col, example) = next(iter(proofs.items()))
        return DayFirst(
            value,
            f"column {col!r} of the same file has {example}, which only fits {chosen_word(value)}",
            settled=True,
        )
    spread = _spread_order(frame, date_columns)
    if spread is not None:
        return spread
    # Before a preset's habit: a ServiceNow or Jira instance set up in the United States
    # writes "11/3/2019 10:47 PM" though the vendor's usual export is day first.
    for col in date_columns:
        if col in frame.columns and frame.schema[col] == pl.String:
            head = frame.get_column(col).drop_nulls().head(_PEEK)
            # "1/03/2024": a padded second field after an unpadded first is day first
            if head.str.contains(_US_CLOCK).any() and not head.str.contains(_D_MM).any():
                return DayFirst(
                    False,
                    f"column {col!r} writes times with AM or PM after slashed dates, as exports "
                    "made in the United States do (Salesforce, HubSpot)",
                )
    if preset is not None and preset.dayfirst is not None:
        return DayFirst(
            preset.dayfirst, f"the {preset.label} preset prefers {chosen_word(preset.dayfirst)}"
        )
    return None


#: A numeric date's first two numbers and its year (``05/03/2024``).
_FIELDS = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"


def _spread_order(frame: pl.DataFrame, date_columns: list[str]) -> DayFirst | None:
    """The order in which the day is the number that changes: a file whose every value fits
    both orders covers a few days (one more day would prove the order), so its day takes
    many values and its month one or two ("01/03" .. "12/03" is 1-12 March, not the 3rd of
    twelve months). None when neither number clearly varies more (at least five values and
    three times as many as the other: four tickets on the 5th of four months stay undecided).

    >>> days = ["01/03/2024 9:05 AM", "03/03/2024", "07/03/2024", "09/03/2024", "12/03/2024"]
    >>> _spread_order(pl.DataFrame({"d": days}), ["d"]).value
    True
    """
    parts = []
    for col in date_columns:
        if col in frame.columns and frame.schema[col] == pl.String:
            head = frame.get_column(col).drop_nulls().head(_PEEK)
            parts.append(head.str.extract_groups(_FIELDS).struct.unnest().drop_nulls())
    if not parts:
        return None
    fields = pl.concat(parts)
    first = fields.select("1", "3").n_unique()
    second = fields.select("2", "3").n_unique()
    if first >= 5 and first >= 3 * second:
        value, varies, fixed = True, first, second
    elif second >= 5 and second >= 3 * first:
        value, varies, fixed = False, second, first
    else:
        return None
    which = "first" if value else "second"
    return DayFirst(
        value,
        f"the {which} number takes {varies} values and the other {fixed}, as the day and the "
        "month of a file covering a few days do",
    )


#: A slashed date with an English 12-hour time ("1/2/2024 9:05 AM"): the United States' order,
#: month first. Not Latin America's "p. m." after day-first dates.
_D_MM = r"^\d/0\d/"
_US_CLOCK = r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)$"


def split_saved(saved: dict[str, object]) -> tuple[dict[str, str], bool | None]:
    """A saved mapping without its day/month choice, and the choice (None: from the data).

    >>> split_saved({"ticket_id": "Id", "_dayfirst": False})
    ({'ticket_id': 'Id'}, False)
    """
    mapping = {k: str(v) for k, v in saved.items() if k != SAVED_KEY}
    choice = saved.get(SAVED_KEY)
    return mapping, choice if isinstance(choice, bool) else None
