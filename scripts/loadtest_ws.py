"""Load test: concurrent websocket clients against one server holding a 1M-ticket dataset.

The browser load test (``scripts/loadtest.py``) runs one headless Chromium per session; on a
small machine the renderers use the CPU the server needs, so it measures the browsers. This
test replaces each browser with a lightweight client that speaks Streamlit's own websocket
protocol (``BackMsg``/``ForwardMsg`` protobufs on ``/_stcore/stream``), the way the frontend
does: it asks for a script run with a ``ClientState`` (page hash from the ``navigation``
message, widget values keyed by the widget ids found in the received elements), keeps the
message cache (``cached_message_hashes``) like a browser, and waits for ``script_finished``.

Starts ``streamlit run`` on a free loopback port with ``REVIEW_DATA`` pointing at the
1,000,000-ticket benchmark export (made by ``scripts/bench_ingest.py`` if missing). After one
client has opened the app (the import, timed separately), ``--sessions`` clients each loop for
``--seconds``: switch to another review page, toggle "Escalated tickets only" or change the
"Date range" preset, then think for 1-4 s (``--think``). Response time is measured from sending the
``rerun_script`` message until the run's final ``script_finished`` message. An error is a run
that shows an exception, a run that does not finish within ``--timeout`` or a dropped
connection (or a run of another page than the one asked for). Reports p50/p95 (overall, per
action, per page, first vs repeated page + filter combination), the slowest runs, the server's
peak memory (resident set of the server process tree), its mean CPU use and the errors.
``--st-option runner.postScriptGC=false`` passes an option to ``streamlit run`` to compare
server settings.

Targets (issue 7): p95 under 2 s, memory under 4 GB, no errors.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/loadtest_ws.py [--sessions 10] [--seconds 180]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ClientState  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from scripts.loadtest import MemoryWatch, free_port  # noqa: E402

PAGES = [
    "Overview",
    "Breakdowns",
    "Drivers",
    "Routing & policy",
    "Agents",
    "Anomalies",
    "Review meetings",
]
#: Action kinds and their weights: page switches twice as often as each filter change.
ACTIONS = ["page", "page", "escalated", "range"]
#: Default think time between a client's actions (uniform, seconds).
THINK = (1.0, 4.0)
ESCALATED_KEY = "f_escalated"
PRESET_KEY = "f_preset"
#: Browser-like message cache: hashes of cacheable messages this client already holds.
CACHE_SIZE = 2000
FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class ConnectionLost(Exception):
    """The websocket closed while the client waited for a run to finish."""


@dataclass
class RunResult:
    """What one script run sent back."""

    seconds: float
    status: int
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)


class Client:
    """One simulated browser tab: a websocket session speaking Streamlit's protocol."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task | None = None
        self.pages: dict[str, str] = {}  # page title -> page_script_hash
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # user key -> Checkbox/Selectbox proto
        self.values: dict[str, WidgetState] = {}  # user key -> state sent with every run
        self.cache: OrderedDict[str, ForwardMsg] = OrderedDict()
        self.done: asyncio.Future | None = None
        self.ran_hash = ""  # page the server actually ran (from ``new_session``)
        self.exceptions: list[str] = []
        self.error_alerts: list[str] = []

    async def open(self) -> None:
        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,  # Streamlit messages may be large (server limit 200 MB)
            ping_interval=None,  # a browser does not ping; the server's pings are answered
            open_timeout=30,
        )
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except ConnectionClosed:
            pass
        finally:
            if self.done is not None and not self.done.done():
                self.done.set_exception(ConnectionLost(f"{self.name}: connection closed"))

    def _handle(self, msg: ForwardMsg) -> None:
        if msg.HasField("ref_hash"):  # the server relies on our cache for the content
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                return
            self.cache.move_to_end(msg.ref_hash)
            msg = cached
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            for page in msg.navigation.app_pages:
                self.pages[page.page_name] = page.page_script_hash
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "new_session":
            for page in msg.new_session.app_pages:
                if page.page_name:
                    self.pages.setdefault(page.page_name, page.page_script_hash)
            self.ran_hash = msg.new_session.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "exception" and not element.exception.is_warning:
                exc = element.exception
                self.exceptions.append(f"{exc.type}: {exc.message}"[:300])
            elif etype == "alert" and element.alert.format == element.alert.ERROR:
                self.error_alerts.append(element.alert.body[:300])
            elif etype in ("checkbox", "selectbox"):
                widget = getattr(element, etype)
                for key in (ESCALATED_KEY, PRESET_KEY):
                    if widget.id.endswith(key) or f"-{key}" in widget.id:
                        self.widgets[key] = widget
        elif kind == "script_finished" and msg.script_finished in FINAL:
            self._finish(msg.script_finished)

    def _finish(self, status: int) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_result(status)

    async def run(self, *, timeout: float) -> RunResult:
        """Ask for a script run with the current page and widget values; wait for its end."""
        assert self.ws is not None
        state = ClientState(page_script_hash=self.page_hash, query_string="")
        state.context_info.timezone = "UTC"
        state.context_info.timezone_offset = 0
        state.context_info.locale = "en-US"
        state.context_info.url = self.url.replace("ws://", "http://").split("/_stcore")[0]
        for key, value in self.values.items():
            widget = self.widgets.get(key)
            if widget is not None:  # the id may depend on the run; use the latest one
                value.id = widget.id
            state.widget_states.widgets.append(value)
        state.cached_message_hashes.extend(self.cache)
        self.exceptions, self.error_alerts = [], []
        self.done = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        status = await asyncio.wait_for(self.done, timeout)
        return RunResult(time.perf_counter() - t0, status, self.exceptions, self.error_alerts)

    def view(self, page: str) -> tuple:
        """The page and filter values of the next run (the app caches per combination)."""
        esc = self.values.get(ESCALATED_KEY)
        preset = self.values.get(PRESET_KEY)
        default = self.widgets[PRESET_KEY]
        return (
            page,
            esc.bool_value if esc is not None else False,
            preset.string_value if preset is not None else default.options[default.default],
        )

    def toggle_escalated(self) -> None:
        widget = self.widgets[ESCALATED_KEY]
        current = self.values.get(ESCALATED_KEY)
        on = current.bool_value if current is not None else widget.value
        self.values[ESCALATED_KEY] = WidgetState(id=widget.id, bool_value=not on)

    def change_range(self, rnd: random.Random) -> str:
        widget = self.widgets[PRESET_KEY]
        current = self.values.get(PRESET_KEY)
        now = current.string_value if current is not None else widget.options[widget.default]
        choices = [o for o in widget.options if o not in (now, "Custom")]
        choice = rnd.choice(choices)
        self.values[PRESET_KEY] = WidgetState(id=widget.id, string_value=choice)
        return choice


