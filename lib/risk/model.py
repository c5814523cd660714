"""Train the escalation-risk model on snapshots of the past, and score the open tickets.

Training rows are snapshots: every ``step`` hours back from ``as_of - horizon``, each ticket
open (and not escalated) at that moment is one row, with its features as of that moment
(:mod:`lib.risk.features`) and the outcome "escalated within the horizon after the moment".
Scoring the open tickets at ``as_of`` asks the same question of the same features, so the
model is used as it was trained. Without escalation times a ticket is one row as of its
creation, and the outcome is its escalation by the export.

The model is a ridge-regularised logistic regression (Newton/IRLS in numpy on standardised
columns: a few dozen columns and up to :data:`MAX_TRAIN_ROWS` rows need nothing more), Platt-
calibrated on the newest quarter of the training moments after fitting on the older three
quarters; the final coefficients are refitted on all rows and keep that calibration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from scipy.special import expit

from lib.risk.blas import one_thread
from lib.risk.explain import no_reasons
from lib.risk.explain import reasons as reason_words
from lib.risk.features import (
    AFTER_THE_FACT,
    DEFAULT_FEATURES,
    FEATURES,
    Context,
    Design,
    Raw,
    available,
    check_features,
    compute,
    context,
)
from lib.risk.timeline import CLOSED_STATUSES, Timeline, is_timed, prepare, with_columns

#: Horizon when the data cannot suggest one (lib.audit.maturity's default).
DEFAULT_HORIZON_DAYS = 7.0
#: Fewest escalations (and non-escalations) among the training rows to learn anything.
MIN_POSITIVES = 30
#: Fewest tickets old enough to judge.
MIN_TICKETS = 200
#: Training rows beyond this are sampled (seeded) down to it.
MAX_TRAIN_ROWS = 300_000
#: Snapshot rows to aim for (the snapshot step shrinks from 24 h to 1 h to reach them).
TARGET_ROWS = 20_000
#: Ridge penalty on the standardised coefficients.
RIDGE = 2.0

_OUT_COLUMNS = (
    "ticket_id",
    "risk",
    "reasons",
    "age_hours",
    "idle_hours",
    "agent",
    "group",
    "category",
    "customer",
    "customer_tier",
    "priority",
    "subject",
)


@dataclass(frozen=True)
class Prepared:
    """The timeline and context of some tickets as known at ``moment``, for ``horizon_days``
    and the business ``zone`` (no activity log): made once (:func:`prepare_for`) and passed
    as ``prepared=`` to :func:`train_risk_model`, :func:`lib.risk.backtest.backtest` and
    :func:`score_open` on the same tickets, which would otherwise each read every ticket
    again (about 4 s apiece at 10 million tickets). Each checks it was made for its own
    moment, horizon, zone and escalation times, and refuses it otherwise."""

    timeline: Timeline
    context: Context
    moment: datetime
    horizon_days: float
    zone: str

    def check(
        self, moment: datetime, horizon_days: float, zone: str, timed: bool, events: object
    ) -> None:
        """Raise ``ValueError`` unless this was made for these arguments (and no log)."""
        mine = (self.moment, float(self.horizon_days), self.zone, self.timeline.timed)
        if events is not None or mine != (moment, float(horizon_days), zone, timed):
            raise ValueError(
                "prepared= was made for another moment, horizon, zone, kind of escalation "
                "times or activity log than this call's"
            )


def prepare_for(
    tickets: pl.DataFrame,
    *,
    horizon_days: float | None = None,
    zone: str = "UTC",
    as_of: datetime | None = None,
) -> Prepared | None:
    """The :class:`Prepared` timeline and context of ``tickets`` at ``as_of`` (default: the
    export's newest timestamp) for ``horizon_days`` (default: :func:`default_horizon`);
    None when there is no ticket or moment.

    >>> import datetime as dt
    >>> t = pl.DataFrame({"ticket_id": ["1"], "created_at": [dt.datetime(2024, 1, 1, tzinfo=UTC)],
    ...                   "escalated": [False]})
    >>> p = prepare_for(t, horizon_days=7)
    >>> p.timeline.n, p.horizon_days, p.moment.isoformat()
    (1, 7.0, '2024-01-01T00:00:00+00:00')
    """
    moment = as_of or export_moment(tickets)
    if moment is None or tickets.height == 0:
        return None
    moment = _utc(moment)
    hd = float(horizon_days) if horizon_days is not None else default_horizon(tickets)
    tl = prepare(tickets, as_of=moment, horizon_days=hd, timed=is_timed(tickets))
    return Prepared(tl, context(tl, zone), moment, hd, zone)


@dataclass(frozen=True)
class RiskRefusal:
    """No model: the export cannot support one; ``reason`` says what is missing, in words."""

    reason: str


@dataclass(frozen=True)
class RiskModel:
    """A trained, calibrated risk model (see :func:`train_risk_model`).

    ``features``: the features used; ``notes``: what was left out and why, in words;
    ``leaky``: columns named on purpose that are recorded after the escalation;
    ``coefficients``: one row per model column (feature, column, coefficient on the
    standardised scale, odds ratio per standard deviation).
    """

    horizon_days: float
    as_of: datetime
    zone: str
    timed: bool
    features: tuple[str, ...]
    design: Design
    beta: np.ndarray
    platt: tuple[float, float]
    base_rate: float
    level_rates: dict[str, dict[str, float]]
    training_rows: int
    training_tickets: int
    positives: int
    calibrated: bool
    leaky: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    step_hours: float = 24.0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def groups(self) -> tuple[str, ...]:
        """The feature groups, in the order of the pushes (see :mod:`lib.risk.explain`)."""
        return self.features

    @property
    def coefficients(self) -> pl.DataFrame:
        """Coefficients per model column, on the standardised scale."""
        b = self.beta[1:]
        return pl.DataFrame(
            {
                "feature": list(self.design.groups),
                "column": list(self.design.columns),
                "coefficient": b,
                "odds_ratio_per_sd": np.exp(b),
            }
        )

    def effect(self, column: str) -> float:
        """Change in log-odds per one unit of ``column`` (unstandardised)."""
        j = self.design.columns.index(column)
        return float(self.beta[1 + j] / self.design.scale[j])


def default_horizon(tickets: pl.DataFrame) -> float:
    """The horizon from :mod:`lib.audit.maturity` (its suggestion), else 7 days."""
    try:
        from lib.audit.maturity import choose_horizon

        return float(choose_horizon(with_columns(tickets, "escalated_at", "solved_at")).days)
    except Exception:
        return DEFAULT_HORIZON_DAYS


def export_moment(tickets: pl.DataFrame) -> datetime | None:
    """The export's newest timestamp (see :func:`lib.audit.maturity.export_time`)."""
    from lib.audit.maturity import export_time

    return export_time(tickets)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def snapshot_rows(
    tl: Timeline, step_hours: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Training rows (ticket index, moment, outcome) and the step used (see the module notes)."""
    h = tl.horizon_h
    t_end = tl.as_of - h
    if not tl.timed:
        idx = np.flatnonzero(tl.created <= t_end)
        return idx, tl.created[idx], tl.esc_unknown[idx].astype(float), 0.0
    usable = ~tl.esc_unknown & (tl.created <= t_end)
    end = np.fmin(tl.solved, tl.escalated)
    end = np.where(np.isnan(end), np.inf, end)
    if step_hours is None:
        open_h = np.clip(np.minimum(end, t_end) - tl.created, 0, None)[usable].sum()
        step_hours = float(np.clip(open_h / TARGET_ROWS, 1.0, 24.0))
    k_max = np.floor((t_end - tl.created) / step_hours)
    k_min = np.where(end > t_end, 0.0, np.floor((t_end - end) / step_hours) + 1)
    n = np.where(usable, np.clip(k_max - k_min + 1, 0, None), 0).astype(np.int64)
    idx = np.repeat(np.arange(tl.n), n)
    start = np.repeat(np.cumsum(n) - n, n)
    k = np.repeat(k_min.astype(np.int64), n) + (np.arange(n.sum()) - start)
    s = t_end - k * step_hours
    e = tl.escalated[idx]
    y = ((e > s) & (e <= s + h)).astype(float)
    return idx, s, y, step_hours


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    *,
    ridge: float = RIDGE,
    iters: int = 30,
    start: np.ndarray | None = None,
    single: bool = False,
) -> np.ndarray:
    """Ridge logistic regression by Newton steps: ``[intercept, *coefficients]``.

    ``single``: form each step's Hessian in single precision (about twice as fast), for
    columns on a scale near 1 (standardised values, 0/1 indicators, as the model's design
    has). The gradient and the likelihood stay in double precision, so the steps stop at the
    same coefficients; should a single-precision step fail to improve the likelihood (columns
    far from that scale) or the steps not settle, the fit goes on in double precision.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(4000, 1))
    >>> y = (rng.random(4000) < expit(-1 + 2 * x[:, 0])).astype(float)
    >>> [round(float(b), 1) for b in fit_logistic(x, y)]
    [-1.0, 2.0]
    >>> [round(float(b), 1) for b in fit_logistic(x, y, single=True)]
    [-1.0, 2.0]
    """
    with one_thread():  # see lib.risk.blas: busy cores make threaded BLAS crawl here
        if single:
            beta, settled = _newton(x, y, ridge=ridge, iters=iters, start=start, single=True)
            if settled:
                return beta
            start = beta  # go on from there with the exact Hessian
        return _newton(x, y, ridge=ridge, iters=iters, start=start)[0]


def _newton(
    x: np.ndarray,
    y: np.ndarray,
    *,
    ridge: float,
    iters: int,
    start: np.ndarray | None,
    single: bool = False,
) -> tuple[np.ndarray, bool]:
    """The Newton steps of :func:`fit_logistic`: the coefficients, and whether the steps
    settled (with ``single``: False as soon as a step fails to improve the likelihood)."""
    n, p = x.shape
    xa = np.empty((n, p + 1))
    xa[:, 0] = 1.0
    xa[:, 1:] = x
    beta = np.zeros(p + 1)
    m = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
    beta[0] = math.log(m / (1 - m))
    if start is not None:  # warm start (e.g. from a fit on most of the same rows)
        beta = np.array(start, dtype=float)
    pen = np.full(p + 1, ridge)
    pen[0] = 0.0

    def objective(b: np.ndarray) -> float:
        eta = xa @ b
        # log-likelihood of a logistic model, written to stay finite for large |eta|
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)) - 0.5 * np.sum(pen * b * b))

    current = objective(beta)
    # The Hessian X'WX is the fit's cost (n x p^2); in single precision it is formed as
    # (sqrt(W)X)'(sqrt(W)X). Only the step's direction depends on it.
    # (Its n x p buffer is made once: a fresh one per step costs its page faults every time.)
    xa32 = xa.astype(np.float32) if single else None
    xs = np.empty_like(xa32) if xa32 is not None else None
    for _ in range(iters):
        mu = expit(xa @ beta)
        w = mu * (1 - mu)
        if xa32 is not None and xs is not None:
            np.multiply(xa32, np.sqrt(w).astype(np.float32)[:, None], out=xs)
            xtwx = (xs.T @ xs).astype(np.float64)
        else:
            xtwx = xa.T @ (xa * w[:, None])
        hess = xtwx + np.diag(pen) + 1e-9 * np.eye(p + 1)
        grad = xa.T @ (y - mu) - pen * beta
        step = np.linalg.solve(hess, grad)
        # damped Newton: halve the step until the penalised likelihood improves (separable
        # data, e.g. a leaking feature, would otherwise overshoot without end)
        improved = False
        for _half in range(30):
            trial = objective(beta + step)
            if trial >= current - 1e-12:
                improved = True
                break
            step = step / 2
        if single and not improved:
            return beta, False  # the single-precision direction is no use here
        beta = beta + step
        current = trial
        if np.max(np.abs(step)) < 1e-6:
            return beta, True
    return beta, False


def _distinct(idx: np.ndarray, n: int) -> int:
    """How many distinct tickets (indices below ``n``) ``idx`` holds."""
    return int(np.count_nonzero(np.bincount(idx, minlength=n))) if idx.size else 0


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _refuse_small(tl: Timeline, y: np.ndarray, idx: np.ndarray, horizon_days: float) -> str | None:
    hd = f"{horizon_days:g}-day"
    if tl.n == 0:
        return "There are no tickets to learn from."
    span_days = (tl.as_of - float(np.nanmin(tl.created))) / 24.0
    if not tl.frame.get_column("escalated").fill_null(False).any():
        return (
            "No ticket in this export is marked escalated, so there is nothing to learn: check "
            "the escalation rules on the Data page."
        )
    old = _distinct(idx, tl.n)
    if span_days < 2 * horizon_days:
        return (
            f"The export covers {span_days:.0f} days; the {hd} horizon needs at least "
            f"{2 * horizon_days:g} days of history to learn from."
        )
    if old < MIN_TICKETS:
        return (
            f"Only {old:,} tickets are old enough to judge (opened at least {horizon_days:g} "
            f"days before the export's newest timestamp); at least {MIN_TICKETS} are needed "
            "to learn from."
        )
    # count tickets, not snapshot rows: a ticket open for days gives many correlated rows
    pos = _distinct(idx[y > 0], tl.n)
    neg = old - pos
    if pos < MIN_POSITIVES:
        return (
            f"Only {_count(pos, 'escalation')} within the {hd} horizon among the {old:,} "
            "tickets old enough to judge;"
            f" at least {MIN_POSITIVES} are needed to learn anything reliable."
        )
    if neg < MIN_POSITIVES:
        return (
            f"Almost every ticket old enough to judge escalated ({pos:,} of {old:,}); there "
            "is nothing to tell them apart by."
        )
    return None


def _pushes(model: RiskModel, x: np.ndarray) -> np.ndarray:
    """Per row and feature, the log-odds push of that feature (columns summed per feature)."""
    groups = model.design.groups
    ind = np.zeros((len(groups), len(model.features)))
    for j, g in enumerate(groups):
        ind[j, model.features.index(g)] = 1.0
    return (x * model.beta[1:]) @ ind


def predict(model: RiskModel, x: np.ndarray) -> np.ndarray:
    """Calibrated probabilities of standardised model columns ``x``."""
    eta = model.beta[0] + x @ model.beta[1:]
    a, b = model.platt
    return expit(a + b * eta)


def train_risk_model(
    tickets: pl.DataFrame,
    *,
    horizon_days: float | None = None,
    as_of: datetime | None = None,
    zone: str = "UTC",
    features: Sequence[str] | None = None,
    events: pl.DataFrame | None = None,
    step_hours: float | None = None,
    max_rows: int = MAX_TRAIN_ROWS,
    seed: int = 0,
    prepared: Prepared | None = None,
) -> RiskModel | RiskRefusal:
    """Train on the tickets old enough for the horizon; a :class:`RiskRefusal` when too small.

    ``as_of`` (default: the export's newest timestamp): nothing after it is seen.
    ``features``: names from :data:`lib.risk.features.FEATURES` (default: all this export can
    give) or, on purpose, frame columns (recorded after the fact: then ``model.leaky`` lists
    them and the backtest reports suspected leakage). ``events``: an optional activity log
    (``ticket_id``, ``at``, ``kind``) for exact idle time, reassignments and reopens so far.
    ``prepared``: the timeline and context of these tickets at ``as_of``, when the caller has
    them already (:func:`prepare_for`; the backtest cuts them from its own, see
    :func:`lib.risk.timeline.restrict`).
    """
    moment = as_of or export_moment(tickets)
    if moment is None or tickets.height == 0:
        return RiskRefusal("There are no tickets to learn from.")
    moment = _utc(moment)
    hd = float(horizon_days) if horizon_days is not None else default_horizon(tickets)
    names = tuple(features) if features is not None else DEFAULT_FEATURES
    check_features(list(names), tickets.columns)
    timed = is_timed(tickets)
    if prepared is not None:
        prepared.check(moment, hd, zone, timed, events)
        tl = prepared.timeline
    else:
        tl = prepare(tickets, as_of=moment, horizon_days=hd, events=events, timed=timed)
    if tl.n == 0:
        return RiskRefusal("There are no tickets opened before the scoring moment to learn from.")
    idx, s, y, step = snapshot_rows(tl, step_hours)
    refusal = _refuse_small(tl, y, idx, hd)
    if refusal:
        return RiskRefusal(refusal)
    if idx.size > max_rows:
        pick = np.sort(np.random.default_rng(seed).choice(idx.size, max_rows, replace=False))
        idx, s, y = idx[pick], s[pick], y[pick]
    known = tuple(n for n in names if n in FEATURES)
    used, notes = available(tl, known)
    custom = tuple(n for n in names if n not in FEATURES)
    used = used + custom
    leaky = tuple(n for n in custom if n in AFTER_THE_FACT)
    p0 = float(y.mean())
    ctx = prepared.context if prepared is not None else context(tl, zone)
    raw = compute(tl, ctx, idx, s, used, p0)
    design = Design.fit(raw, used)
    x = design.matrix(raw)
    # calibrate on the newest quarter of the moments after fitting on the older ones
    cut = np.quantile(s, 0.75) if s.size else 0.0
    old, new = s <= cut, s > cut
    platt, calibrated, b_old = (0.0, 1.0), False, None
    if min(y[old].sum(), y[new].sum(), (1 - y[old]).sum(), (1 - y[new]).sum()) >= 10:
        # the design's columns are standardised values and 0/1 indicators: single precision
        # Hessians (see fit_logistic); the Platt fit's one column (raw log-odds) is not
        b_old = fit_logistic(x[old], y[old], single=True)
        eta = b_old[0] + x[new] @ b_old[1:]
        ab = fit_logistic(eta[:, None], y[new], ridge=0.0)
        platt, calibrated = (float(ab[0]), float(ab[1])), True
    beta = fit_logistic(x, y, start=b_old if calibrated else None, single=True)
    level_rates = {
        name: {
            str(v): float(r)
            for v, r, k in pl.DataFrame({"v": vals, "y": y})
            .group_by("v")
            .agg(pl.col("y").mean().alias("r"), pl.len().alias("k"))
            .iter_rows()
            if k >= 5
        }
        for name, vals in raw.categorical.items()
    }
    if not calibrated:
        notes.append(
            "too few escalations to calibrate on held-out moments: scores are the "
            "regression's own probabilities"
        )
    if not tl.timed:
        notes.append(
            "no escalation times: each ticket is judged as of its creation, and the score is "
            f"its chance of escalating at all (most escalations come within {hd:g} days)"
        )
    return RiskModel(
        horizon_days=hd,
        as_of=moment,
        zone=zone,
        timed=tl.timed,
        features=used,
        design=design,
        beta=beta,
        platt=platt,
        base_rate=p0,
        level_rates=level_rates,
        training_rows=int(idx.size),
        training_tickets=_distinct(idx, tl.n),
        positives=int(y.sum()),
        calibrated=calibrated,
        leaky=leaky,
        notes=tuple(notes),
        step_hours=step,
    )


@dataclass(frozen=True)
class Scored:
    """Scores of some tickets at some moments, with the raw values behind them."""

    idx: np.ndarray
    s: np.ndarray
    risk: np.ndarray
    raw: Raw
    pushes: np.ndarray


def score_rows(
    model: RiskModel, tl: Timeline, ctx: Context, idx: np.ndarray, s: np.ndarray
) -> Scored:
    """Scores of tickets ``idx`` at moments ``s`` of a timeline."""
    raw = compute(tl, ctx, idx, s, model.features, model.base_rate)
    x = model.design.matrix(raw)
    return Scored(idx, s, predict(model, x), raw, _pushes(model, x))


def open_now(tl: Timeline, at_export: bool) -> np.ndarray:
    """Indices of tickets open and not escalated at ``tl.as_of``."""
    if at_export:
        f = tl.frame
        ok = (
            ~f.get_column("status").is_in(CLOSED_STATUSES).fill_null(False)
            & ~f.get_column("escalated").fill_null(False)
        ).to_numpy()
        return np.flatnonzero(ok & ~(tl.solved <= tl.as_of))
    return np.flatnonzero(tl.open_at(tl.as_of))


def score_open(
    model: RiskModel,
    tickets: pl.DataFrame,
    *,
    as_of: datetime | None = None,
    zone: str | None = None,
    events: pl.DataFrame | None = None,
    reasons: bool = True,
    prepared: Prepared | None = None,
) -> pl.DataFrame:
    """One row per open ticket (not solved or closed, not escalated), riskiest first.

    Columns: ticket_id, risk (0-1, calibrated), reasons (list of up to three phrases),
    age_hours, idle_hours (since the last update, as on the Routing page), agent, group,
    category, customer, customer_tier, priority, subject. ``as_of`` defaults to the export's
    newest timestamp; before it, tickets are taken as they were then. ``zone`` (default: the
    model's) is the business zone of the out-of-hours feature. ``prepared``: the tickets'
    timeline and context at that moment, when the caller has them (:func:`prepare_for`).
    """
    export = export_moment(tickets)
    moment = _utc(as_of) if as_of is not None else export
    f = with_columns(tickets, *[c for c in _OUT_COLUMNS if c not in ("risk", "reasons")])
    empty = _empty_out()
    if moment is None or f.height == 0:
        return empty
    zone = zone or model.zone
    if prepared is not None:
        prepared.check(moment, model.horizon_days, zone, model.timed, events)
        # (the same rows and times; the frame gains the columns shown, as ``f`` did)
        tl = replace(prepared.timeline, frame=with_columns(prepared.timeline.frame, *f.columns))
    else:
        tl = prepare(
            f, as_of=moment, horizon_days=model.horizon_days, events=events, timed=model.timed
        )
    at_export = export is None or moment >= export
    idx = open_now(tl, at_export)
    if idx.size == 0:
        return empty
    ctx = prepared.context if prepared is not None else context(tl, zone)
    s = np.full(idx.size, tl.as_of) if model.timed else tl.created[idx]
    sc = score_rows(model, tl, ctx, idx, s)
    words = reason_words(model, sc.raw, sc.pushes) if reasons else no_reasons(idx.size)
    rows = tl.frame[idx]
    age = tl.as_of - tl.created[idx]
    upd = (
        tl.frame.select(
            (
                (pl.lit(moment) - pl.coalesce(pl.col("updated_at"), pl.col("created_at")))
                .dt.total_microseconds()
                .cast(pl.Float64)
                / 3.6e9
            ).alias("i")
        )
        .to_series()
        .to_numpy()[idx]
    )
    out = rows.select(
        pl.col("ticket_id").cast(pl.String),
        *[pl.col(c).cast(pl.String) for c in _OUT_COLUMNS[5:]],
    ).with_columns(
        pl.Series("risk", sc.risk, pl.Float64),
        words.alias("reasons"),
        pl.Series("age_hours", age, pl.Float64),
        # now: since the last update, as the Routing page counts it; in the past the last
        # update then is unknown, so since the last known activity (the model's own idle)
        pl.Series(
            "idle_hours",
            np.maximum(upd, 0.0) if at_export else sc.raw.display["idle_hours"],
            pl.Float64,
        ),
    )
    return out.select(_OUT_COLUMNS).sort("risk", descending=True, maintain_order=True)


def _empty_out() -> pl.DataFrame:
    schema = {c: pl.String for c in _OUT_COLUMNS}
    schema.update(
        risk=pl.Float64, reasons=pl.List(pl.String), age_hours=pl.Float64, idle_hours=pl.Float64
    )
    return pl.DataFrame(schema=schema)


def model_summary(model: RiskModel) -> list[str]:
    """What the model learned from and uses, in sentences (Markdown-safe: no user text).

    >>> from datetime import UTC, datetime
    >>> m = RiskModel(7.0, datetime(2024, 5, 1, tzinfo=UTC), "UTC", True, ("category", "idle"),
    ...               None, np.zeros(1), (0.0, 1.0), 0.08, {}, 12000, 3400, 960, True)
    >>> print(model_summary(m)[0])
    Learned from 3,400 tickets opened by 2024-04-24 (12,000 moments of their lives, 8% of which were followed by an escalation within 7 days).
    """  # noqa: E501
    until = model.as_of - timedelta(days=model.horizon_days)
    uses = ", ".join(FEATURES.get(f, f"{f} (named on purpose)") for f in model.features)
    words = [
        f"Learned from {model.training_tickets:,} tickets opened by {until:%Y-%m-%d} "
        f"({model.training_rows:,} moments of their lives, {model.base_rate:.0%} of which were "
        f"followed by an escalation within {model.horizon_days:g} days).",
        f"It uses {uses}.",
    ]
    if not model.calibrated:
        words.append("Its scores are not calibrated on held-out weeks (too few escalations).")
    return words
