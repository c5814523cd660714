"""Load test: concurrent browser sessions against one server holding a 1M-ticket dataset.

Starts ``streamlit run`` on a free loopback port with ``REVIEW_DATA`` pointing at the
1,000,000-ticket benchmark export (made by ``scripts/bench_ingest.py`` if missing), opens
``--sessions`` headless Chromium sessions, and for ``--seconds`` lets each one change pages
and filters the way a review group does. Reports the 50th and 95th percentile page response
time (from the click until the app script has finished and the page shows the result), the
server's peak memory (resident set of the server process tree) and the errors seen.

Targets (issue 7): p95 under 2 s, memory under 4 GB, no errors.

    .venv/bin/python scripts/loadtest.py [--sessions 10] [--seconds 180]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = ["Overview", "Breakdowns", "Drivers", "Routing & policy", "Agents", "Anomalies"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MemoryWatch(threading.Thread):
    """Polls the resident memory of a process and its children; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop_flag = False

    def run(self) -> None:
        while not self.stop_flag:
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs)
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.25)


async def wait_idle(page, timeout: float = 120_000) -> None:
    await page.wait_for_timeout(60)
    await page.wait_for_selector(IDLE, timeout=timeout)


async def session(browser, url: str, until: float, seed: int, times: list, errors: list) -> None:
    rnd = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(120_000)
    await page.goto(url)
    await wait_idle(page)
    available = [p for p in PAGES if await page.get_by_role("link", name=p).count()]
    while time.time() < until:
        action = rnd.choice(["page", "page", "escalated", "range"])
        t0 = time.perf_counter()
        try:
            if action == "page":
                await page.get_by_role("link", name=rnd.choice(available)).first.click()
            elif action == "escalated":
                exp = page.get_by_text("Filters").first
                if not await page.get_by_text("Escalated tickets only").is_visible():
                    await exp.click()
                await page.get_by_text("Escalated tickets only").click()
            else:
                box = page.get_by_label("Date range")
                await box.click()
                choice = rnd.choice(["Last 30 days", "Last 90 days", "All", "This quarter"])
                await page.get_by_role("option", name=choice).click()
            await wait_idle(page)
            times.append((action, time.perf_counter() - t0))
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"session {seed}: exception shown after {action}")
        except Exception as exc:  # a load test reports failures instead of stopping
            errors.append(f"session {seed}: {action}: {type(exc).__name__}: {exc}"[:300])
        await page.wait_for_timeout(rnd.randint(200, 1200))
    await ctx.close()


async def drive(url: str, sessions: int, seconds: float) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    times: list = []
    errors: list = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        until = time.time() + seconds
        await asyncio.gather(
            *(session(browser, url, until, i, times, errors) for i in range(sessions))
        )
        await browser.close()
    return times, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    from scripts.bench_ingest import make_file

    export = ROOT / "data" / "bench" / f"zendesk_{args.rows}.csv"
    make_file(export, args.rows)
    home = Path(tempfile.mkdtemp(prefix="review-load-"))
    port = free_port()
    env = os.environ | {
        "REVIEW_DATA": str(export),
        "DATABASE_URL": f"sqlite:///{home / 'review.sqlite'}",
        "REVIEW_DATA_DIR": str(home),
    }
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    watch = MemoryWatch(server.pid)
    watch.start()
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        t0 = time.perf_counter()
        asyncio.run(drive(url, 1, 0))  # first session imports the export
        print(f"first load (import of {args.rows:,} tickets): {time.perf_counter() - t0:.1f} s")
        times, errors = asyncio.run(drive(url, args.sessions, args.seconds))
    finally:
        watch.stop_flag = True
        server.terminate()
        server.wait(20)
    durations = sorted(t for _, t in times)
    if not durations:
        sys.exit("no action completed: " + "; ".join(errors[:5]))
    p50 = statistics.median(durations)
    p95 = durations[min(len(durations) - 1, int(0.95 * len(durations)))]
    print(
        f"\n### Load test: {args.sessions} browser sessions, {args.seconds:.0f} s, "
        f"{args.rows:,} tickets\n"
    )
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| actions completed | {len(durations)} | |")
    print(f"| p50 response | {p50:.2f} s | |")
    print(f"| p95 response | {p95:.2f} s | < 2 s |")
    print(f"| server peak memory | {watch.peak / 2**30:.2f} GiB | < 4 GB |")
    print(f"| errors | {len(errors)} | 0 |")
    by_action: dict[str, list[float]] = {}
    for action, t in times:
        by_action.setdefault(action, []).append(t)
    for action, ts in sorted(by_action.items()):
        ts.sort()
        print(f"| p95 {action} ({len(ts)}) | {ts[min(len(ts) - 1, int(0.95 * len(ts)))]:.2f} s | |")
    for e in errors[:10]:
        print("error:", e)


if __name__ == "__main__":
    main()
