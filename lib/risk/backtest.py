"""Rolling-origin backtest: how the model would have done had it been used in past weeks.

At each cut-off ``c`` (``as_of - horizon``, then ``step`` earlier each time) a model is trained
on what was known at ``c`` only, scores the tickets open at ``c`` as they were then, and the
outcome is whether each escalated within the horizon after ``c``. The figures pool the cut-offs.
Two simple rules are scored beside it on the same tickets: "oldest idle first" (the longest
idle at ``c``) and "the category's own rate" (its training rate).

Without escalation times the scored tickets at ``c`` are those opened in the step before
``c``, as of their creation, and the outcome is their escalation by the export.
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl
from scipy.stats import rankdata

from lib.formatting import pct
from lib.risk.features import AFTER_THE_FACT, Context, context, restrict_context
from lib.risk.model import (
    Prepared,
    RiskModel,
    RiskRefusal,
    _utc,
    default_horizon,
    export_moment,
    score_rows,
    train_risk_model,
)
from lib.risk.timeline import Timeline, is_timed, prepare, restrict

#: A pooled backtest AUC at or above this is not believable for escalations: leakage.
LEAKAGE_AUC = 0.95
#: Fewest scored cut-offs for a backtest worth reporting.
MIN_CUTOFFS = 2
#: Cut-offs trained at once: two cores take two (each fit runs its BLAS on one thread).
WORKERS = 2
#: Fewest escalations among the scored tickets for figures worth reporting.
MIN_ESCALATIONS = 10
THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))


@dataclass(frozen=True)
class Backtest:
    """Pooled backtest figures (see the module notes); ``refusal`` set when there are none.

    ``cutoffs``: one row per cut-off (cutoff, scored, escalations, auc, refusal).
    ``scored``: every scored ticket (cutoff, ticket_id, risk, escalated, idle_hours, age_hours,
    category_rate). ``calibration``: by decile of risk (decile, tickets, predicted, observed).
    ``thresholds``: for t in 5%..95% (threshold, above, escalated_above, share_escalated,
    share_caught).
    """

    horizon_days: float
    cutoffs: pl.DataFrame
    scored: pl.DataFrame
    auc: float | None = None
    precision_top5: float | None = None
    recall_top5: float | None = None
    precision_top10: float | None = None
    recall_top10: float | None = None
    base_rate: float | None = None
    idle_auc: float | None = None
    idle_precision_top10: float | None = None
    idle_recall_top10: float | None = None
    category_auc: float | None = None
    category_precision_top10: float | None = None
    category_recall_top10: float | None = None
    lift_over_idle: float | None = None
    lift_over_category: float | None = None
    calibration: pl.DataFrame | None = None
    thresholds: pl.DataFrame | None = None
    leakage_suspected: bool = False
    leakage_why: str | None = None
    refusal: str | None = None
    weeks: float = 0.0
    timed: bool = True

    def at_threshold(self, threshold: float) -> dict[str, float | int | None]:
        """How many scored above ``threshold``, the share of them that escalated, and the
        share of all escalations they caught."""
        return threshold_row(self.scored, threshold)


def auc(score: np.ndarray, y: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); ``None`` without both outcomes.

    >>> auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1]))
    0.75
    """
    pos = int(y.sum())
    neg = int(y.size - pos)
    if pos == 0 or neg == 0:
        return None
    r = rankdata(score)
    return float((r[y > 0].sum() - pos * (pos + 1) / 2) / (pos * neg))


def threshold_row(scored: pl.DataFrame, threshold: float) -> dict[str, float | int | None]:
    """One threshold's figures over the scored rows (see :meth:`Backtest.at_threshold`)."""
    risk = scored.get_column("risk").to_numpy() if scored.height else np.zeros(0)
    y = scored.get_column("escalated").to_numpy().astype(float) if scored.height else np.zeros(0)
    above = risk > threshold
    n, hit, total = int(above.sum()), float(y[above].sum()), float(y.sum())
    return {
        "threshold": float(threshold),
        "above": n,
        "escalated_above": int(hit),
        "share_escalated": hit / n if n else None,
        "share_caught": hit / total if total else None,
    }


