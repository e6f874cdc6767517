"""Updates of different chats handled side by side, updates of one chat strictly in order, and
no person able to stall the others (issue 14, "One person stalls everyone").

`ChatUpdateProcessor` keeps a queue per chat and runs at most `workers` handlers at once, each
chat's updates one after another. A chat's updates pass a generous rate gate (`burst` at once,
then `per_second`). Beyond it while the chat already has updates waiting, or when it has
`chat_backlog` waiting, an update is dropped and the person gets one short "slow down"
(`on_flood`), not repeated until they have been calm again for a while. The whole backlog is
bounded too: when `backlog` updates wait, the next one waits for room, so polling stops
fetching and the rest stay queued at Telegram.

A flooding chat (several updates waiting, or told to slow down and not calm since) is served
after the others: each of its updates first waits, at most `YIELD_SECONDS`, until no other
chat's update has been handled for `QUIET_SECONDS`, so what one person's burst admits never
competes with another person's tap.

In webhook mode each update arrives in its own request: `process_in_turn` puts it through the
same queues and gate and returns when it has been handled (or at once when it is dropped), so
the request is answered only after processing and one person's burst still waits in that
person's queue alone.

python-telegram-bot awaits `do_process_update` before it takes the next update only when the
processor reports `max_concurrent_updates == 1`; that is what makes the bound above push back
on polling. The concurrency is this class's own: `workers`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None]], "asyncio.Future[None]"]
OnFlood = Callable[[Update], Awaitable[None]]
MAX_IDLE_CHATS = 10_000
FLOOD_WAITING = 2
BACKED_UP = 3
"""Updates waiting in one chat (the next one included) from which its updates yield to others."""
YIELD_SECONDS = 1.0
"""The longest a flooding chat's update waits for the other chats' updates to finish."""
QUIET_SECONDS = 0.05
"""How long no other chat's update may have started before a flooding chat's update runs."""


@dataclass
class _Chat:
    """One chat's waiting updates and its rate gate (a token bucket)."""

    tokens: float
    refilled_at: float
    waiting: deque[Awaitable[Any]] = field(default_factory=deque)
    running: bool = False
    warned: bool = False


