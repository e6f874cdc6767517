"""The scheduler's outgoing port: what a due reminder looks like, and how sending it went.

`bot/` implements `Notifier` (the Telegram adapter, with the per-chat and global rate limits
inside it); tests implement it with a hand-written fake that records and scripts results.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from triage.schedule import LocalSchedule


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a nudge, a check-in, or a digest of nudges (`merged`)."""

    delivery_id: int
    reminder_id: int
    user_id: int
    chat_id: int
    episode_id: int | None
    kind: str
    slot: str | None
    local_due: dt.datetime
    late: bool
    sequence: int
    merged: tuple[Outgoing, ...] = ()
    language: str | None = None
    ring_nudges: bool = False
    country: str | None = None


@dataclass(frozen=True)
class Sent:
    """Delivered. A check-in sender may hand back the schedule of the following check-in."""

    message_id: int
    next_schedule: LocalSchedule | None = None


@dataclass(frozen=True)
class RetryAfter:
    """Rate limited (HTTP 429): try this delivery again after `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot (HTTP 403): stop everything until they come back."""


@dataclass(frozen=True)
class Failed:
    """Not delivered. `reason` is an error class name, never message text."""

    transient: bool
    reason: str


SendResult = Sent | RetryAfter | Blocked | Failed


class Notifier(Protocol):
    """Sends one outgoing message and says how it went; never raises for a send error."""

    async def send(self, outgoing: Outgoing) -> SendResult: ...
