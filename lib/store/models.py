"""The SQLModel tables of the local database, the UTC datetime column type they use, and the
values their vocabulary columns (tag kinds, alert states, action statuses, ...) may hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

TAG_KINDS = ("skill", "policy", "unknown")
EVENT_KINDS = ("policy change", "release", "new playbook", "other")
ALERT_STATES = ("dismissed", "known", "agenda")
AGENDA_SOURCES = ("alert", "agent", "driver", "action", "free", "risk")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "dropped")
ACTION_PRIORITIES = ("low", "normal", "high")
LINK_KINDS = ("category", "agent", "channel", "alert")
ACTIVE_DATASET_KEY = "active_dataset_id"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (portable across SQLite and PostgreSQL), returns aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Dataset(SQLModel, table=True):
    """A loaded export: its Parquet snapshot, mapping, rules and data-quality report."""

    __tablename__ = "dataset"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are never reused (cache keys)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    source_files: list[str] | None = Field(default=None, sa_type=JSON)
    vendor: str | None = None
    row_count: int = 0
    snapshot_path: str | None = None  # file name inside the store's snapshot_dir (checked on use)
    mapping: dict | None = Field(default=None, sa_type=JSON)
    rules: list | dict | None = Field(default=None, sa_type=JSON)
    report: dict | None = Field(default=None, sa_type=JSON)
    sentiment_method: str | None = None
    business_tz: str | None = None  # IANA zone of its day buckets (lib.periods); None: UTC


class Setting(SQLModel, table=True):
    """A named app-wide value (JSON), e.g. the active dataset."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_type=JSON, nullable=True)
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class SavedMapping(SQLModel, table=True):
    """A confirmed column mapping, keyed by the export header's fingerprint."""

    __tablename__ = "saved_mapping"

    fingerprint: str = Field(primary_key=True)
    vendor: str | None = None
    mapping: dict = Field(sa_type=JSON)
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class CategoryTag(SQLModel, table=True):
    """Whether a category's escalations are skill-based or policy-based."""

    __tablename__ = "category_tag"

    category: str = Field(primary_key=True)
    kind: str
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class KnowledgeCoverage(SQLModel, table=True):
    """The knowledge-base article for a category: exists, accurate, detailed enough."""

    __tablename__ = "knowledge_coverage"

    category: str = Field(primary_key=True)
    article_exists: bool = False
    accurate: bool = False
    detailed_enough: bool = False
    link: str = ""
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """A user-entered event shown as a marker on trend charts."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    kind: str
    title: str
    note: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class AlertState(SQLModel, table=True):
    """Triage of one anomaly alert (dismissed / known / agenda), with the alert's fields."""

    __tablename__ = "alert_state"

    alert_key: str = Field(primary_key=True)
    dataset_id: int | None = Field(
        default=None, foreign_key="dataset.id", ondelete="CASCADE", index=True
    )
    state: str
    note: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    topic: str | None = None
    metric: str | None = None
    kind: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    observed: float | None = None
    expected: float | None = None
    score: float | None = None


class Meeting(SQLModel, table=True):
    """One escalation review meeting."""

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id", ondelete="SET NULL")
    title: str = ""
    attendees: str = ""
    notes: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_by: str | None = None
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None
    minutes: str | None = Field(default=None, sa_type=sa.Text)  # frozen when closed
    pack_html: str | None = Field(default=None, sa_type=sa.Text)  # frozen when closed


