"""What a user waits for: a 1,000,000-ticket export from the file chooser to the Overview.

Starts ``streamlit run`` on a free port with an empty data folder, opens the Data page in
headless Chromium, uploads the Zendesk-style CSV of ``scripts/bench_ingest.py`` (generated on
first use), confirms the detected mapping, imports, opens the Overview and waits for its
numbers. Prints the split:

* upload + inspection: from choosing the file to the mapping screen (the "Detected" line);
* reading: from "Confirm mapping" to the rules and the "Import N tickets" button;
* saving: from "Import N tickets" to "Imported N tickets" (the snapshot and the registry);
* Overview: from the Overview link to its headline numbers, the script finished. An import
  opens the Overview by itself (with "Imported N tickets" on top): then this step runs from
  that message to the numbers, with no click (older trees: the click on the link).

Each step ends when the app's script has finished running (Streamlit's own ``notRunning``
state) and the awaited text is shown. ``--think S``: seconds a person spends reading the
mapping screen and the rules before clicking (not counted in the steps; the app works ahead
meanwhile). Not part of ``make test`` (about a minute per run):

    .venv/bin/python scripts/bench_upload.py [--rows 1000000] [--repeat 1] [--think 0]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench_ingest import bench_file  # noqa: E402
from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, Server  # noqa: E402

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STEPS = ("upload + inspection", "reading after the mapping", "saving the snapshot", "Overview")


def _stat_cpu(proc: Path, *, reaped: bool = False) -> float:
    """CPU seconds (user + system, all threads) of the process ``proc`` (``/proc/<pid>``), with
    ``reaped`` also those of the children it waited for."""
    fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    used = fields[11:15] if reaped else fields[11:13]
    return sum(int(f) for f in used) / os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """CPU seconds the process ``pid`` has used so far."""
    return _stat_cpu(Path(f"/proc/{pid}"))


def _browser_cpu() -> float:
    """CPU seconds all running Chromium processes (and the children they reaped) have used."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if "chromium" in (proc / "cmdline").read_bytes().split(b"\0")[0].decode():
                total += _stat_cpu(proc, reaped=True)
        except (OSError, IndexError, UnicodeDecodeError):
            continue  # ended meanwhile, or not ours to read
    return total


def _peak_gib(pid: int) -> float:
    """Peak resident memory of the process ``pid`` so far, in GiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def _idle(page, timeout: float = 300_000) -> None:
    """Wait until the script run that the last action started has finished."""
    page.wait_for_timeout(100)
    page.wait_for_selector(IDLE, timeout=timeout)


def one_run(browser, path: Path, rows: int, think: float = 0.0) -> dict[str, float]:
    """Upload ``path`` to a fresh server and return the seconds of each step; ``think``:
    seconds of reading before each click, not counted."""
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as home:
        srv = Server(Path(home)).start()
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = ctx.new_page()
            page.set_default_timeout(300_000)
            page.goto(srv.url + "/data")
            _idle(page)
            page.get_by_text("Ticket exports").first.wait_for()
            times: dict[str, float] = {}
            cpu: dict[str, float] = {}
            web: dict[str, float] = {}
            pid = srv.proc.pid
            c, b, t = _cpu(pid), _browser_cpu(), time.perf_counter()
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
            page.get_by_text("Detected").first.wait_for()
            confirm = page.get_by_role("button", name="Confirm mapping and read tickets")
            confirm.wait_for()
            _idle(page)
            times[STEPS[0]] = time.perf_counter() - t
            cpu[STEPS[0]], web[STEPS[0]] = _cpu(pid) - c, _browser_cpu() - b
            page.wait_for_timeout(think * 1000)
            c, b, t = _cpu(pid), _browser_cpu(), time.perf_counter()
            confirm.click()
            save = page.get_by_role("button", name=re.compile(r"Import [\d,]+ tickets"))
            save.wait_for()
            _idle(page)
            times[STEPS[1]] = time.perf_counter() - t
            cpu[STEPS[1]], web[STEPS[1]] = _cpu(pid) - c, _browser_cpu() - b
            label = save.inner_text()
            n = int(re.search(r"Import ([\d,]+) tickets", label).group(1).replace(",", ""))
            if n != rows:
                raise SystemExit(f"expected {rows:,} tickets on the import button, saw {label!r}")
            page.wait_for_timeout(think * 1000)
            c, b, t = _cpu(pid), _browser_cpu(), time.perf_counter()
            save.click()
            page.get_by_text(f"Imported {rows:,} tickets").first.wait_for()
            on_data = page.url.rstrip("/").endswith("/data")  # (before: no switch to the Overview)
            if on_data:
                _idle(page)
            times[STEPS[2]] = time.perf_counter() - t
            cpu[STEPS[2]], web[STEPS[2]] = _cpu(pid) - c, _browser_cpu() - b
            c, b, t = _cpu(pid), _browser_cpu(), time.perf_counter()
            if on_data:
                page.get_by_role("link", name="Overview").click()
            page.locator('[data-testid="stMetricValue"]').first.wait_for()
            _idle(page)
            times[STEPS[3]] = time.perf_counter() - t
            cpu[STEPS[3]], web[STEPS[3]] = _cpu(pid) - c, _browser_cpu() - b
            if page.locator('[data-testid="stException"]').count():
                raise SystemExit("the app showed an exception; see " + str(srv.log))
            peak = {"peak GiB": _peak_gib(pid)}
            return {
                **times,
                **{f"cpu {k}": v for k, v in cpu.items()},
                **{f"browser {k}": v for k, v in web.items()},
                **peak,
            }
        finally:
            ctx.close()
            srv.stop()
            if os.environ.get("BENCH_UPLOAD_LOG"):
                print(srv.log.read_text(errors="replace")[-20_000:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--think", type=float, default=0.0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    path = bench_file(args.rows)
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            for i in range(args.repeat):
                times = one_run(browser, path, args.rows, args.think)
                runs.append(times)
                parts = " / ".join(f"{times[s]:.1f}" for s in STEPS)
                cpus = " / ".join(f"{times['cpu ' + s]:.1f}" for s in STEPS)
                webs = " / ".join(f"{times['browser ' + s]:.1f}" for s in STEPS)
                total = sum(times[s] for s in STEPS)
                peak = times["peak GiB"]
                print(
                    f"run {i + 1}: {total:.1f} s ({parts}); server CPU s {cpus}; "
                    f"Chromium CPU s {webs}; "
                    f"server peak {peak:.2f} GiB",
                    flush=True,
                )
        finally:
            browser.close()
    best = min(runs, key=lambda r: sum(r[s] for s in STEPS))
    size = path.stat().st_size / 1e6
    title = f"Upload to Overview: {args.rows:,} tickets, {size:.0f} MB CSV, think {args.think:g} s"
    print(f"\n### {title} (best of {len(runs)})\n")
    print("| step | seconds | server CPU s | Chromium CPU s |")
    print("| --- | ---: | ---: | ---: |")
    for s in STEPS:
        print(f"| {s} | {best[s]:.1f} | {best['cpu ' + s]:.1f} | {best['browser ' + s]:.1f} |")
    total, total_cpu = sum(best[s] for s in STEPS), sum(best["cpu " + s] for s in STEPS)
    total_web = sum(best["browser " + s] for s in STEPS)
    print(f"| **total** (target < 6 s) | **{total:.1f}** | {total_cpu:.1f} | {total_web:.1f} |")
    print(f"\nServer peak memory: {best['peak GiB']:.2f} GiB")


if __name__ == "__main__":
    main()
