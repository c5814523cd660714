"""Calibration sessions: the scenarios, the participants' answers and the escalation matrix.

The rule the page relies on is kept here: while a session is open, nobody reads anybody else's
answers, and nobody sees what actually happened to the tickets. :meth:`CalibrationMixin.
calibration_items` leaves the outcome out of an open session's scenarios, and
:meth:`CalibrationMixin.calibration_answers` refuses an open session; a participant reads only
their own answers (:meth:`CalibrationMixin.my_calibration_answers`) and the leader only who has
answered how many (:meth:`CalibrationMixin.calibration_progress`).

Anyone who may use the app may answer (a viewer too: agents answer, leads build sessions); the
participant is the signed-in user's e-mail, or the name typed in single-user mode. Building,
closing and the matrix are edits (viewers are refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlmodel import select

from lib.errors import StoreError
from lib.store._base import StoreBase, _choice, _frame, _schema, _text
from lib.store.models import (
    CALIBRATION_REASONS,
    CalibrationAnswer,
    CalibrationItem,
    CalibrationSession,
    Dataset,
    EscalationMatrix,
    _now,
)
from lib.store.roles import Actor, _who, _writes

#: What a matrix row may say to do.
MATRIX_ACTIONS = ("Handle at Tier 1", "Escalate")
MATRIX_FIELDS = ("category", "situation", "action", "to", "note")
_OUTCOME = ("outcome_escalated", "outcome_group")
_SCENARIO = ("category", "channel", "priority", "customer_tier", "first_group", "subject")


def _participant(participant: str | None, actor: Actor | None) -> str:
    """The signed-in user's e-mail, else the typed name (required)."""
    if actor is not None:
        return actor.email
    name = " ".join(str(participant or "").split())
    if not name:
        raise StoreError("Type your name before answering, so your answers stay together")
    return name


def _same_name(name: str) -> sa.ColumnElement[bool]:
    """Rows of the participant ``name`` in any case, as the unique index on
    ``lower(participant)`` compares them: the database's ``lower()`` on both sides (on SQLite
    the one ``lib.store.engine`` gives every connection, which folds "É" as PostgreSQL's does;
    a lookup folding otherwise than the index would miss a row the index sees)."""
    return sa.func.lower(CalibrationAnswer.participant) == sa.func.lower(sa.literal(name))


