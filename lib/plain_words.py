"""The statistics in plain words: one place that turns p- and q-values, ratios with intervals,
the dispersion φ, control-limit breaches, anomaly scores and agent flags into phrases a
non-statistician reads right. The exact figures go in a tooltip (:func:`figures`), never in
the sentence. Pure: no Streamlit.

Example
-------
>>> change(0.12, 0.00053)
'up, unlikely to be chance (about 1 in 2,000)'
>>> change(-0.01, 0.72)
'no real change'
>>> figures(p=0.72, q=0.9)
'p=0.72, q=0.90'
"""

from __future__ import annotations

import math

from lib.formatting import count, pvalue
from lib.formatting import ratio as _ratio

#: Below this p- or q-value a difference is called real (the app's one level).
LEVEL = 0.05
#: Below this, a difference that is not real yet is still worth a "could be chance" note.
HINT = 0.2


def odds(p: float) -> str:
    """How often chance alone would give a result at least this far out, as "1 in N" rounded
    to a figure people remember.

    >>> odds(0.00053), odds(0.31), odds(0.012), odds(1e-9), odds(0.8)
    ('about 1 in 2,000', 'about 1 in 3', 'about 1 in 80', 'less than 1 in a million', 'likely')
    """
    if p >= 0.5:
        return "likely"
    if p < 1e-6:
        return "less than 1 in a million"
    n = 1 / p
    digits = max(math.floor(math.log10(n)), 0)
    rounded = round(n, -digits) if n >= 10 else round(n)
    return f"about 1 in {count(rounded)}"


def verdict(p: float | None, *, q: float | None = None, level: float = LEVEL) -> str:
    """Whether a difference is real, from its p-value (or its q-value when several were tested
    at once: the q-value decides and its odds are quoted).

    >>> verdict(0.00053)
    'unlikely to be chance (about 1 in 2,000)'
    >>> verdict(0.03, q=0.19)
    'could be chance (about 1 in 5, after testing several at once)'
    >>> verdict(0.72), verdict(None)
    ('no real change', 'not tested')
    """
    if p is None or p != p:
        return "not tested"
    decisive = p if q is None or q != q else q
    several = "" if decisive is p else ", after testing several at once"
    if decisive < level:
        return f"unlikely to be chance ({odds(decisive)}{several})"
    if decisive < HINT:
        return f"could be chance ({odds(decisive)}{several})"
    return "no real change"


def is_real(p: float | None, q: float | None = None, level: float = LEVEL) -> bool:
    """The test behind :func:`verdict`: the q-value when given, else the p-value, below ``level``.

    >>> is_real(0.01), is_real(0.01, 0.2), is_real(None)
    (True, False, False)
    """
    decisive = q if q is not None and q == q else p
    return decisive is not None and decisive == decisive and decisive < level


def change(
    diff: float | None,
    p: float | None,
    *,
    q: float | None = None,
    up: str = "up",
    down: str = "down",
    level: float = LEVEL,
) -> str:
    """A change in plain words: its direction only when it is unlikely to be chance.

    >>> change(0.05, 0.001, up="unusually high")
    'unusually high, unlikely to be chance (about 1 in 1,000)'
    >>> change(-0.02, 0.09)
    'down a little, but it could be chance (about 1 in 10)'
    """
    said = verdict(p, q=q, level=level)
    if diff is None or said in ("no real change", "not tested") or diff == 0:
        return said
    word = up if diff > 0 else down
    if is_real(p, q, level):
        return f"{word}, {said}"
    return f"{word} a little, but it {said}"


def figures(
    *, p: float | None = None, q: float | None = None, z: float | None = None, **more: float
) -> str:
    """The exact figures behind a phrase, for a tooltip or an expander.

    >>> figures(p=0.00053, z=3.46)
    'p=0.00053, z=3.46'
    >>> figures(q=0.2, phi=1.04)
    'q=0.20, phi=1.04'
    """
    out = []
    if p is not None:
        out.append(pvalue(p))
    if q is not None:
        out.append(pvalue(q, "q"))
    if z is not None and z == z:
        out.append(f"z={z:.2f}")
    out += [f"{k}={v:.2f}" for k, v in more.items() if v is not None and v == v]
    return ", ".join(out)


