"""Browser: two app servers (two ``streamlit run`` processes on different ports) sharing one
PostgreSQL database and one data folder, as a team behind a proxy with sticky sessions runs
them. What one server saves, the other shows; a concurrent edit through both is a conflict; a
dataset imported through one opens in the other without a restart."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from lib.store import Store
from tests.conftest import postgres_schema, postgres_url
from tests.e2e.conftest import Server, _require_browser, metric, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
DATA = Path(__file__).resolve().parents[1] / "data"
JOURNEY_ACTION = "Check the PostgreSQL journey"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, str]]:
    """Two servers on one PostgreSQL schema and one data folder (REVIEW_DATA: a small export,
    registered once by whichever opens first), and the database URL."""
    base = postgres_url()
    if base is None:
        pytest.skip("set REVIEW_TEST_POSTGRES_URL to an empty PostgreSQL test database")
    _require_browser()
    url = postgres_schema(base, "two")
    home = tmp_path_factory.mktemp("two_servers")
    Store(url).close()  # migrate once, before both start
    env = {"DATABASE_URL": url, "REVIEW_DATA": str(DATA / "zendesk_small.csv")}
    first, second = Server(home / "a", env), Server(home / "b", env)
    for srv in (first, second):
        srv.home.mkdir()
        srv.env_extra["REVIEW_DATA_DIR"] = str(home)  # one snapshot folder for both
    try:
        yield first.start(), second.start(), url
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def pages(browser) -> Iterator[tuple]:
    """Two browser sessions (one per server): two people of the team."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    opened = []
    for ctx in contexts:
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        opened.append(pg)
    yield tuple(opened)
    for ctx in contexts:
        ctx.close()


def _only_open_item(url: str, title: str) -> int:
    """Close every open action item and create one new one; return its id."""
    with Store(url) as store:
        for row in store.list_actions(status=["open", "in_progress"]).iter_rows(named=True):
            store.update_action(row["id"], {"status": "done"}, expected_version=row["version"])
        return store.create_action(title, owner="ana", who="ana").id


def _actions_tab(page, url: str) -> None:
    page.goto(url + "/meetings")
    wait_idle(page)
    page.get_by_role("tab", name="Action items").click()
    wait_idle(page)
    page.locator('[class*="st-key-mt_ed_all_"]').first.wait_for()


def _type_owner(page, owner: str) -> None:
    """Type ``owner`` into the first row's "Owner" cell. The table is a canvas grid: the cell is
    found by position (at this 1400 px viewport the stretched third column spans 300-396 px
    from the grid's left edge; rows are 35 px high)."""
    editor = page.locator("textarea.gdg-input")
    for _ in range(3):  # a rerun may redraw the grid under the first click: click again
        wait_idle(page)
        grid = page.locator('[class*="st-key-mt_ed_all_"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.dblclick(box["x"] + 348, box["y"] + 35 + 17)
        try:
            editor.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    editor.focus()
    editor.fill(owner)
    editor.press("Enter")
    wait_idle(page)  # the edit reached the server


def _edit_owner(page, owner: str) -> None:
    """Change the first row's owner and press "Save changes" (typing again if the grid lost
    the keystrokes to a rerun: "Nothing to save")."""
    for _ in range(3):
        _type_owner(page, owner)
        page.get_by_role("button", name="Save changes").click()
        wait_idle(page)
        if page.get_by_text("Nothing to save").count() == 0:
            return
    raise AssertionError("the owner cell could not be edited")


def _action_rows(page) -> list[dict[str, str]]:
    """The rows of the Action items tab's table, from its own CSV download."""
    with page.expect_download() as info:
        page.locator('[class*="st-key-mt_dl_actions_filtered"] button').click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_an_edit_through_one_server_shows_in_the_other(pair, pages) -> None:
    first, second, url = pair
    a, b = pages
    item = _only_open_item(url, "Shared item")
    _actions_tab(a, first.url)
    _edit_owner(a, "Bo")
    a.get_by_text("Saved 1 action item").wait_for()
    with Store(url) as store:
        assert store.get_action(item).owner == "Bo"
    _actions_tab(b, second.url)
    assert [row["owner"] for row in _action_rows(b)] == ["Bo"]
    _no_exception(a, b)


def test_a_concurrent_edit_through_both_is_a_conflict(pair, pages) -> None:
    first, second, url = pair
    a, b = pages
    item = _only_open_item(url, "Contested item")
    _actions_tab(a, first.url)  # both tables show version 1
    _actions_tab(b, second.url)
    _edit_owner(a, "Cy")
    a.get_by_text("Saved 1 action item").wait_for()
    _edit_owner(b, "Dee")
    b.get_by_text(re.compile(r"changed by .*Your change \(not saved\): owner → Dee")).wait_for()
    with Store(url) as store:
        saved = store.get_action(item)
        assert (saved.owner, saved.version) == ("Cy", 2)
    _no_exception(a, b)


def test_a_dataset_imported_through_one_opens_in_the_other(pair, pages, tmp_path: Path) -> None:
    first, second, _ = pair
    a, b = pages
    b.goto(second.url)  # a session on the second server, open before the import
    wait_idle(b)
    export = tmp_path / "team_b_export.csv"
    shutil.copyfile(DATA / "zendesk_small.csv", export)
    a.goto(first.url + "/data")
    wait_idle(a)
    a.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    a.get_by_role("button", name="Confirm mapping and read tickets").click()
    a.get_by_role("button", name=re.compile(r"Import [\d,]+ tickets")).click()
    a.get_by_text("Imported 240 tickets").first.wait_for(timeout=60_000)
    # the open session on the second server: its next run lists the dataset, and opens it
    b.get_by_role("link", name="Breakdowns").click()
    wait_idle(b)
    b.locator('[class*="st-key-sb_dataset"]').click()
    b.get_by_role("option", name="team_b_export.csv").click()
    wait_idle(b)
    b.get_by_text(re.compile(r"team_b_export\.csv\s*\(240 tickets\)")).first.wait_for()
    _no_exception(a, b)


def test_a_meeting_and_its_action_item_survive_a_server_restart(pair, pages) -> None:
    """The PostgreSQL journey: (after the import above) a meeting and an action item made in
    the browser are there again after the server process is replaced."""
    first, _, _ = pair
    a, b = pages
    a.goto(first.url + "/meetings")
    wait_idle(a)
    a.get_by_role("button", name="Start meeting and build the agenda").click()
    a.get_by_text("Meeting started with").first.wait_for()
    wait_idle(a)
    a.locator('[class*="st-key-mt_item_"]').first.get_by_role(
        "button", name="Add an action item"
    ).click()
    pop = a.locator('[data-testid="stPopoverBody"]')
    pop.get_by_label("Action", exact=True).fill(JOURNEY_ACTION)
    pop.get_by_label("Owner").fill("Ana")
    pop.get_by_role("button", name="Add action item").click()
    a.get_by_text(re.compile(r"Action item #\d+ “" + JOURNEY_ACTION)).first.wait_for()
    first.stop()  # a new process on the same database and folder
    first.start()
    _actions_tab(a, first.url)
    rows = {row["title"]: row for row in _action_rows(a)}
    assert rows[JOURNEY_ACTION]["owner"] == "Ana", rows
    expect(metric(a, "Meetings held")).to_have_text("1")
    _no_exception(a, b)


def _no_exception(*pages) -> None:
    for page in pages:
        assert page.locator('[data-testid="stException"]').count() == 0