def _one_spelling(session_id: int) -> sa.Update:
    """Each person's answers in the session under one spelling, the first they answered with
    (answers to two scenarios made at the same moment by "Ana" and "ana" keep both until
    this runs, when the session closes): the results count one participant."""
    answer = CalibrationAnswer.__table__
    earliest = answer.alias("earliest")
    spelling = (
        sa.select(earliest.c.participant)
        .where(
            earliest.c.session_id == answer.c.session_id,
            sa.func.lower(earliest.c.participant) == sa.func.lower(answer.c.participant),
        )
        .order_by(earliest.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return answer.update().where(answer.c.session_id == session_id).values(participant=spelling)


def _open_session(row: CalibrationSession) -> CalibrationSession:
    if row.status != "open":
        when = row.closed_at.strftime("%Y-%m-%d %H:%M UTC") if row.closed_at else "earlier"
        raise StoreError(
            f"Calibration session “{row.title}” was closed by {row.closed_by or 'someone'} at "
            f"{when}: its answers can no longer change. Ask the leader for a new session."
        )
    return row


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class CalibrationMixin(StoreBase):
    """Calibration sessions, answers and the versioned escalation matrix."""

    @_writes
    def create_calibration_session(
        self,
        title: str,
        scenarios: pl.DataFrame,
        *,
        note: str = "",
        dataset_id: int | None = None,
        who: str | None = None,
        actor: Actor | None = None,
    ) -> CalibrationSession:
        """Open a session on ``scenarios`` (one row per ticket, in order: ``ticket_id``, the
        scenario columns, ``outcome_escalated``, ``outcome_group`` and optionally ``why``, as
        :func:`lib.calibration.scenarios` gives them), all in one transaction."""
        if "ticket_id" not in scenarios.columns or scenarios.height == 0:
            raise StoreError("A calibration set needs at least one ticket: pick or sample some")
        ids = scenarios.get_column("ticket_id").cast(pl.String).to_list()
        if len(set(ids)) != len(ids):
            raise StoreError("A ticket appears twice in the calibration set: each once, please")
        row = CalibrationSession(
            title=_text(title, "Session title", required=True),
            note=_text(note, "Note"),
            dataset_id=dataset_id,
            created_by=_who(who, actor),
        )
        cols = set(scenarios.columns)
        with self._write() as s:
            if dataset_id is not None:
                self._get(s, Dataset, dataset_id, "Dataset")
            s.add(row)
            s.flush()
            for i, sc in enumerate(scenarios.iter_rows(named=True)):
                escalated = sc.get("outcome_escalated") if "outcome_escalated" in cols else None
                s.add(
                    CalibrationItem(
                        session_id=row.id,
                        position=i,
                        ticket_id=str(sc["ticket_id"]),
                        **{c: _cell(sc.get(c)) for c in _SCENARIO},
                        why=str(sc.get("why") or ""),
                        outcome_escalated=None if escalated is None else bool(escalated),
                        outcome_group=_cell(sc.get("outcome_group")),
                    )
                )
        return row

    def get_calibration_session(self, session_id: int) -> CalibrationSession | None:
        """The session, or ``None``."""
        with self._read() as s:
            return s.get(CalibrationSession, session_id)

    def list_calibration_sessions(self) -> pl.DataFrame:
        """Sessions, newest first, with their numbers of scenarios, participants and answers."""
        with self._read() as s:
            rows = s.exec(select(CalibrationSession).order_by(sa.desc(CalibrationSession.id))).all()
            items = dict(
                s.execute(
                    sa.select(CalibrationItem.session_id, sa.func.count()).group_by(
                        CalibrationItem.session_id
                    )
                ).all()
            )
            answers = {
                sid: (n, p)
                for sid, n, p in s.execute(
                    sa.select(
                        CalibrationAnswer.session_id,
                        sa.func.count(),
                        sa.func.count(sa.distinct(CalibrationAnswer.participant)),
                    ).group_by(CalibrationAnswer.session_id)
                )
            }
        frame = _frame(rows, _schema(CalibrationSession))
        ids = frame.get_column("id").to_list()
        return frame.with_columns(
            scenarios=pl.Series([items.get(i, 0) for i in ids], dtype=pl.Int64),
            participants=pl.Series([answers.get(i, (0, 0))[1] for i in ids], dtype=pl.Int64),
            answers=pl.Series([answers.get(i, (0, 0))[0] for i in ids], dtype=pl.Int64),
        )

    def calibration_items(self, session_id: int) -> pl.DataFrame:
        """The session's scenarios in order; the outcome columns only once it is closed."""
        with self._read() as s:
            sess = self._get(s, CalibrationSession, session_id, "Calibration session")
            rows = s.exec(
                select(CalibrationItem)
                .where(CalibrationItem.session_id == session_id)
                .order_by(CalibrationItem.position)
            ).all()
        frame = _frame(rows, _schema(CalibrationItem))
        frame = frame.rename({"id": "item_id"})
        return frame if sess.status == "closed" else frame.drop(_OUTCOME)

    def submit_calibration_answer(
        self,
        item_id: int,
        *,
        escalate: bool,
        target: str = "",
        reason: str = "",
        note: str = "",
        participant: str | None = None,
        group: str | None = None,
        tenure: str | None = None,
        actor: Actor | None = None,
    ) -> CalibrationAnswer:
        """Save (or replace) this participant's answer to one scenario of an open session.

        Open to every role: a viewer answers too. ``participant`` is the typed name in
        single-user mode; a signed-in ``actor``'s e-mail always wins, so nobody answers for
        somebody else.
        """
        name = _participant(participant, actor)
        reason = _text(reason, "Reason")
        if reason:
            _choice(reason, CALIBRATION_REASONS, "Reason")
        # Read-then-insert, looked up case-insensitively (an upsert on the unique index
        # would not see "ana" as "Ana"). Two tabs of one person answering at once: the later
        # insert fails on the unique index once the first commits; it is then made once more,
        # and its read finds that row and replaces it.
        args = (item_id, name, escalate, target, reason, note, group, tenure)
        try:
            return self._save_answer(*args)
        except sa.exc.IntegrityError:
            return self._save_answer(*args)

    def _save_answer(
        self,
        item_id: int,
        name: str,
        escalate: bool,
        target: str,
        reason: str,
        note: str,
        group: str | None,
        tenure: str | None,
    ) -> CalibrationAnswer:
        """One write transaction of :meth:`submit_calibration_answer`."""
        with self._write() as s:
            item = self._get(s, CalibrationItem, item_id, "Scenario")
            _open_session(self._get(s, CalibrationSession, item.session_id, "Calibration session"))
            row = s.exec(
                select(CalibrationAnswer).where(
                    CalibrationAnswer.item_id == item_id,
                    _same_name(name),
                )
            ).first()
            if row is None:
                # the spelling this person first answered the session with ("Ana", then "ana"):
                # one participant in the progress and the results, not two
                known = s.exec(
                    select(CalibrationAnswer.participant)
                    .where(
                        CalibrationAnswer.session_id == item.session_id,
                        _same_name(name),
                    )
                    .order_by(CalibrationAnswer.id)
                ).first()
                row = CalibrationAnswer(
                    session_id=item.session_id,
                    item_id=item_id,
                    participant=known or name,
                    escalate=False,
                )
            row.escalate = bool(escalate)
            row.target = _text(target, "Target") if escalate else ""
            row.reason = reason if escalate else ""
            row.note = _text(note, "Note")
            row.participant_group = _cell(group)
            row.participant_tenure = _cell(tenure)
            row.answered_at = _now()
            s.add(row)
        return row

    def my_calibration_answers(
        self, session_id: int, participant: str | None = None, *, actor: Actor | None = None
    ) -> pl.DataFrame:
        """This participant's own answers in the session (readable at any time)."""
        name = _participant(participant, actor)
        with self._read() as s:
            self._get(s, CalibrationSession, session_id, "Calibration session")
            rows = s.exec(
                select(CalibrationAnswer).where(
                    CalibrationAnswer.session_id == session_id,
                    _same_name(name),
                )
            ).all()
        return _frame(rows, _schema(CalibrationAnswer))

    def calibration_answers(self, session_id: int) -> pl.DataFrame:
        """Every answer of a closed session; an open session's answers stay hidden."""
        with self._read() as s:
            sess = self._get(s, CalibrationSession, session_id, "Calibration session")
            if sess.status != "closed":
                raise StoreError(
                    f"The answers of “{sess.title}” stay hidden until the session is closed, "
                    "so that everyone answers on their own."
                )
            rows = s.exec(
                select(CalibrationAnswer)
                .where(CalibrationAnswer.session_id == session_id)
                .order_by(CalibrationAnswer.item_id, CalibrationAnswer.participant)
            ).all()
        return _frame(rows, _schema(CalibrationAnswer))

    def calibration_progress(self, session_id: int) -> pl.DataFrame:
        """Who has answered how many scenarios (never what they answered)."""
        with self._read() as s:
            self._get(s, CalibrationSession, session_id, "Calibration session")
            # one row per person whatever the case (two tabs answering two scenarios at the
            # same moment can still store two spellings until the session closes)
            who = sa.func.min(CalibrationAnswer.participant)
            rows = s.execute(
                sa.select(who, sa.func.count())
                .where(CalibrationAnswer.session_id == session_id)
                .group_by(sa.func.lower(CalibrationAnswer.participant))
                .order_by(who)
            ).all()
        return pl.DataFrame(
            [tuple(r) for r in rows],
            schema={"participant": pl.String, "answered": pl.Int64},
            orient="row",
        )

    @_writes
    def close_calibration_session(
        self, session_id: int, *, who: str | None = None, actor: Actor | None = None
    ) -> CalibrationSession:
        """Close the session: answers freeze, and everyone's answers and the outcomes show."""
        with self._write() as s:
            row = _open_session(self._get(s, CalibrationSession, session_id, "Calibration session"))
            s.execute(_one_spelling(session_id))
            row.status, row.closed_at, row.closed_by = "closed", _now(), _who(who, actor)
            s.add(row)
        return row

    @_writes
    def save_escalation_matrix(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        note: str = "",
        who: str | None = None,
        actor: Actor | None = None,
    ) -> EscalationMatrix:
        """Save the matrix as its next version (older versions stay as they were).

        Each row: ``category`` (required), ``situation``, ``action`` (one of
        :data:`MATRIX_ACTIONS`), ``to`` (whom to escalate to, required when escalating), ``note``.
        Blank rows are dropped; a bad row is refused naming its number and column.
        """
        clean = []
        for n, raw in enumerate(rows, start=1):
            row = {f: " ".join(str(raw.get(f) or "").split()) for f in MATRIX_FIELDS}
            if not any(row.values()):
                continue
            if not row["category"]:
                raise StoreError(f"Matrix row {n}: the category is empty")
            if row["action"] not in MATRIX_ACTIONS:
                raise StoreError(
                    f"Matrix row {n} ({row['category']}): action {row['action']!r} should be "
                    f"one of {', '.join(MATRIX_ACTIONS)}"
                )
            if row["action"] == "Escalate" and not row["to"]:
                raise StoreError(f"Matrix row {n} ({row['category']}): say to whom it is escalated")
            clean.append(row)
        with self._write() as s:
            last = s.execute(sa.select(sa.func.max(EscalationMatrix.version))).scalar() or 0
            version = EscalationMatrix(
                version=last + 1, rows=clean, note=_text(note, "Note"), created_by=_who(who, actor)
            )
            s.add(version)
        return version

    def escalation_matrix(self, version: int | None = None) -> EscalationMatrix | None:
        """A version of the matrix (the latest by default), or ``None`` before the first save."""
        with self._read() as s:
            if version is not None:
                return s.get(EscalationMatrix, version)
            return s.exec(
                select(EscalationMatrix).order_by(sa.desc(EscalationMatrix.version))
            ).first()

    def escalation_matrix_versions(self) -> pl.DataFrame:
        """Every saved version, newest first: version, rows (count), note, created_by/at."""
        with self._read() as s:
            rows = s.exec(
                select(EscalationMatrix).order_by(sa.desc(EscalationMatrix.version))
            ).all()
        return pl.DataFrame(
            [(m.version, len(m.rows or []), m.note, m.created_by, m.created_at) for m in rows],
            schema={
                "version": pl.Int64,
                "rows": pl.Int64,
                "note": pl.String,
                "created_by": pl.String,
                "created_at": pl.Datetime("us", "UTC"),
            },
            orient="row",
        )
