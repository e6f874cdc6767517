"""Long polling that outlives Telegram's bad moments.

python-telegram-bot's own polling loop gives up for good on the first 401 while the process
stays alive, and logs a whole batch of updates when one of them does not parse. This loop:

- backs off (1 s, doubling, at most 30 s) on 5xx, network errors and 409, with one log line
  per failure naming the error and the wait;
- treats a 401 as possibly passing (Telegram has answered 401 for a moment before) and only
  after `revoked_after` refusals in a row, with no success between, decides the token is
  revoked: it stops the bot, and the command exits with status 2;
- reads raw updates and parses each one strictly (`bot.bounds`), so one malformed update is
  skipped and confirmed instead of blocking the queue or reaching a log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.bounds import parse_update
from bot.startup import TokenRevoked

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 10
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
REVOKED_AFTER = 5


class Poller:
    """Feeds `app.update_queue` from getUpdates until stopped or the token is revoked."""

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        on_revoked: Callable[[], None],
        *,
        long_poll: float = LONG_POLL_SECONDS,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        revoked_after: int = REVOKED_AFTER,
    ) -> None:
        self.app, self.on_revoked = app, on_revoked
        self.long_poll, self.revoked_after = long_poll, revoked_after
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.offset: int | None = None
        self.revoked = False

    @asynccontextmanager
    async def polling(self) -> AsyncIterator[None]:
        """Polls while the block runs; raises TokenRevoked at its end if that stopped it."""
        await self.app.bot.delete_webhook(drop_pending_updates=False)
        task = asyncio.create_task(self._loop(), name="polling")
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            if not self.revoked:
                await self._confirm()
        if self.revoked:
            # The caller's own stop is skipped by the exception; the application is stopped
            # here so that leaving its context can shut it down cleanly.
            await self.app.stop()
            raise TokenRevoked(
                "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized) "
                f"{self.revoked_after} times in a row: it was revoked; polling stopped"
            )

    async def _loop(self) -> None:
        backoff, refusals = 0.0, 0
        while True:
            try:
                await self._poll_once()
            except TimedOut:
                continue
            except RetryAfter as exc:
                wait = exc.retry_after
                backoff = (wait if isinstance(wait, int | float) else wait.total_seconds()) + 0.5
                log.warning("getUpdates: flood control; polling again in %.1f s", backoff)
            except InvalidToken:
                refusals += 1
                if refusals >= self.revoked_after:
                    log.error("getUpdates: token refused %s times in a row: revoked", refusals)
                    self.revoked = True
                    self.on_revoked()
                    return
                backoff = self._next(backoff)
                log.warning(
                    "getUpdates: Telegram refused the token (%s of %s before giving up); "
                    "polling again in %.1f s",
                    refusals,
                    self.revoked_after,
                    backoff,
                )
            except Exception as exc:  # a TelegramError, or anything else: polling must go on
                backoff = self._next(backoff)
                log.warning(
                    "getUpdates failed (%s); polling again in %.1f s", type(exc).__name__, backoff
                )
            else:
                backoff, refusals = 0.0, 0
                continue
            await asyncio.sleep(backoff)

    def _next(self, backoff: float) -> float:
        return min(self.max_backoff, backoff * 2 if backoff else self.first_backoff)

    async def _poll_once(self) -> None:
        raw = await self._get_updates(self.long_poll)
        for item in raw:
            update = parse_update(item, self.app.bot)
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                self.offset = max(self.offset or 0, update_id + 1)
            if update is None:
                log.warning("update %s skipped: it is not a well-formed update", update_id)
                continue
            await self.app.update_queue.put(update)

    async def _get_updates(self, long_poll: float) -> list[Any]:
        bot = self.app.bot
        request_timeout = bot._request[0].read_timeout or 0  # the library's own getUpdates pool
        result = await bot._post(
            "getUpdates",
            {"offset": self.offset, "timeout": long_poll},
            read_timeout=request_timeout + long_poll,
        )
        return result if isinstance(result, list) else []

    async def _confirm(self) -> None:
        """Tells Telegram the last updates taken were read, so a restart does not see them."""
        if self.offset is None:
            return
        try:
            await self._get_updates(0)
        except TelegramError as exc:
            log.info("could not confirm the last updates: %s", type(exc).__name__)
