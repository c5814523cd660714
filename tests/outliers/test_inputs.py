"""lib.outliers.inputs: period filtering and readable errors on bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from lib.errors import ReviewError
from lib.outliers import OutlierError, agent_comparison, agent_outliers
from tests.outliers.helpers import frame
from tests.sim_helpdesk import simulate_helpdesk


def test_period_filtering():
    sim = simulate_helpdesk(4, n_tickets=20_000)
    period = (date(2024, 2, 1), date(2024, 3, 31))
    c = agent_comparison(sim.tickets, period=period)
    inside = sim.tickets.filter(
        pl.col("created_at").dt.date().is_between(date(2024, 2, 1), date(2024, 3, 31))
    )
    assert c.n_tickets == inside.height < sim.tickets.height
    assert c.table.get_column("tickets").sum() == inside.get_column("agent").drop_nulls().len()
    same = agent_outliers(inside)
    assert c.table.get_column("z").to_list() == pytest.approx(same.get_column("z").to_list())
    as_datetimes = agent_outliers(
        sim.tickets, period=(datetime(2024, 2, 1, 9, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC))
    )
    assert as_datetimes.get_column("tickets").sum() == c.table.get_column("tickets").sum()
    with pytest.raises(OutlierError, match="after it ends"):
        agent_outliers(sim.tickets, period=(date(2024, 3, 1), date(2024, 2, 1)))


def test_bad_input_gives_readable_errors():
    t = frame([("a", 10, 1)])
    with pytest.raises(OutlierError, match="'escalated'"):
        agent_outliers(t.drop("escalated"))
    with pytest.raises(OutlierError, match="overdispersion must be one of"):
        agent_outliers(t, overdispersion="bogus")
    with pytest.raises(OutlierError, match="q_level"):
        agent_outliers(t, q_level=1.5)
    with pytest.raises(OutlierError, match="created_at"):
        agent_outliers(t, period=(date(2024, 1, 1), date(2024, 2, 1)))
    with pytest.raises(TypeError, match="unknown option"):
        agent_outliers(t, q=0.1)
    assert issubclass(OutlierError, ReviewError)
