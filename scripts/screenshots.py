"""Screenshot every page of a fresh app (demo data) at desktop and phone width, to look at.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]   # default: screenshots/pages

Starts ``streamlit run app.py`` on a free port with its own data folder (like the browser tests) and
drives headless Chromium (``CHROMIUM``, default /usr/bin/chromium). Prints the files it wrote.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS, Server, wait_idle  # noqa: E402

PAGES = (
    "",
    "breakdowns",
    "drivers",
    "routing",
    "agents",
    "anomalies",
    "at_risk",
    "meetings",
    "calibration",
    "settings",
    "data",
)
# Tall viewports: Streamlit scrolls inside its own container, so full_page alone shows one screen.
WIDTHS = {"desktop": (1400, 2800), "phone": (390, 5200)}


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        srv = Server(Path(home)).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
                )
                for label, (w, h) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": w, "height": h})
                    for name in PAGES:
                        page.goto(f"{srv.url}/{name}")
                        wait_idle(page, timeout=120_000)
                        page.wait_for_function(
                            "!document.querySelector('[data-testid=\"stSkeleton\"]')",
                            timeout=120_000,
                        )
                        wait_idle(page, timeout=120_000)
                        path = out / f"{name or 'overview'}-{label}.png"
                        page.screenshot(path=str(path), full_page=True)
                        print(path)
                    page.close()
                browser.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots" / "pages")
