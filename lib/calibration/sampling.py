"""Choosing a calibration set from the team's own tickets, and turning a ticket into a scenario
with its personal data hidden.

:func:`sample_calibration_set` draws a stratified set: the borderline tickets the case-mix model
(:mod:`lib.outliers`) was least sure about (predicted escalation chance nearest 50%), or, given
the risk model's scores at arrival (:func:`lib.calibration.borderline.arrival_risk`), the
tickets nearest its escalation threshold (see :func:`near_threshold`), tickets of
the categories tagged policy-based (the Drivers page's tags), then escalated and not escalated
tickets in turn across the categories, so no category or outcome dominates. Every pick says why
it was chosen. The draw is repeatable for a given ``seed``.

:func:`scenarios` keeps what a participant may see (category, channel, priority, customer tier,
the group it arrived in, the subject) and the outcome, which the store hides until the session
is closed. Subjects have e-mail addresses and phone numbers masked as the pseudonymisation does
(:func:`lib.privacy.mask_text`), and the ticket's own customer and agent names replaced.

Example
-------
>>> import datetime as dt
>>> t = pl.DataFrame({"ticket_id": [str(i) for i in range(40)],
...     "created_at": [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 40,
...     "category": ["SSO", "Billing"] * 20, "escalated": [i % 3 == 0 for i in range(40)],
...     "subject": ["Reset for ann@x.org"] * 40})
>>> s = sample_calibration_set(t, 6, policy_categories=["SSO"], seed=1)
>>> s.height, sorted(set(s.get_column("category")))
(6, ['Billing', 'SSO'])
>>> scenarios(t, ["3"]).get_column("subject").to_list()
['Reset for [email]']
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

import polars as pl

from lib.privacy import mask_text

#: The columns of a scenario (beside ``ticket_id``), as the participant sees them.
SCENARIO_COLUMNS = ("category", "channel", "priority", "customer_tier", "first_group", "subject")
#: Outcome columns: hidden from participants until the session is closed.
OUTCOME_COLUMNS = ("escalated", "group")
#: Share of a sampled set given to borderline tickets and to policy-based categories.
BORDERLINE_SHARE = 0.3
POLICY_SHARE = 0.2
_BORDERLINE_BAND = 0.2  # model probability within 50% ± 20 points


def _col(t: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in t.columns else pl.lit(None, dtype=pl.String).alias(name)


def _borderline(tickets: pl.DataFrame) -> pl.DataFrame:
    """Tickets with the case-mix model's predicted chance of escalation (``p_escalate``)."""
    from lib.outliers import fit_case_mix

    try:
        model = fit_case_mix(tickets)
        return tickets.with_columns(p_escalate=model.predict(tickets))
    except Exception:  # too little data to fit: no borderline stratum
        return tickets.with_columns(p_escalate=pl.lit(None, dtype=pl.Float64))


def near_threshold(scores: pl.DataFrame, escalated_share: float) -> pl.DataFrame:
    """The tickets of ``scores`` (ticket_id, p_escalate) within the decile around the risk
    model's escalation threshold, nearest first, with ``threshold``.

    The threshold is the score above which the model would flag as many tickets as actually
    escalated (``escalated_share``): a low-base-rate model rarely says 50%, but the tickets
    ranked at this cut are the ones it could put either side.

    >>> s = pl.DataFrame({"ticket_id": [str(i) for i in range(20)],
    ...                   "p_escalate": [i / 100 for i in range(20)]})
    >>> near_threshold(s, 0.25).get_column("ticket_id").to_list()
    ['14', '15']
    """
    s = scores.drop_nulls("p_escalate")
    if s.height == 0:
        return s.with_columns(threshold=pl.lit(None, dtype=pl.Float64))
    target = min(max(1.0 - escalated_share, 0.0), 1.0)
    tau = float(s.get_column("p_escalate").quantile(target, "linear"))
    rank = (pl.col("p_escalate").rank("average") - 0.5) / s.height
    return (
        s.with_columns(threshold=pl.lit(tau), _q=rank)
        .filter((pl.col("_q") - target).abs() <= 0.05)
        .sort([(pl.col("p_escalate") - tau).abs(), "ticket_id"])
        .drop("_q")
    )