@dataclass
class Sample:
    """One measured run."""

    action: str  # open, page, escalated or range
    page: str
    seconds: float
    start: float  # time.time() when the request was sent
    view: tuple  # (page, escalated only, date preset): what the server had to compute
    first: bool = False  # the first run of this view by any client (app caches were cold)
    server: int = 0  # which app server answered (``--servers``)


@dataclass
class Tally:
    """Measurements shared by all clients."""

    times: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    reconnects: int = 0
    server_cpu: float = 0.0  # CPU seconds the server process tree used while driven
    client_cpu: float = 0.0  # CPU seconds this load generator used meanwhile
    wall: float = 0.0


async def session(
    url: str,
    until: float,
    seed: int,
    timeout: float,
    think: tuple[float, float],
    tally: Tally,
    server: int = 0,
) -> None:
    """One user: open the app, then change pages and filters until ``until``."""
    rnd = random.Random(seed)
    name = f"session {seed}"
    client = Client(url, name)
    page = "Overview"
    while time.time() < until:
        try:
            if client.ws is None:
                await client.open()
                start = time.time()
                result = await client.run(timeout=timeout)  # the first page view
                by_hash = {h: p for p, h in client.pages.items()}
                page = by_hash.get(client.page_hash, page)
                view = client.view(page)
                tally.times.append(Sample("open", page, result.seconds, start, view, server=server))
            while time.time() < until:
                await asyncio.sleep(rnd.uniform(*think))
                if time.time() >= until:
                    break
                action = rnd.choice(ACTIONS)
                detail = ""
                if action == "page":
                    choices = [p for p in PAGES if p in client.pages and p != page]
                    page = rnd.choice(choices)
                    client.page_hash = client.pages[page]
                    detail = page
                elif action == "escalated":
                    client.toggle_escalated()
                else:
                    detail = client.change_range(rnd)
                view, start = client.view(page), time.time()
                result = await client.run(timeout=timeout)
                tally.times.append(Sample(action, page, result.seconds, start, view, server=server))
                if client.ran_hash != client.pages[page]:
                    tally.errors.append(f"{name}: asked for {page}, the server ran another page")
                for exc in result.exceptions:
                    tally.errors.append(f"{name}: {action} {detail} on {page}: {exc}")
                for body in result.error_alerts:
                    tally.alerts.append(f"{name}: {action} {detail} on {page}: {body}")
        except TimeoutError:
            tally.errors.append(f"{name}: no script_finished within {timeout:.0f} s on {page}")
            await client.close()
            client = Client(url, name)
            tally.reconnects += 1
        except (ConnectionLost, ConnectionClosed, OSError) as exc:
            tally.errors.append(f"{name}: connection lost on {page}: {exc}"[:300])
            await client.close()
            client = Client(url, name)
            tally.reconnects += 1
            await asyncio.sleep(1)
        except KeyError as exc:  # an expected widget or page is missing from the app
            tally.errors.append(f"{name}: {page}: element not found: {exc}")
            break
    await client.close()


