"""The Calibration page's tabs: answering a session, its results, building a set, and the
escalation matrix (see views/calibration.py)."""

from __future__ import annotations

from ui.calibration.answer import answer_tab
from ui.calibration.build import build_tab
from ui.calibration.common import show_flash
from ui.calibration.matrix import matrix_tab
from ui.calibration.results import results_tab

__all__ = ["answer_tab", "build_tab", "matrix_tab", "results_tab", "show_flash"]
