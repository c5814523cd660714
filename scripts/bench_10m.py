"""10 million tickets: generate, import, open the app, time its pages and measure memory.

Usage::

    .venv/bin/python scripts/bench_10m.py [--tickets 10000000] [--compare 1000000]
        [--work /tmp/big10m] [--steps gen,import,app] [--read 0] [--first overview]

For each size (``--compare`` first, then ``--tickets``) in its own folder under ``--work``
(``n<size>/``):

1. **gen**: a Zendesk-style export of exactly ``n`` tickets as Parquet (``export.parquet``),
   made by the demo generator (:func:`lib.demo.demo_export`, vectorised) in chunks of at most
   1M tickets, each chunk its own seed and id prefix, streamed into one file (memory stays at
   one chunk's). Kept and reused when it is already there with the right row count.
2. **import**: in a fresh process, what the app does on import: ``load_export`` on the file,
   the extras put beside the tickets by ``ui.dataset.save_frame``, ``Store.register_dataset``
   writing the Parquet snapshot into ``home/``, then the files ``review import`` keeps beside
   it (``review.importer.keep_beside``: the sidebar's filter choices and the Agents page's
   codes; the app writes the same files after the first page it opens on a new dataset).
   Wall time and peak resident memory (the child's maximum RSS). Skipped when ``home/``
   already holds the dataset.
3. **app**: in a fresh process: the dataset opened as the app opens it
   (``ui.dataset._canonical``, the per-process cache every session shares), then Streamlit's
   ``AppTest`` runs ``app.py`` on that store: the Overview, Breakdowns and Agents pages
   (first run of each, nothing cached but the open dataset), one agent's drill-down (the
   first name of the Agents page's "Agent" selectbox), a filter change (a channel
   picked in the sidebar, the Overview again), then a second and a third session (their own
   ``AppTest``, the same process, as sessions of one server are) each running the three
   pages. The process RSS is read after each step (psutil) and its peak at the end.
   ``--read S``: the user reads each page ``S`` seconds before opening the next (not timed;
   the app works in the background meanwhile, as it does for a person). ``--first PAGE``:
   the page each session opens first (``agents``: a deep link to the Agents page, before any
   other page has run on the dataset); the other two follow in their usual order.

Prints one table per size and a comparison. Targets (issue 18): import peak under 8 GB;
each page's computations under 3 s once the dataset is open; a filter change under 1 s;
the app process under 6 GB with 3 sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# as `make` runs the app and tests: more BLAS threads only contend on a 2-core machine
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

CHUNK = 1_000_000
DAYS = 730
PAGES = {
    "overview": "views/overview.py",
    "breakdowns": "views/breakdowns.py",
    "agents": "views/agents.py",
}
GIB = 1024**3


# ---- 1. the export ---------------------------------------------------------------------------
def generate(n: int, out: Path) -> dict[str, Any]:
    """Write about ``n`` demo tickets as a Zendesk-style Parquet export to ``out``."""
    import polars as pl

    from lib.demo import demo_export

    if out.exists() and pl.scan_parquet(out).select(pl.len()).collect().item() >= 0.98 * n:
        return {
            "generate_s": None,
            "export_rows": pl.scan_parquet(out).select(pl.len()).collect().item(),
        }
    t0 = time.perf_counter()
    parts_dir = out.parent / "parts"
    parts_dir.mkdir(parents=True, exist_ok=True)
    chunks = max(1, -(-n // CHUNK))
    parts = []
    for k in range(chunks):
        size = 1.03 * n / chunks  # a little more, cut to exactly n below
        chunk = demo_export(seed=11 + k, days=DAYS, tickets_per_day=size / DAYS, n_agents=40)
        if chunks > 1:  # ids stay unique across chunks
            chunk = chunk.with_columns((pl.lit(f"{k}-") + pl.col("Id")).alias("Id"))
        part = parts_dir / f"part-{k:03d}.parquet"
        chunk.write_parquet(part)
        parts.append(part)
        del chunk
    tmp = out.with_suffix(".tmp")
    pl.scan_parquet(parts).head(n).sink_parquet(tmp)
    tmp.replace(out)
    for part in parts:
        part.unlink()
    parts_dir.rmdir()
    rows = pl.scan_parquet(out).select(pl.len()).collect().item()
    return {"generate_s": time.perf_counter() - t0, "export_rows": rows}


# ---- 2. the import ---------------------------------------------------------------------------
def import_child(export: Path, home: Path) -> dict[str, Any]:
    """In this (fresh) process: load the export and register it, as the app's import does,
    and write the files `review import` keeps beside the snapshot (filter choices, codes)."""
    os.environ["REVIEW_DATA_DIR"] = str(home)
    from lib.ingest import load_export
    from lib.ingest.rules import rules_to_json
    from lib.store import Store
    from review.importer import keep_beside
    from ui.dataset import save_frame

    t0 = time.perf_counter()
    result = load_export(export, max_bytes=None)
    loaded = time.perf_counter() - t0
    load_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB
    frame = save_frame(result)  # what the import saves: tickets and the export's raw columns
    store = Store()
    ds = store.register_dataset(
        "Bench",
        frame,
        vendor=result.vendor,
        mapping=result.mapping,
        rules=rules_to_json(result.rules),  # as the app and `review import` store them
        business_tz="UTC",
    )
    keep_beside(store, ds, frame)  # the filter choices and codes, as `review import` writes
    path = store.snapshot_file(ds)
    return {
        "load_s": loaded,
        "load_peak_gib": load_peak,
        "import_s": time.perf_counter() - t0,
        "tickets": result.tickets.height,
        "snapshot_mb": path.stat().st_size / 1e6 if path else None,
        "snapshot_columns": frame.width,
    }


def run_child(step: str, *args: str, cap_gib: float = 12.0) -> dict[str, Any]:
    """Run a step in a fresh Python process; its JSON answer plus its peak RSS.

    The child is stopped when its RSS passes ``cap_gib`` (a shared machine must not run out
    of memory): the answer then says so instead of giving figures."""
    import psutil

    with subprocess.Popen(
        [sys.executable, __file__, "--child", step, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as proc:
        watched, seen = psutil.Process(proc.pid), 0.0
        while proc.poll() is None:
            try:
                seen = max(seen, watched.memory_info().rss / GIB)
            except psutil.Error:
                break
            if seen > cap_gib:
                proc.kill()
                break
            time.sleep(0.1)
        stdout, stderr = proc.communicate()
    answer: dict[str, Any] = {}
    for line in stdout.splitlines():  # one JSON object per figure, as the child measures
        if line.startswith("{"):
            answer.update(json.loads(line))
    if seen > cap_gib:  # the figures measured before it was stopped are kept
        answer[f"{step}_stopped"] = f"over {cap_gib:g} GiB"
    elif proc.returncode != 0:
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"{step} failed (exit {proc.returncode})")
    answer[f"{step}_peak_gib"] = max(seen, answer.pop("peak_gib", 0.0))  # the child's max RSS
    return answer


# ---- 3. the app ------------------------------------------------------------------------------
def page_imports() -> list[str]:
    """Import what ``app.py`` and the three pages import at their top (and the image library
    the page icon is drawn with), as the first page run of a new server does; the names."""
    import ast
    import importlib

    names: list[str] = ["PIL.Image", "plotly.graph_objects"]
    for script in [ROOT / "app.py", *(ROOT / p for p in PAGES.values())]:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{a.name}" for a in node.names]
    done = []
    for name in dict.fromkeys(names):
        try:
            importlib.import_module(name)
        except ImportError:  # a name imported from a module, not a module itself
            continue
        done.append(name)
    return done


def app_child(home: Path) -> dict[str, Any]:
    """In this (fresh) process: three AppTest sessions on the store in ``home``."""
    os.environ["REVIEW_DATA_DIR"] = str(home)
    import psutil
    from streamlit.testing.v1 import AppTest

    proc = psutil.Process()

    class Figures(dict):
        """Printed as they are measured, so a stopped run keeps the figures it had."""

        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            print(json.dumps({key: value}), flush=True)

    out: dict[str, Any] = Figures()

    def rss() -> float:
        return proc.memory_info().rss / GIB

    def run(at: AppTest, label: str) -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        out[label + "_s"] = time.perf_counter() - t0
        # CPU seconds of the process (every thread): on a shared machine the wall time
        # grows with the load, the CPU time much less
        out[label + "_cpu_s"] = time.process_time() - c0
        if at.exception:
            raise SystemExit(f"{label}: {[e.value for e in at.exception]}")
        out[label + "_rss_gib"] = rss()

    read = float(os.environ.get("BENCH_READ_S", "0"))
    out["read_s"] = read
    out["first_page"] = os.environ.get("BENCH_FIRST", "overview")

    first_page = os.environ.get("BENCH_FIRST", "overview")
    order = [first_page, *[p for p in PAGES if p != first_page]]

    def session(i: int) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        for name in order:
            page = PAGES[name]
            at.switch_page(page)
            run(at, f"s{i}_{name}")
            time.sleep(read)  # the user reads the page before opening the next (not timed)
        return at

    out["start_rss_gib"] = rss()
    # what the first page run of a new process imports (statsmodels, scipy, plotly, ...):
    # once per server, not a cost of the data, so timed apart
    t0 = time.perf_counter()
    page_imports()
    out["imports_s"] = time.perf_counter() - t0
    # open the dataset as the first page run of the process does (ui.dataset._canonical,
    # the cache every session shares), so the page times below are after the open
    from lib.store import Store
    from ui import dataset

    store = Store()
    record = store.get_active_dataset()
    t0 = time.perf_counter()
    opened = dataset._canonical(str(store.snapshot_file(record)))
    out["open_s"] = time.perf_counter() - t0
    out["open_rss_gib"] = rss()
    out["open_frame_gib"] = opened.estimated_size() / GIB
    del opened
    first = session(1)
    # a manager opens one agent's drill-down (the "Agent" selectbox, as a table row does)
    first.switch_page(PAGES["agents"])
    pick = next(s for s in first.selectbox if s.key == "ag_pick")
    first.session_state["ag_pick"] = sorted(pick.options)[0].split(" (")[0]  # (its status)
    run(first, "drilldown")
    first.switch_page(PAGES["overview"])
    pick = next(m for m in first.sidebar.multiselect if m.key == "f_channels")
    pick.select(pick.options[0])
    run(first, "filter_overview")
    first.switch_page(PAGES["breakdowns"])
    run(first, "filter_breakdowns")
    second, third = session(2), session(3)
    out["sessions_rss_gib"] = rss()
    out["peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB
    del second, third
    return out


# ---- the report ------------------------------------------------------------------------------
ROWS = (
    ("tickets", "tickets", "{:,}"),
    ("load_average", "machine load average at the start (2 cores)", "{:.1f}"),
    ("generate_s", "generate the export (s)", "{:.1f}"),
    ("load_s", "import: load_export (s)", "{:.1f}"),
    ("import_s", "import: load + snapshot written (s)", "{:.1f}"),
    ("load_peak_gib", "import peak memory during load_export (GiB)", "{:.2f}"),
    ("import_peak_gib", "import peak memory (GiB; target < 7.45 = 8 GB)", "{:.2f}"),
    ("snapshot_mb", "snapshot size (MB)", "{:.0f}"),
    ("imports_s", "first page of a new process: imports, once per server (s)", "{:.1f}"),
    ("open_s", "open the dataset: read the snapshot, shared by all sessions (s)", "{:.2f}"),
    ("open_frame_gib", "the open dataset's frame (GiB)", "{:.2f}"),
    ("open_rss_gib", "app RSS with the dataset open (GiB)", "{:.2f}"),
    ("read_s", "seconds the user reads each page before the next (--read, not timed)", "{:g}"),
    ("first_page", "the page each session opens first (--first)", "{}"),
    ("s1_overview_s", "Overview, first run (s; target < 3)", "{:.2f}"),
    ("s1_breakdowns_s", "Breakdowns, first run (s; target < 3)", "{:.2f}"),
    ("s1_agents_s", "Agents, first run (s; target < 3)", "{:.2f}"),
    ("s1_overview_cpu_s", "Overview, first run: CPU seconds (all threads)", "{:.2f}"),
    ("s1_breakdowns_cpu_s", "Breakdowns, first run: CPU seconds", "{:.2f}"),
    ("s1_agents_cpu_s", "Agents, first run: CPU seconds", "{:.2f}"),
    ("drilldown_s", "Agents: one agent's drill-down, first time (s)", "{:.2f}"),
    ("drilldown_cpu_s", "the drill-down: CPU seconds", "{:.2f}"),
    ("filter_overview_s", "filter change: one channel, Overview (s; target < 1)", "{:.2f}"),
    ("filter_overview_cpu_s", "filter change, Overview: CPU seconds", "{:.2f}"),
    ("filter_breakdowns_s", "same filter, Breakdowns (s)", "{:.2f}"),
    ("s2_overview_s", "second session: Overview (s)", "{:.2f}"),
    ("s3_agents_s", "third session: Agents (s)", "{:.2f}"),
    ("s1_agents_rss_gib", "app RSS, one session after three pages (GiB)", "{:.2f}"),
    ("sessions_rss_gib", "app RSS, three sessions (GiB; target < 5.59 = 6 GB)", "{:.2f}"),
    ("app_peak_gib", "app peak RSS (GiB)", "{:.2f}"),
)


def table(results: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(results)
    head = "| step | " + " | ".join(f"{s:,}" for s in sizes) + " |"
    lines = [head, "| --- |" + " ---: |" * len(sizes)]
    for key, label, fmt in ROWS:
        cells = []
        for s in sizes:
            v = results[s].get(key)
            step = (
                "generate"
                if key.startswith("generate")
                else "import"
                if key.startswith(("load", "import", "snapshot"))
                else "app"
            )
            stopped = results[s].get(f"{step}_stopped") if key.endswith(("_s", "_gib")) else None
            if v is not None:
                cells.append(fmt.format(v))
            else:
                cells.append(f"not reached (stopped {stopped})" if stopped else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bench(n: int, work: Path, steps: set[str]) -> dict[str, Any]:
    folder = work / f"n{n}"
    folder.mkdir(parents=True, exist_ok=True)
    export, home = folder / "export.parquet", folder / "home"
    res: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    if "gen" in steps or not export.exists():
        res.update(run_child("generate", str(n), str(export)))
    have = (home / "snapshots").is_dir() and any((home / "snapshots").glob("dataset-*.parquet"))
    if "import" in steps or not have:
        if home.exists():
            import shutil

            shutil.rmtree(home)
        home.mkdir(parents=True)
        res.update(run_child("import", str(export), str(home)))
    if "app" in steps:
        res.update(run_child("app", str(home)))
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--compare", type=int, default=1_000_000, help="0: no comparison")
    parser.add_argument("--work", type=Path, default=Path("/tmp/big10m"))
    parser.add_argument("--steps", default="gen,import,app")
    parser.add_argument(
        "--read", type=float, default=0.0, help="seconds a user reads each page (not timed)"
    )
    parser.add_argument(
        "--first", choices=list(PAGES), default="overview", help="the page each session opens first"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, *rest = args.child
        if step == "generate":
            answer = generate(int(rest[0]), Path(rest[1]))
        elif step == "import":
            answer = import_child(Path(rest[0]), Path(rest[1]))
        else:
            answer = app_child(Path(rest[0]))
        answer.setdefault(
            "peak_gib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB
        )
        print(json.dumps(answer))
        return
    os.environ["BENCH_READ_S"] = str(args.read)  # for the app's child process
    os.environ["BENCH_FIRST"] = args.first
    steps = set(args.steps.split(","))
    results: dict[int, dict[str, Any]] = {}
    for n in [s for s in (args.compare, args.tickets) if s]:
        print(f"{n:,} tickets…", file=sys.stderr, flush=True)
        results[n] = bench(n, args.work, steps)
        results[n].setdefault("tickets", results[n].get("tickets") or n)
        print(json.dumps(results[n]), file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
