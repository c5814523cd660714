"""What the risk model knows about a ticket at a moment ``s``, as numbers.

Every feature is computed "as of" ``s`` from a :class:`~lib.risk.timeline.Timeline`: other
tickets count only when created by ``s``, escalations only when they had happened by ``s``,
the first reply only when it came by ``s``, updates, reassignments and reopens only from an
activity log's rows up to ``s``. Final values of a one-row-per-ticket export (the final group
or owner, the reassignment and reopen counts, the last update, the status, the satisfaction)
were recorded after the ticket's life, often after its escalation, and are never used unless a
caller names them on purpose (:data:`AFTER_THE_FACT`); then the backtest reports suspected
leakage.

>>> sorted(FEATURES)[:4]
['age', 'agent_rate', 'category', 'channel']
>>> "group" in AFTER_THE_FACT and "group" not in DEFAULT_FEATURES
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from lib.risk.timeline import Timeline, codes, count_in, keys, last_before

#: The features known at the scoring moment, with what each one means.
FEATURES: dict[str, str] = {
    "category": "the ticket's category (topic)",
    "channel": "the channel it came in by",
    "priority": "its priority",
    "customer_tier": "the customer's plan or segment",
    "customer_history": "the customer's tickets and escalations in the previous 30 days and "
    "contacts in the previous 7",
    "age": "hours since the ticket was opened",
    "idle": "hours since its last known activity",
    "first_response": "whether it had a first reply, and how long that took",
    "reassignments_so_far": "reassignments so far (activity log only)",
    "reopens_so_far": "reopens so far (activity log only)",
    "sentiment": "the sentiment of what the customer wrote",
    "agent_rate": "the first owner's escalations in the previous 30 days",
    "group_rate": "the first group's escalations in the previous 30 days",
    "topic_volume": "its topic's volume in the last day against the last four weeks",
    "off_hours": "opened at a weekend or outside 8:00-18:00 in the business zone",
}
DEFAULT_FEATURES: tuple[str, ...] = tuple(FEATURES)

#: Columns holding values recorded after the ticket's life (and often after its escalation).
AFTER_THE_FACT: dict[str, str] = {
    "group": "the final group",
    "agent": "the final owner",
    "reassignments": "the final number of reassignments",
    "reopens": "the final number of reopens",
    "updated_at": "the time of the last update",
    "solved_at": "the solve time",
    "status": "the final status",
    "escalated_by": "who escalated it",
    "escalation_reason": "why it was escalated",
    "satisfaction": "the customer's rating after solving",
    "satisfaction_at": "when the rating was given",
    "tags": "the final tags",
}
#: The outcome itself: never a feature.
TARGET_COLUMNS = ("escalated", "escalated_at")

_CATEGORICAL = ("category", "channel", "priority", "customer_tier")
_DAY = 24.0
#: Prior weight (tickets) that pulls an owner's or group's recent rate towards the average.
RATE_PRIOR = 20.0
#: Fewest training rows a category level needs to get its own coefficient.
MIN_LEVEL_ROWS = 20


class FeatureError(ValueError):
    """A feature was asked for that cannot be used (unknown, or the outcome itself)."""


@dataclass
class Raw:
    """Raw feature values of some rows: numeric blocks and categorical arrays, plus display."""

    numeric: dict[str, tuple[tuple[str, ...], np.ndarray]] = field(default_factory=dict)
    categorical: dict[str, pl.Series] = field(default_factory=dict)
    display: dict[str, np.ndarray] = field(default_factory=dict)

    def take(self, rows: np.ndarray) -> Raw:
        """The values of some rows only."""
        return Raw(
            {k: (cols, v[rows]) for k, (cols, v) in self.numeric.items()},
            {k: v.gather(rows) for k, v in self.categorical.items()},
            {k: np.asarray(v)[rows] for k, v in self.display.items()},
        )


def check_features(names: list[str] | tuple[str, ...], columns: list[str]) -> None:
    """Refuse unknown names and the outcome; accept known features and frame columns."""
    for name in names:
        if name in TARGET_COLUMNS:
            raise FeatureError(
                f"'{name}' is the outcome the model predicts; it cannot be a feature"
            )
        if name not in FEATURES and name not in columns:
            known = ", ".join(FEATURES)
            raise FeatureError(
                f"unknown feature '{name}': use one of {known}, or a column of the tickets"
            )


def available(tl: Timeline, names: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """The features of ``names`` this export can give, and a plain note for each left out."""
    f = tl.frame
    notes: list[str] = []
    keep: list[str] = []

    def has(col: str) -> bool:
        return col in f.columns and f.get_column(col).null_count() < f.height

    for name in names:
        why = None
        if name in _CATEGORICAL and not has(name):
            why = f"no {name.replace('_', ' ')} in this export"
        elif name == "customer_history" and not has("customer"):
            why = "no customer column"
        elif name in ("age", "idle", "first_response") and not tl.timed:
            why = "without escalation times tickets are scored as of their creation"
        elif name == "first_response" and not has("first_response_minutes"):
            why = "no first-response times"
        elif name in ("reassignments_so_far", "reopens_so_far", "idle") and tl.activity is None:
            if name == "idle" and tl.timed:
                keep.append(name)  # from creation and the first reply only
                notes.append(
                    "idle time counts from the last known activity: creation or the first "
                    "reply (the export's last-update time is a final value)"
                )
                continue
            why = "needs an activity log (the export's counts are final values)"
        elif name == "sentiment" and not has("sentiment"):
            why = "no sentiment"
        elif name == "agent_rate" and not has("first_agent"):
            why = "no owner at creation (the export's owner is the final one)"
        elif name == "group_rate" and not has("first_group"):
            why = "no group at creation (the export's group is the final one)"
        elif name == "topic_volume" and not has("category"):
            why = "no category"
        if why is None:
            keep.append(name)
        else:
            notes.append(f"not used: {FEATURES.get(name, name)} ({why})")
    return tuple(keep), notes


@dataclass
class Context:
    """Per-timeline lookups shared by all rows (built once per timeline)."""

    customer: np.ndarray
    cust_created: np.ndarray
    cust_esc: np.ndarray
    agent: np.ndarray
    agent_created: np.ndarray
    agent_esc: np.ndarray
    group: np.ndarray
    group_created: np.ndarray
    group_esc: np.ndarray
    topic: np.ndarray
    topic_created: np.ndarray
    off_hours: np.ndarray
    sentiment: np.ndarray
    #: the code of whoever each escalation is credited to (for :func:`restrict_context`)
    esc_by: np.ndarray


def context(tl: Timeline, zone: str) -> Context:
    """Sorted keys for the window counts of one timeline."""
    f = tl.frame
    # an escalation is credited to whoever escalated it, else to the first owner
    owner = pl.coalesce(
        *(pl.col(c).cast(pl.String) for c in ("escalated_by", "first_agent") if c in f.columns),
        pl.lit(None, pl.String),
    )
    (cust,) = codes(f, "customer")
    agent, esc_by = codes(f, "first_agent", owner)
    (group,) = codes(f, "first_group")
    (topic,) = codes(f, "category")
    local = f.select(pl.col("created_at").dt.convert_time_zone(zone).alias("t")).select(
        pl.col("t").dt.weekday().alias("wd"), pl.col("t").dt.hour().alias("h")
    )
    off = ((local["wd"] >= 6) | (local["h"] < 8) | (local["h"] >= 18)).to_numpy().astype(float)
    sent = (
        f.get_column("sentiment").cast(pl.Float64).fill_null(np.nan).to_numpy()
        if "sentiment" in f.columns
        else np.full(f.height, np.nan)
    )
    return _keyed(tl, cust, agent, esc_by, group, topic, off, np.asarray(sent, dtype=float))


def _keyed(
    tl: Timeline,
    cust: np.ndarray,
    agent: np.ndarray,
    esc_by: np.ndarray,
    group: np.ndarray,
    topic: np.ndarray,
    off_hours: np.ndarray,
    sentiment: np.ndarray,
) -> Context:
    """The context of ``tl`` from its rows' codes: the sorted keys of their times."""
    return Context(
        customer=cust,
        cust_created=keys(cust, tl.created),
        cust_esc=keys(cust, tl.esc_known_at),
        agent=agent,
        agent_created=keys(agent, tl.created),
        agent_esc=keys(esc_by, tl.esc_known_at),
        group=group,
        group_created=keys(group, tl.created),
        group_esc=keys(group, tl.esc_known_at),
        topic=topic,
        topic_created=keys(topic, tl.created),
        off_hours=off_hours,
        sentiment=sentiment,
        esc_by=esc_by,
    )


