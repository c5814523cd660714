"""The schema check of the three vocabulary columns (issue 18, the `parsefast` branch): their
distinct values are checked at once; the messages stay those of the column-by-column check.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from lib.schema import CHANNELS, PRIORITIES, STATUSES, SchemaError, conform, validate


def _tickets(**values: list[str | None]) -> pl.DataFrame:
    n = len(next(iter(values.values())))
    frame = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "created_at": [datetime(2024, 3, 1, tzinfo=UTC)] * n,
            "source": ["test"] * n,
            **values,
        }
    )
    return conform(frame)


def test_values_of_the_vocabularies_and_nulls_pass() -> None:
    frame = _tickets(
        status=[*STATUSES, None], priority=[*PRIORITIES, None, None, None], channel=CHANNELS[:7]
    )
    assert validate(frame) is frame
    assert validate(_tickets(status=[])).height == 0


@pytest.mark.parametrize(
    ("column", "allowed"), [("status", STATUSES), ("priority", PRIORITIES), ("channel", CHANNELS)]
)
def test_a_value_outside_a_vocabulary_is_named(column: str, allowed: tuple[str, ...]) -> None:
    frame = _tickets(**{column: [allowed[0], "escalated", None, "escalated"]})
    with pytest.raises(SchemaError) as err:
        validate(frame)
    assert str(err.value) == f"column {column!r} has values outside {list(allowed)}: ['escalated']"


def test_the_first_column_in_schema_order_is_named_first() -> None:
    frame = _tickets(status=["open", "Open"], priority=["urgent", "P1"], channel=["x", "web"])
    with pytest.raises(SchemaError) as err:
        validate(frame)
    assert str(err.value) == f"column 'status' has values outside {list(STATUSES)}: ['Open']"
