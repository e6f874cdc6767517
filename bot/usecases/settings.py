"""/settings use cases: each change stored and the affected reminders re-planned in one
transaction, returning what to say (ending with when the next reminder comes)."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import replace
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import callbacks
from bot.awaiting import Awaiting
from bot.replies import catalogue
from bot.screens.preferences import hhmm, what
from bot.usecases.onboarding import is_onboarded
from bot.usecases.preferences import REPLANNED
from bot.usecases.upcoming import next_reminder
from scheduler.policy import SLEEP
from storage.models import Reminder, User
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.schedules import ReminderSchedule
from storage.users import UserRepository
from triage.quiet import QuietHours
from triage.quiet_choice import QuietRefusal, refusal
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]


async def store(sessions: Sessions, user_id: int, **values: object) -> User | None:
    """The person, with `values` written first (one transaction)."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=bool(values))
        if user is not None:
            for name, value in values.items():
                setattr(user, name, value)
        return user


async def with_settings(sessions: Sessions, user_id: int) -> User:
    """The person tapping a /settings button, or BadCallback for one who has no settings."""
    user = await store(sessions, user_id)
    if user is None or not is_onboarded(user):
        raise callbacks.BadCallback("not a person with settings")
    return user


async def consent_again(sessions: Sessions, now: dt.datetime, user_id: int) -> None:
    """Reminders and check-ins may be sent again from now."""
    await store(sessions, user_id, consent_reminders_at=now)
    log.info("user %s gave reminder consent again", person(user_id))


async def following(sessions: Sessions, user: User, now: dt.datetime) -> str:
    """When the next reminder comes, in words."""
    async with sessions.begin() as session:
        return await next_reminder(session, user, now, catalogue(user))


async def own_series(sessions: Sessions, user: User, values: tuple[str, ...]) -> Reminder:
    """The caller's own nudge series named by the button, or BadCallback."""
    async with sessions.begin() as session:
        return await _own_series(session, user, values)


async def _own_series(session: AsyncSession, user: User, values: tuple[str, ...]) -> Reminder:
    if not values:
        raise callbacks.BadCallback("expected a reminder")
    row = await session.get(Reminder, callbacks.number(values[0]))
    if row is None or row.user_id != user.id or row.origin_id is not None or row.kind == CHECKIN:
        raise callbacks.BadCallback("not the caller's reminder")
    return row


async def series(sessions: Sessions, user_id: int) -> list[Reminder]:
    async with sessions.begin() as session:
        return await PlanRepository(session).series(user_id)


async def switch(
    sessions: Sessions, now: dt.datetime, user: User, values: tuple[str, ...], on: bool
) -> tuple[list[Reminder], str]:
    """One nudge series on or off: the series as they now stand, and what to say."""
    async with sessions.begin() as session:
        row = await _own_series(session, user, values)
        await PlanRepository(session).switch(row, on, now)
        rows = await PlanRepository(session).series(user.id)
        cat = catalogue(user)
        key = "settings.nudge_switched_on" if on else "settings.nudge_switched_off"
        text = cat.text(key, what=what(cat, row.kind))
        text += "\n" + await next_reminder(session, user, now, cat)
    log.info("user %s turned reminder %s %s", person(user.id), row.id, "on" if on else "off")
    return rows, text


class Retime(StrEnum):
    """How a nudge series gets new times."""

    BEDTIME = "bedtime"  # the bedtime plan's question: N_SLEEP follows the bedtime
    WORKOUTS = "workouts"  # the workout plan's questions: the warm-up follows the workouts
    TYPED = "typed"  # times typed for this series alone, awaited from now


async def begin_retime(
    sessions: Sessions, user: User, values: tuple[str, ...]
) -> tuple[Retime, Reminder]:
    """A tap on a series' "new time": how its times change, and the series."""
    async with sessions.begin() as session:
        row = await _own_series(session, user, values)
        if row.kind == SLEEP:
            return Retime.BEDTIME, row
        if row.kind in REPLANNED:
            return Retime.WORKOUTS, row
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        stored.awaiting = Awaiting.RETIME.on(row.id)
    return Retime.TYPED, row


async def retime(
    sessions: Sessions, now: dt.datetime, user: User, reminder_id: int, times: list[dt.time]
) -> str:
    """New local times for one nudge series; nothing typed is awaited any more."""
    async with sessions.begin() as session:
        row = await _own_series(session, user, (str(reminder_id),))
        schedule, slot = row.schedule
        fresh = ReminderSchedule(replace(schedule, times=tuple(times)), slot)
        await PlanRepository(session).retime(row, fresh, now)
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        stored.awaiting = None
        cat = catalogue(user)
        reply = cat.text(
            "settings.retimed", what=what(cat, row.kind), times=", ".join(map(hhmm, times))
        )
        reply += "\n" + await next_reminder(session, stored, now, cat)
    log.info("user %s moved reminder %s", person(user.id), reminder_id)
    return reply


async def set_zone(
    sessions: Sessions, now: dt.datetime, user_id: int, zone: str
) -> tuple[User, str]:
    """The person moved: every reminder keeps its local wall time in the new zone."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        user.tz, user.awaiting = zone, None
        await ReminderRepository(session).change_zone(user_id, zone, now)
        cat = catalogue(user)
        local = now.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")
        text = cat.text("settings.tz_saved", tz=zone, local_time=local)
        text += "\n" + await next_reminder(session, user, now, cat)
    log.info("user %s changed time zone", person(user_id))
    return user, text


async def set_quiet(
    sessions: Sessions, now: dt.datetime, user_id: int, start: dt.time, end: dt.time
) -> tuple[User, str]:
    """New quiet hours, unless they would swallow every reminder (then the reason is said)."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        cat = catalogue(user)
        rows = await PlanRepository(session).active(user_id)
        problem = quiet_problem(QuietHours(start, end), _reminder_times(rows))
        if problem is None:
            user.quiet_start, user.quiet_end, user.awaiting = hhmm(start), hhmm(end), None
            text = cat.text("settings.quiet_saved", quiet=f"{hhmm(start)}–{hhmm(end)}")
            text += "\n" + await next_reminder(session, user, now, cat)
        else:
            text = cat.text(problem[0], times=problem[1])
    log.info("user %s quiet hours %s", person(user_id), "refused" if problem else "changed")
    return user, text


def _reminder_times(rows: list[Reminder]) -> set[dt.time]:
    # N_SLEEP is the spec's one exception to quiet hours (§3.4), so it cannot be swallowed.
    times: set[dt.time] = set()
    for row in rows:
        if row.kind != SLEEP:
            times.update(row.schedule.schedule.times)
    return times


def quiet_problem(quiet: QuietHours, times: set[dt.time]) -> tuple[str, str] | None:
    """Why a quiet window is refused (catalogue key, the times it would swallow), or None."""
    found = refusal(quiet, times)
    if found is None:
        return None
    swallowed = ", ".join(hhmm(t) for t in sorted(times)) if found == QuietRefusal.SWALLOWS else ""
    return f"settings.quiet_{found.value}", swallowed