def restrict_context(ctx: Context, tl: Timeline, mask: np.ndarray) -> Context:
    """:func:`context` of ``tl``, the timeline :func:`lib.risk.timeline.restrict` cut from the
    one ``ctx`` was made for with ``mask``: its rows' codes are kept (numbered over more rows,
    which changes no count: codes are only compared) and its keys made from its own times.
    """
    return _keyed(
        tl,
        ctx.customer[mask],
        ctx.agent[mask],
        ctx.esc_by[mask],
        ctx.group[mask],
        ctx.topic[mask],
        ctx.off_hours[mask],
        ctx.sentiment[mask],
    )


def _rate(esc: np.ndarray, n: np.ndarray, p0: float) -> np.ndarray:
    p0 = min(max(p0, 1e-4), 0.9999)
    r = (esc + RATE_PRIOR * p0) / (n + RATE_PRIOR)
    r = np.clip(r, 1e-4, 0.9999)
    return np.log(r / (1 - r)) - np.log(p0 / (1 - p0))


def compute(
    tl: Timeline, ctx: Context, idx: np.ndarray, s: np.ndarray, names: tuple[str, ...], p0: float
) -> Raw:
    """Raw feature values of tickets ``idx`` at moments ``s`` (hours since ``tl.t0``)."""
    raw = Raw()
    f = tl.frame
    created = tl.created[idx]
    age = np.maximum(s - created, 0.0)
    raw.display["age_hours"] = age
    last = created.copy()
    reply = tl.first_reply[idx]
    replied = reply <= s
    last = np.where(replied & (reply > last), reply, last)
    if tl.activity is not None:
        ev = last_before(tl.activity, idx, s)
        last = np.where(np.isfinite(ev) & (ev > last), ev, last)
    idle = np.maximum(s - last, 0.0)
    raw.display["idle_hours"] = idle
    for name in names:
        if name in _CATEGORICAL or (name not in FEATURES and f.schema[name] == pl.String):
            col = f.get_column(name).cast(pl.String).fill_null("(none)")
            raw.categorical[name] = col.gather(idx)
        elif name == "customer_history":
            c = ctx.customer[idx]
            n30 = np.maximum(count_in(ctx.cust_created, c, s - 30 * _DAY, s) - 1, 0)
            e30 = count_in(ctx.cust_esc, c, s - 30 * _DAY, s)
            n7 = np.maximum(count_in(ctx.cust_created, c, s - 7 * _DAY, s) - 1, 0)
            # repeat contacts: the customer's tickets in the week before this one was opened
            before = np.maximum(count_in(ctx.cust_created, c, created - 7 * _DAY, created) - 1, 0)
            raw.numeric[name] = (
                (
                    "customer tickets 30d",
                    "customer escalations 30d",
                    "customer contacts 7d",
                    "customer contacts in the week before",
                ),
                np.column_stack([np.log1p(n30), np.log1p(e30), np.log1p(n7), np.log1p(before)]),
            )
            raw.display["cust_before"] = before
            raw.display["cust_30d"], raw.display["cust_esc_30d"] = n30, e30
            raw.display["cust_7d"] = n7
        elif name == "age":
            raw.numeric[name] = (("log age", "age days"), _time_block(age))
        elif name == "idle":
            raw.numeric[name] = (("log idle", "idle days"), _time_block(idle))
        elif name == "first_response":
            frt = np.where(replied, reply - created, 0.0)
            raw.numeric[name] = (
                ("answered", "log first response"),
                np.column_stack([replied.astype(float), np.log1p(np.maximum(frt, 0.0))]),
            )
            raw.display["answered"], raw.display["frt_hours"] = replied, frt
        elif name in ("reassignments_so_far", "reopens_so_far"):
            ks = tl.reassign if name.startswith("reassign") else tl.reopen
            n = count_in(ks, idx, np.full(len(idx), -1.0), s) if ks is not None else idx * 0
            raw.numeric[name] = ((name,), np.log1p(n)[:, None])
            raw.display[name] = n
        elif name == "sentiment":
            v = ctx.sentiment[idx]
            raw.numeric[name] = (
                ("sentiment", "no sentiment"),
                np.column_stack([np.nan_to_num(v), np.isnan(v).astype(float)]),
            )
            raw.display[name] = v
        elif name in ("agent_rate", "group_rate"):
            if name == "agent_rate":
                c, kc, ke = ctx.agent[idx], ctx.agent_created, ctx.agent_esc
            else:
                c, kc, ke = ctx.group[idx], ctx.group_created, ctx.group_esc
            n = count_in(kc, c, s - 30 * _DAY, s)
            e = count_in(ke, c, s - 30 * _DAY, s)
            raw.numeric[name] = ((name,), np.where(c >= 0, _rate(e, n, p0), 0.0)[:, None])
            raw.display[name + "_n"], raw.display[name + "_e"] = n, e
        elif name == "topic_volume":
            c = ctx.topic[idx]
            n1 = count_in(ctx.topic_created, c, s - _DAY, s)
            n28 = count_in(ctx.topic_created, c, s - 28 * _DAY, s)
            ratio = (n1 + 1.0) / (n28 / 28.0 + 1.0)
            raw.numeric[name] = (("topic volume",), np.where(c >= 0, np.log(ratio), 0.0)[:, None])
            raw.display[name] = ratio
        elif name == "off_hours":
            raw.numeric[name] = (("off hours",), ctx.off_hours[idx][:, None])
        else:
            raw.numeric[name] = ((name,), _custom(f, name, idx))
    return raw


