"""The values one dispatcher tick works on, and the pure steps between them.

A claimed reminder becomes a `Row` (or, when it has no occurrence left, a `Move` that ends
it); a row the policy has decided becomes a `Job`; a row done with for now becomes a `Move`
to its next occurrence. Nothing here touches the database or the clock: `scheduler.leases`
and `scheduler.records` read and write these values, `scheduler.dispatcher` runs the tick.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.policy import Decision, Person, Send, local_day
from scheduler.ports import Outgoing
from scheduler.recurrence import (
    Occurrence,
    next_occurrence,
    occurrence_for_key,
)
from storage.schedules import ReminderSchedule
from triage.schedule import CHECKIN


@dataclass(frozen=True)
class Row:
    """A claimed reminder and the occurrence it stands for."""

    id: int
    user_id: int
    episode_id: int | None
    kind: str
    schedule: ReminderSchedule
    tz: str
    next_due_at: dt.datetime
    occurrence: Occurrence
    sent_count: int
    unplaced: bool = False
    origin_id: int | None = None


@dataclass
class Job:
    """One delivery of a batch: a row, its delivery id once recorded, what to do with it."""

    row: Row
    decision: Decision
    due_at: dt.datetime
    delivery_id: int = 0
    attempts: int = 0
    merged: list[Job] = field(default_factory=list)


@dataclass(frozen=True)
class Move:
    """A reminder row moved on: to `occurrence` (None: the series is over), `sent` more sent."""

    row_id: int
    occurrence: Occurrence | None
    sent: int


def row_from(m: Any) -> Row | Move:
    """A claimed row with its occurrence; an unplaced row is placed (storage.placement)."""
    tz, key, since = m["tz"], m["occurrence"], m["next_due_at"]
    if key is not None:
        occurrence: Occurrence | None = occurrence_for_key(key, tz)
    else:
        schedule = m["schedule"].schedule
        occurrence = next_occurrence(schedule, tz, since - dt.timedelta(microseconds=1))
        if occurrence is None and m["kind"] == CHECKIN:
            # A check-in is always sent (spec §4, DESIGN decision 6): one re-placed after its
            # time passed (the person blocked the bot, paused, or moved zone) keeps its own
            # time and goes out late; a delivery already recorded for it still wins.
            occurrence = next_occurrence(schedule, tz, _before(schedule.start, tz))
    if occurrence is None:
        return Move(m["id"], None, 0)
    return Row(
        id=m["id"],
        user_id=m["user_id"],
        episode_id=m["episode_id"],
        kind=m["kind"],
        schedule=m["schedule"],
        tz=tz,
        next_due_at=since,
        occurrence=occurrence,
        sent_count=m["sent_count"],
        unplaced=key is None,
        origin_id=m["origin_id"],
    )


def _before(day: dt.date, tz: str) -> dt.datetime:
    """An instant safely before every occurrence on `day` in zone `tz`."""
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(tz))
    return start.astimezone(dt.UTC)


def anchor(row: Row) -> dt.datetime:
    """When a first attempt was due: a placed row's `next_due_at` (it may have been moved
    by the policy), or an unplaced row's occurrence."""
    return row.occurrence.due_at if row.unplaced else row.next_due_at


def slot(row: Row) -> str | None:
    return row.schedule.slot


def is_today(when: dt.datetime, person: Person, now: dt.datetime) -> bool:
    start, end = local_day(now, person.tz)
    return start <= when < end


def advance(
    row: Row,
    sent: int,
    next_schedule: Any = None,
    now: dt.datetime | None = None,
) -> Move:
    """The row moved to the occurrence after the one it stood for (None: series over)."""
    if next_schedule is not None and now is not None:
        return Move(row.id, next_occurrence(next_schedule, row.tz, now), sent)
    schedule = row.schedule.schedule
    return Move(row.id, next_occurrence(schedule, row.tz, row.occurrence.due_at), sent)


@dataclass(frozen=True)
class Recipient:
    """Where a person's messages go, in which language, with what sound and in which
    country's words (the word for their doctor), read once per batch."""

    chat_id: int
    language: str | None = None
    ring_nudges: bool = False
    country: str | None = None


def outgoing(job: Job, to: Recipient) -> Outgoing:
    """The message the notifier sends for a job, its digest's nudges included."""
    row = job.row
    decision = job.decision
    return Outgoing(
        delivery_id=job.delivery_id,
        reminder_id=row.id,
        user_id=row.user_id,
        chat_id=to.chat_id,
        episode_id=row.episode_id,
        kind=row.kind,
        slot=slot(row),
        local_due=row.occurrence.local,
        late=isinstance(decision, Send) and decision.late,
        sequence=row.sent_count,
        merged=tuple(outgoing(m, to) for m in job.merged),
        language=to.language,
        ring_nudges=to.ring_nudges,
        country=to.country,
    )
