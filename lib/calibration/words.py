"""The sentences the Calibration page and the meeting pack say about a session's results.

Kappa bands follow Landis & Koch (1977), the usual reading: below 0 "less than chance", up to
0.20 "slight", 0.21-0.40 "fair", 0.41-0.60 "moderate", 0.61-0.80 "substantial", above 0.80
"almost perfect" agreement.

>>> kappa_band(0.43)
'moderate'
"""

from __future__ import annotations

import math

from lib.calibration.agreement import Agreement
from lib.calibration.results import Results

_BANDS = ((0.0, "less than chance"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
          (0.80, "substantial"))  # fmt: skip

#: What kappa and AC1 mean, in one paragraph for people who have not met them.
MEANING = (
    "Kappa compares how often two participants give the same answer to a scenario with how "
    "often they would by chance, given how often each answer is used: 1 means they always "
    "agree, 0 means no more than chance, below 0 less. When nearly every answer is the same "
    "(say almost everything is handled at Tier 1), chance agreement is already high and kappa "
    "can look poor although people rarely differ; Gwet's AC1 corrects for chance in a way that "
    "does not have this problem, so read both. The interval is a 95% confidence interval: with "
    "few scenarios it is wide, and a difference between sessions inside it may be chance."
)


def kappa_band(value: float) -> str:
    """Landis & Koch's word for a kappa (or AC1) value.

    >>> kappa_band(-0.1), kappa_band(0.15), kappa_band(0.85), kappa_band(float("nan"))
    ('less than chance', 'slight', 'almost perfect', 'not measurable')
    """
    if math.isnan(value):
        return "not measurable"
    for top, word in _BANDS:
        if value <= top if top else value < 0:
            return word
    return "almost perfect"


def coefficient_words(a: Agreement) -> str:
    """``"0.43 (95% CI 0.24 to 0.59): moderate agreement"`` or why there is no value.

    >>> from lib.calibration.agreement import fleiss_kappa
    >>> coefficient_words(fleiss_kappa([[2, 0], [0, 2], [1, 1], [2, 0]]))
    '0.47 (95% CI -1.00 to 1.00): moderate agreement'
    """
    if not a.defined:
        return f"not measurable: {a.reason}"
    ci = "" if math.isnan(a.se) else f" (95% CI {a.low:.2f} to {a.high:.2f})"
    return f"{a.value:.2f}{ci}: {kappa_band(a.value)} agreement"


def headline(r: Results) -> str:
    """One sentence on the session: how many scenarios the team agreed on beyond chance.

    >>> import polars as pl
    >>> from lib.calibration.results import session_results
    >>> items = pl.DataFrame({"item_id": [1, 2], "position": [0, 1], "ticket_id": ["a", "b"],
    ...     "category": ["x", "y"], "subject": ["", ""], "outcome_escalated": [True, False],
    ...     "outcome_group": [None, None]})
    >>> answers = pl.DataFrame({"item_id": [1, 1, 2, 2], "participant": ["a", "b"] * 2,
    ...     "escalate": [True, True, False, True], "target": [""] * 4, "reason": [""] * 4})
    >>> headline(session_results(items, answers))
    'The team agrees beyond chance on 1 of 2 scenarios (2 participants, 4 answers).'
    """
    if r.reason:
        return f"Not enough answers yet: {r.reason} (so far {r.n_participants} answered)."
    return (
        f"The team agrees beyond chance on {r.agreed_beyond_chance} of {r.n_items} scenarios "
        f"({r.n_participants} participants, {r.n_answers} answers)."
    )


def chance_note(r: Results) -> str:
    """What "beyond chance" meant for this session."""
    pe = r.decision_kappa.pe
    if math.isnan(pe):
        return ""
    return (
        f"A scenario counts as agreed beyond chance when more pairs of participants gave the "
        f"same answer than the {pe:.0%} expected by chance from how often each answer was used."
    )
