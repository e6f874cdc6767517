"""The person in control of what the bot sends: pausing, resuming, stopping, and a check-in
asked for now. Each is one transaction, but a check-in asked for now: its delivery is recorded,
then its check-in opened as the notifier opens a scheduled one."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.replies import catalogue
from bot.usecases.checkin import PreparedCheckin, prepare_checkin
from bot.usecases.upcoming import next_reminder
from scheduler.clock import Clock
from scheduler.ports import Outgoing
from scheduler.recurrence import occurrence_for_key
from storage.checkins import CheckInRepository
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Reminder, User, UserState
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.users import UserRepository
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
Sessions = async_sessionmaker[AsyncSession]


PAUSES = {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7), "open": None}
"""How long each /pause choice holds reminders; None: until /resume."""


async def pause(
    sessions: Sessions, now: dt.datetime, user_id: int, choice: str
) -> dt.datetime | None:
    """Reminders and check-ins held for the length `choice` names; returns until when (None:
    until /resume)."""
    length = PAUSES[choice]
    until = now + length if length is not None else None
    async with sessions.begin() as session:
        stored = await UserRepository(session).get(user_id, for_update=True)
        assert stored is not None
        stored.state, stored.paused_until = UserState.PAUSED, until
    log.info("user %s paused reminders (%s)", person(user_id), choice)
    return until


async def resume(sessions: Sessions, now: dt.datetime, user_id: int) -> str:
    """Reminders start again and a check-in held by the pause comes now; returns what to say."""
    async with sessions.begin() as session:
        stored = await UserRepository(session).get(user_id, for_update=True)
        assert stored is not None
        was_paused = stored.state == UserState.PAUSED
        if was_paused:
            stored.state, stored.paused_until = UserState.ACTIVE, None
            await _release_held(session, stored, now)
        cat = catalogue(stored)
        key = "control.resumed" if was_paused else "control.not_paused"
        text = cat.text(key) + "\n" + await next_reminder(session, stored, now, cat)
    log.info("user %s resumed (was paused: %s)", person(user_id), was_paused)
    return text


async def _release_held(session: AsyncSession, user: User, now: dt.datetime) -> None:
    """Check-ins the dispatcher held for the pause (their occurrence already passed)."""
    plans = PlanRepository(session)
    held = [
        row.id
        for row in await plans.placed_checkins(user.id, now)
        if row.occurrence and occurrence_for_key(row.occurrence, row.tz).due_at <= now
    ]
    await plans.due_now(held, now)


async def stop(sessions: Sessions, user_id: int) -> None:
    """Reminder consent withdrawn (spec §5.2): every reminder stops."""
    async with sessions.begin() as session:
        stored = await UserRepository(session).get(user_id, for_update=True)
        assert stored is not None
        stored.consent_reminders_at = None
        stored.state, stored.paused_until = UserState.ACTIVE, None
        stopped = await ReminderRepository(session).deactivate(user_id)
    log.info("user %s withdrew reminder consent; %s reminders stopped", person(user_id), stopped)


async def checkin_due(
    sessions: Sessions, user: User
) -> tuple[tuple[int, Reminder] | None, CheckIn | None]:
    """The open episode's check-in series, and its check-in already asked and not answered."""
    async with sessions.begin() as session:
        found = await _checkin_series(session, user)
        asked = await CheckInRepository(session).latest_open(found[0]) if found else None
    return found, asked


async def _checkin_series(session: AsyncSession, user: User) -> tuple[int, Reminder] | None:
    """The person's open episode with a running follow-up, and its check-in reminder."""
    episode = await EpisodeRepository(session).latest(user.id)
    if episode is None or episode.closed_at is not None or not episode.followup:
        return None
    if episode.followup.closed:
        return None
    rows = await ReminderRepository(session).for_user(user.id)
    series = [r for r in rows if r.kind == CHECKIN and r.active and r.episode_id == episode.id]
    return (episode.id, series[-1]) if series else None


@dataclass(frozen=True)
class AskedNow:
    """A check-in asked for now: its delivery, when it was asked, and its first screen (None
    when no check-in is due after all)."""

    delivery_id: int
    at: dt.datetime
    prepared: PreparedCheckin | None


async def checkin_now(
    sessions: Sessions, clock: Clock, user: User, episode_id: int, reminder: Reminder
) -> AskedNow:
    """Records an on-demand delivery of the check-in series and opens its check-in; the
    answers then move the series on exactly as a scheduled check-in's would."""
    now = clock.now()
    delivery_id = await ask_now(sessions, now, reminder.id)
    local_due = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
    outgoing = Outgoing(
        delivery_id=delivery_id,
        reminder_id=reminder.id,
        user_id=user.id,
        chat_id=user.chat_id,
        episode_id=episode_id,
        kind=CHECKIN,
        slot=None,
        local_due=local_due,
        late=False,
        sequence=0,
    )
    return AskedNow(delivery_id, now, await prepare_checkin(sessions, clock, outgoing))


async def ask_now(sessions: Sessions, now: dt.datetime, reminder_id: int) -> int:
    """Records an on-demand delivery of the check-in series; returns its id."""
    async with sessions.begin() as session:
        delivery = await CheckInRepository(session).asked_now(reminder_id, now)
        return delivery.id


async def asked(
    sessions: Sessions, now: dt.datetime, user_id: int, delivery_id: int, message_id: int
) -> None:
    """The message the check-in asked for now went out as."""
    async with sessions.begin() as session:
        await CheckInRepository(session).mark_sent(delivery_id, now, message_id)
    log.info("user %s asked for a check-in (delivery %s)", person(user_id), delivery_id)
