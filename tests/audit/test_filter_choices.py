"""The sidebar's filter choices kept beside a snapshot (issue 18): the same choices as found
from the tickets, and refused (found again) when the file might not be this snapshot's."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from lib.audit import MISSING
from lib.audit import filter_choices as choices_mod
from lib.audit.filter_choices import (
    FILTER_CHOICES_SIDECAR,
    FILTER_COLUMNS,
    filter_choices,
    read_filter_choices,
    write_filter_choices,
)


def _tickets() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "channel": ["web", None, "email", "web"],
            "category": ["Billing", "Ação", "Billing", "SSO"],
            "agent": ["Émile", "ana", "Ana", None],
            "group": [None, None, None, None],
            "priority": ["high", "low", "low", "urgent"],
        },
        schema_overrides={"group": pl.String},
    )


def test_choices_are_each_columns_sorted_values_then_missing() -> None:
    got = filter_choices(_tickets(), FILTER_COLUMNS)
    assert list(got) == list(FILTER_COLUMNS)
    assert got["channel"] == ["email", "web", MISSING]
    assert got["category"] == ["Ação", "Billing", "SSO"]
    assert got["agent"] == ["Ana", "ana", "Émile", MISSING]
    assert got["group"] == [MISSING]
    assert got["customer_tier"] == []  # not in the export


def test_choices_read_back_and_refused_when_not_this_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = _tickets()
    side = tmp_path / FILTER_CHOICES_SIDECAR
    assert read_filter_choices(side, t, FILTER_COLUMNS) is None  # no file yet
    found = filter_choices(t, FILTER_COLUMNS)
    assert write_filter_choices(side, found, t)
    assert read_filter_choices(side, t, FILTER_COLUMNS) == found
    assert [p.name for p in tmp_path.iterdir()] == [FILTER_CHOICES_SIDECAR]
    assert read_filter_choices(side, t.head(3), FILTER_COLUMNS) is None  # other tickets
    # a column's missing values no longer match what the file says
    assert read_filter_choices(side, t.fill_null("x"), FILTER_COLUMNS) is None
    assert read_filter_choices(side, t, FILTER_COLUMNS[:-1]) is None  # other columns
    # the same size and missing values, other values (another release reading them otherwise)
    upper = t.with_columns(pl.col("channel", "category").str.to_uppercase())
    assert read_filter_choices(side, upper, FILTER_COLUMNS) is None
    kept = json.loads(side.read_text(encoding="utf-8"))
    for damage in (
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**kept, "choices": {**kept["choices"], "channel": "web"}}),
        json.dumps({**kept, "choices": {**kept["choices"], "channel": [1, 2]}}),
        json.dumps({k: v for k, v in kept.items() if k != "choices"}),
    ):
        side.write_text(damage, encoding="utf-8")
        assert read_filter_choices(side, t, FILTER_COLUMNS) is None, damage
    side.write_bytes(b"\xff\xfe not utf-8")
    assert read_filter_choices(side, t, FILTER_COLUMNS) is None
    assert write_filter_choices(side, found, t)
    monkeypatch.setattr(choices_mod, "FILTER_CHOICES_VERSION", 2)
    assert read_filter_choices(side, t, FILTER_COLUMNS) is None  # another version's


def test_an_unwritable_place_is_no_error(tmp_path: Path) -> None:
    t = _tickets()
    found = filter_choices(t, FILTER_COLUMNS)
    assert not write_filter_choices(tmp_path / "gone" / FILTER_CHOICES_SIDECAR, found, t)
    assert list(tmp_path.iterdir()) == []


def test_choices_of_a_snapshot_deleted_meanwhile_are_not_kept(tmp_path: Path) -> None:
    t = _tickets()
    found = filter_choices(t, FILTER_COLUMNS)
    side = tmp_path / f"dataset-1-0a1b.{FILTER_CHOICES_SIDECAR}"
    assert not write_filter_choices(side, found, t, beside=tmp_path / "dataset-1-0a1b.parquet")
    assert list(tmp_path.iterdir()) == []