class AgendaItem(SQLModel, table=True):
    """A point on a meeting's agenda and the decision taken on it."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    source: str = "free"
    ref: str | None = None  # alert key, agent, category or action id, by source
    title: str
    detail: str = ""
    decision: str = ""
    position: int = 0
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # kept for undo
    deleted_by: str | None = None


class ActionItem(SQLModel, table=True):
    """An action agreed in a review; ``version`` is the optimistic-concurrency token."""

    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    description: str = ""
    owner: str = Field(default="", index=True)
    due_date: dt.date | None = None
    status: str = Field(default="open", index=True)
    priority: str = "normal"
    link_kind: str | None = None
    link_value: str | None = None
    created_in_meeting: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    closed_in_meeting: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_note: str = ""
    version: int = 1
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ActionHistory(SQLModel, table=True):
    """One changed field of an action item (``field == "created"`` for its creation)."""

    __tablename__ = "action_history"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action_item.id", ondelete="CASCADE", index=True)
    version: int
    changed_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    changed_by: str
    field: str
    old_value: str | None = None
    new_value: str | None = None


CALIBRATION_STATUSES = ("open", "closed")
#: Why a participant would escalate ("" when they would not, or did not say).
CALIBRATION_REASONS = ("skill", "policy", "customer demand", "bug")


class CalibrationSession(SQLModel, table=True):
    """A calibration session: a set of past tickets the team answers on its own, then compares."""

    __tablename__ = "calibration_session"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    note: str = ""
    status: str = "open"
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id", ondelete="SET NULL")
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None


class CalibrationItem(SQLModel, table=True):
    """One scenario of a session: a ticket as it looked (personal data hidden) and its outcome,
    which the store shows only once the session is closed."""

    __tablename__ = "calibration_item"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="calibration_session.id", ondelete="CASCADE", index=True)
    position: int = 0
    ticket_id: str
    category: str | None = None
    channel: str | None = None
    priority: str | None = None
    customer_tier: str | None = None
    first_group: str | None = None
    subject: str | None = None
    why: str = ""
    outcome_escalated: bool | None = None
    outcome_group: str | None = None


class CalibrationAnswer(SQLModel, table=True):
    """A participant's answer to one scenario (one per participant and scenario)."""

    __tablename__ = "calibration_answer"
    __table_args__ = (
        # one answer per scenario and name, whatever its case (migration v009)
        sa.Index(
            "ux_calibration_answer_item_participant_any_case",
            "item_id",
            sa.func.lower(sa.column("participant")),
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="calibration_session.id", ondelete="CASCADE", index=True)
    item_id: int = Field(foreign_key="calibration_item.id", ondelete="CASCADE")
    participant: str
    participant_group: str | None = None
    participant_tenure: str | None = None
    escalate: bool
    target: str = ""
    reason: str = ""
    note: str = ""
    answered_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class EscalationMatrix(SQLModel, table=True):
    """One saved version of the escalation matrix (category x situation -> handle at Tier 1 or
    escalate to whom); versions are never changed, a save adds the next one."""

    __tablename__ = "escalation_matrix"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    rows: list = Field(default_factory=list, sa_type=JSON)
    note: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


#: What a subscription sends, how, and how often (``lib.notify.schedule.FREQUENCIES``).
SUBSCRIPTION_CONTENTS = ("digest", "alerts")
SUBSCRIPTION_CHANNELS = ("email", "slack", "teams", "json")
SUBSCRIPTION_FORMATS = ("html", "markdown", "json")
SUBSCRIPTION_FREQUENCIES = ("daily", "weekly", "biweekly", "meeting")


class AlertThreshold(SQLModel, table=True):
    """A threshold on one of the digest's figures (``lib.notify.thresholds.METRICS``), in the
    figure's own unit; ``dataset_id`` None applies to every dataset."""

    __tablename__ = "alert_threshold"

    id: int | None = Field(default=None, primary_key=True)
    metric: str
    op: str
    value: float
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id", ondelete="CASCADE")
    note: str = ""
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class Subscription(SQLModel, table=True):
    """Who gets what, how often: ``target`` is e-mail addresses (channel ``email``) or the
    *name* of a webhook whose URL lives in the environment or secrets, never the URL."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = "email"
    target: str
    content: str = "digest"
    format: str = "html"
    frequency: str = "weekly"
    weekday: int = 0
    hour: int = 8
    tz: str = "UTC"
    anchor: dt.date | None = None
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id", ondelete="CASCADE")
    active: bool = True
    last_sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    created_by: str | None = None
    created_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    updated_by: str | None = None
    updated_at: dt.datetime = Field(default_factory=_now, sa_type=UTCDateTime)
