"""The digest of a dataset in the app's database, with the command line's period options:
what ``digest``, ``check`` and ``--due`` deliveries share.

The numbers are computed with the app's defaults (the sidebar's: the last 14 days of data, the
first 30 days as baseline, the suggested escalation horizon) unless ``--period``,
``--baseline`` or ``--horizon`` say otherwise.
"""

from __future__ import annotations

import datetime as dt
from argparse import Namespace

import polars as pl

from lib import audit, digest, periods
from lib.periods import PeriodError, Periods, review_periods
from lib.store import Store
from review.context import Opened, open_dataset, sentiment_tickets
from review.errors import UsageError


def parse_period(text: str | None, tickets: object, baseline: str) -> Periods:
    """``--period``: a number of days ending on the last day of data (``14``), or a range
    ``START:END`` (``2024-03-18:2024-03-31``); ``--baseline``: ``first30``, ``prior90`` or
    ``START:END``.

    >>> p = parse_period("2024-03-18:2024-03-31", None, "prior90")
    >>> p.review, p.previous[0]
    ((datetime.date(2024, 3, 18), datetime.date(2024, 3, 31)), datetime.date(2024, 3, 4))
    """
    base: object = baseline
    if ":" in baseline:
        base = tuple(_dates(baseline, "--baseline"))
    elif baseline not in ("first30", "prior90"):
        raise UsageError(f"--baseline {baseline!r}: expected first30, prior90 or START:END")
    try:
        if text is None or text.isdigit():
            return review_periods(tickets, review_days=int(text or 14), baseline=base)  # type: ignore[arg-type]
        start, end = _dates(text, "--period")
        days = (end - start).days + 1
        if days < 1:
            raise UsageError(f"--period {text!r}: starts after it ends")
        return review_periods(tickets, review_days=days, review_end=end, baseline=base)  # type: ignore[arg-type]
    except PeriodError as exc:
        raise UsageError(f"--period: {exc}") from exc


def _dates(text: str, option: str) -> tuple[dt.date, dt.date]:
    try:
        a, b = text.split(":")
        return dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip())
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: expected START:END as YYYY-MM-DD:YYYY-MM-DD"
        ) from None


def parse_horizon(text: str | None, tickets: object) -> object:
    """``--horizon``: ``None`` (the suggestion, as the sidebar), ``none`` (the state at the
    export) or a number of days."""
    if text is None:
        return "suggested"
    if text.lower() == "none":
        return None
    if not text.isdigit():
        raise UsageError(f"--horizon {text!r}: expected a number of days or 'none'")
    return audit.choose_horizon(tickets).horizon(int(text))  # type: ignore[arg-type]


def build(
    store: Store, args: Namespace, *, now: dt.datetime | None = None
) -> tuple[Opened, digest.Digest]:
    """The digest of ``args.dataset`` (default: the active dataset) from the store."""
    opened = open_dataset(store, args.dataset)
    t = opened.tickets
    if t.height == 0:
        raise UsageError(f"Dataset “{opened.record.name}” has no tickets")
    with periods.use_zone(opened.zone):  # the dataset's days, as the sidebar counts them
        prds = parse_period(args.period, t, args.baseline)
    hz = parse_horizon(args.horizon, t)
    alert_tickets, scorer = (t, "")
    options: dict[str, object] = {}
    if not args.no_alerts:
        alert_tickets, scorer = sentiment_tickets(store, opened)
        if scorer == "satisfaction":  # as the Anomalies page: ratings on the day given
            from lib.satisfaction_time import dated_share

            if dated_share(alert_tickets)[0]:
                options["sentiment_at"] = "satisfaction_at"
    now = now or dt.datetime.now(dt.UTC)
    meetings = store.list_meetings()
    if meetings.height:
        meetings = meetings.filter(
            pl.col("dataset_id").is_null() | (pl.col("dataset_id") == opened.record.id)
        )
    d = digest.build_digest(
        t,
        dataset=opened.record.name,
        periods=prds,
        horizon=hz,  # type: ignore[arg-type]
        zone=opened.zone,
        definition=opened.definition,
        alert_tickets=alert_tickets,
        alert_states=store.get_alert_states(),
        holidays=tuple(store.get_holidays().get_column("day").to_list()),
        alert_options=options,
        actions=store.list_actions(today=now.date()),
        meetings=meetings,
        now=now,
        with_alerts=not args.no_alerts,
        with_risk=not args.no_risk,
        low_signal=opened.low_signal(),
    )
    return opened, d