def _top(score: np.ndarray, y: np.ndarray, cut: np.ndarray, share: float) -> tuple[int, int]:
    """Flagged and hits when the top ``share`` of each cut-off's rows are flagged."""
    flagged = hits = 0
    for c in np.unique(cut):
        m = cut == c
        k = max(1, math.ceil(share * int(m.sum())))
        order = np.argsort(-score[m], kind="stable")[:k]
        flagged += k
        hits += int(y[m][order].sum())
    return flagged, hits


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _cutoffs(
    as_of: datetime, horizon_days: float, cutoffs: int, step_days: float
) -> list[datetime]:
    """Newest first: each cut-off's scoring window ``[c, c + step)`` ends a horizon before
    ``as_of``, so every score's outcome is observed."""
    last = as_of - timedelta(days=horizon_days)
    return [last - timedelta(days=step_days * (i + 1)) for i in range(cutoffs)]


def backtest(
    tickets: pl.DataFrame,
    *,
    horizon_days: float | None = None,
    cutoffs: int = 4,
    step_days: float | None = None,
    zone: str = "UTC",
    features: Sequence[str] | None = None,
    events: pl.DataFrame | None = None,
    as_of: datetime | None = None,
    score_every_hours: float = 24.0,
    prepared: Prepared | None = None,
    workers: int = WORKERS,
) -> Backtest:
    """Train at each cut-off, score the following ``step_days`` as they were, observe.

    ``step_days`` (default: the horizon, at least 7 days) separates the cut-offs; within each
    step the open tickets are scored every ``score_every_hours`` (a ticket open on several
    scoring moments counts once per moment, as it would appear on several mornings' lists).
    ``prepared``: the tickets' timeline and context at ``as_of``, when the caller has them
    (:func:`lib.risk.model.prepare_for`, e.g. for the model it shows beside the backtest).
    ``workers``: cut-offs trained at once (the results do not depend on it).
    """
    hd = float(horizon_days) if horizon_days is not None else default_horizon(tickets)
    step = float(step_days) if step_days is not None else max(hd, 7.0)
    end = _utc(as_of) if as_of is not None else export_moment(tickets)
    empty = _empty_scored()
    if end is None or tickets.height == 0:
        return Backtest(hd, _empty_cutoffs(), empty, refusal="There are no tickets to test on.")
    timed = is_timed(tickets)
    if prepared is not None:
        prepared.check(end, hd, zone, timed, events)
        full, ctx = prepared.timeline, prepared.context
    else:
        full = prepare(tickets, as_of=end, horizon_days=hd, events=events, timed=timed)
        ctx = context(full, zone)
    flag = full.frame.get_column("escalated").fill_null(False).to_numpy()
    per_cut: list[dict[str, object]] = []
    parts: list[pl.DataFrame] = []
    leaky: set[str] = set()
    # the windows end a horizon before the export, and no later than the newest ticket (an
    # export whose last solve came months after its last ticket has nothing open then)
    newest = full.moment(float(np.nanmax(full.created))) if full.n else end
    last = min(end, newest + timedelta(days=hd))

    def at(c: datetime) -> tuple[RiskModel | RiskRefusal, pl.DataFrame | None]:
        # each cut-off's timeline is cut from the export's (not prepared from every ticket)
        cut = restrict(full, c) if full.timed == timed else None
        model = train_risk_model(
            tickets,
            horizon_days=hd,
            as_of=c,
            zone=zone,
            features=features,
            events=events,
            prepared=None
            if cut is None
            else Prepared(cut[0], restrict_context(ctx, cut[0], cut[1]), c, hd, zone),
        )
        if isinstance(model, RiskRefusal):
            return model, None
        return model, _score_window(model, full, ctx, flag, c, step, score_every_hours)

    # The cut-offs are independent: trained side by side (numpy and Polars release the GIL
    # while they work), each exactly as it would be alone, then read in order.
    moments = _cutoffs(last, hd, cutoffs, step)
    # the caller's context variables (the business zone), a copy per cut-off: one context
    # cannot be entered by two threads at once
    caller = contextvars.copy_context()
    with ThreadPoolExecutor(max(1, min(workers, len(moments)))) as pool:
        done = list(pool.map(lambda c: caller.copy().run(at, c), moments))
    for c, (model, part) in zip(moments, done, strict=True):
        if isinstance(model, RiskRefusal):
            per_cut.append(_cut_row(c, None, model.reason))
            continue
        assert part is not None  # a model always scores its window
        leaky.update(model.leaky)
        per_cut.append(_cut_row(c, part, None if part.height else "no open tickets then"))
        if part.height:
            parts.append(part)
    table = pl.DataFrame(per_cut, schema=CUTOFF_SCHEMA) if per_cut else _empty_cutoffs()
    scored = pl.concat(parts) if parts else empty
    if len(parts) < MIN_CUTOFFS or scored.get_column("escalated").sum() < MIN_ESCALATIONS:
        reasons = [str(r["refusal"]) for r in per_cut if r["refusal"]]
        why = (
            reasons[-1]
            if reasons
            else (
                f"only {int(scored.get_column('escalated').sum())} escalations among the scored "
                f"tickets; at least {MIN_ESCALATIONS} are needed to judge the model"
            )
        )
        return Backtest(
            hd,
            table,
            scored,
            refusal=(
                f"Too little history to test the model on {cutoffs} past cut-offs "
                f"{step:g} days apart: {why}"
            ),
        )
    return _pooled(hd, table, scored, leaky, step * len(parts) / 7.0, timed)


