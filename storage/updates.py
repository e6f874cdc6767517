"""Claims on update ids, so an update retried to several replicas is processed once.

A replica claims an update id before processing it: one atomic statement inserts the row, or
takes over a claim whose lease has run out (its owner crashed), and says whether it won. The
winner renews its lease while processing (so a slow update is not taken over), marks the
row processed when done, or releases it after a transient failure so that
Telegram's retry can claim it again. Rows are pruned a day after processing by a periodic job
(Telegram stops retrying long before that), through the index on `processed_at`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate

KEEP = dt.timedelta(days=1)


class Claim(StrEnum):
    TAKEN = "taken"
    """This replica now owns the update and must process it."""
    BUSY = "busy"
    """Another replica holds a live claim: ask Telegram to retry later."""
    DONE = "done"
    """Already processed: nothing to do."""


class ProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, update_id: int, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> Claim:
        """Claims `update_id` for `owner` until `now + lease`, atomically across replicas."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        until = now + lease
        statement = (
            insert(ProcessedUpdate)
            .values(update_id=update_id, owner=owner, claimed_until=until, processed_at=None)
            .on_conflict_do_update(
                index_elements=[ProcessedUpdate.update_id],
                set_={"owner": owner, "claimed_until": until},
                where=and_(
                    ProcessedUpdate.processed_at.is_(None), ProcessedUpdate.claimed_until < now
                ),
            )
            .returning(ProcessedUpdate.update_id)
        )
        if (await self.session.execute(statement)).first() is not None:
            return Claim.TAKEN
        processed = await self.session.scalar(
            select(ProcessedUpdate.processed_at).where(ProcessedUpdate.update_id == update_id)
        )
        return Claim.DONE if processed is not None else Claim.BUSY

    async def renew(
        self, update_id: int, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Extends `owner`'s unfinished claim to `now + lease`; False when it is not theirs."""
        result = await self.session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.update_id == update_id,
                ProcessedUpdate.owner == owner,
                ProcessedUpdate.processed_at.is_(None),
            )
            .values(claimed_until=now + lease)
        )
        return bool(getattr(result, "rowcount", 0))

    async def finish(self, update_id: int, owner: str, now: dt.datetime) -> None:
        """Marks `update_id` processed (by `owner`, who claimed it)."""
        await self.session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == update_id, ProcessedUpdate.owner == owner)
            .values(processed_at=now, claimed_until=None)
        )

    async def release(self, update_id: int, owner: str) -> None:
        """Gives up `owner`'s unfinished claim, so the next retry may take it at once."""
        await self.session.execute(
            delete(ProcessedUpdate).where(
                ProcessedUpdate.update_id == update_id,
                ProcessedUpdate.owner == owner,
                ProcessedUpdate.processed_at.is_(None),
            )
        )

    async def held(self, now: dt.datetime) -> int:
        """How many claims are live now (updates being processed somewhere)."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.processed_at.is_(None), ProcessedUpdate.claimed_until >= now)
        )
        return int(count or 0)

    async def prune(self, now: dt.datetime) -> int:
        """Forgets ids processed, or abandoned, more than a day ago."""
        cutoff = now - KEEP
        done = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
        )
        abandoned = await self.session.execute(
            delete(ProcessedUpdate).where(
                ProcessedUpdate.processed_at.is_(None), ProcessedUpdate.claimed_until < cutoff
            )
        )
        return sum(int(getattr(result, "rowcount", 0) or 0) for result in (done, abandoned))
