"""The demo helpdesk's Zendesk-style export, its file, and the script that writes it."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import polars as pl
import pytest

from lib.demo import ESCALATION_GROUPS, EXPORT_COLUMNS, demo_export, write_demo_export

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "demo_helpdesk.csv.gz"


def test_export_matches_the_tickets(tickets: pl.DataFrame, export: pl.DataFrame) -> None:
    assert export.columns == list(EXPORT_COLUMNS)
    assert set(export.dtypes) == {pl.String}
    assert "Escalated" not in " ".join(export.columns)
    assert export.height == tickets.height
    assert export.get_column("Id").to_list() == tickets.get_column("ticket_id").to_list()
    assert export.get_column("Group").to_list() == tickets.get_column("group").to_list()
    assert export.get_column("Subject").to_list() == tickets.get_column("subject").to_list()
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$")
    assert all(stamp.match(s) for s in export.get_column("Created at").head(500))
    parsed = export.get_column("Created at").str.to_datetime("%Y-%m-%d %H:%M:%S %z")
    assert (parsed == tickets.get_column("created_at")).all()
    solved = export.get_column("Solved at").is_not_null()
    assert (solved == tickets.get_column("solved_at").is_not_null()).all()
    assert set(export.get_column("Satisfaction Score").unique()) == {
        "Good",
        "Bad",
        "Offered",
        "Unoffered",
    }
    assert set(export.get_column("Status").unique()) <= {
        "New",
        "Open",
        "Pending",
        "Hold",
        "Solved",
        "Closed",
    }


def test_escalation_is_recoverable_from_the_export(
    tickets: pl.DataFrame, export: pl.DataFrame
) -> None:
    by_group = export.get_column("Group").is_in(list(ESCALATION_GROUPS))
    escalated = tickets.get_column("escalated")
    assert (by_group == escalated).all()
    stations = export.get_column("Group stations").cast(pl.Int32)
    assert (stations.filter(by_group) >= 2).all()
    tagged = export.get_column("Tags").str.split(" ").list.contains("escalated")
    assert not tagged.filter(~escalated).any()
    assert 0.7 < tagged.filter(escalated).mean() < 0.9


def test_write_and_read_back(tmp_path: Path) -> None:
    params = {"seed": 5, "days": 60, "tickets_per_day": 12}
    frame = demo_export(**params)
    gz = write_demo_export(tmp_path / "a" / "demo.csv.gz", **params)
    again = write_demo_export(tmp_path / "b.csv.gz", **params)
    plain = write_demo_export(tmp_path / "demo.csv", **params)
    assert gz.read_bytes() == again.read_bytes()
    assert gzip.decompress(gz.read_bytes()) == plain.read_bytes()
    back = pl.read_csv(gz, infer_schema=False)
    assert back.equals(frame)


def test_shipped_demo_file_is_current(tmp_path: Path) -> None:
    assert SHIPPED.exists(), "run `make demo` (scripts/make_demo.py) to write the demo file"
    assert SHIPPED.stat().st_size < 3_000_000
    fresh = write_demo_export(tmp_path / "demo.csv.gz")
    assert gzip.decompress(SHIPPED.read_bytes()) == gzip.decompress(fresh.read_bytes()), (
        "data/demo_helpdesk.csv.gz is stale: run `make demo`"
    )


def test_make_demo_script_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(["--out", str(tmp_path / "d.csv.gz"), "--days", "60", "--seed", "2"])
    assert out.exists()
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        module.main(["--out", str(tmp_path / "e.csv"), "--days", "5"])
