"""The Telegram budget shared in Redis: several processes hammering it never get more than N
sends in any sliding second, and replies go before reminders.

Runs against the Redis at REDIS_TEST_URL (default redis://127.0.0.1:6379/0) under a key
prefix of its own, removed afterwards; skipped when no Redis answers there."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.budget import Lane
from bot.budget_redis import RedisBudget

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
LIMIT = 20


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError):
        await client.aclose()
        pytest.skip(f"no Redis answered at {REDIS_URL}: the shared budget needs one")
    name = f"test-budget-{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        keys = [key async for key in client.scan_iter(f"{name}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


def most_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _hammer(prefix: str, lane: Lane, start: float, seconds: float, tasks: int) -> list[float]:
    client = Redis.from_url(REDIS_URL)
    budget = RedisBudget(client, LIMIT, prefix=prefix)
    stamps: list[float] = []
    await asyncio.sleep(max(0.0, start - time.time()))
    deadline = time.monotonic() + seconds

    async def sender() -> None:
        while time.monotonic() < deadline:
            await budget.acquire(lane)
            stamps.append(time.time())

    await asyncio.gather(*(sender() for _ in range(tasks)))
    await client.aclose()
    return stamps


def hammer(prefix: str, lane: str, start: float, seconds: float, tasks: int) -> list[float]:
    """One process's sends from wall-clock `start` on: the moment of each grant."""
    return asyncio.run(_hammer(prefix, Lane(lane), start, seconds, tasks))


def run_processes(jobs: list[tuple[str, str, float, int]]) -> list[list[float]]:
    """Runs each (prefix, lane, seconds, tasks) in a process of its own, all starting at once
    (after the slowest interpreter start-up)."""
    start = time.time() + 3.0
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        return pool.starmap(hammer, [(p, lane, start, s, t) for p, lane, s, t in jobs])


async def test_four_processes_hammering_the_budget_never_exceed_it_in_any_sliding_second(
    prefix: str,
) -> None:
    jobs = [(prefix, "reply" if n % 2 else "broadcast", 3.0, 4) for n in range(4)]
    results = await asyncio.to_thread(run_processes, jobs)
    stamps = [stamp for result in results for stamp in result]
    # 50 ms below a second absorbs the moment between Redis's grant and the client's clock.
    assert most_in_any_window(stamps, 0.95) <= LIMIT
    assert len(stamps) >= LIMIT * 2  # the budget is used, not starved


async def test_reminders_wait_while_replies_use_the_whole_budget(prefix: str) -> None:
    jobs = [(prefix, "reply", 2.5, 8), (prefix, "broadcast", 2.5, 8)]
    replies, broadcasts = await asyncio.to_thread(run_processes, jobs)
    # After the first second (both lanes start on an empty budget) and while replies last.
    first, last = min(replies + broadcasts) + 1.0, max(replies)
    steady_replies = [stamp for stamp in replies if first <= stamp <= last]
    steady_broadcasts = [stamp for stamp in broadcasts if first <= stamp <= last]
    assert len(steady_replies) >= LIMIT
    assert len(steady_broadcasts) <= 2
    assert most_in_any_window(replies + broadcasts, 0.95) <= LIMIT


async def test_reminders_alone_leave_a_reserve_for_replies(prefix: str) -> None:
    (broadcasts,) = await asyncio.to_thread(run_processes, [(prefix, "broadcast", 2.5, 6)])
    assert most_in_any_window(broadcasts, 0.95) <= LIMIT - 2


async def test_a_slow_send_holds_its_place_until_it_arrives(prefix: str) -> None:
    # Telegram counts a send when it arrives: a slow one granted first must not share a second
    # with the next second's first sends, as it would if counted from its grant.
    client = Redis.from_url(REDIS_URL)
    budget = RedisBudget(client, 4, reserve=0, prefix=prefix)

    async def send(latency: float) -> float:
        async with budget.sending(Lane.REPLY):
            await asyncio.sleep(latency)
            return time.time()

    slow = asyncio.create_task(send(0.75))
    await asyncio.sleep(0.05)
    arrivals = [await slow, *await asyncio.gather(*(send(0.0) for _ in range(7)))]
    await client.aclose()
    assert most_in_any_window(arrivals, 0.95) <= 4


async def test_while_a_person_is_active_reminders_leave_their_next_replies_room(
    prefix: str,
) -> None:
    client = Redis.from_url(REDIS_URL)
    budget = RedisBudget(client, 10, reserve=1, prefix=prefix)

    async def broadcasts() -> None:
        while True:
            await budget.acquire(Lane.BROADCAST)

    storm = [asyncio.create_task(broadcasts()) for _ in range(4)]
    await asyncio.sleep(1.5)  # the reminders fill every second
    waits = []
    for _ in range(16):  # a person's steps, two replies each, a quarter second apart, for longer
        # than the two seconds a waiting reply holds reminders back
        for _ in range(2):
            asked = time.monotonic()
            await budget.acquire(Lane.REPLY)
            waits.append(time.monotonic() - asked)
        await asyncio.sleep(0.25)
    for task in storm:
        task.cancel()
    await asyncio.gather(*storm, return_exceptions=True)
    await client.aclose()
    # The first step finds only the reserve; from the second on, no reply waits for a place.
    assert sum(1 for wait in waits[2:] if wait > 0.03) <= 1


def test_with_redis_url_set_every_process_sends_through_the_shared_budget() -> None:
    from bot.config import Settings
    from bot.runner import shared_budget

    shared = Settings(redis_url="redis://127.0.0.1:6379/0", rate_global=25)
    assert isinstance(shared_budget(shared), RedisBudget)
    assert shared_budget(Settings()) is None  # one process: the budget in memory
