"""Waking the reminder dispatcher only when a commit gave it something to do sooner.

Storage notes in the session when a transaction hands the dispatcher a reminder to place
(`storage.reminders.note_due`). After each commit of this factory's sessions the earliest
such instant is kept here; `Wakeup()` (what handlers call as `deps.wake()` after their
commit) passes it to the driver, which ticks at once only if it is before the tick already
armed. A commit that wrote no reminder (a checkbox tick, a next question) wakes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from storage.reminders import DUE_KEY


class Wakeup:
    """`deps.wake`: hands the driver the earliest due instant committed since the last call."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], wake: Callable[[dt.datetime], None]
    ) -> None:
        self._wake = wake
        self._due: dt.datetime | None = None
        session_class = sessions.kw.get("sync_session_class", Session)
        event.listen(session_class, "after_commit", self._committed)
        event.listen(session_class, "after_rollback", self._rolled_back)

    def __call__(self) -> None:
        due, self._due = self._due, None
        if due is not None:
            self._wake(due)

    def _committed(self, session: Session) -> None:
        due = session.info.pop(DUE_KEY, None)
        if due is not None:
            self._due = due if self._due is None else min(self._due, due)

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(DUE_KEY, None)
