"""Every page's first run on a stored dataset, one session, in navigation order.

``bench_10m.py`` times the three pages issue 18 sets targets for; this times all of them (the
ones a support leader opens after those), on the dataset a data folder holds, e.g. the 10M
one ``bench_10m.py --steps gen,import`` leaves in ``/tmp/big10m/n10000000/home``:

    .venv/bin/python scripts/bench_pages.py /tmp/big10m/n10000000/home [--pages a.py,b.py]

Prints one table row per page: wall and CPU seconds of its first run (``AppTest``, the
dataset opened by the app's first run, not counted), the process's resident memory after
it, and any exception. Work a page keeps beside the snapshot (the sentiment scores) is kept
for the next run: the first run on a new dataset includes it, later ones read it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Every page, in the order of app.py's navigation (read from its ``st.Page`` calls).
PAGES = re.findall(r'st\.Page\(\s*"(views/[^"]+\.py)"', (ROOT / "app.py").read_text())
GIB = 2**30


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("home", type=Path, help="the data folder (REVIEW_DATA_DIR) of the dataset")
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated page scripts")
    args = ap.parse_args()
    os.environ["REVIEW_DATA_DIR"] = str(args.home)
    import psutil
    from streamlit.testing.v1 import AppTest

    proc = psutil.Process()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    t0 = time.perf_counter()
    at.run()
    print(f"app's first run (opens the dataset): {time.perf_counter() - t0:.2f} s\n")
    print("| page | first run (s) | CPU s | RSS after (GiB) | exception |")
    print("| --- | ---: | ---: | ---: | --- |")
    for page in args.pages.split(","):
        at.switch_page(page)
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        error = "; ".join(str(e.value)[:80] for e in at.exception) or ""
        rss = proc.memory_info().rss / GIB
        print(f"| {page} | {wall:.2f} | {cpu:.2f} | {rss:.2f} | {error} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB
    print(f"\nprocess peak RSS: {peak:.2f} GiB")


if __name__ == "__main__":
    main()
