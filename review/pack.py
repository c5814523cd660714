"""``python -m review pack``: a meeting's offline HTML review pack, as the Meetings page's
Export tab builds it (:func:`lib.review_pack.review_pack_html`), written to a file.

A closed meeting's pack is the one frozen when it was closed; an open meeting's is built now
from its dataset (the active one when it has none), with the suggested escalation horizon.
"""

from __future__ import annotations

from argparse import Namespace

import polars as pl

from lib import audit, periods, review_pack
from lib import calibration as cal
from lib.store import Meeting, Store
from review.context import open_dataset, sentiment_tickets, write
from review.errors import UsageError


def pick_meeting(store: Store, wanted: int | None) -> Meeting:
    """The meeting ``wanted``, else the latest (by date)."""
    if wanted is not None:
        m = store.get_meeting(wanted)
        if m is None:
            raise UsageError(f"No meeting {wanted} (list them on the Meetings page)")
        return m
    listed = store.list_meetings()
    if listed.height == 0:
        raise UsageError("No meeting yet: start one on the Meetings page")
    return store.get_meeting(int(listed.get_column("id")[0]))  # type: ignore[return-value]


def calibration_of(store: Store) -> cal.CalibrationPack | None:
    """The pack's calibration section (as ``ui.calibration.results.calibration_pack``)."""
    closed = store.list_calibration_sessions().filter(pl.col("status") == "closed")
    closed = closed.sort("closed_at", descending=True)
    matrix = store.escalation_matrix()
    if closed.height == 0 and matrix is None:
        return None
    row = closed.row(0, named=True) if closed.height else None
    results = (
        cal.session_results(
            store.calibration_items(row["id"]), store.calibration_answers(row["id"])
        )
        if row
        else None
    )
    return cal.CalibrationPack(
        title=row["title"] if row else "",
        closed=f"{row['closed_at']:%Y-%m-%d}" if row else "",
        results=results,
        matrix=matrix.rows if matrix else (),
        matrix_version=matrix.version if matrix else None,
    )


def pack_html(store: Store, meeting: Meeting) -> str:
    """The meeting's review pack: frozen at closing, else built now."""
    if meeting.closed_at is not None and meeting.pack_html:
        return meeting.pack_html
    wanted = str(meeting.dataset_id) if meeting.dataset_id is not None else None
    try:
        opened = open_dataset(store, wanted)
    except UsageError:
        opened = open_dataset(store, None)
    facts = None
    if meeting.period_start and meeting.period_end and opened.tickets.height:
        with periods.use_zone(opened.zone):
            prds = review_pack.meeting_periods(
                opened.tickets, meeting.period_start, meeting.period_end
            )
            tags = store.get_category_tags()
            policy = tuple(tags.filter(pl.col("kind") == "policy").get_column("category"))
            hz = audit.choose_horizon(opened.tickets).horizon()
            facts = review_pack.review_facts(
                opened.tickets, prds, policy_categories=policy, horizon=hz
            )
    return review_pack.meeting_pack_html(
        meeting,
        store.list_agenda_items(meeting.id),
        store.list_actions(),
        store.get_alert_states(),
        opened.tickets,
        zone=opened.zone,
        sentiment=lambda: sentiment_tickets(store, opened)[0],
        facts=facts,
        dataset_name=opened.record.name,
        definition=opened.definition,
        calibration=calibration_of(store),
    )


def run(args: Namespace) -> int:
    """Write the pack to ``--out`` (default ``escalation-review-<date>-<id>-review-pack.html``)."""
    store = Store(args.database)
    try:
        meeting = pick_meeting(store, args.meeting)
        html = pack_html(store, meeting)
    finally:
        store.close()
    out = args.out or f"escalation-review-{meeting.date}-{meeting.id}-review-pack.html"
    write(html, out)
    if out != "-":
        print(f"Wrote the review pack of “{meeting.title}” ({meeting.date}) to {out}")
    return 0
