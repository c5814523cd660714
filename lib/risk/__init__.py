"""Escalation risk of open tickets, learned from the same export's past, with its backtest.

Pure functions (no Streamlit). The public API below is stable: later changes only add
keyword arguments.

``train_risk_model(tickets, *, horizon_days=None, as_of=None, zone="UTC", features=None,
events=None) -> RiskModel | RiskRefusal``
    Trains on snapshots of the tickets' past lives: every few hours back from ``as_of -
    horizon``, each ticket then open and not escalated is a row with what was known about it
    at that moment, and the outcome "escalated within the horizon after it". ``horizon_days``
    defaults to :func:`lib.audit.maturity.choose_horizon`'s suggestion (7 days when it cannot
    tell); ``as_of`` to the export's newest timestamp (nothing after it is seen). A
    :class:`RiskRefusal` (``.reason``: what is missing, in words) when the export is too small
    or too short. ``features``: see :data:`lib.risk.features.FEATURES` (default: all the export
    can give; ``model.notes`` says which were left out and why). Columns recorded after the
    escalation (:data:`lib.risk.features.AFTER_THE_FACT`, e.g. ``group``: the final group) are
    never used unless named on purpose; then ``model.leaky`` lists them and the backtest reports
    ``leakage_suspected``. ``events``: an optional activity log (``ticket_id``, ``at``,
    ``kind`` in update/reassign/reopen) for exact idle time, reassignments and reopens so far.

``score_open(model, tickets, *, as_of=None, zone=None, events=None) -> pl.DataFrame``
    One row per open ticket (status not solved/closed and not escalated), riskiest first:
    ticket_id, risk (0-1, calibrated), reasons (list[str]: up to three factors raising the
    score most, in words), age_hours, idle_hours (since the last update, as the Routing page
    counts it), agent, group, category, customer, customer_tier, priority, subject. ``zone``
    defaults to the model's. ``model.notes`` says in words which features it could not use.

``backtest(tickets, *, horizon_days=None, cutoffs=4, step_days=None, zone="UTC",
features=None, events=None, as_of=None, score_every_hours=24.0) -> Backtest``
    Rolling origin: at each cut-off (newest: ``as_of - horizon - step_days``, then
    ``step_days`` earlier each; default step: the horizon, at least 7 days) train on what was
    known then, score the tickets open at each moment of the following ``step_days`` (every
    ``score_every_hours``: the daily lists) as they were, and observe the horizon after each
    moment. ``Backtest``: ``cutoffs`` (pl.DataFrame: cutoff, scored, tickets, escalations,
    auc, refusal), ``scored`` (every scored ticket-moment: cutoff, scored_at, ticket_id,
    risk, escalated, idle_hours, age_hours, category_rate), ``auc``,
    ``precision_top5``/``recall_top5``, ``precision_top10``/``recall_top10`` (top share of
    each list), ``base_rate``, the rules' ``idle_auc``/``idle_precision_top10``/
    ``idle_recall_top10`` and ``category_*``, ``lift_over_idle`` and ``lift_over_category``
    (precision of the model's top 10% over the rule's top 10%), ``calibration`` (decile,
    tickets, predicted, observed), ``thresholds`` (threshold, above, escalated_above,
    share_escalated, share_caught for 5%..95%; ``bt.at_threshold(t)`` for any t),
    ``leakage_suspected`` and ``leakage_why``, ``refusal`` (str or None: then there are no
    figures), ``weeks`` (the span tested), ``horizon_days``.

``idle_rule(tickets, *, idle_hours, as_of=None, backtest_result=None, ...) -> IdleRule``
    The Routing page's idle rule on the same backtest: ``flagged``, ``escalated``,
    ``precision``, ``recall``, the model's ``model_precision``/``model_recall`` with as many
    tickets per cut-off, ``open_flagged_now``/``open_now`` (via :mod:`lib.audit.idle`, on the
    open tickets not yet escalated, as ``score_open`` counts them), ``sentences``, and
    ``refusal`` (in words, sentences empty) when the rule cannot be compared on past weeks (no
    escalation times, or no ticket that idle then). Pass the page's ``Backtest`` as
    ``backtest_result`` to avoid a second run.

``model_summary(model) -> list[str]``
    What the model learned from and which features it uses, in sentences (``model.notes``:
    the ones it could not use, and why).

``plain_summary(bt, threshold) -> list[str]``
    The backtest in sentences ("Of the 120 tickets scored above 40% in the past 4 weeks, 46%
    escalated within 7 days; ..."), Markdown-safe.

Example
-------
>>> from lib.risk import train_risk_model
>>> import polars as pl
>>> train_risk_model(pl.DataFrame({"ticket_id": [], "created_at": []})).reason
'There are no tickets to learn from.'
"""

from lib.risk.backtest import Backtest, IdleRule, backtest, idle_rule, plain_summary
from lib.risk.features import AFTER_THE_FACT, DEFAULT_FEATURES, FEATURES, FeatureError
from lib.risk.model import (
    Prepared,
    RiskModel,
    RiskRefusal,
    model_summary,
    prepare_for,
    score_open,
    train_risk_model,
)

__all__ = [
    "AFTER_THE_FACT",
    "DEFAULT_FEATURES",
    "FEATURES",
    "Backtest",
    "FeatureError",
    "IdleRule",
    "Prepared",
    "RiskModel",
    "RiskRefusal",
    "backtest",
    "idle_rule",
    "model_summary",
    "plain_summary",
    "prepare_for",
    "score_open",
    "train_risk_model",
]
