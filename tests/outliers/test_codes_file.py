"""The agent codes kept beside a snapshot (issue 18): read back exactly as they were made, and
refused (made again) whenever they might not be this snapshot's, in this zone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from lib import periods
from lib.outliers import codes as codes_mod
from lib.outliers.codes import (
    CODES_SIDECAR,
    TicketCodes,
    encode_tickets,
    read_codes,
    write_codes,
)


def _tickets(n: int = 3_000, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    start = datetime(2024, 1, 31, 22, 0, tzinfo=UTC)  # month ends: Tokyo's month differs
    agents = ["Ana", "Bo", "Cy", "Émile", None]
    return pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "created_at": [start + timedelta(hours=rng.randrange(0, 24 * 400)) for _ in range(n)],
            "agent": [rng.choice(agents) for _ in range(n)],
            "first_agent": [rng.choice(agents) for _ in range(n)],
            "category": [rng.choice(["SSO", "Billing", None]) for _ in range(n)],
            "channel": [rng.choice(["email", "chat"]) for _ in range(n)],
            "priority": [None] * n,  # empty: not coded
        }
    )


def _same(a: TicketCodes, b: TicketCodes) -> None:
    assert a.frame.equals(b.frame) and a.frame.schema == b.frame.schema
    assert {k: v.to_list() for k, v in a.levels.items()} == {
        k: v.to_list() for k, v in b.levels.items()
    }
    assert (a.months, a.month_range, a.zone) == (b.months, b.month_range, b.zone)


def test_codes_read_back_as_they_were_made(tmp_path: Path) -> None:
    t = _tickets()
    side = tmp_path / CODES_SIDECAR
    with periods.use_zone("Asia/Tokyo"):
        made = encode_tickets(t)
        assert write_codes(side, made)
        kept = read_codes(side, t)
    assert kept is not None
    _same(kept, made)
    assert kept.columns == ("agent", "first_agent", "category", "channel")
    assert [p.name for p in tmp_path.iterdir()] == [CODES_SIDECAR]  # no temporary file left


def _refused(side: Path, tickets: pl.DataFrame, zone: str = "UTC") -> bool:
    with periods.use_zone(zone):
        return read_codes(side, tickets) is None


def test_codes_of_other_tickets_zone_or_version_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = _tickets()
    side = tmp_path / CODES_SIDECAR
    assert _refused(side, t)  # no file yet
    with periods.use_zone("UTC"):
        assert write_codes(side, encode_tickets(t))
    assert not _refused(side, t)
    assert _refused(side, t, zone="Asia/Tokyo")  # the months are another zone's
    assert _refused(side, t.head(t.height - 1))  # fewer tickets
    # the same size and columns, other people: the checked rows tell them apart
    swapped = t.with_columns(agent=pl.col("agent").shuffle(seed=1))
    assert _refused(side, swapped)
    # a month moved by a day somewhere in the frame
    later = t.with_columns(created_at=pl.col("created_at") + timedelta(days=40))
    assert _refused(side, later)
    # a column that is now worth coding (it was empty when the codes were made)
    assert _refused(side, t.with_columns(priority=pl.lit("high")))
    monkeypatch.setattr(codes_mod, "CODES_VERSION", "2")  # made by another version
    assert _refused(side, t)


def test_a_damaged_file_is_refused_and_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    t = _tickets(200)
    side = tmp_path / CODES_SIDECAR
    with periods.use_zone("UTC"):
        made = encode_tickets(t)
    side.write_bytes(b"PAR1 not really parquet")
    assert _refused(side, t)
    assert write_codes(side, made)
    side.write_bytes(side.read_bytes()[:-40])  # cut short
    assert _refused(side, t)
    # codes beyond the levels they are said to stand for
    few = TicketCodes(
        made.frame,
        {**made.levels, "agent": made.levels["agent"].head(1)},
        made.months,
        made.month_range,
        made.zone,
    )
    assert write_codes(side, few)
    assert _refused(side, t)
    assert not write_codes(tmp_path / "gone" / CODES_SIDECAR, made)  # no such folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [CODES_SIDECAR]


def test_the_codes_file_is_a_fraction_of_the_tickets(tmp_path: Path) -> None:
    # 10M tickets: 21 MB beside a 794 MB snapshot (BENCHMARKS.md); here: small integer types
    t = _tickets(20_000)
    side = tmp_path / CODES_SIDECAR
    with periods.use_zone("UTC"):
        assert write_codes(side, encode_tickets(t))
    kept = pl.read_parquet(side)
    assert set(kept.dtypes) <= {pl.UInt8, pl.Int32}


def test_codes_of_a_snapshot_deleted_meanwhile_are_not_kept(tmp_path: Path) -> None:
    # the background write finishing after the dataset was deleted (or its snapshot replaced,
    # which deletes the files beside it) left a file nobody would ever read or delete
    snapshot = tmp_path / "dataset-1-0a1b.parquet"
    side = tmp_path / f"dataset-1-0a1b.{CODES_SIDECAR}"
    t = _tickets(200)
    with periods.use_zone("UTC"):
        made = encode_tickets(t)
    assert not write_codes(side, made, beside=snapshot)  # no snapshot: nothing kept
    assert list(tmp_path.iterdir()) == []
    snapshot.write_bytes(b"PAR1")
    assert write_codes(side, made, beside=snapshot) and side.is_file()
