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
    agents_work._STARTED.clear()
    yield
    agents_work._WARM_POOL.submit(lambda: None).result()  # the worker is idle again
    agents_work._WARM.clear()
    agents_work._STARTED.clear()


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
    assert "snap#Asia/Tokyo" not in agents_work._WARM  # taken, not held twice
    assert not agents_work.warm_codes("snap#Asia/Tokyo", t, rows=100)  # nor made again


def test_small_or_agentless_datasets_are_left_to_the_page() -> None:
    t = _tickets()
    assert not agents_work.warm_codes("small", t)  # under WARM_ROWS
    assert not agents_work.warm_codes("none", t.with_columns(agent=pl.lit(None, pl.String)), rows=1)
    assert not agents_work._WARM
    assert agents_work.codes("small", t).frame.equals(encode_tickets(t).frame)


def _slowly(monkeypatch: pytest.MonkeyPatch, calls: list[str], fail_first: bool = False):
    import time

    import lib.outliers

    real = lib.outliers.encode_tickets

    def slow(tickets, *args, **kwargs):
        calls.append(tickets.get_column("ticket_id")[0])
        time.sleep(0.2)  # about 1 s at 10M tickets
        if fail_first and len(calls) == 1:
            raise MemoryError("the background ran out of memory")
        return real(tickets, *args, **kwargs)

    monkeypatch.setattr(lib.outliers, "encode_tickets", slow)


def _named(name: str) -> pl.DataFrame:
    return pl.DataFrame({"ticket_id": [name] * 10, "agent": ["a", "b"] * 5})


def test_three_sessions_on_three_datasets_make_each_one_once(monkeypatch) -> None:
    # app.py asks at every script run: three sessions clicking five times each on three
    # large datasets made them again and again (15 for 3), and the page waited for all of it
    calls: list[str] = []
    _slowly(monkeypatch, calls)
    frames = {k: _named(k) for k in "ABC"}
    for _ in range(5):
        for k in "ABC":
            agents_work.warm_codes(f"{k}#UTC", frames[k], rows=1)
    assert agents_work.codes("C#UTC", frames["C"]).frame.height == 10
    assert len(calls) <= 3, calls


def test_dropped_codes_are_not_made_and_the_page_does_not_wait_for_them(monkeypatch) -> None:
    import time

    calls: list[str] = []
    _slowly(monkeypatch, calls)
    frames = {k: _named(k) for k in "ABCD"}
    for k in "ABCD":  # one user clicking through four datasets
        agents_work.warm_codes(f"{k}#UTC", frames[k], rows=1)
    assert list(agents_work._WARM) == ["C#UTC", "D#UTC"]  # at most WARM_KEPT wait
    start = time.perf_counter()
    assert agents_work.codes("D#UTC", frames["D"]).frame.height == 10
    assert time.perf_counter() - start < 0.2 * 2.5  # not behind A's, B's and C's
    assert "B" not in calls  # dropped before it started


def test_codes_that_failed_in_the_background_are_made_on_the_page(monkeypatch) -> None:
    from concurrent.futures import wait

    calls: list[str] = []
    _slowly(monkeypatch, calls, fail_first=True)
    t = _named("E")
    agents_work.warm_codes("E#UTC", t, rows=1)
    wait([agents_work._WARM["E#UTC"]])  # it ran, and failed
    assert agents_work.codes("E#UTC", t).frame.height == 10
    assert calls == ["E", "E"]


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
    assert not agents_work._WARM  # the page took them
    at.switch_page("views/overview.py").run()  # the next run does not make them again
    assert not agents_work._WARM and key in agents_work._STARTED


