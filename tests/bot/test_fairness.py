"""Chats side by side, one chat in order, a flood dropped with one word, the backlog bounded."""

from __future__ import annotations

import asyncio
import itertools

from telegram import Update

from bot.fairness import ChatUpdateProcessor

_ids = itertools.count(1)


def text_from(chat_id: int) -> Update:
    update_id = next(_ids)
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "P"},
                "text": "hello",
            },
        },
        None,
    )


class Handling:
    """Records what a handler saw, and can hold one chat's handler until released."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []
        self.running: dict[int, int] = {}
        self.overlapped = False
        self.release = asyncio.Event()
        self.held: set[int] = set()
        self.slowed: list[int] = []

    async def handle(self, update: Update) -> None:
        assert update.effective_chat
        chat = update.effective_chat.id
        self.running[chat] = self.running.get(chat, 0) + 1
        self.overlapped |= self.running[chat] > 1
        if chat in self.held:
            await self.release.wait()
        await asyncio.sleep(0)
        self.seen.append((chat, update.update_id))
        self.running[chat] -= 1

    async def slow_down(self, update: Update) -> None:
        assert update.effective_chat
        self.slowed.append(update.effective_chat.id)


async def feed(processor: ChatUpdateProcessor, handling: Handling, updates: list[Update]) -> None:
    """As python-telegram-bot does: one update after another, each awaited."""
    for update in updates:
        await processor.process_update(update, handling.handle(update))


async def settle() -> None:
    for _ in range(50):
        await asyncio.sleep(0)


async def test_one_chats_updates_are_handled_one_at_a_time_in_order() -> None:
    handling = Handling()
    processor = ChatUpdateProcessor(workers=4, quiet_seconds=0)
    updates = [text_from(chat) for _ in range(5) for chat in (1, 2)]
    await feed(processor, handling, updates)
    await settle()
    for chat in (1, 2):
        mine = [uid for c, uid in handling.seen if c == chat]
        assert mine == sorted(mine) and len(mine) == 5
    assert not handling.overlapped


async def test_a_chat_held_up_does_not_hold_up_another() -> None:
    handling = Handling()
    handling.held.add(1)
    processor = ChatUpdateProcessor(workers=4)
    await feed(processor, handling, [text_from(1), text_from(2), text_from(2)])
    await settle()
    assert [chat for chat, _ in handling.seen] == [2, 2]
    handling.release.set()
    await settle()
    assert [chat for chat, _ in handling.seen] == [2, 2, 1]


async def test_a_flood_is_dropped_beyond_the_chats_backlog_with_one_slow_down() -> None:
    handling = Handling()
    handling.held.add(1)
    processor = ChatUpdateProcessor(workers=4, chat_backlog=5, burst=3, on_flood=handling.slow_down)
    await feed(processor, handling, [text_from(1) for _ in range(100)])
    await feed(processor, handling, [text_from(2)])
    await settle()
    assert handling.slowed == [1]
    assert [chat for chat, _ in handling.seen] == [2]
    handling.release.set()
    await settle()
    assert len([chat for chat, _ in handling.seen if chat == 1]) <= 5
    assert processor.dropped >= 95


async def test_a_person_who_waits_for_each_answer_is_never_dropped() -> None:
    handling = Handling()
    processor = ChatUpdateProcessor(workers=4, burst=2, per_second=0.1)
    for _ in range(30):
        await feed(processor, handling, [text_from(1)])
        await settle()
    assert len(handling.seen) == 30 and processor.dropped == 0


async def test_a_full_backlog_makes_the_next_update_wait_for_room() -> None:
    handling = Handling()
    handling.held.update({1, 2, 3})
    processor = ChatUpdateProcessor(workers=2, backlog=3)
    await feed(processor, handling, [text_from(1), text_from(2), text_from(3)])
    fourth = asyncio.create_task(feed(processor, handling, [text_from(4)]))
    await settle()
    assert not fourth.done()
    handling.release.set()
    await asyncio.wait_for(fourth, 1)
    await settle()
    assert len(handling.seen) == 4


async def test_a_flooding_chat_waits_while_another_chats_update_is_handled() -> None:
    handling = Handling()
    handling.held.add(2)
    processor = ChatUpdateProcessor(workers=4, quiet_seconds=0)
    await feed(processor, handling, [text_from(2), *(text_from(1) for _ in range(5))])
    await settle()
    assert handling.seen == []  # chat 1 has several waiting: it yields to chat 2's update
    handling.release.set()
    await settle()
    assert [chat for chat, _ in handling.seen] == [2, 1, 1, 1, 1, 1]


async def test_a_flooding_chat_waits_no_longer_than_its_limit() -> None:
    handling = Handling()
    handling.held.add(2)
    processor = ChatUpdateProcessor(workers=4, yield_seconds=0.01, quiet_seconds=0)
    await feed(processor, handling, [text_from(2), *(text_from(1) for _ in range(5))])
    await asyncio.sleep(0.2)
    assert [chat for chat, _ in handling.seen] == [1] * 5
    handling.release.set()


async def test_in_webhook_mode_an_update_returns_once_handled_and_a_flood_at_once() -> None:
    handling = Handling()
    handling.held.add(1)
    processor = ChatUpdateProcessor(workers=4, burst=3, on_flood=handling.slow_down)
    updates = [text_from(1) for _ in range(4)]
    waiting = [
        asyncio.create_task(processor.process_in_turn(update, handling.handle(update)))
        for update in updates[:3]
    ]
    await settle()
    assert not any(task.done() for task in waiting)
    flood = updates[3]
    dropped = await asyncio.wait_for(processor.process_in_turn(flood, handling.handle(flood)), 1)
    assert dropped is False and handling.slowed == [1]
    handling.release.set()
    assert await asyncio.wait_for(asyncio.gather(*waiting), 1) == [True, True, True]
    assert [uid for _, uid in handling.seen] == [update.update_id for update in updates[:3]]


async def test_in_webhook_mode_a_failure_outside_the_handlers_reaches_the_request() -> None:
    async def failing() -> None:
        raise RuntimeError("broken")

    processor = ChatUpdateProcessor(workers=4)
    try:
        await processor.process_in_turn(text_from(1), failing())
    except RuntimeError as error:
        assert str(error) == "broken"
    else:
        raise AssertionError("the failure was swallowed")
