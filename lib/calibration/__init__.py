"""Calibration sessions: does the team agree on when to escalate?

- :mod:`~lib.calibration.agreement`: Fleiss' kappa and Gwet's AC1 with standard errors and
  confidence intervals (missing answers allowed);
- :mod:`~lib.calibration.results`: a session's results (agreement on the decision and on where
  to escalate, each participant against the team majority and the outcome, the most disputed
  scenarios, differences by group or tenure);
- :mod:`~lib.calibration.sampling`: a stratified calibration set and its scenarios with
  personal data hidden; :mod:`~lib.calibration.borderline`: the risk model's scores at
  arrival, for the sampler's borderline tickets;
- :mod:`~lib.calibration.words` and :mod:`~lib.calibration.pack`: the sentences and the
  meeting pack's section.

Pure functions: no Streamlit, no database.
"""

from __future__ import annotations

from lib.calibration.agreement import Agreement, fleiss_kappa, gwet_ac1, pair_agreement
from lib.calibration.pack import CalibrationPack, calibration_html
from lib.calibration.results import (
    DECISIONS,
    ESCALATE,
    REASONS,
    TIER1,
    Results,
    counts_table,
    decision_label,
    session_results,
    target_label,
)
from lib.calibration.sampling import SCENARIO_COLUMNS, sample_calibration_set, scenarios
from lib.calibration.words import MEANING, chance_note, coefficient_words, headline, kappa_band

__all__ = [
    "DECISIONS",
    "ESCALATE",
    "MEANING",
    "REASONS",
    "SCENARIO_COLUMNS",
    "TIER1",
    "Agreement",
    "CalibrationPack",
    "Results",
    "calibration_html",
    "chance_note",
    "coefficient_words",
    "counts_table",
    "decision_label",
    "fleiss_kappa",
    "gwet_ac1",
    "headline",
    "kappa_band",
    "pair_agreement",
    "sample_calibration_set",
    "scenarios",
    "session_results",
    "target_label",
]