class ChatUpdateProcessor(BaseUpdateProcessor):
    """Per-chat order, `workers` chats at once, floods dropped with one kind word."""

    def __init__(
        self,
        *,
        workers: int = 16,
        backlog: int = 1000,
        chat_backlog: int = 20,
        burst: int = 40,
        per_second: float = 3.0,
        on_flood: OnFlood | None = None,
        spawn: Spawn | None = None,
        yield_seconds: float = YIELD_SECONDS,
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        super().__init__(max_concurrent_updates=1)
        self.workers, self.backlog, self.chat_backlog = workers, backlog, chat_backlog
        self.burst, self.per_second = burst, per_second
        self.on_flood = on_flood
        self.spawn: Spawn = spawn or asyncio.ensure_future
        self._running = asyncio.Semaphore(workers)
        self._room = asyncio.Semaphore(backlog)
        self._chats: OrderedDict[int | None, _Chat] = OrderedDict()
        self.dropped = 0
        self.yield_seconds, self.quiet_seconds = yield_seconds, quiet_seconds
        self._first = self._started = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application awaits the chats' work when it stops."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self._enqueue(update, coroutine)

    async def process_in_turn(self, update: object, coroutine: Awaitable[Any]) -> bool:
        """Webhook mode: handles `update` in its chat's turn and returns once it is handled,
        True; False at once when it is dropped as part of a flood."""
        handled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not await self._enqueue(update, _settling(coroutine, handled)):
            _close(coroutine)
            return False
        await handled
        return True

    async def _enqueue(self, update: object, coroutine: Awaitable[Any]) -> bool:
        """Queues `coroutine` behind its chat's earlier updates, or drops it (False)."""
        chat = self._chat(_chat_key(update))
        if not self._admit(chat):
            self._drop(update, coroutine, chat)
            return False
        await self._room.acquire()
        chat.waiting.append(coroutine)
        if not chat.running:
            chat.running = True
            self.spawn(self._drain(chat))
        return True

    def _admit(self, chat: _Chat) -> bool:
        """Whether the chat's update may wait its turn.

        Beyond the rate gate an update is still taken while at most one of the chat's waits: a
        person (or a script) who waits for each answer before the next tap never floods anyone.
        """
        now = asyncio.get_running_loop().time()
        elapsed = now - chat.refilled_at
        chat.tokens = min(self.burst, chat.tokens + elapsed * self.per_second)
        chat.refilled_at = now
        # One update waiting behind the one running is a quick tick-then-Done, not a flood.
        backed_up = len(chat.waiting) >= FLOOD_WAITING
        if len(chat.waiting) >= self.chat_backlog or (chat.tokens < 1 and backed_up):
            return False
        if chat.tokens >= self.burst:
            chat.warned = False  # calm for a while: a later flood is told again
        chat.tokens = max(chat.tokens - 1, 0.0)
        return True

    def _drop(self, update: object, coroutine: Awaitable[Any], chat: _Chat) -> None:
        _close(coroutine)
        self.dropped += 1
        if chat.warned or self.on_flood is None or not isinstance(update, Update):
            return
        chat.warned = True
        log.info("update %s dropped: its chat sends faster than it can be answered", _id(update))
        self.spawn(self._quietly(self.on_flood(update)))

    async def _drain(self, chat: _Chat) -> None:
        """Runs the chat's updates one after another until none waits."""
        try:
            while chat.waiting:
                flooding = chat.warned or len(chat.waiting) >= BACKED_UP
                coroutine = chat.waiting.popleft()
                try:
                    if flooding:
                        await self._others_done()
                        await self._run(coroutine)
                    else:
                        await self._run_first(coroutine)
                except Exception as error:  # the chat's next updates still run
                    log.error("an update failed outside its handlers (%s)", type(error).__name__)
                finally:
                    self._room.release()
        finally:
            chat.running = False

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        async with self._running:
            await coroutine

    async def _run_first(self, coroutine: Awaitable[Any]) -> None:
        """Runs an update of a chat that is not flooding: flooding chats wait for these."""
        self._first += 1
        self._started += 1
        self._idle.clear()
        try:
            await self._run(coroutine)
        finally:
            self._first -= 1
            if not self._first:
                self._idle.set()

    async def _others_done(self) -> None:
        """Waits (at most `yield_seconds`) until no other chat's update has been handled for
        `quiet_seconds`: updates polled in the same batch are all under way by then."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.yield_seconds):
                while True:
                    await self._idle.wait()
                    started = self._started
                    await asyncio.sleep(self.quiet_seconds)
                    if self._idle.is_set() and self._started == started:
                        return

    async def _quietly(self, answer: Awaitable[None]) -> None:
        try:
            await answer
        except Exception as error:
            log.warning("the slow-down answer failed (%s)", type(error).__name__)

    def _chat(self, key: int | None) -> _Chat:
        chat = self._chats.pop(key, None)
        if chat is None:
            now = asyncio.get_running_loop().time()
            chat = _Chat(tokens=float(self.burst), refilled_at=now)
        self._chats[key] = chat
        if len(self._chats) > MAX_IDLE_CHATS:
            self._forget_idle()
        return chat

    def _forget_idle(self) -> None:
        """Forgets the least recently seen chats that have nothing waiting."""
        for key in list(self._chats)[: len(self._chats) - MAX_IDLE_CHATS]:
            if not self._chats[key].running:
                del self._chats[key]


async def _settling(work: Awaitable[Any], handled: asyncio.Future[None]) -> None:
    """Runs `work` and settles `handled` with its outcome."""
    try:
        await work
    except Exception as error:
        if not handled.done():
            handled.set_exception(error)
        raise
    if not handled.done():
        handled.set_result(None)


def _close(coroutine: Awaitable[Any]) -> None:
    if isinstance(coroutine, Coroutine):
        coroutine.close()


def _chat_key(update: object) -> int | None:
    """Updates of one chat (or, without a chat, of one person) share a queue."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None


def _id(update: Update) -> int:
    return update.update_id
