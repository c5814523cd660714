"""Alerts from alarm events: runs of one topic merged, each named (spike, burst, level shift,
drop) and worded with its observed and expected figures.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from lib import plain_words
from lib.anomaly.assess import _Judged
from lib.formatting import weekday

#: Alarm runs of one topic and metric separated by at most this many days (one week when judged
#: weekly) merge into one alert: after an alarm the CUSUM restarts from 0 and a persisting shift
#: raises it again within days.
MERGE_GAP = 7
#: A rise over at most this many days, each flagged by the one-day test on its own, is reported
#: as one multi-day spike (a burst) rather than a level shift.
BURST_DAYS = 3


ALERT_SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "metric": pl.String(),
    "kind": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "observed": pl.Float64(),
    "expected": pl.Float64(),
    "score": pl.Float64(),
    "granularity": pl.String(),
    "first_alarm": pl.Date(),
    "peak_day": pl.Date(),
    "days": pl.Int32(),
    "tickets": pl.Int64(),
    "p_value": pl.Float64(),
    "q_value": pl.Float64(),
    "explanation": pl.String(),
}


def _nanmin(a: float, b: float) -> float:
    return b if math.isnan(a) else a if math.isnan(b) else min(a, b)


def _merge(events: list[dict]) -> list[dict]:
    groups: list[dict] = []
    key = lambda e: (e["unit"], e["metric"], e["direction"], e["k"])  # noqa: E731
    for e in sorted(events, key=lambda e: (*key(e), e["t"], e["onset"])):
        gap = 1 if e["unit"] == "week" else MERGE_GAP
        g = groups[-1] if groups else None
        if g is not None and key(g) == key(e) and e["onset"] <= g["end"] + 1 + gap:
            g["end"] = max(g["end"], e["t"])
            g["start"] = min(g["start"], e["onset"])
            g["alarms"].append(e["t"])
            g["p"] = _nanmin(g["p"], e["p"])
            g["q"] = _nanmin(g["q"], e["q"])
        else:
            groups.append(dict(**e, start=e["onset"], end=e["t"], alarms=[e["t"]], singles=set()))
            g = groups[-1]
        if not math.isnan(e["p"]):  # raised by the one-step test (a CUSUM alarm has no p)
            g["singles"].add(e["t"])
    return groups


def _is_burst(g: dict) -> bool:
    """A rise of at most :data:`BURST_DAYS` days each of which the one-day test flagged on its
    own: a short spike, not a level shift."""
    s, e = g["start"], g["end"]
    return (
        g["direction"] == "up"
        and g["unit"] == "day"
        and e - s + 1 <= BURST_DAYS
        and set(range(s, e + 1)) <= g["singles"]
    )


def _fmt_day(d: dt.date) -> str:
    return weekday(d)


def _alert_rows(j: _Judged, groups: list[dict]) -> list[dict]:
    grid = j.grid
    days = [grid.first_day + dt.timedelta(days=int(i)) for i in range(grid.counts.shape[1])]
    rows = []
    for g in groups:
        a = j.series[g["unit"]]
        k, s, e = g["k"], g["start"], g["end"]
        span = slice(s, e + 1)
        if g["unit"] == "week":
            start_day, end_day = days[j.week_start[s]], days[j.week_start[e] + 6]
            first_alarm = days[j.week_start[min(g["alarms"])] + 6]
            steps = e - s + 1
            per = "a week"
        else:
            start_day, end_day = days[s], days[e]
            first_alarm = days[min(g["alarms"])]
            steps = e - s + 1
            per = "a day"
        topic = grid.topics[k]
        if g["metric"] == "volume":
            y, mu, var = a["y"][k, span], a["mu"][k, span], a["var"][k, span]
            observed, expected = float(y.mean()), float(mu.mean())
            score = abs(float((y - mu).sum())) / math.sqrt(float(var.sum()))
            zs = a["z"][k, span]
            peak = int(np.argmax(zs) if g["direction"] == "up" else np.argmin(zs))
            tickets = int(y.sum())
            burst = s != e and _is_burst(g)
            if g["direction"] == "down":
                kind = "drop"
            else:
                kind = "spike" if s == e or burst else "level_shift"
            if burst:
                pv = f" (chance: {plain_words.odds(g['p'])})" if not math.isnan(g["p"]) else ""
                text = (
                    f"{topic}: {tickets} tickets in {steps} days from {_fmt_day(start_day)} to "
                    f"{_fmt_day(end_day)} against {float(mu.sum()):.1f} expected, each day "
                    f"unusual on its own{pv}"
                )
            elif kind == "spike":
                when = _fmt_day(start_day) if g["unit"] == "day" else f"the week of {start_day}"
                pv = f" ({plain_words.odds(g['p'])} by chance)" if not math.isnan(g["p"]) else ""
                text = (
                    f"{topic}: {observed:.0f} tickets on {when} against {expected:.1f} expected{pv}"
                )
                text = text.replace("on the week", "in the week")
            else:
                word = "up" if kind == "level_shift" else "down"
                text = (
                    f"{topic}: volume {word} since {start_day}: {observed:.1f} tickets {per} "
                    f"against {expected:.1f} expected over {steps} {g['unit']}s"
                )
        else:
            n = np.nan_to_num(a["s_n"][k, span])
            obs_sum = float((np.nan_to_num(a["s_obs"][k, span]) * n).sum())
            exp_sum = float((np.nan_to_num(a["s_exp"][k, span]) * n).sum())
            total = float(n.sum())
            observed, expected = obs_sum / total, exp_sum / total
            se2 = np.nan_to_num(a["s_se2"][k, span]) * n**2
            score = abs(obs_sum - exp_sum) / math.sqrt(float(se2.sum()))
            peak = int(np.argmin(a["s_z"][k, span]))
            tickets = int(total)
            kind = "drop"
            when = (
                f"on {_fmt_day(start_day)}"
                if s == e and g["unit"] == "day"
                else f"since {start_day} ({steps} {g['unit']}s)"
            )
            text = (
                f"{topic}: mean sentiment {observed:+.2f} against {expected:+.2f} expected "
                f"{when}, {tickets} tickets"
            )
        peak_day = days[j.week_start[s + peak]] if g["unit"] == "week" else days[s + peak]
        rows.append(
            dict(
                topic=topic,
                metric=g["metric"],
                kind=kind,
                start=start_day,
                end=end_day,
                observed=observed,
                expected=expected,
                score=score,
                granularity=g["unit"],
                first_alarm=first_alarm,
                peak_day=peak_day,
                days=(end_day - start_day).days + 1,
                tickets=tickets,
                p_value=None if math.isnan(g["p"]) else float(g["p"]),
                q_value=None if math.isnan(g["q"]) else float(g["q"]),
                explanation=text,
            )
        )
    return rows
