"""``python -m review signals``: an export's escalation signals, as the Data page lists them,
and the rules to import it with.

The exports are read as ``import`` reads them (:func:`review.importer.load`), nothing is stored;
:func:`lib.ingest.signals.suggest_signals` lists what could mark more escalations than the
rules in use. ``--accept 1,3`` switches signals on (:func:`lib.ingest.signals.accept_signal`)
and ``--out FILE`` writes the rules for ``import --rules FILE``, so a cron import uses the
rules a person chose once.

Example
-------
>>> print(signal_lines([])[0])
No escalation signal beyond the rules in use.
"""

from __future__ import annotations

import json
import re
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

from lib.ingest.rules import Rule, rules_to_json
from lib.ingest.signals import Signal, accept_signal, suggest_signals
from lib.store.engine import resolve_url, sqlite_path
from review.context import Progress, open_store
from review.errors import UsageError
from review.importer import check_options, load


def accept_numbers(text: str | None) -> list[int]:
    """``--accept 1,3`` as numbers, each once, in order (any number: see :func:`parse_accept`).

    >>> accept_numbers("1, 3,1")
    [1, 3]
    >>> accept_numbers("²")
    Traceback (most recent call last):
    ...
    review.errors.UsageError: --accept ²: expected signal numbers such as 1,3
    """
    if not text:
        return []
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not re.fullmatch(r"[0-9]+", part):  # not isdigit(): "²" is a digit int() refuses
            raise UsageError(f"--accept {text}: expected signal numbers such as 1,3")
        if int(part) not in out:
            out.append(int(part))
    return out


def parse_accept(text: str | None, count: int) -> list[int]:
    """``--accept 1,3`` as 0-based positions in a list of ``count`` signals.

    >>> parse_accept("1, 3", 4)
    [0, 2]
    >>> parse_accept("5", 4)
    Traceback (most recent call last):
    ...
    review.errors.UsageError: --accept 5: there are 4 signals (numbers 1 to 4)
    >>> parse_accept("2", 1)
    Traceback (most recent call last):
    ...
    review.errors.UsageError: --accept 2: there is 1 signal (number 1)
    """
    out: list[int] = []
    for n in accept_numbers(text):
        if not 1 <= n <= count:
            listed = {0: "there is no signal to accept", 1: "there is 1 signal (number 1)"}
            said = listed.get(count, f"there are {count} signals (numbers 1 to {count})")
            raise UsageError(f"--accept {n}: {said}")
        out.append(n - 1)
    return out


def signal_lines(signals: list[Signal], total: int = 0) -> list[str]:
    """The numbered list printed for ``signals`` (``total``: tickets in the export)."""
    if not signals:
        return ["No escalation signal beyond the rules in use."]
    lines = [f"{len(signals)} escalation signal(s) beyond the rules in use:"]
    for i, s in enumerate(signals, 1):
        example = f", e.g. ticket {s.example}" if s.example else ""
        of = f" of {total:,}" if total else ""
        lines.append(
            f"{i:>3}. {s.label}: {s.tickets:,}{of} tickets ({100 * s.share:.1f}%){example}"
        )
    return lines


class _NoDatabase:
    """Stands in for a database that does not exist yet: nothing saved, nothing created."""

    def get_mapping(self, fingerprint: str) -> None:
        return None

    def close(self) -> None:
        pass


def _store_if_any(args: Namespace) -> Any:
    """The database, when it exists: listing signals stores nothing, so it creates none (a
    SQLite file that is not there yet stays absent; ``--rules-from`` then has no dataset)."""
    path = sqlite_path(resolve_url(args.database))
    if path is not None and not path.exists():
        if args.rules_from:
            raise UsageError(f"--rules-from {args.rules_from}: there is no database at {path}")
        return _NoDatabase()
    return open_store(args.database)


def run(args: Namespace) -> int:
    """List the signals of ``args.files``; with ``--out``, write the rules (and accepted
    signals) as JSON."""
    paths, mapping, rules = check_options(args)
    if args.out is not None and not args.out.strip():
        raise UsageError("--out: expected a file name for the rules, or - for the output")
    if args.accept and not args.out:
        raise UsageError("--accept needs --out FILE.json (the rules to import with)")
    accept_numbers(args.accept)  # their form before reading the export, their range after
    bar = Progress(quiet=args.quiet)
    store = _store_if_any(args)
    try:
        result, _, _ = load(args, store, paths, mapping, rules, bar)
    finally:
        store.close()
    bar.done()
    frame = result.snapshot_frame()
    signals = suggest_signals(frame, result.rules, mapping=result.mapping)
    chosen = parse_accept(args.accept, len(signals))
    to_stdout = args.out == "-"
    report = sys.stderr if to_stdout else sys.stdout
    escalated = int(result.tickets.get_column("escalated").sum())
    print(
        f"{frame.height:,} tickets; {escalated:,} escalated by the rules in use.",
        file=report,
    )
    for line in signal_lines(signals, frame.height):
        print(line, file=report)
    if args.out:
        accepted: list[Rule] = list(result.rules)
        for i in chosen:
            accepted = accept_signal(accepted, signals[i])
        text = json.dumps(rules_to_json(accepted), indent=2, ensure_ascii=False)
        if to_stdout:
            print(text)
        else:
            try:
                Path(args.out).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"--out {args.out}: cannot write it ({exc.strerror})") from exc
            names = ", ".join(signals[i].label for i in chosen) or "none accepted"
            print(f"Wrote the rules to {args.out} ({names}).", file=report)
    return 0
