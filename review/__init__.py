"""The command line that does the review's homework between meetings (issue 16).

``python -m review import|signals|digest|pack|check``, on the app's own database
(``DATABASE_URL``, else ``review.sqlite`` in ``REVIEW_DATA_DIR`` or ``data/``), so it sees the
datasets and meetings the app shows; ``python -m review COMMAND --help`` says what each one takes.

Exit codes: 0 done; 1 ``check`` found a threshold crossed; 2 bad input or an error (the message
names the file, line or option).

Example
-------
>>> main(["check", "--figures", "-", "--threshold", "nonsense"])
2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lib.errors import ReviewError

__all__ = ["build_parser", "main"]

EPILOG = """\
exit codes: 0 done, 1 a threshold is crossed (check), 2 bad input or an error.
database: DATABASE_URL, else review.sqlite in REVIEW_DATA_DIR or data/ (as the app).
examples:
  python -m review import tickets-2026-11.csv --name "November"
  python -m review signals tickets-2026-11.csv --accept 1 --out rules.json
  python -m review digest --format md
  python -m review digest --email lead@example.com --email ops@example.com
  python -m review check --threshold 'escalation_rate>0.12'
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks and shows defaults."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: DATABASE_URL, else review.sqlite in REVIEW_DATA_DIR or data/)",
    )


def _period_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dataset", metavar="ID|NAME", help="dataset (default: the active one, as the app)"
    )
    p.add_argument(
        "--period",
        metavar="DAYS|START:END",
        help="review period: days ending on the last day of data (default 14), or "
        "YYYY-MM-DD:YYYY-MM-DD",
    )
    p.add_argument(
        "--baseline",
        default="first30",
        metavar="first30|prior90|START:END",
        help="baseline (default: the first 30 days of data, as the app)",
    )
    p.add_argument(
        "--horizon",
        metavar="DAYS|none",
        help="escalation horizon in days (default: the app's suggestion; 'none': as exported)",
    )
    p.add_argument("--no-alerts", action="store_true", help="skip the anomaly alerts (faster)")
    p.add_argument("--no-risk", action="store_true", help="skip the at-risk score (faster)")


