"""The common factor across topics: days on which most topics move together (a public holiday,
an outage, a release) are one shared event, not one alert per topic.

A day is shared when at least ``SHARED_MIN_JUDGED`` topics are judged per day and, among them,
at least ``SHARED_MIN_TOPICS`` and at least a share ``SHARED_SHARE`` moved beyond ``SHARED_Z``
standard errors in the same direction, and their total (all judged topics summed) is beyond
``SHARED_TOTAL_Z`` standard errors even without the topic that moved most (one topic's own spike
does not make the day shared). With independent topics, a day on which half of 20 topics are
beyond a one-sided 5% limit at once has a chance of about 1e-8; on five topics (three must
move) about 1e-3 a day, hence the total test on top. Shared days are not judged for topic
volume alerts and are left out of later baselines (they would pull a weekday's profile and the
level down).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from lib.anomaly.assess import _Judged

#: Fewest topics judged per day for days to be tested for a shared event.
SHARED_MIN_JUDGED = 5
#: Fewest topics that must move together for a shared event.
SHARED_MIN_TOPICS = 3
#: Share of the topics judged per day that must move together.
SHARED_SHARE = 0.5
#: A topic moved when its residual is beyond this many standard errors (one-sided 5%).
SHARED_Z = 1.645
#: ... and all judged topics together beyond this many.
SHARED_TOTAL_Z = 3.0


def _shared_days(j: _Judged) -> np.ndarray:
    """T: -1 on days most topics fell together, +1 when they rose together, else 0."""
    a = j.series["day"]
    closed = (
        np.zeros(j.grid.counts.shape[1], dtype=bool) if j.grid.closed is None else j.grid.closed
    )
    base = j.fit.judged & j.daily & ~closed[None, :]
    n = base.sum(0)
    need = np.maximum(SHARED_MIN_TOPICS, np.ceil(SHARED_SHARE * n))
    dev = np.where(base, a["y"] - a["mu"], 0.0)
    var = np.where(base, a["var"], 0.0)
    most = np.argmax(np.abs(dev), axis=0)[None, :]  # the topic that moved most, left out
    rest = dev.sum(0) - np.take_along_axis(dev, most, 0)[0]
    rest_var = var.sum(0) - np.take_along_axis(var, most, 0)[0]
    with np.errstate(all="ignore"):
        total = np.nan_to_num(rest / np.sqrt(rest_var))
    tested = n >= SHARED_MIN_JUDGED
    fell = tested & ((base & (a["z"] <= -SHARED_Z)).sum(0) >= need) & (total <= -SHARED_TOTAL_Z)
    rose = tested & ((base & (a["z"] >= SHARED_Z)).sum(0) >= need) & (total >= SHARED_TOTAL_Z)
    return np.where(fell, -1, np.where(rose, 1, 0)).astype(np.int8)


def shared_rows(j: _Judged) -> list[dict]:
    """One row per run of consecutive shared days of one direction."""
    if j.shared is None:
        return []
    a = j.series["day"]
    base = j.fit.judged & j.daily
    rows: list[dict] = []
    t = 0
    shared = j.shared
    while t < shared.size:
        if shared[t] == 0:
            t += 1
            continue
        e = t
        while e + 1 < shared.size and shared[e + 1] == shared[t]:
            e += 1
        span = slice(t, e + 1)
        sign = int(shared[t])
        on = base[:, span]
        moved = (on & (sign * a["z"][:, span] >= SHARED_Z)).any(1).sum()
        first = j.grid.first_day
        rows.append(
            dict(
                start=first + dt.timedelta(days=t),
                end=first + dt.timedelta(days=e),
                direction="fell" if sign < 0 else "rose",
                topics=int(moved),
                judged=int(on.any(1).sum()),
                observed=float(np.where(on, a["y"][:, span], 0).sum()),
                expected=float(np.where(on, a["mu"][:, span], 0).sum()),
            )
        )
        t = e + 1
    return rows


def shared_sentence(row: dict) -> str:
    """The sentence a user reads for one shared event.

    >>> day = dt.date(2026, 5, 25)
    >>> print(shared_sentence(dict(start=day, end=day, direction="fell", topics=17, judged=20,
    ...     observed=212.0, expected=980.4)))
    Shared event on 2026-05-25: 17 of 20 topics fell together (212 tickets against 980 expected).
    """
    when = (
        f"on {row['start']}"
        if row["start"] == row["end"]
        else f"from {row['start']} to {row['end']}"
    )
    return (
        f"Shared event {when}: {row['topics']} of {row['judged']} topics {row['direction']} "
        f"together ({row['observed']:,.0f} tickets against {row['expected']:,.0f} expected)."
    )
