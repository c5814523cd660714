"""A large dataset's agent codes are made in the background when it is opened (issue 18): in
its business zone, once, and taken by the Agents page instead of being made again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from lib import periods
from lib.outliers import encode_tickets
from ui import agents_work

ROOT = Path(__file__).resolve().parents[2]


def _tickets(n: int = 400) -> pl.DataFrame:
    # 23:30 UTC on the last day of each month is the first of the next month in Tokyo
    start = datetime(2024, 1, 31, 23, 30, tzinfo=UTC)
    return pl.DataFrame(
        {
            "ticket_id": [str(i) for i in range(n)],
            "created_at": [start + timedelta(days=31 * (i % 4)) for i in range(n)],
            "agent": ["Ana", "Bo", None, "Cy"] * (n // 4),
            "category": ["SSO", "Billing"] * (n // 2),
        }
    )


@pytest.fixture(autouse=True)
def _empty_warm():
    agents_work._WARM.clear()
    yield
    agents_work._WARM.clear()


def test_codes_are_made_once_in_the_datasets_zone_and_taken_by_the_page() -> None:
    t = _tickets()
    with periods.use_zone("Asia/Tokyo"):
        assert agents_work.warm_codes("snap#Asia/Tokyo", t, rows=100)
        assert not agents_work.warm_codes("snap#Asia/Tokyo", t, rows=100)  # once
        expected = encode_tickets(t)
    got = agents_work.codes("snap#Asia/Tokyo", t)
    assert got.zone == "Asia/Tokyo"
    assert got.frame.equals(expected.frame)
    with periods.use_zone("UTC"):
        utc = encode_tickets(t)
    assert not got.frame.get_column("__code:month").equals(utc.frame.get_column("__code:month"))
    assert agents_work._WARM["snap#Asia/Tokyo"] is None  # taken, not held twice
    assert not agents_work.warm_codes("snap#Asia/Tokyo", t, rows=100)  # nor made again


def test_small_or_agentless_datasets_are_left_to_the_page() -> None:
    t = _tickets()
    assert not agents_work.warm_codes("small", t)  # under WARM_ROWS
    assert not agents_work.warm_codes("none", t.with_columns(agent=pl.lit(None, pl.String)), rows=1)
    assert not agents_work._WARM
    assert agents_work.codes("small", t).frame.equals(encode_tickets(t).frame)


def test_at_most_a_few_datasets_wait() -> None:
    t = _tickets()
    for i in range(agents_work.WARM_KEPT + 2):
        assert agents_work.warm_codes(f"snap{i}#UTC", t, rows=1)
    assert list(agents_work._WARM) == [f"snap{i}#UTC" for i in (2, 3)]


def test_the_app_starts_them_and_the_agents_page_takes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(agents_work, "WARM_ROWS", 1)  # the demo dataset counts as large
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (key,) = list(agents_work._WARM)
    assert key.endswith("#UTC")
    at.switch_page("views/agents.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("escalat" in m.value.lower() for m in at.markdown)
    taken = dict.fromkeys([key])
    assert taken == agents_work._WARM  # the page took them
    at.switch_page("views/overview.py").run()  # the next run does not make them again
    assert taken == agents_work._WARM
