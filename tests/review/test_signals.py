"""``python -m review signals``: an export's escalation signals listed as the Data page lists
them, nothing stored, and the rules written for ``import --rules`` (hand-made rows)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from lib.store import Store
from review import main

HEADER = "Id,Created at,Status,Group,Assignee,Jira link\n"


def _export(tmp_path: Path) -> Path:
    """40 tickets: every 8th in Tier 2 (escalated by the default rules), every 5th linked to
    an engineering issue (a signal the default rules do not use)."""
    rows = [
        f"{i},2026-09-{1 + i % 28:02d} 10:00,solved,{'Tier 2' if i % 8 == 0 else 'Tier 1'},"
        f"Ana,{f'ENG-{i}' if i % 5 == 0 else ''}\n"
        for i in range(1, 41)
    ]
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_list_accept_and_import_with_the_rules(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    export, rules = _export(tmp_path), tmp_path / "rules.json"
    assert main(["signals", str(export), "--quiet", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "40 tickets; 5 escalated by the rules in use." in out
    assert "  1. Jira link is filled in (a linked issue): 8 of 40 tickets (20.0%)" in out
    with Store(url) as store:
        assert store.list_datasets().height == 0  # nothing stored
    args = ["signals", str(export), "--quiet", "--database", url, "--accept", "1"]
    assert main([*args, "--out", str(rules)]) == 0
    assert "Wrote the rules to" in capsys.readouterr().out
    written = json.loads(rules.read_text(encoding="utf-8"))
    linked = [r for r in written if r["column"] == "raw:Jira link"]
    assert len(linked) == 1 and linked[0]["enabled"], written
    assert main(["import", str(export), "--rules", str(rules), "--quiet", "--database", url]) == 0
    with Store(url) as store:
        snap = pl.read_parquet(store.snapshot_file(store.get_active_dataset()))
    flagged = {i for i in range(1, 41) if i % 8 == 0 or i % 5 == 0}
    assert set(snap.filter("escalated").get_column("ticket_id").cast(pl.Int64)) == flagged


def test_rules_to_stdout_keep_the_list_on_stderr(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    args = ["signals", str(_export(tmp_path)), "--quiet", "--database", url, "--out", "-"]
    assert main(args) == 0
    got = capsys.readouterr()
    assert [r["id"] for r in json.loads(got.out)][:2] == ["tag", "group_tier"]
    assert "Jira link is filled in" in got.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--accept", "1"], "--accept needs --out FILE.json"),
        (["--accept", "9", "--out", "-"], "--accept 9: there is 1 signal (number 1)"),
        (["--accept", "one", "--out", "-"], "--accept one: expected signal numbers"),
        (["--out", ""], "--out: expected a file name"),
        (["--accept", "1", "--out", " "], "--out: expected a file name"),
    ],
)
def test_bad_accept_is_refused_with_a_reason(tmp_path: Path, capsys, extra, message) -> None:
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    assert main(["signals", str(_export(tmp_path)), "--quiet", "--database", url, *extra]) == 2
    assert message in capsys.readouterr().err


def test_listing_signals_creates_no_database(tmp_path: Path, capsys) -> None:
    # it stores nothing, so a database that is not there yet stays absent
    db = tmp_path / "nothing-yet.sqlite"
    url = f"sqlite:///{db}"
    assert main(["signals", str(_export(tmp_path)), "--quiet", "--database", url]) == 0
    assert "Jira link is filled in" in capsys.readouterr().out
    assert not db.exists()
    args = ["signals", str(_export(tmp_path)), "--quiet", "--database", url]
    assert main([*args, "--rules-from", "1"]) == 2
    assert "--rules-from 1: there is no database at" in capsys.readouterr().err
    assert not db.exists()
