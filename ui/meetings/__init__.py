"""Streamlit parts of the Review meetings page: meeting, agenda, action items, history, export.

Numbers come from :mod:`lib.review_pack` (pure), records from :mod:`lib.store`; these modules only
lay them out and turn clicks into store calls. Every write passes ``actor=session.actor()`` and
shows the store's own messages (:class:`lib.errors.ReviewError`), including edit conflicts, which
are never overwritten: the action-item table remembers the version of each item as it was shown,
and the store refuses a save when someone else changed the item since.
"""

from ui.meetings.actions import actions_tab
from ui.meetings.common import WHO, editable, headline, show_flash
from ui.meetings.export import backup_section, export_tab
from ui.meetings.history import history_tab
from ui.meetings.meeting import meeting_tab

__all__ = [
    "WHO",
    "actions_tab",
    "backup_section",
    "editable",
    "export_tab",
    "headline",
    "history_tab",
    "meeting_tab",
    "show_flash",
]
