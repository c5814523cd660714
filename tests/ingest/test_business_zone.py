"""lib.ingest.business_zone: the business time zone proposed from the export's offsets."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from lib.ingest.business_zone import (
    SAMPLE,
    ZONE_KEY,
    all_zones,
    propose_for_tables,
    propose_zone,
    split_zone,
)

FIXTURE = Path(__file__).parents[1] / "data" / "tz_mixed_offsets.csv"


def test_the_mixed_offset_fixture_proposes_europe_berlin_and_names_the_naive_date():
    with FIXTURE.open(newline="") as fh:
        created = [row["Created at"] for row in csv.DictReader(fh)]
    p = propose_zone(pl.Series(created))
    assert p.zone == "Europe/Berlin"
    assert p.offsets == {"+00:00": 1, "+01:00": 7, "+02:00": 6} and p.naive == 1
    assert "1 date without an offset is read as local time in this zone" in p.reason


@pytest.mark.parametrize(
    ("values", "zone"),
    [
        # the most common offset, mapped to the zone whose DST calendar fits the dates
        (["2024-01-10T09:00:00-05:00", "2024-07-10T09:00:00-04:00"], "America/New_York"),
        (["2024-01-10T09:00:00+02:00", "2024-07-10T09:00:00+03:00"], "Europe/Helsinki"),
        (["2024-07-10 09:00:00+0200", "2024-07-11 09:00:00+0200"], "Europe/Berlin"),
        # +00:00 in summer and winter is UTC, not London (London is +01:00 in summer)
        (["2024-01-10T09:00:00+00:00", "2024-07-10T09:00:00+00:00"], "UTC"),
        (["2024-01-10T09:00:00Z", "2024-07-10T09:00:00Z"], "UTC"),
        (["2016-04-28T11:19:34 -10:00"], "Pacific/Honolulu"),
        (["2024-07-10T09:00:00+05:30"], "Asia/Kolkata"),
        # an offset no listed zone has all year: a fixed-offset zone (POSIX sign)
        (["2024-01-10T09:00:00+04:00", "2024-07-10T09:00:00+04:00"], "Asia/Dubai"),
        (["2024-01-10T09:00:00-03:00", "2024-07-10T09:00:00-02:00"], "Etc/GMT+3"),
        # a zone name written after the time wins
        (["2024-03-31 10:00 Asia/Tokyo", "2024-04-01 11:00 Asia/Tokyo"], "Asia/Tokyo"),
        # "Z" next to local offsets says how the writer stored it, not where the team is
        (["2024-01-10T22:00:00Z", "2024-01-10T09:00:00+01:00"], "Europe/Berlin"),
    ],
)
def test_proposal_from_offsets(values: list[str], zone: str) -> None:
    assert propose_zone(pl.Series(values)).zone == zone


def test_naive_dates_keep_utc_and_say_they_are_local_times():
    p = propose_zone(pl.Series(["05-09-2025 14:10", "22/Mar/14 07:59", None]))
    assert p.zone == "UTC" and p.naive_only and p.naive == 2
    assert "local times" in p.reason


def test_parquet_datetimes_with_a_zone_propose_it_and_naive_ones_do_not():
    aware = pl.Series([datetime(2024, 1, 1, 9)]).dt.replace_time_zone("America/Chicago")
    assert propose_zone(aware).zone == "America/Chicago"
    assert propose_zone(pl.Series([datetime(2024, 1, 1, 9)])).naive_only


def test_a_million_rows_are_sampled_not_scanned():
    values = pl.select(pl.repeat("2024-07-10T09:00:00+02:00", 1_000_000)).to_series()
    p = propose_zone(values)
    assert p.zone == "Europe/Berlin" and p.sampled == SAMPLE == 1000


def test_tables_of_an_upload_use_the_created_column():
    tables = [
        SimpleNamespace(frame=pl.DataFrame({"Opened": ["2024-07-01 09:00-07:00"], "x": ["1"]})),
        SimpleNamespace(frame=pl.DataFrame({"Opened": ["2024-01-01 09:00-08:00"], "x": ["2"]})),
    ]
    assert propose_for_tables(tables, {"created_at": "Opened"}).zone == "America/Los_Angeles"
    assert propose_for_tables(tables, {}).naive_only


def test_saved_mapping_keeps_the_zone_apart_from_the_columns():
    mapping, zone = split_zone({"ticket_id": "Id", ZONE_KEY: "Europe/Berlin"})
    assert (mapping, zone) == ({"ticket_id": "Id"}, "Europe/Berlin")
    assert split_zone({"ticket_id": "Id", ZONE_KEY: "Not/AZone"})[1] is None
    assert split_zone(None) == (None, None)


def test_the_select_lists_every_iana_zone_with_utc_first():
    zones = all_zones()
    assert zones[0] == "UTC" and len(zones) > 400 and zones.count("UTC") == 1
