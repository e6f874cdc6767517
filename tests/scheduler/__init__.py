"""Shared pieces of the scheduler tests: a scripted fake notifier and a seeded person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.ports import Outgoing, SendResult, Sent
from storage.models import User

Script = Callable[[Outgoing], SendResult]


class FakeNotifier:
    """Records every outgoing message; answers with `script` (default: sent)."""

    def __init__(self, script: Script | None = None) -> None:
        self.sent: list[Outgoing] = []
        self.script = script
        self._next_id = 1000

    async def send(self, outgoing: Outgoing) -> SendResult:
        self.sent.append(outgoing)
        if self.script is not None:
            return self.script(outgoing)
        self._next_id += 1
        return Sent(message_id=self._next_id)

    def kinds(self) -> list[str]:
        return [o.kind for o in self.sent]


async def add_person(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    now: dt.datetime,
    *,
    tz: str = "Europe/Berlin",
    state: str = "active",
    paused_until: dt.datetime | None = None,
) -> None:
    async with sessions.begin() as session:
        session.add(
            User(
                id=user_id,
                chat_id=user_id + 500_000,
                onboarding_step="done",
                tz=tz,
                state=state,
                paused_until=paused_until,
                created_at=now,
                last_seen_at=now,
            )
        )
