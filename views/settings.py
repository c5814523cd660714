"""Alerts & digests: who hears about escalations between meetings, and when."""

from __future__ import annotations

import streamlit as st

from ui import layout, session
from ui import settings as us
from ui.subscriptions import subscriptions_section

layout.header(
    "Alerts & digests",
    "Who hears about escalations between review meetings, and which figures raise an alert?",
)
edit = session.can_edit()
us.show_flash()
us.context_caption()
if not edit:
    st.info(us.READ_ONLY, icon=":material/visibility:")
us.headline()
us.delivery_status(edit)
us.thresholds_section(edit)
subscriptions_section(edit)
