"""Update ids the webhook has processed, so a retried delivery is not handled twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate

KEEP = dt.timedelta(days=1)


class ProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(self, update_id: int) -> bool:
        query = select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        return (await self.session.execute(query)).first() is not None

    async def remember(self, update_id: int, now: dt.datetime) -> None:
        """Records `update_id` (a retry of the same id afterwards is a no-op)."""
        if not await self.seen(update_id):
            self.session.add(ProcessedUpdate(update_id=update_id, processed_at=now))
            await self.session.flush()

    async def prune(self, now: dt.datetime) -> int:
        """Forgets ids older than a day (Telegram stops retrying long before that)."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - KEEP)
        )
        return int(getattr(result, "rowcount", 0) or 0)