async def drive(
    url: str | list[str],
    sessions: int,
    seconds: float,
    timeout: float,
    think: tuple[float, float] = THINK,
) -> Tally:
    """Run ``sessions`` clients until ``seconds`` have passed; with several server URLs the
    clients are dealt out in turn (as a proxy with sticky sessions would)."""
    urls = [url] if isinstance(url, str) else url
    tally = Tally()
    until = time.time() + seconds
    await asyncio.gather(
        *(
            session(urls[i % len(urls)], until, i, timeout, think, tally, server=i % len(urls))
            for i in range(sessions)
        )
    )
    return tally


async def first_load(url: str, timeout: float) -> tuple[float, list[str]]:
    """Open the app once (this imports the export) and check the pages and filters exist."""
    client = Client(url, "first load")
    await client.open()
    try:
        result = await client.run(timeout=timeout)
    finally:
        await client.close()
    problems = [f"page missing: {p}" for p in PAGES if p not in client.pages]
    problems += [
        f"widget missing: {k}" for k in (ESCALATED_KEY, PRESET_KEY) if k not in client.widgets
    ]
    problems += result.exceptions
    return result.seconds, problems


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    total = 0.0
    proc = psutil.Process(pid)
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(
    args: argparse.Namespace, first: float, tally: Tally, peak: int, peaks: list[int] | None = None
) -> None:
    durations = [s.seconds for s in tally.times if s.action != "open"]
    if not durations:
        sys.exit("no action completed: " + "; ".join(tally.errors[:5]))
    print(
        f"\n### Load test: {args.sessions} websocket clients, {args.seconds:.0f} s, "
        f"{args.rows:,} tickets"
        + (f", {args.servers} servers on one PostgreSQL" if args.servers > 1 else "")
        + (f" (server options: {', '.join(args.st_option)})" if args.st_option else "")
        + "\n"
    )
    print(
        f"Each client speaks Streamlit's websocket protocol like a browser tab, thinks "
        f"{args.think[0]:g}-{args.think[1]:g} s between actions and then switches page (weight 2), "
        f"toggles “Escalated tickets only” (1) or changes the date-range preset (1). "
        f"Response time: from sending the rerun request until the run's `script_finished`. "
        f"First load (import of the export, one client, not counted below): {first:.1f} s.\n"
    )
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| actions completed | {len(durations)} | |")
    print(f"| p50 response | {statistics.median(durations):.2f} s | |")
    print(f"| p95 response | {pct(durations, 0.95):.2f} s | < 2 s |")
    print(f"| max response | {max(durations):.2f} s | |")
    print(f"| server peak memory | {peak / 2**30:.2f} GiB | < 4 GB |")
    if args.servers > 1:
        for n, server_peak in enumerate(peaks or []):
            mine = [s.seconds for s in tally.times if s.action != "open" and s.server == n]
            if mine:
                print(
                    f"| server {n + 1}: actions, p95, peak memory | {len(mine)}, "
                    f"{pct(mine, 0.95):.2f} s, {server_peak / 2**30:.2f} GiB | |"
                )
    print(f"| errors | {len(tally.errors)} | 0 |")
    print(f"| reconnects | {tally.reconnects} | |")
    if tally.wall:
        print(
            f"| server CPU busy (mean) | {tally.server_cpu / tally.wall:.2f} of "
            f"{os.cpu_count()} cores | |"
        )
        print(f"| load generator CPU (mean) | {tally.client_cpu / tally.wall:.2f} cores | |")
    groups: dict[str, list[float]] = {}
    seen = {s.view for s in tally.times if s.action == "open"}  # the first load computed it
    t0 = min(s.start for s in tally.times)
    for s in sorted(tally.times, key=lambda s: s.start):
        s.first = s.view not in seen
        seen.add(s.view)
        groups.setdefault(f"action {s.action}", []).append(s.seconds)
        if s.action != "open":
            groups.setdefault(f"page {s.page}", []).append(s.seconds)
            kind = "first view of its page + filters" if s.first else "repeated page + filters"
            groups.setdefault(kind, []).append(s.seconds)
    print("\n| group (n) | p50 | p95 | max |")
    print("| --- | --- | --- | --- |")
    for name, ts in sorted(groups.items()):
        print(
            f"| {name} ({len(ts)}) | {statistics.median(ts):.2f} s | {pct(ts, 0.95):.2f} s "
            f"| {max(ts):.2f} s |"
        )
    print("\nSlowest runs (seconds after the start; page, escalated only, date preset):")
    for s in sorted(tally.times, key=lambda s: -s.seconds)[:8]:
        first = ", first view of this combination" if s.first else ""
        print(
            f"- {s.seconds:.2f} s at t+{s.start - t0:.0f} s: {s.action} -> "
            f"{s.view[0]}, {s.view[1]}, {s.view[2]}{first}"
        )
    for e in tally.errors[:10]:
        print("error:", e)
    for a in tally.alerts[:5]:
        print("error message shown:", a)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("MIN", "MAX"),
        help="think time between actions, uniform in [MIN, MAX] seconds (default 1 4)",
    )
    ap.add_argument(
        "--st-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra `streamlit run` option, e.g. runner.postScriptGC=false (repeatable)",
    )
    ap.add_argument("--timeout", type=float, default=120, help="longest wait for one run (s)")
    ap.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app servers sharing one database and snapshot folder; sessions are dealt out in "
        "turn. More than one uses PostgreSQL: --database-url, else a throwaway cluster",
    )
    ap.add_argument("--database-url", help="PostgreSQL URL for --servers > 1 (default: throwaway)")
    args = ap.parse_args()
    from scripts.bench_ingest import make_file

    export = ROOT / "data" / "bench" / f"zendesk_{args.rows}.csv"
    make_file(export, args.rows)
    home = Path(tempfile.mkdtemp(prefix="review-loadws-"))
    extra: list[str] = []
    for option in args.st_option:
        name, sep, value = option.partition("=")
        if not sep:
            sys.exit(f"--st-option wants NAME=VALUE, got {option!r}")
        extra += [f"--{name}", value]
    with contextlib.ExitStack() as stack:
        database = f"sqlite:///{home / 'review.sqlite'}"
        if args.servers > 1:  # one shared PostgreSQL (a throwaway cluster unless given)
            from scripts.pg_cluster import cluster

            database = args.database_url or stack.enter_context(cluster())
        env = os.environ | {
            "REVIEW_DATA": str(export),
            "DATABASE_URL": database,
            "REVIEW_DATA_DIR": str(home),  # one snapshot folder for every server
        }
        servers = [start_server(env, extra, home / f"server{i}.log") for i in range(args.servers)]
        watches = [MemoryWatch(server.pid) for server, _ in servers]
        for watch in watches:
            watch.start()
        urls = [f"ws://127.0.0.1:{port}/_stcore/stream" for _, port in servers]
        try:
            first = 0.0
            for n, (url, (server, port)) in enumerate(zip(urls, servers, strict=True)):
                wait_healthy(server, port, home / f"server{n}.log")
                seconds, problems = asyncio.run(first_load(url, max(args.timeout, 300)))
                what = f"import of {args.rows:,} tickets" if n == 0 else "opening the snapshot"
                print(f"first load on server {n + 1} ({what}): {seconds:.1f} s")
                first = first or seconds
                if problems:
                    sys.exit("the app is not as expected: " + "; ".join(problems))
            pids = [server.pid for server, _ in servers]
            cpu0, own0, wall0 = sum(map(tree_cpu, pids)), time.process_time(), time.perf_counter()
            tally = asyncio.run(
                drive(urls, args.sessions, args.seconds, args.timeout, tuple(args.think))
            )
            tally.server_cpu = sum(map(tree_cpu, pids)) - cpu0
            tally.client_cpu = time.process_time() - own0
            tally.wall = time.perf_counter() - wall0
        finally:
            for watch in watches:
                watch.stop_flag = True
            for server, _ in servers:
                stop_server(server)
    report(args, first, tally, sum(w.peak for w in watches), [w.peak for w in watches])
    if tally.errors:
        print(f"server logs and data kept in {home}")
    else:
        shutil.rmtree(home, ignore_errors=True)  # the copy of the dataset (tens of MB)


def start_server(
    env: dict[str, str], extra: list[str], log_path: Path
) -> tuple[subprocess.Popen, int]:
    """``streamlit run app.py`` on a free loopback port; the process and its port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none", *extra],
        cwd=ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return server, port


def wait_healthy(server: subprocess.Popen, port: int, log_path: Path) -> None:
    for _ in range(240):
        if server.poll() is not None:
            sys.exit(f"server exited with {server.returncode}; see {log_path}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"server not healthy after 2 minutes; see {log_path}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(10)


if __name__ == "__main__":
    main()
