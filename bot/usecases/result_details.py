"""The details behind a result's buttons, worded again from what is stored: the finished
questionnaire's answers, the episode's level (which never drops) and the reminders running
now. Nothing is kept for a button, so a restart loses nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue import Catalogue
from bot.plans import describe_plan
from bot.replies import catalogue
from bot.results import tips_message, why_message
from bot.screens.result import PLAN, TIPS, WHY
from storage.episodes import EpisodeRepository, record_of
from storage.models import Episode, Reminder, TriageSession, User
from storage.statuses import TriageStatus
from storage.users import UserRepository
from triage.flow import Finished, current_step
from triage.rerun import as_shown
from triage.schedule import CHECKIN, PlannedNudge


async def read_detail(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    language: str | None,
    session_id: int,
    detail: str,
) -> tuple[Catalogue, str | None]:
    """The person's catalogue and the detail's words; None when the result is gone (another
    person's, replaced by a newer triage, or its episode closed)."""
    async with sessions() as session:
        user = await UserRepository(session).get(user_id)
        triage = await EpisodeRepository(session).session_by_id(session_id)
        cat = catalogue(user, language)
        text = await _detail(session, cat, user, triage, detail) if user else None
    return cat, text


async def _detail(
    session: AsyncSession,
    cat: Catalogue,
    user: User,
    triage: TriageSession | None,
    detail: str,
) -> str | None:
    if triage is None or triage.user_id != user.id or triage.status != TriageStatus.FINISHED:
        return None
    episode = await session.get(Episode, triage.episode_id)
    if episode is None or episode.closed_at is not None:
        return None
    state = triage.answers
    finished = current_step(state, _local(user, triage.updated_at).date())
    if not isinstance(finished, Finished):
        return None
    outcome = as_shown(finished, record_of(episode)).outcome
    if detail == WHY:
        return why_message(cat, user, outcome, answers=state.answers, now=triage.updated_at)
    if detail == TIPS:
        return tips_message(cat, user, outcome, state.answers)
    if detail == PLAN:
        ticked = frozenset().union(*state.answers.values())
        planned, checkin = await _running_plan(session, episode)
        return describe_plan(cat, planned, checkin, ticked, user.country) or cat.text(
            "triage_ui.next_one_off"
        )
    return None


async def _running_plan(
    session: AsyncSession, episode: Episode
) -> tuple[tuple[PlannedNudge, ...], dt.datetime | None]:
    """The episode's nudges and next check-in as they stand now, from its reminder rows."""
    query = select(Reminder).where(
        Reminder.episode_id == episode.id,
        Reminder.active.is_(True),
        Reminder.origin_id.is_(None),
    )
    rows = (await session.execute(query.order_by(Reminder.id))).scalars().all()
    planned, checkins = [], []
    for row in rows:
        schedule, slot = row.schedule
        if row.kind == CHECKIN and schedule.dates:
            checkins.append(dt.datetime.combine(schedule.dates[0], schedule.times[0]))
        elif row.kind.startswith("N_"):
            planned.append(PlannedNudge(row.kind, schedule, slot))
    return tuple(planned), min(checkins, default=None)


def _local(user: User, when: dt.datetime) -> dt.datetime:
    return when.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
