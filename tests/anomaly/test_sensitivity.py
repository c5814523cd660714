"""lib.anomaly.sensitivity: the presets are ordered, documented and add up to their budget."""

from __future__ import annotations

import pytest

from lib.anomaly import SENSITIVITY


def test_sensitivity_table_is_documented_and_ordered():
    rates = [SENSITIVITY[s].false_alerts_per_topic_month for s in SENSITIVITY]
    assert list(SENSITIVITY) == ["conservative", "balanced", "sensitive"]
    assert rates == sorted(rates)
    for name in ("spike_alpha", "sentiment_alpha", "spike_fdr"):
        values = [getattr(s, name) for s in SENSITIVITY.values()]
        assert values == sorted(values) and len(set(values)) == 3, name
    assert [s.cusum_arl for s in SENSITIVITY.values()] == [4000.0, 1500.0, 500.0]
    for s in SENSITIVITY.values():
        assert s.description and 0 < s.sentiment_alpha <= s.spike_alpha < s.spike_fdr < 1


def test_stated_rate_adds_up_its_tests_and_fits_the_issue_budget():
    """balanced: volume spike 2e-3 + sentiment 5e-4 a topic-day + three CUSUMs of ARL 1500 days,
    over 30.44 days = 0.137 a topic-month = 0.82 per six months (issue 5: at most 1)."""
    b = SENSITIVITY["balanced"]
    assert (b.spike_alpha, b.sentiment_alpha) == (2e-3, 5e-4)
    assert b.false_alerts_per_topic_month == pytest.approx(30.44 * (2e-3 + 5e-4 + 3 / 1500))
    assert b.false_alerts_per_topic_month * 6 == pytest.approx(0.8219, abs=1e-4)
    assert b.description == "Balanced: about one false alert per topic in 7 months"
    assert SENSITIVITY["conservative"].description.endswith("in 35 months")
    assert SENSITIVITY["sensitive"].description.endswith("in 3 months")
