"""Backtest the escalation-risk model on every export in a folder, loaded as a user would.

    .venv/bin/python scripts/check_risk_real.py [--markdown] FOLDER [FOLDER ...]

Each file is loaded with ``load_export`` and its default escalation rules. When no ticket is
escalated under them, the best escalation signal the Data page would suggest is accepted (as a
user would click it) and the file is loaded again. Then the model is trained on the whole
export (its notes say which features it could use) and backtested (rolling origin, 4 cut-offs
a horizon apart), beside "oldest idle first" and "the category's own rate". A file the model
refuses prints the refusal (what a user would see). ``--markdown``: one table row per file.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import polars as pl
from check_real_exports import _files

from lib.errors import ReviewError
from lib.ingest import load_export
from lib.ingest.signals import accept_signal, suggest_signals
from lib.risk import RiskRefusal, backtest, train_risk_model
from lib.risk.model import default_horizon
from lib.risk.timeline import CLOSED_STATUSES, is_timed

_HEADER = (
    "| file | tickets (open) | escalated (how) | timed | horizon | model | backtest AUC "
    "| top 10%: precision / recall | oldest idle first: AUC, top 10% | category rate: AUC, "
    "top 10% | lift over idle / category | time |\n"
    "| --- | --- | --- | --- | ---: | --- | ---: | --- | --- | --- | --- | ---: |"
)


def _load(path: Path):
    """The export loaded with its rules; with the best suggested signal when none fired."""
    result = load_export(path)
    how = "default rules"
    if not result.tickets.get_column("escalated").any():
        frame = result.tickets
        if result.extras is not None:
            frame = frame.join(result.extras, on="ticket_id", how="left")
        found = suggest_signals(frame, result.rules, mapping=result.mapping)
        if found:
            result = load_export(path, rules=accept_signal(result.rules, found[0]))
            how = f"signal: {found[0].label}"
        else:
            how = "no rule fired, no signal"
    return result, how


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def check(path: Path) -> dict[str, str]:
    """The figures of one file, as strings."""
    t0 = time.perf_counter()
    out = {"file": path.name}
    try:
        result, how = _load(path)
    except ReviewError as exc:
        out["refused"] = f"import refused: {str(exc)[:120]}"
        out["time"] = f"{time.perf_counter() - t0:.1f} s"
        return out
    t = result.tickets
    n_open = t.filter(
        ~pl.col("status").is_in(CLOSED_STATUSES) & ~pl.col("escalated").fill_null(False)
    ).height
    esc = int(t.get_column("escalated").sum())
    hd = default_horizon(t)
    out.update(
        tickets=f"{t.height:,} ({n_open:,})",
        escalated=f"{esc:,} ({how})",
        timed="yes" if is_timed(t) else "no",
        horizon=f"{hd:g} d",
    )
    model = train_risk_model(t, horizon_days=hd)
    if isinstance(model, RiskRefusal):
        out["refused"] = model.reason
        out["time"] = f"{time.perf_counter() - t0:.1f} s"
        return out
    out["model"] = f"{model.training_tickets:,} tickets, features: {', '.join(model.features)}"
    out["notes"] = "; ".join(model.notes)
    bt = backtest(t, horizon_days=hd)
    out["time"] = f"{time.perf_counter() - t0:.1f} s"
    if bt.refusal:
        out["refused"] = f"backtest: {bt.refusal}"
        return out
    out.update(
        auc=_num(bt.auc),
        top10=f"{_pct(bt.precision_top10)} / {_pct(bt.recall_top10)}",
        idle=f"{_num(bt.idle_auc)}, {_pct(bt.idle_precision_top10)} / {_pct(bt.idle_recall_top10)}",
        category=(
            f"{_num(bt.category_auc)}, {_pct(bt.category_precision_top10)} / "
            f"{_pct(bt.category_recall_top10)}"
        ),
        lift=f"{_num(bt.lift_over_idle)} / {_num(bt.lift_over_category)}",
        scored=f"{bt.scored.height:,} scores, {int(bt.scored.get_column('escalated').sum())} "
        f"escalations, {bt.weeks:.0f} weeks",
        leakage=bt.leakage_why or "",
    )
    return out


def main(args: list[str]) -> None:
    markdown = "--markdown" in args
    folders = [a for a in args if a != "--markdown"]
    if markdown:
        print(_HEADER)
    for path in _files(folders):
        r = check(path)
        if markdown:
            g = r.get
            model = g("refused") or "trained"
            print(
                f"| {r['file']} | {g('tickets', '')} | {g('escalated', '')} | {g('timed', '')} "
                f"| {g('horizon', '')} | {model} | {g('auc', '')} | {g('top10', '')} "
                f"| {g('idle', '')} | {g('category', '')} | {g('lift', '')} | {r['time']} |"
            )
        else:
            print(f"## {r.pop('file')}")
            for k, v in r.items():
                print(f"{k}: {v}")
            print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
