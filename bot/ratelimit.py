"""Telegram's sending limits (DESIGN.md decision 7), applied to every Bot API request.

Each request that names a chat takes one place in the bot-wide `Budget`, in its lane: what the
bot sends of its own accord (reminders, check-ins) passes `rate_limit_args=Lane.BROADCAST`;
everything else answers a person's own action and goes in the REPLY lane, first. Requests
without a chat (answering a callback query) are not messages and pass at once.

Only broadcasts are also held to `per_chat` messages a second to each private chat (averaged
over a few seconds): a reply to a person's own tap goes at once. A flood of taps is absorbed
before it reaches a handler (`bot.fairness`). RetryAfter is not retried here: the dispatcher
puts that delivery back at `retry_after` instead of stalling every other send.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

from bot.budget import Budget, Lane

MAX_TRACKED_CHATS = 10_000
BURST_SECONDS = 3
"""The per-chat rate is an average over this window, so a check-in of two messages is not held
back, while a stream is."""

Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class ChatRateLimiter(BaseRateLimiter[Lane]):
    """The bot-wide budget in two lanes, plus `per_chat` broadcasts a second to each chat."""

    def __init__(self, budget: Budget, per_chat: float = 1.0) -> None:
        self._budget = budget
        self._per_chat = per_chat
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    async def initialize(self) -> None:
        """Nothing to set up: the budget lives as long as the limiter."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = _chat(data)
        if chat_id is None:
            return await callback(*args, **kwargs)
        lane = Lane.BROADCAST if rate_limit_args == Lane.BROADCAST else Lane.REPLY
        if lane is Lane.BROADCAST and isinstance(chat_id, int) and chat_id > 0:
            await self._limiter(chat_id).acquire()
        async with self._budget.sending(lane):  # the place is held until the request ends
            return await callback(*args, **kwargs)

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(
            self._per_chat * BURST_SECONDS, BURST_SECONDS
        )
        self._chats[chat_id] = limiter
        if len(self._chats) > MAX_TRACKED_CHATS:
            self._chats.popitem(last=False)
        return limiter


def _chat(data: dict[str, Any]) -> int | str | None:
    """The request's chat: an id, a channel's @name, or None for requests without one."""
    chat_id: object = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)  # type: ignore[call-overload,no-any-return]
    return str(chat_id)
