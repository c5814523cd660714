"""Browser: hostile ticket text renders literally; sessions keep their own filters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib.store import Store
from tests.e2e.conftest import metric, shot, switch_on, wait_idle

pytestmark = pytest.mark.e2e

HOSTILE = (
    "Id,Created at,Subject,Group,Product area [list],Assignee,Tags\n"
    '1,2024-03-01 10:00,"<img src=x onerror=alert(1)>",Tier 2,"<b>Bold</b> [click](http://evil.test)",'
    '"<script>alert(2)</script>",escalated\n'
    '2,2024-03-02 10:00,"[phish](javascript:alert(3)) **bold**",Tier 1,Billing,Ann,\n'
    "3,2024-03-03 10:00,Normal subject,Tier 1,Billing,Ann,\n"
)


def test_hostile_text_is_shown_literally(server_factory, page, tmp_path: Path) -> None:
    export = tmp_path / "hostile.csv"
    export.write_text(HOSTILE)
    srv = server_factory(REVIEW_DATA=str(export))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(srv.url)
    wait_idle(page)
    page.get_by_text("3 tickets").first.wait_for()
    for name in ("Data", "Overview"):
        page.get_by_role("link", name=name).first.click()
        wait_idle(page)
    page.get_by_role("link", name="Data").first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Data quality").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"tab=Data\+quality"))  # (a tab runs when opened)
    # Open the category filter so the hostile category name is on screen.
    page.get_by_text("Filters").first.click()
    page.wait_for_timeout(500)
    shot(page, "security_hostile_text")
    html = page.content()
    assert not dialogs, dialogs
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:has-text('alert(2)')").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("a[href='http://evil.test']").count() == 0
    assert "onerror=alert(1)" not in re.sub(r"&lt;|&gt;", "", html) or "&lt;img" in html


def _tickets(page) -> str:
    """The Overview's "Tickets" headline: it must fall when only escalated tickets are shown
    (the "Escalations" count, the first metric, stays the same under that filter)."""
    return metric(page, "Tickets").inner_text().strip()


def test_filters_stay_in_their_own_session(shared_server, browser) -> None:
    srv = shared_server
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for p in (a, b):
        p.set_default_timeout(60_000)
        p.goto(srv.url)
        wait_idle(p)
        p.get_by_text("Escalation rate").first.wait_for()
    before_b = _tickets(b)
    assert before_b == _tickets(a)  # both sessions start on the same numbers
    a.get_by_text("Filters").first.click()
    wait_idle(a)
    switch_on(a, "Escalated tickets only")
    expect(a.get_by_label("Escalated tickets only")).to_be_checked()
    # Wait for the value that must change, and for the caption that names the filter.
    expect(metric(a, "Tickets")).not_to_have_text(before_b, timeout=60_000)
    wait_idle(a)
    after_a = _tickets(a)
    b.reload()
    wait_idle(b)
    b.get_by_text("Escalation rate").first.wait_for()
    after_b = _tickets(b)
    assert after_a != before_b  # the filter changed session A's numbers
    assert after_b == before_b  # and not session B's
    a.context.close()
    b.context.close()


def _visit_every_page(page, url: str) -> list[str]:
    """Open the app and every page of its navigation; the URLs of every request made (the list
    keeps growing while the test goes on)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(url)
    wait_idle(page)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    for i in range(nav.count()):
        nav.nth(i).click()
        wait_idle(page)
    return seen


#: Markdown images in a column name, a category, an agent, the footer and an action's owner:
#: if any reached Markdown raw, the browser would fetch it from this (closed) port.
BAIT = "![x](http://127.0.0.1:8799/{}.png)"


def test_hostile_names_load_nothing_from_outside(server_factory, page, tmp_path: Path) -> None:
    """Every page, the Data quality tab and a carried-over agenda item with hostile names:
    no request leaves the app's server, and the tables offer no raw CSV download."""
    export = tmp_path / "bait.csv"
    rows = [f"Id,Created at,Subject,Group,Assignee,Product area [list],{BAIT.format('col')}"]
    rows += [
        f"{i},2024-03-{1 + i % 9:02d} 10:00,=HYPERLINK(1),Tier {1 + i % 2},"
        f"{BAIT.format('agent')},{BAIT.format('cat')},x"
        for i in range(1, 40)
    ]
    export.write_text("\n".join(rows) + f"\nExported by: {BAIT.format('footer')}\n")
    home = tmp_path / "home"
    home.mkdir()
    with Store(f"sqlite:///{home / 'review.sqlite'}") as store:
        old = store.create_meeting("2024-03-01", title=BAIT.format("meeting"))
        act = store.create_action(BAIT.format("title"), owner=BAIT.format("owner"),
                                  due_date="2099-01-01", meeting_id=old.id)  # fmt: skip
        new = store.create_meeting("2024-03-15", title="Next")
        store.add_agenda_item(new.id, BAIT.format("item"), source="action", ref=str(act.id))
    srv = server_factory(home, REVIEW_DATA=str(export))
    seen = _visit_every_page(page, srv.url)
    page.get_by_role("link", name="Data").first.click()
    wait_idle(page)
    page.get_by_role("tab", name="Data quality").click()
    wait_idle(page)
    page.get_by_text("Not used").first.wait_for()
    page.locator("[data-testid=stDataFrame]:visible").first.hover()
    page.wait_for_timeout(300)
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    page.get_by_role("link", name="Meetings").first.click()
    wait_idle(page)
    page.get_by_text("owner.png").first.wait_for()  # the carried-over owner, as text
    shot(page, "security_hostile_names")
    outside = [
        u for u in seen if "8799" in u or not u.startswith((srv.url, "data:", "blob:", "about:"))
    ]
    assert seen and not outside, outside[:10]
