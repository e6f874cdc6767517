"""Health worry at the edge (spec §5.5, §5.6 rev 2): reads the person's level and recent
answers, asks the core (`triage.worry`) what to say, and words it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.replies import say
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Episode, TriageSession, User
from storage.statuses import TriageStatus
from triage.levels import Level
from triage.worry import disease_answer, is_repeat_check, repeat_check_answer

CHANGES = {"worse", "spread"}
"""Check-in statuses that are a change (F-E3); a new sign or a positive safety screen is too."""


async def current_level(session: AsyncSession, user_id: int) -> Level | None:
    """The level of the person's open episode; None when nothing is open or assessed."""
    episode = await EpisodeRepository(session).latest(user_id)
    if episode is None or episode.closed_at is not None or episode.level is None:
        return None
    return Level(episode.level)


def disease_text(cat: Catalogue, user: User | None, level: Level | None) -> str:
    """The §5.5 answer for a person at `level`: never routine below the advice given."""
    return "\n\n".join(say(cat, key, user) for key in disease_answer(level))


async def repeat_check_text(
    session: AsyncSession, cat: Catalogue, user: User, now: dt.datetime
) -> str | None:
    """The §5.6 answer when a new triage would be repeated checking; None otherwise."""
    level = await current_level(session, user.id)
    last = await _last_assessed(session, user.id)
    if level is None or last is None:
        return None
    changed = await _changed_since(session, user.id, last)
    if not is_repeat_check(last, now, changed):
        return None
    return "\n\n".join(say(cat, key, user) for key in repeat_check_answer(level))


async def _last_assessed(session: AsyncSession, user_id: int) -> dt.datetime | None:
    query = (
        select(TriageSession.updated_at)
        .where(TriageSession.user_id == user_id, TriageSession.status == TriageStatus.FINISHED)
        .order_by(TriageSession.updated_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _changed_since(session: AsyncSession, user_id: int, since: dt.datetime) -> bool:
    query = (
        select(CheckIn.answers)
        .join(Episode, Episode.id == CheckIn.episode_id)
        .where(Episode.user_id == user_id, CheckIn.created_at >= since)
    )
    for answers in (await session.scalars(query)).all():
        if answers.get("safety") or answers.get("new_signs") or answers.get("status") in CHANGES:
            return True
    return False
