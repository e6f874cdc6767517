"""Telegram's sending limits (DESIGN.md decision 7): about 30 messages a second per bot and one
a second per chat.

PTB's `AIORateLimiter` enforces the overall rate and per-group rates, but not a per-private-chat
rate, so this adds an `aiolimiter.AsyncLimiter` per private chat in front of it. RetryAfter is
not retried here (max_retries=0): the dispatcher puts that delivery back at `retry_after`
instead of stalling every other send.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

MAX_TRACKED_CHATS = 10_000
BURST_SECONDS = 3
"""The per-chat rate is an average over this window, so a reply of two or three messages to
one tap is not held back, while a stream is."""


class ChatRateLimiter(AIORateLimiter):
    """The overall limit plus `per_chat` messages a second to each private chat."""

    def __init__(self, overall: float = 30.0, per_chat: float = 1.0) -> None:
        super().__init__(overall_max_rate=overall, overall_time_period=1, max_retries=0)
        self._per_chat = per_chat
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(
            self._per_chat * BURST_SECONDS, BURST_SECONDS
        )
        self._chats[chat_id] = limiter
        if len(self._chats) > MAX_TRACKED_CHATS:
            self._chats.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id: object = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if isinstance(chat_id, int) and chat_id > 0 and endpoint.startswith("send"):
            async with self._limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
