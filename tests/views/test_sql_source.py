"""AppTest of the Data page's database source: a SQLite URL through an environment variable,
the same mapping screen and import as a file, the source remembered without credentials."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import Store
from tests.ingest.sql_tickets import TABLE, ticket_rows, write_desk

ROOT = Path(__file__).resolve().parents[2]
SECRET = "hunter2-S3CRET"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder opened on a small export instead of the demo (seconds faster)."""
    path = tmp_path_factory.mktemp("sql_source_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEW_DATA_DIR", str(path))
        mp.setenv("DATABASE_URL", f"sqlite:///{path / 'review.sqlite'}")
        mp.setenv("REVIEW_DATA", str(ROOT / "tests" / "data" / "zendesk_small.csv"))
        yield path


def _database_source(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    monkeypatch.setenv("REVIEW_SQL_DESK", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.radio(key="import_from").set_value("A database").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sql_name").value.name == "REVIEW_SQL_DESK"
    return at


def _page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("error", "success", "info", "caption", "markdown")
        for e in getattr(at, kind)
    ]
    parts += [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(str(p) for p in parts)


def test_read_map_and_import_a_date_range(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = write_desk(home / "desk.sqlite", 400)
    at = _database_source(monkeypatch, f"sqlite:///{desk}")
    at.text_input(key="sql_table").set_value(TABLE)
    at.date_input(key="sql_start").set_value(dt.date(2024, 2, 1))
    at.date_input(key="sql_end").set_value(dt.date(2024, 2, 10))
    at.button(key="sql_read").click().run()
    assert not at.exception, at.exception
    assert any("Connected to sqlite:///" in s.value for s in at.success)
    assert at.selectbox(key="map_created_at").value == "created_at"
    assert at.selectbox(key="map_agent").value == "assignee_name"
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    n = sum(1 for r in ticket_rows(400) if "2024-02-01" <= r[1][:10] <= "2024-02-10")
    imp = next(b for b in at.button if b.label.startswith(f"Import {n} tickets"))
    imp.click().run()
    assert not at.exception, at.exception
    assert any(f"Imported {n} tickets" in s.value for s in at.success)
    rec = Store().get_dataset(int(Store().list_datasets()["id"][0]))
    assert rec.row_count == n and rec.source_files == [f"{TABLE}, created 2024-02-01 to 2024-02-10"]
    source = rec.report["source"]
    assert source["connection"] == {"kind": "env", "name": "REVIEW_SQL_DESK", "password_env": None}
    assert (source["table"], source["start"], source["end"]) == (TABLE, "2024-02-01", "2024-02-10")
    assert str(desk) not in repr(rec.report)  # the URL is not stored, only its variable's name
    # Read it again: the form is filled from the saved source.
    at.selectbox(key="sql_saved").set_value(rec.id).run()
    assert at.text_input(key="sql_table").value == TABLE
    assert at.date_input(key="sql_end").value == dt.date(2024, 2, 10)
    at.date_input(key="sql_end").set_value(dt.date(2024, 2, 20))
    at.button(key="sql_read").click().run()
    assert not at.exception, at.exception
    assert any("created 2024-02-01 to 2024-02-20" in s.value for s in at.success)


def test_a_failed_connection_masks_the_password_and_keeps_the_dataset(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        at = _database_source(
            monkeypatch, f"postgresql+psycopg://ana:{SECRET}@127.0.0.1:{port}/helpdesk"
        )
        # after the app's first run: alone in a fresh folder, that run imports REVIEW_DATA
        before = Store().list_datasets()["name"].to_list()
        assert before
        at.text_input(key="sql_table").set_value("tickets")
        at.button(key="sql_read").click().run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Could not read from the database" in errors and "cannot connect" in errors
    assert "ana:\\*\\*\\*@127.0.0.1" in errors or "ana:***@127.0.0.1" in errors
    assert SECRET not in _page_text(at) and "hunter2" not in _page_text(at)
    assert "the dataset that was open stays open" in " ".join(c.value for c in at.caption)
    assert Store().list_datasets()["name"].to_list() == before
