"""A typed emergency the person confirmed ("This is happening now", spec §2.1 item 6): the
episode becomes L4 as F-E1 says (§4.3): nudges pause and one check-in comes about 12 hours
later, in daytime.

The episode is the one being assessed, else the latest still open, else a new one. One
transaction, the caller's; nothing here speaks to Telegram.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.plans import pause_nudges
from storage.episodes import EpisodeRepository
from storage.models import Episode, User
from storage.reminders import ReminderRepository
from storage.statuses import EpisodeStatus
from triage.followup import FollowUpState, on_retriage, start_followup
from triage.levels import Level
from triage.outcome import Outcome, Reason
from triage.quiet import QuietHours
from triage.rerun import EMERGENCY_REASON, EMERGENCY_RULE_ID
from triage.schedule import CHECKIN


@dataclass(frozen=True)
class Recorded:
    episode_id: int
    checkin_at: dt.datetime | None  # local wall time of the check-in, None without reminders


async def confirm_typed_emergency(session: AsyncSession, user: User, now: dt.datetime) -> Recorded:
    """Raises the person's episode to L4 (F-E1) and plans its one check-in."""
    local = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).replace(tzinfo=None)
    outcome = Outcome(
        Level.L4, (Reason(EMERGENCY_RULE_ID, EMERGENCY_REASON, Level.L4),), onset_date=local.date()
    )
    episode = await _episode(session, user, now)
    episode.level = Level.L4.value
    episode.reasons = list(dict.fromkeys([*episode.reasons, EMERGENCY_RULE_ID]))
    episode.onset_date = episode.onset_date or local.date()
    state = _followup(episode)
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    if state is None:
        state = start_followup(outcome, local, quiet)  # the check-in keeps out of their night
    else:
        state = on_retriage(state, outcome, local)
    episode.followup = state
    await pause_nudges(session, user.id)
    checkin_at = None
    if user.consent_reminders_at is not None and user.tz is not None and state.next_checkin:
        checkin_at = state.next_checkin
        await _plan_checkin(ReminderRepository(session), user, episode.id, checkin_at, now)
    return Recorded(episode.id, checkin_at)


async def _episode(session: AsyncSession, user: User, now: dt.datetime) -> Episode:
    episodes = EpisodeRepository(session)
    assessing = await episodes.active_session(user.id)
    if assessing is not None:
        found = await episodes.get(assessing.episode_id)
        if found is not None:
            return found
    latest = await episodes.latest(user.id)
    if latest is not None and latest.closed_at is None and _followup(latest) is not None:
        return latest
    fresh = await episodes.open(user.id, now)
    fresh.status = EpisodeStatus.OPEN
    return fresh


def _followup(episode: Episode) -> FollowUpState | None:
    state = episode.followup
    return None if state is None or state.closed else state


async def _plan_checkin(
    reminders: ReminderRepository, user: User, episode_id: int, at: dt.datetime, now: dt.datetime
) -> None:
    assert user.tz is not None
    planned = [
        r
        for r in await reminders.for_user(user.id)
        if r.kind == CHECKIN and r.active and r.episode_id == episode_id
    ]
    if planned:
        await reminders.reschedule_checkin(planned[0].id, at, now)
    else:
        await reminders.add_checkin(user.id, episode_id, user.tz, at, now)
