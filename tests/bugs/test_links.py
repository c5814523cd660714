"""Linked engineering issues: from tags (Jira keys, PRB numbers) and from the export's link
columns, through a real import (the column survives as ``raw:<name>`` in the snapshot's extras),
with escalations and the tickets still waiting on each issue."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from lib.bugs import by_issue, issue_links, link_columns
from lib.ingest import load_export

DATA = Path(__file__).resolve().parents[1] / "data"


def _tickets(tags: list[list[str]]) -> pl.DataFrame:
    n = len(tags)
    return pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "tags": tags,
            "escalated": [i % 2 == 0 for i in range(n)],
            "status": ["open" if i % 3 else "solved" for i in range(n)],
            "customer": [f"C{i % 2}" for i in range(n)],
            "created_at": [datetime(2024, 3, 1 + i, tzinfo=UTC) for i in range(n)],
        }
    )


def test_tag_keys_need_a_project_with_two_issues_and_skip_versions() -> None:
    t = _tickets([["abc-1"], ["jira_abc-2"], ["covid-19"], ["win-10", "win-11"], ["prb0012345"]])
    got = issue_links(t).sort("ticket_id").rows()
    assert got == [("0", "ABC-1", "tags"), ("1", "ABC-2", "tags"), ("4", "PRB0012345", "tags")]


def test_link_columns_are_found_by_name_and_values_parsed() -> None:
    t = _tickets([[]] * 5)
    extras = pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(5)],
            "raw:Inward issue link (Blocks)": ["ENG-7, ENG-9", None, "", "0", "4"],
            "raw:Problem": ["12", "?", "n/a", "PRB0000042 and more", "Problem ID  14"],
            "raw:Summary": ["ENG-1"] * 5,  # not a link column: never read
        }
    )
    assert link_columns(extras) == ["raw:Inward issue link (Blocks)", "raw:Problem"]
    got = issue_links(t, extras).sort("ticket_id", "issue").rows()
    assert got == [
        ("0", "ENG-7", "Inward issue link (Blocks)"),
        ("0", "ENG-9", "Inward issue link (Blocks)"),
        ("0", "problem #12", "Problem"),
        ("3", "PRB0000042", "Problem"),
        ("4", "Problem ID 14", "Problem"),  # the ticket's own id ("4") is not a link
    ]


def test_by_issue_counts_escalations_and_open_tickets_waiting() -> None:
    t = _tickets([["eng-1"], ["eng-1"], ["eng-1"], ["eng-2"], []])
    table = by_issue(t, issue_links(t))
    row = table.row(0, named=True)
    assert (row["issue"], row["tickets"], row["escalated"]) == ("ENG-1", 3, 2)
    assert row["open"] == 2 and row["waiting"] == ["1", "2"]  # ticket 0 is solved
    assert row["escalation_share"] == 2 / 3 and row["customers"] == 2


def test_zendesk_problem_column_and_tags_survive_the_import() -> None:
    res = load_export(DATA / "bugs_zendesk_links.csv")
    assert res.extras is not None and "raw:Problem ID" in res.extras.columns
    links = issue_links(res.tickets, res.extras)
    table = by_issue(res.tickets, links)
    eng = table.filter(pl.col("issue") == "ENG-311").row(0, named=True)
    assert eng["tickets"] == 3 and eng["open"] == 2  # 5001 open, 5002 pending
    prob = table.filter(pl.col("issue") == "problem #4999").row(0, named=True)
    assert prob["via"] == "Problem ID" and prob["tickets"] == 3
    assert not links.filter(pl.col("issue").is_in(["?", "-", "COVID-19"])).height
    assert "_description" in res.extras.columns  # descriptions reach the snapshot too
