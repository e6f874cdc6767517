"""Preference use cases (spec §3.4): a bedtime or workout answer stored, and the re-plan of
N_SLEEP / N_WARMUP that follows, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.awaiting import Awaiting
from bot.plans import DAY_NAMES, fitted_plan, preferences
from bot.replies import catalogue
from bot.screens.preferences import DEFAULT_DAYS, hhmm
from bot.usecases.upcoming import next_reminder
from storage.episodes import EpisodeRepository
from storage.models import Reminder, User
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.schedules import ReminderSchedule
from storage.users import UserRepository
from triage.assess import assess
from triage.followup import expected_checkins
from triage.questions import InvalidAnswer
from triage.schedule import PlannedNudge

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]
BEDTIME, WORKOUT_TIME = Awaiting.BEDTIME, Awaiting.WORKOUT_TIME
REPLANNED = ("N_SLEEP", "N_WARMUP")


async def store(sessions: Sessions, user_id: int, **values: object) -> User:
    """The person with `values` written (one transaction)."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)
    return user


async def save_time(
    sessions: Sessions, now: dt.datetime, user_id: int, field: str, at: dt.time
) -> tuple[User, str]:
    """Stores a bedtime or workout time, re-plans N_SLEEP / N_WARMUP; returns what to say."""
    async with sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        setattr(user, field, hhmm(at))
        if field == WORKOUT_TIME and user.workout_days is None:
            user.workout_days = ",".join(str(day) for day in sorted(DEFAULT_DAYS))
        user.awaiting = None
        moved = await replan(session, user, now)
        cat = catalogue(user)
        following = await next_reminder(session, user, now, cat)
    log.info("user %s set %s; %s reminders re-planned", person(user_id), field, len(moved))
    if field == BEDTIME:
        saved = cat.text("preferences.bedtime_saved", time=hhmm(at))
    else:
        days = ", ".join(DAY_NAMES[day] for day in sorted(preferences(user).workout_days))
        saved = cat.text("preferences.workout_saved", days=days, time=hhmm(at))
    return user, f"{saved}\n{following}"


async def replan(session: AsyncSession, user: User, now: dt.datetime) -> list[Reminder]:
    """Gives the person's N_SLEEP / N_WARMUP series the times their preferences now imply.

    The plan is asked again of the pure core (`plan_nudges`, fitted) for the episode it came from,
    from the same first day, so the two weeks end when they did.
    """
    plans = PlanRepository(session)
    rows = [row for row in await plans.series(user.id) if row.kind in REPLANNED]
    moved = []
    for row in rows:
        schedule, slot = row.schedule
        fresh = await _planned(session, row, schedule.start, user)
        match = next((p for p in fresh if p.nudge_id == row.kind and p.slot == slot), None)
        if match is not None:
            await plans.retime(row, ReminderSchedule(match.schedule, slot), now)
            moved.append(row)
    return moved


async def _planned(
    session: AsyncSession, row: Reminder, start: dt.date, user: User
) -> tuple[PlannedNudge, ...]:
    episode = await EpisodeRepository(session).get(row.episode_id) if row.episode_id else None
    state = episode.answers if episode is not None else None
    if episode is None or state is None:
        return ()
    try:
        outcome = assess(state.answers, start, state.episodes_90d)
    except InvalidAnswer:
        log.warning("episode %s has answers the rules refuse; not re-planned", episode.id)
        return ()
    checkins = expected_checkins(episode.followup) if episode.followup else ()
    return fitted_plan(outcome, state.answers, user, start, checkins)