def _cut_row(c: datetime, part: pl.DataFrame | None, refusal: str | None) -> dict[str, object]:
    if part is None or part.height == 0:
        return {
            "cutoff": c,
            "scored": 0,
            "tickets": 0,
            "escalations": 0,
            "auc": None,
            "refusal": refusal,
        }
    y = part.get_column("escalated").to_numpy().astype(float)
    return {
        "cutoff": c,
        "scored": part.height,
        "tickets": part.get_column("ticket_id").n_unique(),
        "escalations": int(y.sum()),
        "auc": auc(part.get_column("risk").to_numpy(), y),
        "refusal": refusal,
    }


def _score_window(
    model: RiskModel,
    full: Timeline,
    ctx: Context,
    flag: np.ndarray,
    c: datetime,
    step: float,
    every: float,
) -> pl.DataFrame:
    """Tickets open at each scoring moment of ``[c, c + step)``, scored as they were then, with
    their outcome (escalated within the horizon after the moment)."""
    h = full.horizon_h
    c_h = full.hours(c)
    idx_parts, s_parts, y_parts = [], [], []
    if model.timed:
        # tickets escalated at an unknown time cannot be judged at a moment: left out
        judge = ~full.esc_unknown
        for m in np.arange(c_h, c_h + step * 24, every):
            idx = np.flatnonzero(full.open_at(m) & judge)
            e = full.escalated[idx]
            idx_parts.append(idx)
            s_parts.append(np.full(idx.size, m))
            y_parts.append((e > m) & (e <= m + h))
    else:
        idx = np.flatnonzero((full.created >= c_h) & (full.created < c_h + step * 24))
        idx_parts.append(idx)
        s_parts.append(full.created[idx])
        y_parts.append(flag[idx])
    idx = np.concatenate(idx_parts)
    if idx.size == 0:
        return _empty_scored()
    s, y = np.concatenate(s_parts), np.concatenate(y_parts)
    sc = score_rows(model, full, ctx, idx, s)
    # only the scored rows are converted (not every ticket of the export, at each cut-off), and
    # each distinct category and scoring moment once
    if "category" in full.frame.columns:
        cats = full.frame.get_column("category").gather(idx).cast(pl.String).fill_null("(none)")
    else:
        cats = pl.repeat("(none)", idx.size, eager=True)
    rates = model.level_rates.get("category", {})
    cat_rate = cats.replace_strict(
        list(rates), list(rates.values()), default=model.base_rate, return_dtype=pl.Float64
    )
    moments, at = np.unique(s, return_inverse=True)
    scored_at = pl.Series(
        "scored_at", [full.moment(v) for v in moments], pl.Datetime("us", "UTC")
    ).gather(at)
    moment = pl.Series("cutoff", [c] * idx.size, pl.Datetime("us", "UTC"))
    return pl.DataFrame(
        {
            "cutoff": moment,
            "scored_at": scored_at,
            "ticket_id": full.frame.get_column("ticket_id").gather(idx).cast(pl.String),
            "risk": sc.risk,
            "escalated": y.astype(bool),
            "idle_hours": sc.raw.display["idle_hours"],
            "age_hours": sc.raw.display["age_hours"],
            "category_rate": cat_rate,
        },
        schema=SCORED_SCHEMA,
    )