def sample_calibration_set(
    tickets: pl.DataFrame,
    n: int = 10,
    *,
    policy_categories: Iterable[str] = (),
    seed: int = 0,
    p_escalate: pl.Series | None = None,
    risk: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``n`` tickets for a calibration set with the reason each was picked (``why``).

    Only tickets whose outcome is known (``escalated`` not null) are drawn. ``p_escalate`` is
    each ticket's predicted chance of escalation; by default the case-mix model is fitted here.
    ``risk`` (ticket_id, p_escalate: the risk model's scores at arrival) draws the borderline
    tickets near the risk model's threshold instead (no case-mix fit).
    Returns ``ticket_id``, ``category``, ``escalated``, ``p_escalate`` and ``why``, fewer than
    ``n`` rows when the tickets run out.
    """
    if n < 1:
        raise ValueError("A calibration set needs at least one scenario")
    pool = tickets.filter(pl.col("escalated").is_not_null())
    if p_escalate is not None:
        pool = tickets.with_columns(p_escalate=p_escalate).filter(pl.col("escalated").is_not_null())
    elif risk is not None:
        scores = risk.select(pl.col("ticket_id").cast(pl.String), "p_escalate")
        pool = pool.drop("p_escalate", strict=False).join(scores, on="ticket_id", how="left")
    else:
        pool = _borderline(pool)
    pool = pool.with_columns(_col(pool, "category").cast(pl.String).fill_null("(none)"))
    rng = random.Random(seed)
    chosen: dict[str, str] = {}

    def take(frame: pl.DataFrame, k: int, why: str) -> int:
        ids = [i for i in frame.get_column("ticket_id").to_list() if i not in chosen]
        picked = rng.sample(ids, min(k, len(ids)))
        for i in picked:
            chosen[i] = why
        return len(picked)

    if risk is not None:
        share = float(pool.get_column("escalated").cast(pl.Float64).mean() or 0.0)
        near = near_threshold(pool.select("ticket_id", "p_escalate"), share)
        near = near.head(max(20, 4 * n))
        why = "borderline: near the risk model's escalation threshold"
    else:
        near = pool.filter((pl.col("p_escalate") - 0.5).abs() <= _BORDERLINE_BAND)
        near = near.sort((pl.col("p_escalate") - 0.5).abs()).head(max(20, 4 * n))
        why = "borderline: the case-mix model was unsure"
    take(near, round(n * BORDERLINE_SHARE), why)
    policy = set(policy_categories)
    take(
        pool.filter(pl.col("category").is_in(list(policy))),
        round(n * POLICY_SHARE),
        "category tagged policy-based",
    )
    cats = pool.group_by("category").len().sort(["len", "category"], descending=[True, False])
    order = cats.get_column("category").to_list()
    # Round-robin over the categories, escalated and not in turn (each category starts with
    # the other outcome next round), the other outcome when a category has none left.
    rounds = 0
    while len(chosen) < n:
        before = len(chosen)
        for j, cat in enumerate(order):
            if len(chosen) >= n:
                break
            want = (rounds + j) % 2 == 0
            for outcome in (want, not want):
                frame = pool.filter((pl.col("category") == cat) & (pl.col("escalated") == outcome))
                word = "escalated" if outcome else "not escalated"
                if take(frame, 1, f"{word}, {cat}"):
                    break
        if len(chosen) == before:
            break
        rounds += 1
    picked = pl.DataFrame(
        {"ticket_id": list(chosen), "why": list(chosen.values())},
        schema={"ticket_id": pl.String, "why": pl.String},
    )
    return picked.join(
        pool.select("ticket_id", "category", "escalated", "p_escalate"), on="ticket_id", how="left"
    )


def still_open(tickets: pl.DataFrame, ticket_ids: Iterable[str]) -> list[str]:
    """Those of ``ticket_ids`` still open and not escalated: what happened to them is not known
    yet (e.g. picked on the At risk page), so the results would count them as not escalated.

    >>> t = pl.DataFrame({"ticket_id": ["1", "2", "3"], "status": ["open", "solved", "open"],
    ...                   "escalated": [False, False, True]})
    >>> still_open(t, ["3", "2", "1"])
    ['1']
    """
    ids = [str(i) for i in ticket_ids]
    if "status" not in tickets.columns or not ids:
        return []
    found = tickets.filter(
        pl.col("ticket_id").is_in(ids)
        & ~pl.col("status").cast(pl.String).str.to_lowercase().is_in(["solved", "closed"])
        & ~pl.col("escalated").fill_null(False)
    ).get_column("ticket_id")
    return [i for i in ids if i in set(found.to_list())]


def _hide_names(subject: str | None, names: Sequence[tuple[str | None, str]]) -> str | None:
    """``subject`` with each (name, placeholder) replaced, whole words, any case.

    >>> _hide_names("Call Ana Lima back", [("ana lima", "[customer]"), (None, "[agent]")])
    'Call [customer] back'
    """
    if subject is None:
        return None
    for name, placeholder in names:
        name = (name or "").strip()
        if len(name) >= 3:
            subject = re.sub(rf"(?i)\b{re.escape(name)}\b", placeholder, subject)
    return subject


def scenarios(tickets: pl.DataFrame, ticket_ids: Iterable[str]) -> pl.DataFrame:
    """The scenarios of ``ticket_ids`` (in that order; unknown ids left out): ``ticket_id``,
    :data:`SCENARIO_COLUMNS` with personal data hidden, and the outcome columns
    ``outcome_escalated`` and ``outcome_group`` (where an escalated ticket went)."""
    ids = [str(i).strip() for i in ticket_ids]
    order = pl.DataFrame(
        {"ticket_id": ids, "position": list(range(len(ids)))},
        schema={"ticket_id": pl.String, "position": pl.Int64},
    ).unique("ticket_id", keep="first")
    t = order.join(tickets, on="ticket_id", how="inner").sort("position")
    subjects = [
        _hide_names(s, [(c, "[customer]"), (a, "[agent]")])
        for s, c, a in t.select(
            _col(t, "subject"), _col(t, "customer"), _col(t, "agent")
        ).iter_rows()
    ]
    t = t.with_columns(subject=pl.Series(subjects, dtype=pl.String))
    out = t.select(
        "ticket_id",
        *(_col(t, c).cast(pl.String) for c in SCENARIO_COLUMNS),
        pl.col("escalated").alias("outcome_escalated"),
        pl.when(pl.col("escalated")).then(_col(t, "group").cast(pl.String)).alias("outcome_group"),
    )
    return out.with_columns(mask_text(pl.col("subject")).alias("subject"))
