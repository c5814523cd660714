"""The sentences the "How far to trust sentiment" box shows beside the AUC, kept in one place.

They are built from the details recorded with a dataset's scores (``ui.scoring``): which
source and scorer gave them, the trained model's held-out trial, the tickets left unscored for
their language, and whether satisfaction has its own date.

Example
-------
>>> trust_notes({"sentiment_scorer": "vader", "sentiment_not_english": "12"})[0][:40]
'12 tickets are written in a language oth'
"""

from __future__ import annotations

import json
from collections.abc import Mapping


def language_note(count: int) -> str | None:
    """The sentence on tickets left unscored because they are not in English (None for none).

    >>> language_note(1)
    '1 ticket is written in a language other than English and was left unscored: VADER reads only English, and would have scored it as if it were.'
    """  # noqa: E501
    if count <= 0:
        return None
    if count == 1:
        return (
            "1 ticket is written in a language other than English and was left unscored: "
            "VADER reads only English, and would have scored it as if it were."
        )
    return (
        f"{count:,} tickets are written in a language other than English and were left "
        "unscored: VADER reads only English, and would have scored them as if they were."
    )


def satisfaction_date_note(dated: int, rated: int) -> str | None:
    """Whether satisfaction over time is dated by when the rating was given (None without
    ratings).

    >>> satisfaction_date_note(0, 40)
    "The export does not say when each satisfaction rating was given, so satisfaction over time is dated by the ticket's creation day."
    """  # noqa: E501
    if rated <= 0:
        return None
    if dated <= 0:
        return (
            "The export does not say when each satisfaction rating was given, so satisfaction "
            "over time is dated by the ticket's creation day."
        )
    if dated < rated:
        return (
            f"Satisfaction over time is dated by when each rating was given ({dated:,} of "
            f"{rated:,} ratings have that date; the others by the ticket's creation day)."
        )
    return "Satisfaction over time is dated by when each rating was given."


def trust_notes(details: Mapping[str, str]) -> list[str]:
    """The box's extra sentences from a dataset's recorded scoring details.

    >>> trust_notes({"sentiment_trial": '{"sentence": "A model was tried."}'})
    ['A model was tried.']
    """
    notes: list[str] = []
    trial = json.loads(details.get("sentiment_trial") or "null")
    if trial and trial.get("sentence"):
        notes.append(str(trial["sentence"]))
    count = int(details.get("sentiment_not_english") or 0)
    if (note := language_note(count)) is not None:
        notes.append(note)
    dated = int(details.get("satisfaction_dated") or 0)
    rated = int(details.get("satisfaction_rated") or 0)
    if (note := satisfaction_date_note(dated, rated)) is not None:
        notes.append(note)
    return notes