def _lists(scored: pl.DataFrame, timed: bool) -> np.ndarray:
    """Which list each scored row was on: its scoring moment (without escalation times, each
    ticket is scored at its creation, and a cut-off's tickets make one list)."""
    return scored.get_column("scored_at" if timed else "cutoff").dt.epoch("s").to_numpy()


def _pooled(
    hd: float,
    table: pl.DataFrame,
    scored: pl.DataFrame,
    leaky: set[str],
    weeks: float,
    timed: bool,
) -> Backtest:
    risk = scored.get_column("risk").to_numpy()
    y = scored.get_column("escalated").to_numpy().astype(float)
    cut = _lists(scored, timed)
    idle = (
        scored.get_column("idle_hours").to_numpy()
        + 1e-6 * scored.get_column("age_hours").to_numpy()
    )
    cat = scored.get_column("category_rate").to_numpy()
    total = float(y.sum())

    def top(score: np.ndarray, share: float) -> tuple[float | None, float | None]:
        flagged, hits = _top(score, y, cut, share)
        return (hits / flagged if flagged else None, hits / total if total else None)

    p5, r5 = top(risk, 0.05)
    p10, r10 = top(risk, 0.10)
    ip10, ir10 = top(idle, 0.10)
    cp10, cr10 = top(cat, 0.10)
    a = auc(risk, y)
    why: list[str] = []
    if leaky:
        names = ", ".join(f"{n} ({AFTER_THE_FACT[n]})" for n in sorted(leaky))
        why.append(f"features recorded after the escalation were used: {names}")
    if a is not None and a >= LEAKAGE_AUC:
        why.append(
            f"the backtest AUC is {a:.2f}: escalations are never this predictable from what is "
            "known beforehand, so a feature probably records the escalation itself"
        )
    return Backtest(
        horizon_days=hd,
        cutoffs=table,
        scored=scored,
        auc=a,
        precision_top5=p5,
        recall_top5=r5,
        precision_top10=p10,
        recall_top10=r10,
        base_rate=float(y.mean()) if y.size else None,
        idle_auc=auc(idle, y),
        idle_precision_top10=ip10,
        idle_recall_top10=ir10,
        category_auc=auc(cat, y) if np.unique(cat).size > 1 else None,
        category_precision_top10=cp10,
        category_recall_top10=cr10,
        lift_over_idle=_ratio(p10, ip10),
        lift_over_category=_ratio(p10, cp10),
        calibration=calibration(risk, y),
        thresholds=pl.DataFrame([threshold_row(scored, th) for th in THRESHOLDS]),
        leakage_suspected=bool(why),
        leakage_why="; ".join(why) or None,
        weeks=weeks,
        timed=timed,
    )


