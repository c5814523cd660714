"""lib.outliers.funnel: funnel limits by hand and agents' own limits."""

from __future__ import annotations

import pytest

from lib.outliers import agent_comparison, funnel_limits
from tests.sim_helpdesk import simulate_helpdesk


def test_funnel_limits_by_hand():
    f = funnel_limits([25.0], phi=1.0, tau2=0.0, levels=[0.95, 0.998])
    k95, k998 = 1.959964, 3.090232
    # s = sqrt(1/25) = 0.2
    assert f.get_column("lower").to_list() == pytest.approx([1 - 0.2 * k95, 1 - 0.2 * k998])
    assert f.get_column("upper").to_list() == pytest.approx([1 + 0.2 * k95, 1 + 0.2 * k998])
    wide = funnel_limits([25.0], phi=4.0, levels=[0.95])  # sd doubles
    assert wide.get_column("upper").item() == pytest.approx(1 + 0.4 * k95)
    re = funnel_limits([1e9], tau2=0.01, levels=[0.95])  # funnel flattens at 1 +/- k * 0.1
    assert re.get_column("upper").item() == pytest.approx(1 + 0.1 * k95, abs=1e-6)
    assert funnel_limits([1.0], levels=[0.998]).get_column("lower").item() == 0.0  # clipped


def test_agent_limits_match_their_z():
    sim = simulate_helpdesk(6)
    c = agent_comparison(sim.tickets)
    for row in c.table.head(5).iter_rows(named=True):
        outside = row["ratio"] > row["upper_95"] or row["ratio"] < row["lower_95"]
        assert outside == (abs(row["z"]) > 1.959964)
        outside = row["ratio"] > row["upper_998"] or row["ratio"] < row["lower_998"]
        assert outside == (abs(row["z"]) > 3.090232)
    assert set(c.funnel.get_column("level")) == {0.95, 0.998}
