"""The sending budget: never over it in any sliding window, replies first, broadcasts with
what replies leave. Windows are shortened to 0.2 s so the tests run quickly."""

from __future__ import annotations

import asyncio

import pytest

from bot.budget import Lane, MemoryBudget

WINDOW = 0.2


class Recorder:
    """Acquires places from a budget and notes when each was granted, per lane."""

    def __init__(self, budget: MemoryBudget) -> None:
        self.budget = budget
        self.granted: list[tuple[float, Lane, int]] = []

    async def send(self, lane: Lane, n: int = 0) -> None:
        await self.budget.acquire(lane)
        self.granted.append((asyncio.get_running_loop().time(), lane, n))

    def busiest_window(self) -> int:
        times = sorted(t for t, _, _ in self.granted)
        return max(sum(1 for u in times if t <= u < t + WINDOW) for t in times)


async def test_no_sliding_window_holds_more_than_the_budget_from_the_first_one_on() -> None:
    recorder = Recorder(MemoryBudget(10, 1, window=WINDOW))
    sends = [recorder.send(Lane.BROADCAST) for _ in range(40)]
    sends += [recorder.send(Lane.REPLY) for _ in range(15)]
    await asyncio.gather(*sends)
    assert recorder.busiest_window() <= 10
    assert len(recorder.granted) == 55


async def test_broadcasts_alone_use_nearly_all_of_the_budget() -> None:
    recorder = Recorder(MemoryBudget(10, 1, window=WINDOW))
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(recorder.send(Lane.BROADCAST) for _ in range(45)))
    elapsed = asyncio.get_running_loop().time() - started
    # 9 a window once the reserve is left: 45 sends take about 5 windows, not 10.
    assert 4 * WINDOW < elapsed < 7 * WINDOW


async def test_a_reply_finds_its_place_at_once_while_broadcasts_drain() -> None:
    recorder = Recorder(MemoryBudget(10, 2, window=WINDOW))
    loop = asyncio.get_running_loop()
    storm = asyncio.gather(*(recorder.send(Lane.BROADCAST) for _ in range(30)))
    await asyncio.sleep(WINDOW * 1.5)
    asked = loop.time()
    await recorder.send(Lane.REPLY)
    waited = loop.time() - asked
    await storm
    assert waited < WINDOW / 4


async def test_while_a_person_is_active_broadcasts_leave_their_next_replies_room() -> None:
    budget = MemoryBudget(10, 1, window=WINDOW)
    loop = asyncio.get_running_loop()
    storm = [asyncio.create_task(budget.acquire(Lane.BROADCAST)) for _ in range(200)]
    await asyncio.sleep(1.5 * WINDOW)  # the broadcasts fill every window
    waits = []
    for _ in range(8):  # a person's steps: two replies each, then two windows' reading
        for _ in range(2):
            asked = loop.time()
            await budget.acquire(Lane.REPLY)
            waits.append(loop.time() - asked)
        await asyncio.sleep(2 * WINDOW)
    for task in storm:
        task.cancel()
    await asyncio.gather(*storm, return_exceptions=True)
    # The first step finds only the reserve; from the second on, no reply waits for a place.
    assert sum(1 for wait in waits[2:] if wait > WINDOW / 40) <= 1


async def test_waiting_replies_go_before_broadcasts_that_waited_longer() -> None:
    recorder = Recorder(MemoryBudget(4, 1, window=WINDOW))
    broadcasts = [asyncio.create_task(recorder.send(Lane.BROADCAST, n)) for n in range(12)]
    await asyncio.sleep(0.01)
    replies = [asyncio.create_task(recorder.send(Lane.REPLY, n)) for n in range(6)]
    await asyncio.gather(*broadcasts, *replies)
    order = [lane for _, lane, _ in recorder.granted]
    last_reply = max(i for i, lane in enumerate(order) if lane is Lane.REPLY)
    assert order[:last_reply].count(Lane.BROADCAST) <= 3  # only those granted before replies came


async def test_a_send_given_up_while_waiting_leaves_its_place_to_the_next() -> None:
    budget = MemoryBudget(2, 0, window=WINDOW)
    recorder = Recorder(budget)
    await recorder.send(Lane.REPLY)
    await recorder.send(Lane.REPLY)
    gave_up = asyncio.create_task(budget.acquire(Lane.REPLY))
    await asyncio.sleep(0.01)
    gave_up.cancel()
    await recorder.send(Lane.REPLY, 1)
    assert [n for _, _, n in recorder.granted] == [0, 0, 1]
    assert recorder.busiest_window() <= 2


async def _arrives_after(budget: MemoryBudget, lane: Lane, latency: float) -> float:
    """A send that reaches Telegram `latency` after its grant; returns when it arrived."""
    async with budget.sending(lane):
        await asyncio.sleep(latency)
        return asyncio.get_running_loop().time()


async def test_a_slow_send_holds_its_place_until_it_arrives_so_no_window_at_telegram_is_over() -> (
    None
):
    # Telegram counts a request when it arrives. A slow one granted first, three quick ones,
    # then four more as soon as the window allows: counted from their grants, the slow one
    # would land in the same window as the next four, five in all.
    budget = MemoryBudget(4, 0, window=WINDOW)
    slow = asyncio.create_task(_arrives_after(budget, Lane.REPLY, 0.75 * WINDOW))
    await asyncio.sleep(0)
    quick = [_arrives_after(budget, Lane.REPLY, 0.0) for _ in range(7)]
    arrivals = sorted([await slow, *await asyncio.gather(*quick)])
    busiest = max(sum(1 for u in arrivals if t <= u < t + WINDOW) for t in arrivals)
    assert busiest <= 4


async def test_when_sends_in_flight_fill_the_budget_the_next_waits_a_window_past_one_ending() -> (
    None
):
    budget = MemoryBudget(2, 0, window=WINDOW)
    loop = asyncio.get_running_loop()
    started = loop.time()
    slow = [asyncio.create_task(_arrives_after(budget, Lane.REPLY, WINDOW / 2)) for _ in range(2)]
    await asyncio.sleep(0)
    third = await _arrives_after(budget, Lane.REPLY, 0.0)
    await asyncio.gather(*slow)
    assert third - started >= WINDOW / 2 + WINDOW * 0.95


@pytest.mark.parametrize(("per_second", "reserve"), [(0, 0), (5, 5), (5, -1)])
def test_a_budget_that_leaves_no_place_is_refused(per_second: int, reserve: int) -> None:
    with pytest.raises(ValueError):
        MemoryBudget(per_second, reserve)