def calibration(risk: np.ndarray, y: np.ndarray, bins: int = 10) -> pl.DataFrame:
    """Predicted against observed by decile of risk (equal counts; fewer bins for few rows)."""
    order = np.argsort(risk, kind="stable")
    groups = np.array_split(order, min(bins, max(1, risk.size)))
    return pl.DataFrame(
        {
            "decile": list(range(1, len(groups) + 1)),
            "tickets": [int(g.size) for g in groups],
            "predicted": [float(risk[g].mean()) if g.size else None for g in groups],
            "observed": [float(y[g].mean()) if g.size else None for g in groups],
        },
        schema={"decile": pl.Int64, "tickets": pl.Int64}
        | dict.fromkeys(("predicted", "observed"), pl.Float64),
    )


SCORED_SCHEMA = {
    "cutoff": pl.Datetime("us", "UTC"),
    "scored_at": pl.Datetime("us", "UTC"),
    "ticket_id": pl.String,
    "risk": pl.Float64,
    "escalated": pl.Boolean,
    "idle_hours": pl.Float64,
    "age_hours": pl.Float64,
    "category_rate": pl.Float64,
}
CUTOFF_SCHEMA = {
    "cutoff": pl.Datetime("us", "UTC"),
    "scored": pl.Int64,
    "tickets": pl.Int64,
    "escalations": pl.Int64,
    "auc": pl.Float64,
    "refusal": pl.String,
}


def _empty_scored() -> pl.DataFrame:
    return pl.DataFrame(schema=SCORED_SCHEMA)


def _empty_cutoffs() -> pl.DataFrame:
    return pl.DataFrame(schema=CUTOFF_SCHEMA)


def _pct(x: float | None) -> str:
    return pct(x, 0)


def plain_summary(bt: Backtest, threshold: float) -> list[str]:
    """The backtest in sentences for a leader (Markdown-safe: no user text)."""
    if bt.refusal:
        return [bt.refusal]
    row = bt.at_threshold(threshold)
    weeks = f"{bt.weeks:.0f} weeks" if bt.weeks >= 2 else f"{7 * bt.weeks:.0f} days"
    hd = f"{bt.horizon_days:g} days"
    out: list[str] = []
    if row["above"]:
        per = " (a ticket open on several days counts on each day's list)" if bt.timed else ""
        out.append(
            f"Of the {row['above']:,} tickets scored above {_pct(threshold)} in the past {weeks}"
            f"{per}, {_pct(row['share_escalated'])} escalated within {hd}; they were "
            f"{_pct(row['share_caught'])} of all escalations."
        )
    else:
        out.append(f"No ticket scored above {_pct(threshold)} in the past {weeks}.")
    out.append(
        f"The top 10% caught {_pct(bt.recall_top10)} of all escalations "
        f"({_pct(bt.precision_top10)} of them escalated, against {_pct(bt.base_rate)} "
        "of all open tickets)."
    )
    out.append(
        f"Taking the oldest idle tickets first would have caught {_pct(bt.idle_recall_top10)}; "
        f"the categories with the highest rates {_pct(bt.category_recall_top10)}."
    )
    if bt.auc is not None:
        out.append(
            f"An escalating ticket scored above a quiet one {_pct(bt.auc)} of the time "
            "(AUC; 50% is a coin toss)."
        )
    if bt.leakage_suspected:
        out.append(f"Leakage suspected: {bt.leakage_why}.")
    return out


@dataclass(frozen=True)
class IdleRule:
    """The Routing page's idle-ticket rule on the same backtest, beside the model.

    ``flagged``/``precision``/``recall``: tickets past ``idle_hours`` idle at the cut-offs;
    ``model_precision``/``model_recall``: the model's top tickets, as many per cut-off;
    ``open_flagged_now``/``open_now``: open tickets not yet escalated (the ones
    :func:`lib.risk.score_open` scores) past the threshold, and all of them, at ``as_of``.
    ``refusal``: why the rule cannot be compared with the model on past weeks (no backtest,
    no escalation times, or no ticket idle that long then); ``sentences`` is then empty.
    """

    idle_hours: float
    flagged: int
    escalated: int
    precision: float | None
    recall: float | None
    model_precision: float | None
    model_recall: float | None
    open_flagged_now: int
    open_now: int
    sentences: tuple[str, ...]
    refusal: str | None = None


