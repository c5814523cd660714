"""The review's one story (:mod:`lib.audit.story`) on the pages: computed once per period,
filters and horizon, and the headline lines of the Breakdowns and Drivers pages.

The Overview summary, these headlines, the meeting agenda and the review pack all read the same
:class:`lib.audit.Story`, so the same question gets the same answer everywhere (issue 19).
"""

from __future__ import annotations

import streamlit as st

from lib import audit, formatting
from lib.markdown import md_escape
from lib.periods import Periods
from ui import aggregates, dataset, horizon, sidebar


def story_for(data: dataset.Active, periods: Periods) -> audit.Story:
    """The story of ``periods`` with the sidebar's dimension filters and the session's horizon
    (cached; the Overview asks for the same one)."""
    return aggregates.aggregate(
        data,
        audit.period_story,
        where=sidebar.dimension_filters(),
        periods=periods,
        horizon=horizon.current(),
    )


def breakdowns_headline(data: dataset.Active, periods: Periods, by: str) -> audit.Story:
    """A line at the top of Breakdowns: what changed in ``by``, tested with every dimension."""
    story = story_for(data, periods)
    said = audit.story_words(story, dimension=by)
    st.markdown(":material/insights: " + md_escape(said.dimension))
    return story


def drivers_headline(data: dataset.Active) -> audit.Story | None:
    """Lines at the top of Drivers: the review period's top drivers (counts of that period),
    and which dates the rankings below count."""
    periods = sidebar.review_periods()
    if periods is None:
        return None
    story = story_for(data, periods)
    said = audit.story_words(story)
    st.markdown(":material/insights: " + md_escape(f"{said.period}: {said.drivers}"))
    f = sidebar.filters()
    if f.start is None and f.end is None:
        scope = "all dates"
    else:
        start, end = f.start or "the first ticket", f.end or "the last ticket"
        scope = f"tickets created {start} to {end} (the sidebar date range)"
    st.caption(
        f"The numbers below count {scope}, not only the review period "
        f"({formatting.day_range(*periods.review)})."
    )
    return story