def _record_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rerun_first: bool = False):
    """A demo app counted as large, and the order of its pages' starts ("page") and of the
    background codes' starts ("warm"); ``rerun_first``: the first page asks for a rerun."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

    from ui import layout

    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(agents_work, "WARM_ROWS", 1)
    order: list[str] = []
    header, warm = layout.header, agents_work.warm_codes

    def page(*args, **kwargs):
        order.append("page")
        if rerun_first and order.count("page") == 1:
            raise RerunException(None)
        return header(*args, **kwargs)

    monkeypatch.setattr(layout, "header", page)
    monkeypatch.setattr(
        agents_work, "warm_codes", lambda *a, **k: order.append("warm") or warm(*a, **k)
    )
    return order


def test_codes_start_after_the_page_and_agents_first_makes_them_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the codes are started after the page is drawn: on the Agents page, which made them
    # itself, nothing is started in the background after it
    order = _record_order(monkeypatch, tmp_path)
    import lib.outliers

    made: list[int] = []

    def spy(tickets, *args, **kwargs):
        made.append(tickets.height)
        return encode_tickets(tickets, *args, **kwargs)

    monkeypatch.setattr(lib.outliers, "encode_tickets", spy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("views/agents.py").run()
    assert order == ["page", "warm"]  # the page first, then the background's turn
    assert not at.exception, [e.value for e in at.exception]
    assert any("escalat" in m.value.lower() for m in at.markdown)
    assert not agents_work._WARM and len(agents_work._STARTED) == 1
    at.switch_page("views/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not agents_work._WARM and len(made) == 1


def test_a_rerun_asked_mid_page_starts_no_codes_before_the_page_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a click while the page runs stops the run and starts another: the codes wait for the
    # page that run draws, not take the cores from it
    order = _record_order(monkeypatch, tmp_path, rerun_first=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()  # stopped by the rerun request: no codes
    assert order == ["page"]
    at.run()  # the run that draws the page, then the codes
    assert not at.exception, [e.value for e in at.exception]
    assert order == ["page", "page", "warm"]


def _beside_a_snapshot(folder: Path, name: str) -> Path:
    """Where a file ``name`` is kept beside a snapshot in ``folder`` (the snapshot made)."""
    (folder / "dataset-1-0a1b.parquet").write_bytes(b"PAR1")
    return folder / f"dataset-1-0a1b.{name}"


def _written() -> None:
    agents_work._WRITE_POOL.submit(lambda: None).result()  # the file is written


def _no_coding(monkeypatch: pytest.MonkeyPatch) -> None:
    import lib.outliers

    def refuse(*args, **kwargs):
        raise AssertionError("coded again instead of read from the file")

    monkeypatch.setattr(lib.outliers, "encode_tickets", refuse)


def test_codes_made_once_are_kept_for_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib.outliers.codes import CODES_SIDECAR

    t = _tickets()
    side = _beside_a_snapshot(tmp_path, CODES_SIDECAR)
    with periods.use_zone("Asia/Tokyo"):
        made = agents_work.codes("snap#Asia/Tokyo", t, side)
        expected = encode_tickets(t)
    _written()
    assert made.frame.equals(expected.frame) and side.is_file()
    # another process (nothing made in memory): the page and the background read the file
    agents_work._STARTED.clear()
    _no_coding(monkeypatch)
    with periods.use_zone("Asia/Tokyo"):
        read = agents_work.codes("snap#Asia/Tokyo", t, side)
        assert read.frame.equals(expected.frame) and read.zone == "Asia/Tokyo"
        assert agents_work.warm_codes("again#Asia/Tokyo", t, rows=1, saved=side)
    warm = agents_work._WARM["again#Asia/Tokyo"].result()  # read in the background
    assert warm.frame.equals(expected.frame)
    assert agents_work.codes("again#Asia/Tokyo", t, side) is warm


def test_codes_kept_for_other_tickets_are_made_again_and_replaced(tmp_path: Path) -> None:
    from lib.outliers.codes import CODES_SIDECAR, read_codes, write_codes

    t = _tickets()
    other = t.with_columns(agent=pl.col("agent").reverse())
    side = _beside_a_snapshot(tmp_path, CODES_SIDECAR)
    with periods.use_zone("UTC"):
        assert write_codes(side, encode_tickets(other))
        got = agents_work.codes("snap#UTC", t, side)
        assert got.frame.equals(encode_tickets(t).frame)
        _written()
        assert read_codes(side, t) is not None  # the file now holds this snapshot's


def test_codes_are_not_kept_beside_a_snapshot_deleted_meanwhile(tmp_path: Path) -> None:
    from lib.outliers.codes import CODES_SIDECAR

    snapshot = tmp_path / "dataset-1-0a1b.parquet"
    snapshot.write_bytes(b"PAR1")
    side = tmp_path / f"dataset-1-0a1b.{CODES_SIDECAR}"
    t = _tickets()
    hold = agents_work._WRITE_POOL.submit(snapshot.unlink)  # deleted before the write runs
    hold.result()
    agents_work.codes("gone#UTC", t, side)
    _written()
    assert list(tmp_path.iterdir()) == []
