"""The tables. Times are aware UTC (`DateTime(timezone=True)`); zones are IANA names.

SQLite drops the zone on the way back, so `UtcDateTime` re-attaches UTC on load. Closed sets
are stored with `StoredEnum` (storage.statuses), which reads back members of the set; the
status columns the edge still assigns plain strings to are annotated `str` until it assigns
members. JSON columns that hold a core value (`TriageState`, `FollowUpState`, a reminder's
schedule) are typed as it
(storage.columns) and assigned whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.columns import followup_state, nothing, reminder_schedule, triage_state
from storage.schedules import ReminderSchedule
from storage.statuses import (
    CheckInStatus,
    DeliveryResponse,
    DeliveryStatus,
    EpisodeStatus,
    StoredEnum,
    TriageStatus,
)
from storage.statuses import UserState as UserState  # re-exported: the edge reads it here
from triage.flow import TriageState
from triage.followup_state import FollowUpState
from triage.quiet import DEFAULT_END, DEFAULT_START

QUIET_START = DEFAULT_START.isoformat(timespec="minutes")
QUIET_END = DEFAULT_END.isoformat(timespec="minutes")
"""The default quiet hours (triage.quiet) as the `HH:MM` the user columns hold."""


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC times")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The declarative base every table derives from."""


class User(Base):
    """A person who has opened the bot, with onboarding progress and preferences."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(16), default="en")
    onboarding_step: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(8))
    tz: Mapped[str | None] = mapped_column(String(64))
    adult: Mapped[bool | None] = mapped_column(Boolean)
    consent_health_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    consent_reminders_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    quiet_start: Mapped[str] = mapped_column(String(5), default=QUIET_START)
    quiet_end: Mapped[str] = mapped_column(String(5), default=QUIET_END)
    bedtime: Mapped[str | None] = mapped_column(String(5))
    workout_days: Mapped[str | None] = mapped_column(String(32))
    workout_time: Mapped[str | None] = mapped_column(String(5))
    state: Mapped[UserState] = mapped_column(StoredEnum(UserState), default=UserState.ACTIVE)
    paused_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # What typed text the bot waits for in /settings ("tz", "quiet", "bedtime", ...), or None.
    awaiting: Mapped[str | None] = mapped_column(String(32))
    # Routine nudges arrive silently unless the person asked for them to ring (/settings).
    ring_nudges: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Episode(Base):
    """One twitch episode: its onset, its urgency level and the rule ids behind it."""

    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    onset_date: Mapped[dt.date | None] = mapped_column(Date)
    level: Mapped[str | None] = mapped_column(String(4))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The answers the episode was assessed on; None (stored `{}`) before its triage finished.
    answers: Mapped[TriageState | None] = mapped_column(
        triage_state(optional=True), nullable=False, default=nothing
    )
    # None (stored `{}`) until the triage has finished and the follow-up begun.
    followup: Mapped[FollowUpState | None] = mapped_column(
        followup_state(), nullable=False, default=nothing
    )
    status: Mapped[EpisodeStatus] = mapped_column(
        StoredEnum(EpisodeStatus), default=EpisodeStatus.TRIAGE
    )


class TriageSession(Base):
    """Triage progress: the current question and the answers so far, saved after every tap."""

    __tablename__ = "triage_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    answers: Mapped[TriageState] = mapped_column(triage_state())
    selection: Mapped[list[Any]] = mapped_column(JSON, default=list)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[TriageStatus] = mapped_column(
        StoredEnum(TriageStatus), default=TriageStatus.ACTIVE
    )
    # A "could this be ALS/MS..." question typed mid-questionnaire: the result answers it.
    worry_typed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Reminder(Base):
    """A nudge or a check-in series, due at `next_due_at` (UTC), claimed by the dispatcher."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "active", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    schedule: Mapped[ReminderSchedule] = mapped_column(reminder_schedule())
    tz: Mapped[str] = mapped_column(String(64))
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # The wall-time key ("YYYY-MM-DDTHH:MM") of the occurrence `next_due_at` stands for;
    # `next_due_at` may move later (quiet hours, retries) while the occurrence stays.
    occurrence: Mapped[str | None] = mapped_column(String(40))
    # Set on a one-off snooze copy: the series it repeats once, which keeps its own times.
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Delivery(Base):
    """One occurrence of a reminder. Unique per (reminder, local occurrence): never sent twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "occurrence", name="uq_delivery_occurrence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    occurrence: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[DeliveryStatus] = mapped_column(StoredEnum(DeliveryStatus))
    # Why it was skipped (paused, blocked, grace, cap) or failed (an error class name).
    reason: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    response: Mapped[DeliveryResponse | None] = mapped_column(StoredEnum(DeliveryResponse))
    responded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class CheckIn(Base):
    """A check-in's answers and the level after it."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episodes.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL")
    )
    step: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    selection: Mapped[list[Any]] = mapped_column(JSON, default=list)
    level_after: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[CheckInStatus] = mapped_column(
        StoredEnum(CheckInStatus), default=CheckInStatus.OPEN
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ProcessedUpdate(Base):
    """Update ids the webhook has claimed or processed (pruned after a day).

    A row with no `processed_at` is a claim: `owner` is processing it until `claimed_until`;
    after that a retry may take it over (the owner crashed)."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_processed_at", "processed_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    owner: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
