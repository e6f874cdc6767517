"""The bot-wide sending budget (DESIGN.md decision 7 and "Running modes").

Telegram allows a bot about 30 messages a second in all. The budget has two lanes: REPLY,
for what answers a person's own action (the callback answer, the edit, the next question, a
command's reply), goes first; BROADCAST (reminders and check-ins the bot starts) uses what
replies leave. `MemoryBudget` keeps it for one process; `bot/budget_redis.py` keeps the same
`Budget` for every process together.

`MemoryBudget` is a sliding log, not a token bucket that starts full. A send holds its place
from the moment it is granted until one window after it has completed (`sending`): Telegram
counts a request when it arrives, some instant between the two, so counting it from the grant
alone would let a slow request and the next second's first ones land in the same second. So no
one-second window at Telegram, the first included, holds more than `per_second`. Broadcasts
additionally:

- never take the last `reply_reserve` places of a window, nor as many more as replies were
  granted in the last few windows (`REPLY_MEMORY`, at most half the budget): while people are
  active the places their next replies need stay free, so a reply rarely waits for a
  broadcast's place to expire;
- wait while any reply waits;
- are paced evenly (at most a small burst at once), so that when a reply does have to wait,
  the next place frees within a fraction of a second rather than at the end of a burst.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from enum import StrEnum
from typing import Protocol

BROADCAST_BURST = 2
"""Broadcasts granted back to back at most; a late timer catches up by this much."""
REPLY_MEMORY = 5
"""Replies granted within this many windows count as people active now: broadcasts leave that
many places (at most half the budget), so a person who reads for a few seconds between taps
still finds room for the next answer."""


class Lane(StrEnum):
    REPLY = "reply"
    BROADCAST = "broadcast"


class Budget(Protocol):
    """Permission to send one message, shared by everything one bot sends."""

    def sending(self, lane: Lane) -> AbstractAsyncContextManager[None]:
        """Waits until one message may be sent in `lane`; the block sends it, and its place
        is counted until a window after the block ends."""
        ...


class MemoryBudget:
    """`per_second` sends in any sliding window of `window` seconds, replies first."""

    def __init__(self, per_second: int, reply_reserve: int, *, window: float = 1.0) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        if not 0 <= reply_reserve < per_second:
            raise ValueError("reply_reserve must be at least 0 and below per_second")
        self._limit = {Lane.REPLY: per_second, Lane.BROADCAST: per_second - reply_reserve}
        self._window = window
        self._spacing = window / self._limit[Lane.BROADCAST]
        self._granted: deque[float] = deque()  # when each send of the last window completed
        self._in_flight = 0  # sends granted and not yet completed
        self._replies: deque[float] = deque()  # when each recent reply was granted
        self._recent = REPLY_MEMORY * window
        self._headroom_cap = self._limit[Lane.BROADCAST] // 2
        self._waiting: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in Lane}
        self._paced_until: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    @asynccontextmanager
    async def sending(self, lane: Lane) -> AsyncIterator[None]:
        await self._acquire(lane)
        try:
            yield
        finally:
            self._complete()

    async def acquire(self, lane: Lane) -> None:
        """A place for a send that completes at once (the place is held for a window)."""
        async with self.sending(lane):
            pass

    def _complete(self) -> None:
        """A granted send has completed: its place is held for one more window."""
        loop = asyncio.get_running_loop()
        self._in_flight -= 1
        self._granted.append(loop.time())
        self._rearm(loop)

    async def _acquire(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        if not self._queued_ahead(lane) and self._take(lane, loop.time()):
            return
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiting[lane].append(waiter)
        self._rearm(loop)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.cancelled() and waiter in self._waiting[lane]:
                self._waiting[lane].remove(waiter)
                self._rearm(loop)
            elif waiter.done() and not waiter.cancelled():
                self._complete()  # granted as it was given up: the place is not kept forever
            raise

    def _queued_ahead(self, lane: Lane) -> bool:
        """Whether someone already waiting goes before a new request in `lane`."""
        if lane is Lane.REPLY:
            return bool(self._waiting[Lane.REPLY])
        return any(self._waiting.values())

    def _take(self, lane: Lane, now: float) -> bool:
        """Grants one send in `lane` at `now` if the window and the pace allow it."""
        self._expire(now)
        if len(self._granted) + self._in_flight >= self._cap(lane):
            return False
        if lane is Lane.BROADCAST:
            if self._waiting[Lane.REPLY] or self._paced_from() > now:
                return False
            self._paced_until = max(self._paced_until or now, now) + self._spacing
        elif lane is Lane.REPLY:
            self._replies.append(now)
        self._in_flight += 1
        return True

    def _cap(self, lane: Lane, replies: int | None = None) -> int:
        """How many places of the window `lane` may fill: broadcasts leave the reserve and as
        many as recent replies (at most half the budget)."""
        if lane is Lane.REPLY:
            return self._limit[Lane.REPLY]
        recent = len(self._replies) if replies is None else replies
        return self._limit[Lane.BROADCAST] - min(recent, self._headroom_cap)

    def _expire(self, now: float) -> None:
        for log, span in ((self._granted, self._window), (self._replies, self._recent)):
            while log and log[0] <= now - span:
                log.popleft()

    def _paced_from(self) -> float:
        """The first instant the pace allows another broadcast."""
        if self._paced_until is None:
            return float("-inf")
        return self._paced_until - self._spacing * (BROADCAST_BURST - 1)

    def _grant(self) -> None:
        """Hands free places to waiters, replies first, and re-arms for the rest."""
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        for lane in Lane:
            queue = self._waiting[lane]
            while queue:
                if queue[0].done():  # its task was cancelled while waiting
                    queue.popleft()
                elif self._take(lane, now):
                    queue.popleft().set_result(None)
                else:
                    break
        self._rearm(loop)

    def _rearm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Arms one timer for the moment the first waiter could be granted."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        when = self._next_grant(loop.time())
        if when is not None:
            self._timer = loop.call_at(when, self._grant)

    def _next_grant(self, now: float) -> float | None:
        if self._waiting[Lane.REPLY]:
            lane = Lane.REPLY
        elif self._waiting[Lane.BROADCAST]:
            lane = Lane.BROADCAST
        else:
            return None
        self._expire(now)
        when = self._room_at(lane, now)
        if when is None or lane is Lane.REPLY:
            return when
        return max(when, self._paced_from())

    def _room_at(self, lane: Lane, now: float) -> float | None:
        """When the window will first have room for `lane`, as its entries expire; None when
        sends in flight alone fill it (the next completion re-arms)."""
        occupied, replies = len(self._granted) + self._in_flight, len(self._replies)
        if occupied < self._cap(lane):
            return now
        forgetting = self._replies if lane is Lane.BROADCAST else ()
        expiries = sorted(
            [(at + self._window, 1, 0) for at in self._granted]
            + [(at + self._recent, 0, 1) for at in forgetting]
        )
        for when, freed, forgotten in expiries:
            occupied, replies = occupied - freed, replies - forgotten
            if occupied < self._cap(lane, replies):
                return when
        return None
