"""Calibration: does the team agree on when to escalate?"""

from __future__ import annotations

import streamlit as st

from ui import calibration as uc
from ui import layout, session

layout.header("Calibration", "Does the team agree on when to escalate?")
uc.show_flash()
edit = session.can_edit()
answer, results, build, matrix = st.tabs(["Answer", "Results", "Build a set", "Escalation matrix"])
with answer:
    uc.answer_tab()
with results:
    uc.results_tab()
with build:
    uc.build_tab(st.session_state.get("_active"), edit)
with matrix:
    uc.matrix_tab(edit)
