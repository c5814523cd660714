"""Defect groups against known truth: planted defects found with few false groups, boilerplate
(e-mails, ticket numbers, common words) ignored, paraphrases grouped, near misses kept apart,
topic spikes marking groups, the cap, and exports without text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from lib.bugs import find_groups
from lib.bugs.simulate import planted_helpdesk, score_groups
from lib.bugs.text import vectorise, words_of


@pytest.fixture(scope="module")
def planted() -> tuple[pl.DataFrame, pl.DataFrame]:
    return planted_helpdesk(seed=11, noise=400, near_misses=4)


def _frame(subjects: list[str], category: str | None = "App") -> pl.DataFrame:
    n = len(subjects)
    return pl.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(n)],
            "created_at": [datetime(2024, 3, 1 + i % 20, tzinfo=UTC) for i in range(n)],
            "subject": subjects,
            "category": [category] * n,
            "customer": [f"Org {i % 4}" for i in range(n)],
            "customer_tier": ["pro" if i % 2 else "free" for i in range(n)],
            "status": ["open" if i % 3 == 0 else "solved" for i in range(n)],
            "escalated": [i % 4 == 0 for i in range(n)],
            "tags": [[] for _ in range(n)],
        },
        schema_overrides={"tags": pl.List(pl.String)},
    )


def test_planted_defects_are_found_with_few_false_groups(planted) -> None:
    t, truth = planted
    res = find_groups(t)
    score = score_groups(res.members, truth, res.groups)
    assert score["recall"] >= 0.6, score
    assert score["precision"] >= 0.8, score


def test_noise_in_subjects_is_not_what_groups_tickets() -> None:
    words = words_of(pl.Series(["Re: Export broken #48213 for ana@example.com INC0012345 2024"]))
    assert words.to_list() == [["export", "broken"]]
    # same words, different ids and addresses: one distinct text
    v = vectorise(pl.Series(["Login fails for bob@x.io (#1)", "login FAILS for eve@y.org #2"]))
    assert v.doc_of_text.to_list() == [0, 0]


def test_paraphrases_group_and_strict_grouping_keeps_a_near_miss_apart() -> None:
    bug = ["Export to CSV fails with error 500", "CSV export fails: error 500",
           "Error 500 when exporting CSV", "csv export failing with a 500 error"]  # fmt: skip
    near = ["How do I rename a CSV export column?"] * 6
    other = [f"Question about seat {w}" for w in "abcdefghij"]
    t = _frame(bug * 3 + near + other)
    loose = find_groups(t).members.join(t.select("ticket_id", "subject"), on="ticket_id")
    first = loose.filter(pl.col("subject") == bug[0]).get_column("group")[0]
    assert set(bug) <= set(loose.filter(pl.col("group") == first).get_column("subject"))
    res = find_groups(t, threshold=0.4)  # the page's "Strict"
    members = res.members.join(t.select("ticket_id", "subject"), on="ticket_id")
    bug_group = members.filter(pl.col("subject") == bug[0]).get_column("group")[0]
    in_bug = members.filter(pl.col("group") == bug_group).get_column("subject")
    assert set(in_bug) == set(bug)  # all paraphrases, no near miss
    row = res.groups.filter(pl.col("group") == bug_group).row(0, named=True)
    assert row["tickets"] == 12 and row["defect_like"]
    assert row["escalated"] == t.filter(pl.col("subject").is_in(bug)).get_column("escalated").sum()
    assert "csv" in row["label"] and len(row["example_ids"]) == 5
    assert row["customers"] == 4 and "pro" in row["tiers"] and row["categories"] == "App 100%"
    near_row = res.groups.filter(pl.col("group") != bug_group).row(0, named=True)
    assert not near_row["defect_like"]  # a question about the same feature


def test_a_spiking_category_makes_a_group_stronger() -> None:
    t = pl.concat(
        [
            _frame(["Sync fails with timeout"] * 6, "Sync"),
            _frame(["Invoice PDF is blank"] * 8, "Billing").with_columns(pl.col("ticket_id") + "b"),
        ]
    )
    alerts = pl.DataFrame(
        {
            "topic": ["Sync"], "metric": ["volume"], "kind": ["spike"],
            "start": [date(2024, 3, 2)], "end": [date(2024, 3, 3)],
            "observed": [30.0], "expected": [8.0], "score": [5.0],
        }
    )  # fmt: skip
    res = find_groups(t, period=(date(2024, 3, 1), date(2024, 3, 14)), alerts=alerts)
    first = res.groups.row(0, named=True)
    assert first["main_category"] == "Sync" and first["spiking"] and first["strength"] == 12
    assert "30 tickets, 8 expected" in first["spike"]
    late = find_groups(t, period=(date(2024, 3, 10), date(2024, 3, 14)), alerts=alerts)
    assert not late.groups.get_column("spiking").any()  # the spike was before the period


def test_no_subject_says_so_and_the_cap_is_reported() -> None:
    t = _frame(["x"] * 3).with_columns(subject=pl.lit(None, dtype=pl.String))
    res = find_groups(t)
    assert res.text == "" and res.groups.height == 0
    capped = find_groups(_frame(["Export fails with error 500"] * 30), max_texts=20)
    assert capped.tickets == 30 and capped.groups.get_column("tickets").to_list() == [20]
    assert any("most recent 20" in n for n in capped.notes)


def test_description_is_read_beside_the_subject() -> None:
    t = _frame(["Problem", "Problem", "Help", "Help", "Issue"] * 2).with_columns(
        description=pl.lit("The nightly backup job crashes with a disk quota error")
    )
    res = find_groups(t)
    assert res.text == "subject and description"
    assert res.groups.get_column("tickets").to_list() == [10]
