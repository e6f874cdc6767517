"""The closed sets the tables store as plain strings, and the column type that holds them.

Each value is the very string stored before these types existed, so no migration is needed;
a `StrEnum` member also equals its string, so code comparing with the plain strings keeps
working. `StoredEnum` writes a member as its string and reads members back; a string outside
the set, which only a row written by hand holds, is kept and read back as it was stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import String, TypeDecorator


class UserState(StrEnum):
    """Whether a person gets messages: paused people get none for a while, blocked none."""

    ACTIVE = "active"
    PAUSED = "paused"
    BLOCKED = "blocked"


class EpisodeStatus(StrEnum):
    """An episode in its triage, open with its follow-up, or closed (kept in history)."""

    TRIAGE = "triage"
    OPEN = "open"
    CLOSED = "closed"


class TriageStatus(StrEnum):
    """A triage session being answered, finished with an outcome, or given up."""

    ACTIVE = "active"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class CheckInStatus(StrEnum):
    """A check-in being answered, answered, or left unanswered until the next one."""

    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"


class DeliveryStatus(StrEnum):
    """One occurrence of a reminder: recorded before the send, settled after it."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    BLOCKED = "blocked"


class DeliveryResponse(StrEnum):
    """What the person answered to a delivered nudge, or to the plan-end question (§3.4)."""

    DONE = "done"
    SNOOZED = "snoozed"
    STOPPED = "stopped"
    KEPT = "kept"  # the plan-end question: yes, keep the nudges weekly
    DECLINED = "declined"  # the plan-end question: no, let the plan end


_E = TypeVar("_E", bound=StrEnum)


class StoredEnum(TypeDecorator[str], Generic[_E]):
    """A `StrEnum` stored as its string, read back as a member of the set."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[_E], length: int = 16) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return self.enum(value)
        except ValueError:
            return str(value)