def idle_rule(
    tickets: pl.DataFrame,
    *,
    idle_hours: float,
    as_of: datetime | None = None,
    backtest_result: Backtest | None = None,
    horizon_days: float | None = None,
    cutoffs: int = 4,
    step_days: float | None = None,
    zone: str = "UTC",
    features: Sequence[str] | None = None,
) -> IdleRule:
    """The idle rule (``idle_hours`` without activity) judged on the backtest's tickets.

    Pass ``backtest_result`` to reuse a backtest; otherwise one is run. Idle time at a past
    cut-off counts from the last activity known then (creation, first reply, activity log);
    the count of open tickets over the threshold now uses :func:`lib.audit.idle.idle_tickets`
    on the tickets not yet escalated (as :func:`lib.risk.score_open` does). Without escalation
    times, or when no ticket was that idle at the past moments, ``refusal`` says so in words.
    """
    from lib.audit.idle import idle_tickets

    bt = backtest_result or backtest(
        tickets,
        horizon_days=horizon_days,
        cutoffs=cutoffs,
        step_days=step_days,
        zone=zone,
        features=features,
        as_of=as_of,
    )
    # the export's moment from every ticket; the counts from the open, not yet escalated ones
    moment = _utc(as_of) if as_of else idle_tickets(tickets, hours=idle_hours).now
    now = idle_tickets(not_escalated(tickets), hours=idle_hours, now=moment)
    flagged_now, open_count = now.tickets.height, now.open_tickets
    sc = bt.scored
    y = sc.get_column("escalated").to_numpy().astype(float)
    flag = sc.get_column("idle_hours").to_numpy() > idle_hours
    why = bt.refusal or _rule_refusal(bt, idle_hours, int(flag.sum()))
    if why:
        return IdleRule(
            idle_hours, 0, 0, None, None, None, None, flagged_now, open_count, (), refusal=why
        )
    total = y.sum()
    n, hits = int(flag.sum()), int(y[flag].sum())
    m_flag = m_hits = 0
    cut = _lists(sc, bt.timed)
    risk = sc.get_column("risk").to_numpy()
    for c in np.unique(cut):
        m = cut == c
        k = int(flag[m].sum())
        if k:
            order = np.argsort(-risk[m], kind="stable")[:k]
            m_flag += k
            m_hits += int(y[m][order].sum())
    prec = hits / n if n else None
    rec = hits / total if total else None
    mp = m_hits / m_flag if m_flag else None
    mr = m_hits / total if total else None
    words = (
        f"Tickets idle over {idle_hours:g} h at the past cut-offs: {n:,}, of which "
        f"{_pct(prec)} escalated ({_pct(rec)} of all escalations).",
        f"The model's top {n:,} tickets at the same moments: {_pct(mp)} escalated "
        f"({_pct(mr)} of all escalations).",
    )
    return IdleRule(idle_hours, n, hits, prec, rec, mp, mr, flagged_now, open_count, words)


def not_escalated(tickets: pl.DataFrame) -> pl.DataFrame:
    """The tickets not (yet) marked escalated: the ones the model scores when open."""
    if "escalated" not in tickets.columns:
        return tickets
    return tickets.filter(~pl.col("escalated").fill_null(False))


def _rule_refusal(bt: Backtest, idle_hours: float, flagged: int) -> str | None:
    """Why the idle rule cannot be compared with the model on the backtest, in words."""
    if bt.scored.height == 0:
        return "There were no past scores to compare the idle rule with."
    if not bt.timed:
        return (
            "The idle rule cannot be compared with the model on past weeks: without escalation "
            "times each past ticket is scored as of its creation, when no ticket is idle yet."
        )
    if flagged == 0:
        return (
            f"The idle rule cannot be compared with the model on past weeks: no ticket was idle "
            f"over {idle_hours:g} h at the past scoring moments; lower the threshold to compare."
        )
    return None
