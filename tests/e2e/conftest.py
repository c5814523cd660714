"""Browser tests: a real ``streamlit run`` on a free port, driven by headless Debian Chromium.

Set ``REQUIRE_BROWSER=1`` (CI does) to make a missing Chromium a failure instead of a skip.
Screenshots land in ``screenshots/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        msg = (
            f"Chromium not found at {CHROMIUM}: run `make test` as root or apt-get install chromium"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running Streamlit server with its own data folder."""

    def __init__(self, home: Path, env_extra: dict[str, str] | None = None) -> None:
        self.home = home
        self.env_extra = env_extra or {}
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = home / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = os.environ.copy()
        env.update(
            {
                "REVIEW_DATA_DIR": str(self.home),
                "DATABASE_URL": f"sqlite:///{self.home / 'review.sqlite'}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("REVIEW_DATA", None)
        env.update(self.env_extra)
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in 60 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:
    servers: list[Server] = []

    def make(home: Path | None = None, **env: str) -> Server:
        h = home or tmp_path / f"home{len(servers)}"
        h.mkdir(exist_ok=True)
        srv = Server(h, env).start()
        servers.append(srv)
        return srv

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Streamlit server on the bundled demo, shared by every browser test that only reads.

    Starting a server and filling its caches (the snapshot, the case-mix and leave-one-out fits)
    is most of a browser test's time, so the tests that change nothing stored (they look, click,
    filter and download) share this one. Each test still opens its own browser context, which
    is its own Streamlit session (its own filters, selections and widget state). A test that
    saves anything (an import, an agenda item, a meeting) or needs a cold server (the first
    session of a process) takes a fresh server from ``server_factory`` instead.
    """
    _require_browser()
    home = tmp_path_factory.mktemp("demo_server")
    srv = Server(home).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def shared_server(demo_server: Server) -> Server:
    """``demo_server``, checked to be still running before a test uses it."""
    if demo_server.proc is None or demo_server.proc.poll() is not None:
        log = demo_server.log.read_text(errors="replace")[-2000:]
        pytest.fail(f"the shared demo server has exited: {log}")
    return demo_server


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    # expect() retries an assertion until it holds; its 5 s default is short for a rerun on a
    # busy 2-core machine (a passing assertion returns as soon as it holds, so this costs nothing).
    expect.set_options(timeout=20_000)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    ctx.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    """Wait until the app script has finished running (a cold page on a busy 2-core machine
    can take over a minute: the generous limit costs nothing when the page is quick)."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_timeout(300)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )


def switch_on(page, label: str, tries: int = 3) -> None:
    """Turn the switch ``label`` on. A click that lands while a rerun redraws the sidebar is
    lost (the switch stays off); click again once the app is idle, never on a switch already
    on (a slow first click would be undone)."""
    from playwright.sync_api import expect

    switch = page.get_by_label(label)
    for _ in range(tries):
        if switch.is_checked():
            return
        page.get_by_text(label).click()
        try:
            expect(switch).to_be_checked(timeout=10_000)
            return
        except AssertionError:
            wait_idle(page)


def metric(page, label: str):
    """The value of the last ``st.metric`` with this label, as a locator: assert on it with
    ``expect(...)``, which retries until the rerun that changes it has drawn (a plain read right
    after a click can see the previous run's element)."""
    import re

    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator(
            '[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")
        )
    )
    return box.last.locator('[data-testid="stMetricValue"]')


#: Screenshots to look at (``E2E_SHOTS=1``): off in ``make test``, where nobody looks at them and
#: the full-page shots of tall pages (and the pauses before them) cost about 20 s.
TAKE_SHOTS = os.environ.get("E2E_SHOTS", "") not in ("", "0")


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as ``screenshots/NAME.png`` when ``E2E_SHOTS`` is set."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    if TAKE_SHOTS:
        page.screenshot(path=str(path), full_page=True)
    return path
