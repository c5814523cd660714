"""Browser: the navigation is exactly ours on a cold start, a deep link to each page and a reload.

Streamlit decides once per process, when the first session starts, whether the app uses its old
pages-folder mode (a ``pages/`` folder beside ``app.py``). In that mode the first run shows an
extra navigation (an ``app`` page and one entry per file) and a deep link runs the page script
alone, without ``app.py``'s sign-in gate and shared sidebar. A MutationObserver installed before
any page script records every navigation entry the browser ever draws, so even a flash of the
old mode fails these tests (see ARCHITECTURE.md).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_idle

pytestmark = pytest.mark.e2e

#: (title, path, material icon) of every entry of app.py's navigation, in order.
EXPECTED = [
    ("Overview", "/", "dashboard"),
    ("Breakdowns", "/breakdowns", "stacked_bar_chart"),
    ("Drivers", "/drivers", "troubleshoot"),
    ("Routing & policy", "/routing", "alt_route"),
    ("Agents", "/agents", "support_agent"),
    ("Anomalies", "/anomalies", "notifications_active"),
    ("At risk", "/at_risk", "crisis_alert"),
    ("Product bugs", "/product", "bug_report"),
    ("Review meetings", "/meetings", "groups"),
    ("Calibration", "/calibration", "balance"),
    ("Alerts & digests", "/settings", "notifications"),
    ("Data", "/data", "upload_file"),
]
#: The title each page shows.
HEADINGS = {
    "/": "Overview",
    "/breakdowns": "Breakdowns",
    "/drivers": "Drivers",
    "/routing": "Routing & policy",
    "/agents": "Agents",
    "/anomalies": "Anomalies",
    "/at_risk": "At risk",
    "/product": "Product bugs",
    "/meetings": "Review meetings",
    "/calibration": "Calibration",
    "/settings": "Alerts & digests",
    "/data": "Data",
}

RECORDER = """
window.__navSeen = [];
const record = () => {
  document.querySelectorAll('[data-testid="stSidebarNavLink"]').forEach((a) => {
    const entry = [new URL(a.href).pathname, a.innerText || ''];
    const key = JSON.stringify(entry);
    if (!window.__navSeen.some((e) => JSON.stringify(e) === key)) window.__navSeen.push(entry);
  });
};
new MutationObserver(record)
  .observe(document, {subtree: true, childList: true, characterData: true});
"""


def _label(text: str) -> str:
    """The last line of a link's text: its title once drawn (its icon's name before that)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _open(browser, url: str, requests: list[str] | None = None):
    """A new browser context (a new Streamlit session) on ``url``; every request it makes is
    appended to ``requests`` when given."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(RECORDER)
    if requests is not None:
        ctx.on("request", lambda r: requests.append(r.url))
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def _check(page, path: str) -> None:
    """Only our entries were ever drawn, the shared sidebar ran, and the right page is shown."""
    wait_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Dataset").first.wait_for()
    page.locator("h1").filter(has_text=HEADINGS[path]).first.wait_for()
    allowed = {p: {title, icon, ""} for title, p, icon in EXPECTED}
    seen = page.evaluate("window.__navSeen")
    foreign = [(p, t) for p, t in seen if _label(t) not in allowed.get(p, set())]
    assert not foreign, foreign  # no entry but ours was ever drawn, not even for a moment
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stSidebarNavLink"]'))
              .map((a) => [a.innerText, new URL(a.href).pathname])"""
    )
    assert [(_label(t), p) for t, p in shown] == [(title, p) for title, p, _ in EXPECTED]
    assert page.locator('[data-testid="stException"]').count() == 0


def test_cold_start_shows_only_our_navigation(server_factory, browser) -> None:
    srv = server_factory()
    page = _open(browser, srv.url)
    _check(page, "/")
    page.reload()
    _check(page, "/")


@pytest.mark.parametrize("path", ["/data", "/meetings"])
def test_cold_deep_link_runs_the_app_shell(server_factory, browser, path: str) -> None:
    """The first session of a fresh server opens on a deep link (the case the old mode breaks).
    The Data page's link names a tab (as the low-signal warning's link does): that tab opens,
    and only it runs."""
    srv = server_factory()
    query = "?tab=Escalation+rules" if path == "/data" else ""
    page = _open(browser, srv.url + path + query)
    _check(page, path)
    if query:
        expect(page.get_by_role("tab", name="Escalation rules")).to_have_attribute(
            "aria-selected", "true"
        )
        expect(page.get_by_text("of 11,110 tickets are escalated").first).to_be_visible()
        assert page.locator('[data-testid="stFileUploader"]').count() == 0


#: Pages reloaded after their deep link. A reload is a new Streamlit session on the same address,
#: as the deep link itself is, so one reload per kind of page is enough: the start page (also
#: reloaded cold above), a page that writes to the store, and the last entry.
RELOADED = ("/", "/meetings", "/data")


@pytest.mark.parametrize("path", [p for _, p, _ in EXPECTED])
def test_deep_link_and_reload_of_every_page(shared_server, browser, path: str) -> None:
    """Also: every request the page makes goes to the app's own server (no fonts, scripts or
    telemetry from outside). One test per page, so the two workers share them out evenly."""
    srv = shared_server
    seen: list[str] = []
    page = _open(browser, srv.url + path, seen)
    _check(page, path)
    if path in RELOADED:
        page.reload()
        _check(page, path)
    page.context.close()
    own = (srv.url, srv.url.replace("127.0.0.1", "localhost"), "data:", "blob:", "about:")
    outside = [u for u in seen if not u.startswith(own)]
    assert seen and not outside, outside[:10]
