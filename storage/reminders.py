"""Reminder and delivery rows: writing a plan, stopping, snoozing, answering.

Repositories never commit: the caller owns the transaction.

Storage sits beneath the scheduler, so it does not compute occurrences. A row this module
writes or moves is *unplaced*: `occurrence` is NULL and `next_due_at` is the instant to
place it from (usually `now`). The dispatcher claims it at once, places it at its first
occurrence strictly from that instant in the person's zone, and sends it when due; callers
wake the dispatcher after their commit. Each hand-over is noted in the session (`note_due`),
so that the wake-up after the commit happens only when there is something to place. A stopped
reminder also loses its `next_due_at`, so that only reminders stopped because the person
blocked the bot come back on /start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Reminder, User, UserState
from triage.schedule import CHECKIN, PLAN_END, LocalSchedule, PlannedNudge

NOT_NUDGES = (CHECKIN, PLAN_END)  # the kinds of `triage.schedule.ReminderKind`
RESPONSES = frozenset({"done", "snoozed", "stopped"})
DUE_KEY = "reminders_due_from"
"""`Session.info` key: the earliest instant a reminder written in the transaction is due from."""


def note_due(session: AsyncSession, since: dt.datetime) -> None:
    """Notes in the session that a reminder written in it is due from `since`."""
    known = session.info.get(DUE_KEY)
    session.info[DUE_KEY] = since if known is None else min(known, since)


class UnknownResponse(ValueError):
    """A delivery response other than done, snoozed or stopped."""


def schedule_to_json(schedule: LocalSchedule, slot: str | None = None) -> dict[str, object]:
    """The JSON stored in `reminders.schedule`."""
    data: dict[str, object] = {
        "times": [t.isoformat(timespec="minutes") for t in schedule.times],
        "start": schedule.start.isoformat(),
        "end": schedule.end.isoformat() if schedule.end else None,
        "weekdays": sorted(schedule.weekdays) if schedule.weekdays is not None else None,
        "dates": [d.isoformat() for d in schedule.dates] if schedule.dates is not None else None,
        "slot": slot,
    }
    if schedule.skip:
        data["skip"] = [d.isoformat() for d in sorted(schedule.skip)]
    return data


def schedule_from_json(data: Mapping[str, object]) -> tuple[LocalSchedule, str | None]:
    """The inverse of `schedule_to_json`: the schedule and its slot."""
    times, weekdays, dates = data["times"], data.get("weekdays"), data.get("dates")
    end, slot = data.get("end"), data.get("slot")
    schedule = LocalSchedule(
        times=tuple(dt.time.fromisoformat(str(t)) for t in _items(times)),
        start=dt.date.fromisoformat(str(data["start"])),
        end=dt.date.fromisoformat(str(end)) if end else None,
        weekdays=frozenset(int(str(d)) for d in _items(weekdays)) if weekdays is not None else None,
        dates=tuple(dt.date.fromisoformat(str(d)) for d in _items(dates))
        if dates is not None
        else None,
        skip=frozenset(dt.date.fromisoformat(str(d)) for d in _items(data.get("skip"))),
    )
    return schedule, str(slot) if slot is not None else None


def one_off(at_local: dt.datetime) -> LocalSchedule:
    """A schedule firing once, at a naive local wall time."""
    day = at_local.date()
    return LocalSchedule(times=(at_local.time(),), start=day, end=day, dates=(day,))


class ReminderRepository:
    """Reminder rows of a person: nudge series, check-ins, snooze copies."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_nudges(
        self,
        user_id: int,
        episode_id: int | None,
        tz: str,
        planned: Sequence[PlannedNudge],
        now: dt.datetime,
    ) -> list[Reminder]:
        """One unplaced reminder per planned nudge (spec §3.4)."""
        rows = [
            _new(user_id, episode_id, p.nudge_id, schedule_to_json(p.schedule, p.slot), tz, now)
            for p in planned
        ]
        for row, plan in zip(rows, planned, strict=True):
            row.end_date = plan.schedule.end
        self._session.add_all(rows)
        if rows:
            note_due(self._session, now)
        await self._session.flush()
        return rows

    async def add_checkin(
        self, user_id: int, episode_id: int, tz: str, at_local: dt.datetime, now: dt.datetime
    ) -> Reminder:
        """A check-in at a local wall time (spec §4.1); the sender hands back the next one."""
        row = _new(user_id, episode_id, CHECKIN, schedule_to_json(one_off(at_local)), tz, now)
        self._session.add(row)
        note_due(self._session, now)
        await self._session.flush()
        return row

    async def add_one_off(
        self,
        user_id: int,
        episode_id: int,
        kind: str,
        tz: str,
        at_local: dt.datetime,
        now: dt.datetime,
    ) -> Reminder:
        """A single message of `kind` at a local wall time (the day-14 plan question)."""
        row = _new(user_id, episode_id, kind, schedule_to_json(one_off(at_local)), tz, now)
        row.end_date = at_local.date()
        self._session.add(row)
        note_due(self._session, now)
        await self._session.flush()
        return row

    async def reschedule_checkin(
        self, reminder_id: int, at_local: dt.datetime | None, now: dt.datetime
    ) -> None:
        """Move a check-in to another local wall time; None stops it."""
        if at_local is None:
            await self._stop(Reminder.id == reminder_id)
            return
        await self._session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(schedule=schedule_to_json(one_off(at_local)), **unplaced(now, self._session))
        )

    async def deactivate(
        self,
        user_id: int,
        *,
        kinds: Collection[str] | None = None,
        episode_id: int | None = None,
    ) -> int:
        """Stop a person's reminders (all, or of these kinds, or of one episode): a count."""
        where = [Reminder.user_id == user_id, Reminder.active]
        if kinds is not None:
            where.append(Reminder.kind.in_(kinds))
        if episode_id is not None:
            where.append(Reminder.episode_id == episode_id)
        return await self._stop(*where)

    async def reactivate_user(self, user_id: int, now: dt.datetime) -> int:
        """After /start from a person who had blocked the bot: active again, from `now`."""
        await self._session.execute(
            update(User).where(User.id == user_id).values(state=UserState.ACTIVE)
        )
        result = await self._session.execute(
            update(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.active.is_(False),
                Reminder.next_due_at.is_not(None),
            )
            .values(active=True, **unplaced(now, self._session))
        )
        return _count(result)

    async def change_zone(self, user_id: int, tz: str, now: dt.datetime) -> None:
        """The person moved: keep their local times, place every reminder again in `tz`."""
        await self._session.execute(
            update(Reminder)
            .where(Reminder.user_id == user_id, Reminder.next_due_at.is_not(None))
            .values(tz=tz, **unplaced(now, self._session))
        )

    async def for_user(self, user_id: int) -> list[Reminder]:
        result = await self._session.scalars(
            select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.id)
        )
        return list(result)

    async def earliest_due(self) -> dt.datetime | None:
        """The earliest `next_due_at` of an active reminder: when the dispatcher has work."""
        found: dt.datetime | None = await self._session.scalar(
            select(func.min(Reminder.next_due_at)).where(Reminder.active == true())
        )
        return found

    async def _stop(self, *where: Any) -> int:
        result = await self._session.execute(
            update(Reminder)
            .where(*where)
            .values(active=False, next_due_at=None, lease_owner=None, lease_until=None)
        )
        return _count(result)