def _time_block(hours: np.ndarray) -> np.ndarray:
    """Hours as two columns: log(1 + hours) and days (capped at two weeks), so the model can
    bend between a quick early rise and a steady later one."""
    return np.column_stack([np.log1p(hours), np.minimum(hours, 336.0) / 24.0])


def _custom(f: pl.DataFrame, name: str, idx: np.ndarray) -> np.ndarray:
    """A frame column named on purpose, as numbers (dates as hours after creation)."""
    dtype = f.schema[name]
    col = pl.col(name)
    if dtype.is_temporal():
        expr = (col - pl.col("created_at")).dt.total_microseconds().cast(pl.Float64) / 3.6e9
    elif dtype == pl.Boolean or dtype.is_numeric():
        expr = col.cast(pl.Float64)
    else:
        raise FeatureError(f"the column '{name}' ({dtype}) cannot be used as a feature")
    v = f.select(expr.fill_null(0.0)).to_series().to_numpy()
    return np.asarray(v, dtype=float)[idx][:, None]


@dataclass(frozen=True)
class Design:
    """How raw values become model columns: kept category levels, centring and scaling."""

    names: tuple[str, ...]
    columns: tuple[str, ...]
    groups: tuple[str, ...]  # the feature each column belongs to
    levels: dict[str, tuple[str, ...]]
    center: np.ndarray
    scale: np.ndarray

    @staticmethod
    def fit(raw: Raw, names: tuple[str, ...]) -> Design:
        """Levels with at least :data:`MIN_LEVEL_ROWS` rows; the rest become ``(other)``."""
        levels: dict[str, tuple[str, ...]] = {}
        for name, vals in raw.categorical.items():
            counts = vals.value_counts()
            kept = counts.filter(pl.col("count") >= MIN_LEVEL_ROWS).get_column(vals.name)
            levels[name] = tuple(sorted(str(v) for v in kept))
        cols, groups = _layout(raw, names, levels)
        x = _matrix(raw, names, levels)
        center = x.mean(axis=0) if x.shape[0] else np.zeros(x.shape[1])
        scale = x.std(axis=0) if x.shape[0] else np.ones(x.shape[1])
        scale = np.where(scale > 1e-9, scale, 1.0)
        return Design(names, tuple(cols), tuple(groups), levels, center, scale)

    def matrix(self, raw: Raw) -> np.ndarray:
        """Standardised model columns of ``raw`` (centred and scaled as in training)."""
        return (_matrix(raw, self.names, self.levels) - self.center) / self.scale


def _layout(
    raw: Raw, names: tuple[str, ...], levels: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[str]]:
    cols: list[str] = []
    groups: list[str] = []
    for name in names:
        if name in raw.categorical:
            for lv in (*levels[name], "(other)"):
                cols.append(f"{name}={lv}")
                groups.append(name)
        else:
            for c in raw.numeric[name][0]:
                cols.append(c)
                groups.append(name)
    return cols, groups


def _matrix(raw: Raw, names: tuple[str, ...], levels: dict[str, tuple[str, ...]]) -> np.ndarray:
    blocks: list[np.ndarray] = []
    for name in names:
        if name in raw.categorical:
            vals = raw.categorical[name]
            lv = levels[name]
            pos = vals.replace_strict(
                list(lv), list(range(len(lv))), default=len(lv), return_dtype=pl.Int64
            ).to_numpy()
            block = np.zeros((len(vals), len(lv) + 1))
            block[np.arange(len(vals)), pos] = 1.0
            blocks.append(block)
        else:
            blocks.append(raw.numeric[name][1])
    n = len(next(iter(raw.display.values()))) if raw.display else 0
    return np.hstack(blocks) if blocks else np.zeros((n, 0))