def ratio(r: float | None, low: float | None = None, high: float | None = None) -> str:
    """Observed ÷ expected (with its 95% interval) as a plain comparison with what was expected.

    >>> ratio(2.16, 1.8, 2.59)
    '2.16 times as many as expected'
    >>> ratio(1.35, 1.1, 1.6), ratio(0.7, 0.55, 0.9)
    ('35% more than expected', '30% fewer than expected')
    >>> ratio(1.2, 0.9, 1.5)
    'about as many as expected (the difference could be chance)'
    """
    if r is None or r != r:
        return "not judged"
    unsure = low is not None and high is not None and low <= 1 <= high
    if unsure:
        return "about as many as expected (the difference could be chance)"
    if r >= 1.95:
        return f"{_ratio(r)} times as many as expected"
    if r >= 1:
        return f"{round(100 * (r - 1))}% more than expected"
    return f"{round(100 * (1 - r))}% fewer than expected"


def dispersion(phi: float | None, p: float | None = None) -> str:
    """How much agents (or segments) differ beyond chance, from the dispersion φ and its test.

    >>> dispersion(1.04, 0.4)
    'agents differ about as much as chance alone would make them differ'
    >>> dispersion(2.3, 0.0001)
    'agents differ more than chance alone explains (about 2.3 times the spread chance gives)'
    """
    if phi is None or phi != phi:
        return "not enough agents to tell how much they differ"
    beyond = phi > 1 and (p is None or p < LEVEL)
    if not beyond:
        return "agents differ about as much as chance alone would make them differ"
    return (
        "agents differ more than chance alone explains "
        f"(about {phi:.1f} times the spread chance gives)"
    )


def limits(observed: float, low: float, high: float, level: float = 0.998) -> str:
    """A value against control limits that hold ``level`` of chance outcomes (e.g. 99.8%).

    >>> limits(3.1, 0.4, 2.5)
    'above the range chance alone explains (chance lands this high in fewer than 1 in 1,000)'
    >>> limits(1.1, 0.4, 2.5, 0.95)
    'within the range chance alone explains'
    """
    if low <= observed <= high:
        return "within the range chance alone explains"
    side = "above" if observed > high else "below"
    word = "high" if side == "above" else "low"
    tail = count(2 / (1 - level))
    return (
        f"{side} the range chance alone explains "
        f"(chance lands this {word} in fewer than 1 in {tail})"
    )


def score(s: float | None, *, direction: str = "") -> str:
    """An anomaly score (how many standard errors from expected) as plain words. No odds:
    the alert's own test (its tail probability) gives those, and two odds would disagree.

    >>> score(12.5), score(2.1)
    ('far outside the usual range', 'a little outside the usual range')
    >>> score(3.5, direction="high")
    'unusually high'
    """
    if s is None or s != s:
        return "not scored"
    return (
        "far outside the usual range"
        if abs(s) >= 6
        else f"unusually {direction}"
        if direction
        else "clearly outside the usual range"
        if abs(s) >= 3
        else "a little outside the usual range"
    )


#: An agent's status (:func:`lib.outliers.agent_comparison`) as a plain sentence.
FLAGS = {
    "Flagged high": "More escalations than their case mix predicts, unlikely to be chance",
    "Flagged low": "Fewer escalations than their case mix predicts, unlikely to be chance",
    "In line": "In line with their case mix: any difference could be chance",
}


def flag(status: str | None) -> str:
    """An agent's flag in words.

    >>> flag("Flagged high")
    'More escalations than their case mix predicts, unlikely to be chance'
    >>> flag("Not judged")
    'Not judged'
    """
    return FLAGS.get(status or "", status or "Not judged")


def excess(observed: float, expected: float) -> str:
    """Observed against expected escalations in whole numbers.

    >>> excess(140, 76.1), excess(3, 4.9), excess(5, 5.3)
    ('about 64 more than expected', 'about 2 fewer than expected', 'about as many as expected')
    """
    diff = round(observed - expected)
    if diff == 0:
        return "about as many as expected"
    return f"about {count(abs(diff))} {'more' if diff > 0 else 'fewer'} than expected"


#: Plain table headers for test figures (:func:`lib.charts.tables.present` kind ``pct``: the
#: header gets `` %``), and the column help each one carries on screen.
NOISE = "Chance it's noise"
NOISE_ALL = "Chance it's noise, all rows tested"
COLUMN_HELP = {
    f"{NOISE} %": "How often chance alone would give a difference at least this large (the "
    "p-value of the test). Below 5%: unlikely to be chance.",
    f"{NOISE_ALL} %": "The same, allowing for every row being tested at once (the "
    "Benjamini–Hochberg q-value): a row is called a real change, or an agent flagged, when "
    "this is below the level chosen (5% unless changed).",
    "Design effect": "How much tickets that arrive together on the same day widen the test "
    "(1 = not at all); the chance figures allow for it.",
}