def _source_options(p: argparse.ArgumentParser) -> None:
    """The files and how to read them: shared by ``import`` and ``signals``."""
    p.add_argument("files", nargs="+", metavar="FILE", help="export file(s); several = one dataset")
    p.add_argument(
        "--zone",
        metavar="TZ",
        help="business time zone, e.g. Europe/Berlin "
        "(default: the saved one, else proposed from the export's offsets)",
    )
    p.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="read FIELD from COLUMN (repeatable), e.g. --map 'group=Queue'",
    )
    p.add_argument(
        "--rules",
        metavar="FILE.json",
        help="escalation rules (JSON, as stored by the Data page); default: the detected ones",
    )
    p.add_argument(
        "--rules-from",
        metavar="ID|NAME",
        help="use the escalation rules of a dataset imported before (e.g. last month's)",
    )
    order = p.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        help="dates such as 01/10/2023 are 1 October",
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="dates such as 01/10/2023 are 10 January",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``review`` argument parser with its five commands."""
    parser = argparse.ArgumentParser(
        prog="python -m review",
        description="Escalation Review between meetings: import exports, send the digest, "
        "write the meeting pack, check thresholds.",
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    imp = sub.add_parser(
        "import",
        help="import an export into a new dataset (as the Data page)",
        description="Read one or more helpdesk exports (CSV/TSV/XLSX/JSON/Parquet, .gz/.zip) "
        "into a new dataset, as the Data page does: detected columns (or the mapping saved "
        "for exports with the same header), escalation rules, business zone. A bad file "
        "changes nothing and exits with 2, naming the file, line and column.",
        formatter_class=_Formatter,
    )
    imp.add_argument("--name", help="dataset name (default: the file names)")
    _source_options(imp)
    imp.add_argument(
        "--pseudonymise",
        action="store_true",
        help="store customers as pseudonyms and mask e-mails/phones in text",
    )
    imp.add_argument(
        "--keep-active",
        action="store_true",
        help="leave the active dataset as it is (default: the import becomes "
        "active, as on the Data page)",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(imp)

    sig = sub.add_parser(
        "signals",
        help="list an export's escalation signals; write the rules to import it with",
        description="Read exports as `import` does, without storing anything, and list the "
        "escalation signals the Data page proposes (a yes/no column named for escalation, "
        "values naming a tier, tags, reassignments...), each with the tickets it would add. "
        "--accept switches signals on; --out writes the rules as JSON for "
        "`import --rules FILE`.",
        epilog="example:\n  python -m review signals export.csv --accept 1 --out rules.json\n"
        "  python -m review import export.csv --rules rules.json",
        formatter_class=_Formatter,
    )
    _source_options(sig)
    sig.add_argument(
        "--accept",
        metavar="N[,N…]",
        help="switch on the listed signals (their numbers in the list), e.g. --accept 1,3",
    )
    sig.add_argument(
        "--out",
        metavar="FILE.json",
        help="write the rules (with the accepted signals) to FILE ('-': stdout)",
    )
    sig.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(sig)

    dig = sub.add_parser(
        "digest",
        help="the review period's digest (Markdown, HTML, JSON; e-mail, webhooks)",
        description="The review period's numbers (escalation rate with its denominator, "
        "change against the previous period and the baseline: the Overview's), new alerts "
        "(the Anomalies page's), open tickets at risk (the At risk page's), action items due "
        "or overdue, and what changed since the last meeting.",
        formatter_class=_Formatter,
    )
    _period_options(dig)
    dig.add_argument(
        "--format",
        choices=("md", "html", "json"),
        default="md",
        help="output format (default md); html has the charts as inline PNG",
    )
    dig.add_argument("--out", metavar="FILE", help="write to FILE (default: stdout)")
    dig.add_argument(
        "--email",
        action="append",
        metavar="ADDR",
        help="send by e-mail (repeatable; SMTP from REVIEW_SMTP_* or [smtp] secrets)",
    )
    dig.add_argument(
        "--webhook",
        metavar="URL|NAME",
        help="post to an incoming webhook: a URL, or a name set up as "
        "REVIEW_WEBHOOK_<NAME> / [webhooks] in secrets",
    )
    dig.add_argument(
        "--kind",
        choices=("slack", "teams", "json"),
        default="json",
        help="webhook kind (default json)",
    )
    dig.add_argument(
        "--due",
        action="store_true",
        help="send every stored subscription that is due now (for cron)",
    )
    _common(dig)

    pack = sub.add_parser(
        "pack",
        help="a meeting's offline HTML review pack",
        description="Write a meeting's offline review pack (one HTML file, charts inside), "
        "as the Meetings page's Export tab builds it.",
        formatter_class=_Formatter,
    )
    pack.add_argument("--meeting", type=int, metavar="ID", help="meeting id (default: the latest)")
    pack.add_argument(
        "--out",
        metavar="FILE",
        help="file (default escalation-review-<date>-<id>-review-pack.html; '-': stdout)",
    )
    _common(pack)

    chk = sub.add_parser(
        "check",
        help="exit 1 when a threshold is crossed (cron, CI)",
        description="Evaluate the thresholds stored on the settings page and those given "
        "with --threshold against the digest's figures. Exit 0: none crossed; 1: at least "
        "one (each printed with figure and threshold); 2: an error.",
        epilog="figures: escalation_rate (0-1), escalations, tickets, rate_change_pts, "
        "new_alerts, overdue_actions, due_actions, at_risk_open",
        formatter_class=_Formatter,
    )
    _period_options(chk)
    chk.add_argument(
        "--threshold",
        action="append",
        metavar="FIGURE>VALUE",
        help="e.g. 'escalation_rate>0.12' or 'escalation_rate>12%%' (repeatable; ops >, >=, <, <=)",
    )
    chk.add_argument(
        "--figures",
        metavar="FILE.json",
        help="read the figures from a digest's JSON ('-': stdin) instead of the database",
    )
    chk.add_argument(
        "--no-stored", action="store_true", help="ignore the thresholds stored in the database"
    )
    _common(chk)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (errors are printed to stderr, code 2)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)
    import importlib

    # only the chosen command's module is imported (a cron run of one command starts faster)
    module = {
        "import": "importer",
        "signals": "signals",
        "digest": "digest",
        "pack": "pack",
        "check": "check",
    }
    try:
        return importlib.import_module(f"review.{module[args.command]}").run(args)
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 2
