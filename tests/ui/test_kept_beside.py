"""What the app works out once per dataset and keeps beside its snapshot (issue 18): the
sidebar's filter choices and the Agents page's codes, written by the first process (or by
``review import``) and read by every later one instead of being worked out again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import periods
from lib.audit.filter_choices import FILTER_CHOICES_SIDECAR, FILTER_COLUMNS, filter_choices
from lib.outliers.codes import CODES_SIDECAR, encode_tickets, read_codes
from lib.store import Store
from lib.store.snapshot_scan import read_canonical
from review import main
from tests.conftest import DATA
from ui import agents_work, sidebar

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_process():
    """As a new process: nothing cached in memory, so only the files can save the work."""
    sidebar._filter_options.clear()
    agents_work._WARM.clear()
    agents_work._STARTED.clear()
    yield
    agents_work._WARM_POOL.submit(lambda: None).result()
    agents_work._WRITE_POOL.submit(lambda: None).result()
    sidebar._filter_options.clear()
    agents_work._WARM.clear()
    agents_work._STARTED.clear()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_the_first_page_keeps_the_filter_choices_and_a_later_process_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    _ok(at)
    store = Store()
    try:
        snap = store.snapshot_file(store.get_active_dataset())
        side = snap.with_name(f"{snap.stem}.{FILTER_CHOICES_SIDECAR}")
        kept = json.loads(side.read_text(encoding="utf-8"))
        tickets = read_canonical(snap)
        assert kept["choices"] == filter_choices(tickets, FILTER_COLUMNS)
        assert kept["rows"] == tickets.height
        # a later process offers what the file says (here: one choice more than the tickets)
        kept["choices"]["channel"].insert(0, "a choice only the file has")
        side.write_text(json.dumps(kept), encoding="utf-8")
    finally:
        store.close()
    sidebar._filter_options.clear()
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.run()
    _ok(again)
    channels = again.sidebar.multiselect(key="f_channels")
    assert channels.options[0] == "a choice only the file has"
    assert channels.options[1:] == filter_choices(tickets, ["channel"])["channel"]


def test_review_import_keeps_both_and_the_agents_page_codes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    export = DATA / "review_cli_export.csv"
    args = ["import", str(export), "--quiet", "--zone", "Asia/Tokyo", "--database", url]
    assert main(args) == 0
    store = Store(url)
    try:
        rec = store.get_active_dataset()
        snap = store.snapshot_file(rec)
        tickets = read_canonical(snap)
        with periods.use_zone("Asia/Tokyo"):
            kept = read_codes(store.sidecar_path(rec, CODES_SIDECAR), tickets)
            made = encode_tickets(tickets)
        assert kept is not None and kept.frame.equals(made.frame)
        assert kept.levels["agent"].to_list() == made.levels["agent"].to_list()
        side = store.sidecar_path(rec, FILTER_CHOICES_SIDECAR)
        assert json.loads(side.read_text(encoding="utf-8"))["choices"] == filter_choices(
            tickets, FILTER_COLUMNS
        )
    finally:
        store.close()
    import lib.outliers

    def refuse(*a, **k):
        raise AssertionError("the Agents page coded the tickets again")

    monkeypatch.setattr(lib.outliers, "encode_tickets", refuse)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("views/agents.py").run()
    _ok(at)
    assert any("escalat" in m.value.lower() for m in at.markdown)
    assert at.dataframe, "the comparison table is shown"


def test_an_import_whose_extras_fail_is_still_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import review.importer

    def broken(*a, **k):
        raise MemoryError("out of memory while coding")

    monkeypatch.setattr(review.importer, "keep_beside", broken)
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
    assert main(["import", str(DATA / "review_cli_export.csv"), "--quiet", "--database", url]) == 0
    assert "were not kept (out of memory while coding)" in capsys.readouterr().out
    with Store(url) as store:
        assert store.get_active_dataset().row_count == 247
