"""Fail unless a pytest JUnit report shows tests that all ran: none skipped, at least one run.

CI runs it after the browser tests (``--only e2e``: the test cases whose class name holds
``e2e``) and after ``make test-postgres`` (every case), so a missing Chromium or PostgreSQL can
never turn a red run into a green one by skipping.

    python scripts/check_test_report.py .test-report.xml --only e2e --what "browser tests"

>>> tally_of("<testsuite><testcase classname='tests.e2e.x' name='a'/></testsuite>", "e2e")
(1, 0)
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def tally_of(xml: str, only: str = "") -> tuple[int, int]:
    """(ran, skipped) test cases of a JUnit report whose class name contains ``only``."""
    ran = skipped = 0
    for case in ET.fromstring(xml).iter("testcase"):
        if only not in case.get("classname", ""):
            continue
        if case.find("skipped") is not None:
            skipped += 1
        else:
            ran += 1
    return ran, skipped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--only", default="", help="count only classnames containing this")
    ap.add_argument("--what", default="tests", help="what to call them in the message")
    args = ap.parse_args(argv)
    ran, skipped = tally_of(args.report.read_text(), args.only)
    print(f"{args.what}: {ran} ran, {skipped} skipped")
    if ran == 0 or skipped:
        print(f"the {args.what} did not all run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
