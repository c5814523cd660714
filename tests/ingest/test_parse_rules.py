"""The escalation reason is the label of the first enabled rule that fires (issue 18, the
`parsefast` branch: taken by one gather of the labels instead of a when/then chain).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from lib.ingest.rules import apply_rules, custom_rule, default_rules


def _frame(rows: int) -> pl.DataFrame:
    tags = [["escalated"], [], ["vip", "escalation"], ["billing"], ["x"]]
    groups = ["Tier 2", "Tier 1", None, "Escalations", "L1 support"]
    return pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(rows)],
            "tags": [tags[i % 5] for i in range(rows)],
            "group": [groups[i % 5] for i in range(rows)],
            "reassignments": [[0, 4, None, 3, 1][i % 5] for i in range(rows)],
            "priority": [["urgent", "low", None, "high", "urgent"][i % 5] for i in range(rows)],
        },
        schema_overrides={"tags": pl.List(pl.String)},
    )


def _reference(frame: pl.DataFrame, rules: list) -> list[str | None]:
    """The label of the first enabled rule that fires, row by row."""
    out = apply_rules(frame, [replace(r, enabled=False) for r in rules])
    marks = {}
    for i in range(len(rules)):
        alone = [replace(x, enabled=(j == i)) for j, x in enumerate(rules)]
        marks[i] = apply_rules(frame, alone).frame.get_column("escalated").to_list()
    assert out.frame.get_column("escalation_reason").null_count() == frame.height
    return [
        next((r.label for i, r in enumerate(rules) if r.enabled and marks[i][row]), None)
        for row in range(frame.height)
    ]


RULES = [
    *[replace(r, enabled=True) for r in default_rules(["tags", "group", "reassignments"])],
    custom_rule("priority", "equals", "urgent"),
    custom_rule("tags", "contains", "vip"),
]


@pytest.mark.parametrize("rows", [0, 1, 7])
@pytest.mark.parametrize("order", ["as listed", "reversed", "some off"])
def test_reason_is_the_first_enabled_rule_that_fires(rows: int, order: str) -> None:
    rules = list(reversed(RULES)) if order == "reversed" else list(RULES)
    if order == "some off":
        rules = [replace(r, enabled=i % 2 == 0) for i, r in enumerate(rules)]
    frame = _frame(rows)
    out = apply_rules(frame, rules).frame
    reason = out.get_column("escalation_reason")
    assert reason.dtype == pl.String and reason.len() == rows
    assert reason.to_list() == _reference(frame, rules)
    assert (reason.is_not_null() == out.get_column("escalated")).all()


def test_no_enabled_rule_gives_no_reason() -> None:
    out = apply_rules(_frame(3), [replace(r, enabled=False) for r in RULES]).frame
    assert out.get_column("escalation_reason").to_list() == [None, None, None]