class DeliveryRepository:
    """Deliveries: what was sent, and what the person answered."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, delivery_id: int) -> Delivery | None:
        return await self._session.get(Delivery, delivery_id)

    async def same_message(self, delivery: Delivery, user_id: int) -> list[Delivery]:
        """Every delivery the person got in the same message (a digest carries several)."""
        if delivery.message_id is None:
            return [delivery]
        query = (
            select(Delivery)
            .join(Reminder, Reminder.id == Delivery.reminder_id)
            .where(Delivery.message_id == delivery.message_id, Reminder.user_id == user_id)
            .order_by(Delivery.id)
        )
        return list(await self._session.scalars(query))

    async def respond(self, delivery_id: int, response: str, now: dt.datetime) -> Delivery | None:
        """Record done / snoozed / stopped; "stopped" ends the series the delivery belongs to."""
        if response not in RESPONSES:
            raise UnknownResponse(response)
        delivery = await self.get(delivery_id)
        if delivery is None:
            return None
        delivery.response, delivery.responded_at = response, now
        if response == "stopped":
            series = await self._same_words(await self._series_id(delivery.reminder_id))
            reminders = ReminderRepository(self._session)
            await reminders._stop(Reminder.id.in_(series) | Reminder.origin_id.in_(series))
        await self._session.flush()
        return delivery

    async def snooze(
        self, delivery_id: int, now: dt.datetime, delay: dt.timedelta = dt.timedelta(hours=1)
    ) -> None:
        """Send this delivery's message once more after `delay`; the series keeps its times.

        A one-off copy of the reminder (`origin_id` = the series) fires at the local wall
        time `delay` from now; it has its own deliveries, so the series' are untouched.
        """
        delivery = await self.get(delivery_id)
        if delivery is None:
            return
        source = await self._session.get_one(Reminder, delivery.reminder_id)
        series = source.origin_id or source.id
        at_local = _wall(now + delay, source.tz)
        _, slot = schedule_from_json(source.schedule)
        copy = _new(
            source.user_id,
            source.episode_id,
            source.kind,
            schedule_to_json(one_off(at_local), slot),
            source.tz,
            now,
        )
        copy.origin_id, copy.sent_count = series, source.sent_count
        delivery.response, delivery.responded_at = "snoozed", now
        self._session.add(copy)
        note_due(self._session, now)
        await self._session.flush()

    async def _same_words(self, series_id: int) -> list[int]:
        """The series and its siblings: the same nudge and slot of the same plan, kept as
        rows of their own when they skip different days (`triage.plan_fit`)."""
        series = await self._session.get_one(Reminder, series_id)
        _, slot = schedule_from_json(series.schedule)
        siblings = await self._session.scalars(
            select(Reminder).where(
                Reminder.user_id == series.user_id,
                Reminder.episode_id == series.episode_id,
                Reminder.kind == series.kind,
                Reminder.origin_id.is_(None),
            )
        )
        return [row.id for row in siblings if schedule_from_json(row.schedule)[1] == slot]

    async def _series_id(self, reminder_id: int) -> int:
        origin = await self._session.scalar(
            select(Reminder.origin_id).where(Reminder.id == reminder_id)
        )
        return origin or reminder_id


def _new(
    user_id: int,
    episode_id: int | None,
    kind: str,
    schedule: dict[str, object],
    tz: str,
    now: dt.datetime,
) -> Reminder:
    return Reminder(
        user_id=user_id,
        episode_id=episode_id,
        kind=kind,
        schedule=schedule,
        tz=tz,
        active=True,
        sent_count=0,
        created_at=now,
        **unplaced(now),
    )


def unplaced(since: dt.datetime, session: AsyncSession | None = None) -> dict[str, Any]:
    """Column values that hand a row to the dispatcher to place from `since`; noted in
    `session`, when given, for the wake-up after its commit."""
    if session is not None:
        note_due(session, since)
    return {"next_due_at": since, "occurrence": None, "lease_owner": None, "lease_until": None}


def _wall(when: dt.datetime, tz: str) -> dt.datetime:
    """The naive local wall time of an instant, to the minute (occurrence keys are minutes)."""
    return when.astimezone(ZoneInfo(tz)).replace(tzinfo=None, second=0, microsecond=0)


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
