"""Episodes and triage sessions. Never commits: the caller owns the transaction.

The JSON columns hold the core's types (storage.columns): an episode's follow-up is a
`FollowUpState`, its assessed answers and a session's progress are `TriageState`s.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Episode, TriageSession, User
from storage.statuses import EpisodeStatus, TriageStatus
from triage.flow import TriageState
from triage.levels import Level
from triage.rerun import EpisodeRecord

# Built once: a tap on a question runs it, and building and keying it again each time showed
# in the profile of the busiest case (docs/benchmarks.md).
_SESSION_AND_USER = (
    select(TriageSession, User)
    .outerjoin(User, User.id == bindparam("user_id"))
    .where(TriageSession.id == bindparam("session_id"))
    .with_for_update(of=TriageSession)
)

_TRIAGE = cast(Table, TriageSession.__table__)
# Written as a plain statement: the unit of work's flush of the one changed row was a tenth
# of the CPU a tap took (docs/benchmarks.md).
_SAVE_PROGRESS = update(_TRIAGE).where(_TRIAGE.c.id == bindparam("triage_id"))
_PROGRESS = ("step", "answers", "selection", "message_id", "version", "status", "updated_at")
_TICKS = ("selection", "version", "updated_at")


class EpisodeRepository:
    """Twitch episodes of one person, and the triage sessions that assess them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, user_id: int, now: dt.datetime) -> Episode:
        episode = Episode(
            user_id=user_id, opened_at=now, status=EpisodeStatus.TRIAGE, reasons=[], answers=None
        )
        self.session.add(episode)
        await self.session.flush()
        return episode

    async def get(self, episode_id: int) -> Episode | None:
        return await self.session.get(Episode, episode_id)

    async def latest(self, user_id: int) -> Episode | None:
        query = (
            select(Episode)
            .where(Episode.user_id == user_id, Episode.level.is_not(None))
            .order_by(Episode.opened_at.desc(), Episode.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def opened_since(self, user_id: int, since: dt.datetime) -> int:
        """Episodes assessed since `since` (R-R7 counts episodes in 90 days)."""
        query = select(func.count(Episode.id)).where(
            Episode.user_id == user_id, Episode.opened_at >= since, Episode.level.is_not(None)
        )
        return int((await self.session.execute(query)).scalar_one())

    async def close_open(self, user_id: int, now: dt.datetime, *, keep: int | None = None) -> None:
        """Closes the person's open episodes (kept in history), except `keep`."""
        query = select(Episode).where(Episode.user_id == user_id, Episode.closed_at.is_(None))
        for episode in (await self.session.execute(query)).scalars():
            if episode.id != keep:
                episode.closed_at = now
                episode.status = EpisodeStatus.CLOSED

    async def active_session(self, user_id: int) -> TriageSession | None:
        query = (
            select(TriageSession)
            .where(TriageSession.user_id == user_id, TriageSession.status == TriageStatus.ACTIVE)
            .order_by(TriageSession.id.desc())
            .limit(1)
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def start_session(
        self, user_id: int, episode_id: int, step: str, answers: TriageState, now: dt.datetime
    ) -> TriageSession:
        triage = TriageSession(
            user_id=user_id,
            episode_id=episode_id,
            step=step,
            answers=answers,
            selection=[],
            version=0,
            status=TriageStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )
        self.session.add(triage)
        await self.session.flush()
        return triage

    async def session_by_id(self, session_id: int) -> TriageSession | None:
        query = select(TriageSession).where(TriageSession.id == session_id).with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def session_and_user(
        self, session_id: int, user_id: int
    ) -> tuple[TriageSession | None, User | None]:
        """A session (locked, as `session_by_id`) and a person, in one statement: what every
        tap on a question reads. Either may be missing; the person is read alone only when the
        session is (a forged or deleted session's number)."""
        params = {"session_id": session_id, "user_id": user_id}
        row = (await self.session.execute(_SESSION_AND_USER, params)).one_or_none()
        if row is not None:
            return row[0], row[1]
        return None, await self.session.get(User, user_id)

    async def save_progress(self, triage: TriageSession, *, ticks_only: bool = False) -> None:
        """Writes a tap's change to a session read by `session_and_user`, as one `UPDATE`,
        and takes the row out of the unit of work, which would otherwise write it again:
        the object keeps its new values for what is said next. `ticks_only`: a tick changed
        only the selection (and the version and time that every change moves on)."""
        columns = _TICKS if ticks_only else _PROGRESS
        values = {name: getattr(triage, name) for name in columns}
        self.session.expunge(triage)  # first: the statement would flush it (autoflush)
        await self.session.execute(_SAVE_PROGRESS, {"triage_id": triage.id, **values})


def record_of(episode: Episode) -> EpisodeRecord:
    """What the episode holds of its assessments, as the core folds and shows them."""
    level = Level(episode.level) if episode.level else None
    return EpisodeRecord(level, tuple(episode.reasons), episode.onset_date)
