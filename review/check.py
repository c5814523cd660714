"""``python -m review check``: exit 1 when a threshold the team set is crossed (cron, CI).

Thresholds come from the database (the settings page, :meth:`lib.store.Store.list_thresholds`
for the dataset) and from ``--threshold`` options (``escalation_rate>0.12``); the figures from
the digest of the dataset (:func:`lib.digest.figures`), or from ``--figures FILE`` (a digest
written with ``--format json``, or a JSON object of figures), which needs no database.

Exit codes: 0 none crossed, 1 at least one crossed (each printed with its figure and
threshold), 2 an error (bad option, no dataset, unreadable file).
"""

from __future__ import annotations

import json
import math
import re
import sys
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path

from lib.notify import thresholds as th
from review.errors import UsageError

_SPEC = re.compile(
    r"^\s*([a-z_]+)\s*(>=|<=|>|<)\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*(%?)\s*$"
)


def parse_threshold(text: str) -> th.Threshold:
    """``escalation_rate>0.12`` (or ``escalation_rate>12%``) as a threshold.

    >>> parse_threshold("escalation_rate>12%").value, parse_threshold("new_alerts >= 3").op
    (0.12, '>=')
    """
    m = _SPEC.match(text)
    if m is None:
        raise UsageError(
            f"--threshold {text!r}: expected FIGURE OP VALUE, e.g. escalation_rate>0.12 "
            f"(OP one of >, >=, <, <=; figures: {', '.join(th.METRICS)})"
        )
    key, op, value, percent = m.groups()
    number = float(value) / (100 if percent else 1)
    try:
        return th.Threshold(key, op, number)
    except ValueError as exc:
        raise UsageError(f"--threshold {text!r}: {exc}") from exc


def read_figures(path: str) -> dict[str, float]:
    """Figures from a JSON file (``-``: stdin): a digest's JSON (its ``figures``) or an object
    of figures."""
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        data = json.loads(raw)
    except OSError as exc:
        raise UsageError(f"--figures {path}: cannot read it ({exc.strerror})") from exc
    except ValueError as exc:
        raise UsageError(f"--figures {path}: not JSON ({exc})") from exc
    if isinstance(data, Mapping) and isinstance(data.get("figures"), Mapping):
        data = data["figures"]
    if not isinstance(data, Mapping):
        raise UsageError(f"--figures {path}: expected a JSON object of figures")
    out: dict[str, float] = {}
    for key, value in data.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise UsageError(f"--figures {path}: {key} is {value!r}, not a number")
        out[str(key)] = float(value)
    return out


def run(args: Namespace) -> int:
    """Evaluate the thresholds; print the crossed ones; 1 when any, else 0."""
    given = [parse_threshold(t) for t in args.threshold or []]
    stored: list[th.Threshold] = []
    if args.figures:
        figures = read_figures(args.figures)
        where = args.figures
    else:
        from lib import digest  # the digest's modules only when figures are computed
        from lib.store import Store
        from review.build import build

        store = Store(args.database)
        try:
            opened, d = build(store, args)
            stored = [] if args.no_stored else list(store.list_thresholds(opened.record.id))
        finally:
            store.close()
        figures = digest.figures(d)
        where = f"dataset “{opened.record.name}”, {digest.subject(d).split(' · ')[-1]}"
    rules = stored + given
    if not rules:
        print(f"No threshold set ({where}): add one on the settings page or with --threshold.")
        return 0
    missing = sorted({r.metric for r in rules} - set(figures))
    if missing:
        raise UsageError(f"The figures have no {', '.join(missing)} ({where})")
    breaches = th.evaluate(figures, rules)
    for b in breaches:
        print(f"CROSSED: {b.sentence}")
    if not breaches:
        print(
            f"OK: {len(rules)} threshold{'s' if len(rules) != 1 else ''} checked, "
            f"none crossed ({where})."
        )
    return 1 if breaches else 0
