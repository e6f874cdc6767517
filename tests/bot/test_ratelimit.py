"""Every Bot API request passes the budget in its lane; only broadcasts are held per chat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.budget import Lane
from bot.ratelimit import ChatRateLimiter


class CountingBudget:
    """A `Budget` that grants at once and counts the places taken in each lane."""

    def __init__(self) -> None:
        self.taken: list[Lane] = []

    @asynccontextmanager
    async def sending(self, lane: Lane) -> AsyncIterator[None]:
        self.taken.append(lane)
        yield


async def sent(*_: Any, **__: Any) -> bool:
    return True


async def request(limiter: ChatRateLimiter, endpoint: str, data: dict[str, Any], lane=None):  # type: ignore[no-untyped-def]
    return await limiter.process_request(sent, (), {}, endpoint, data, lane)


async def test_a_callback_answer_is_not_a_message_and_takes_no_place() -> None:
    budget = CountingBudget()
    await request(ChatRateLimiter(budget), "answerCallbackQuery", {"callback_query_id": "7"})
    assert budget.taken == []


async def test_a_reminder_goes_in_the_broadcast_lane_and_everything_else_in_the_reply_lane() -> (
    None
):
    budget = CountingBudget()
    limiter = ChatRateLimiter(budget, per_chat=50)
    await request(limiter, "sendMessage", {"chat_id": 5, "text": "hi"}, Lane.BROADCAST)
    await request(limiter, "editMessageText", {"chat_id": 5, "message_id": 1})
    await request(limiter, "sendMessage", {"chat_id": "5", "text": "next question"})
    assert budget.taken == [Lane.BROADCAST, Lane.REPLY, Lane.REPLY]


async def test_replies_to_one_person_are_not_held_to_the_per_chat_rate() -> None:
    limiter = ChatRateLimiter(CountingBudget(), per_chat=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(12):
        await request(limiter, "sendMessage", {"chat_id": 5})
    assert loop.time() - started < 0.5


async def test_broadcasts_to_one_person_are_held_to_the_per_chat_rate() -> None:
    limiter = ChatRateLimiter(CountingBudget(), per_chat=20)  # 60 at once, then 20 a second
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(
        *(request(limiter, "sendMessage", {"chat_id": 5}, Lane.BROADCAST) for _ in range(70))
    )
    assert loop.time() - started > 0.3
