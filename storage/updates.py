"""Claims on update ids, so an update retried to several replicas is processed once.

A replica claims an update id before processing it: it inserts the row, or takes over a claim
whose lease has run out (its owner crashed), and learns which of the two it won, since a
takeover may find part of the work done (bot/takeovers.py). The winner renews its lease while
processing (so a slow update is not taken over), marks the row processed when done, or
releases it after a transient failure so that Telegram's retry can claim it again. Rows are
pruned a day after processing by a periodic job (Telegram stops retrying long before that),
through the index on `processed_at`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate

KEEP = dt.timedelta(days=1)


class Claim(StrEnum):
    TAKEN = "taken"
    """This replica now owns the update and must process it."""
    TAKEN_OVER = "taken over"
    """As TAKEN, but another replica claimed it first and stopped renewing (it crashed): it
    may have done part of the work, even all of it but the answer to Telegram."""
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
        """Claims `update_id` for `owner` until `now + lease`, atomically across replicas.

        Two statements, each atomic: a fresh claim inserts the row; failing that, a claim
        whose lease ran out is taken over by an update that re-checks the expiry under the
        row's lock, so of two retries racing for it one wins and the other finds it busy."""
        until = now + lease
        if await self._insert(update_id, owner, until):
            return Claim.TAKEN
        taken_over = await self.session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.update_id == update_id,
                ProcessedUpdate.processed_at.is_(None),
                ProcessedUpdate.claimed_until < now,
            )
            .values(owner=owner, claimed_until=until)
            .returning(ProcessedUpdate.update_id)
        )
        if taken_over.first() is not None:
            return Claim.TAKEN_OVER
        processed = await self.session.scalar(
            select(ProcessedUpdate.processed_at).where(ProcessedUpdate.update_id == update_id)
        )
        return Claim.DONE if processed is not None else Claim.BUSY

    async def _insert(self, update_id: int, owner: str, until: dt.datetime) -> bool:
        """Inserts a fresh claim; False when the update id already has a row."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(ProcessedUpdate)
            .values(update_id=update_id, owner=owner, claimed_until=until, processed_at=None)
            .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
            .returning(ProcessedUpdate.update_id)
        )
        return (await self.session.execute(statement)).first() is not None

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
