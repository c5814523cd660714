"""Tests for lib.ingest.rules.escalation_signal: when pages say the rules hardly match."""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest.rules import Rule, custom_rule, default_rules, escalation_signal

RULES = default_rules(["group"])


def _tickets(escalated: int, total: int) -> pl.DataFrame:
    return pl.DataFrame({"escalated": [True] * escalated + [False] * (total - escalated)})


def test_no_escalation_says_so_with_the_count_and_the_active_rules():
    text = escalation_signal(_tickets(0, 1200), RULES)
    assert text is not None
    assert text.startswith("None of the 1,200 tickets is marked escalated")
    assert '(Tag contains "escalat"; Group names a higher tier)' in text
    assert "Reassigned" not in text  # switched off, so not an active rule
    assert "Open Data → Escalation rules" in text
    assert "0.0%" not in text


def test_under_half_a_percent_gives_count_and_share():
    text = escalation_signal(_tickets(4, 1000), RULES)
    assert text is not None
    assert "Only 4 of 1,000 tickets (0.4%) are marked escalated" in text
    assert "Open Data → Escalation rules" in text


@pytest.mark.parametrize(("escalated", "total"), [(6, 1000), (5, 1000), (1, 2)])
def test_half_a_percent_or_more_says_nothing(escalated, total):
    assert escalation_signal(_tickets(escalated, total), RULES) is None


def test_empty_frame_says_nothing():
    assert escalation_signal(_tickets(0, 0), RULES) is None
    assert escalation_signal(pl.DataFrame(schema={"escalated": pl.Boolean}), RULES) is None


def test_tiny_share_is_not_rounded_to_zero():
    text = escalation_signal(_tickets(1, 20_000), RULES)
    assert text is not None and "(under 0.1%)" in text


def test_no_rule_switched_on_and_custom_rule_names():
    off = [Rule(**{**r.to_dict(), "enabled": False}) for r in RULES]
    text = escalation_signal(_tickets(0, 10), off)
    assert text is not None and "no escalation rule is switched on" in text
    custom = [custom_rule("raw:Queue", "equals", "Escalations")]
    text = escalation_signal(_tickets(0, 10), custom)
    assert text is not None and '(Queue equals "Escalations")' in text
