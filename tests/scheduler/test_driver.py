"""The driver ticks when there is work: woken early, and on the clock's own timeline."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import FakeClock, ScaledClock
from scheduler.dispatcher import Dispatcher, TickReport
from scheduler.driver import DispatchDriver
from scheduler.ports import Outgoing, SendResult
from storage.reminders import ReminderRepository
from tests.factories import add_person
from tests.scheduler import FakeNotifier
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
TEN = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def hydrate_at(hhmm: str) -> PlannedNudge:
    return PlannedNudge("N_HYDRATE", LocalSchedule((dt.time.fromisoformat(hhmm),), TEN.date()))


async def wait_for_send(notifier: FakeNotifier, limit: float) -> float:
    """Real seconds until the notifier has sent something (polling; gives up after `limit`)."""
    started = time.monotonic()
    while not notifier.sent and time.monotonic() - started < limit:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def test_wake_makes_the_driver_tick_long_before_its_idle_interval(sessions: Sessions) -> None:
    clock = FakeClock(TEN)
    await add_person(sessions, 1, TEN, tz="UTC")
    notifier = FakeNotifier()
    driver = DispatchDriver(
        Dispatcher(sessions, clock, notifier, owner="a"), clock, idle=dt.timedelta(seconds=30)
    )
    await driver.start()
    try:
        await asyncio.sleep(0.1)  # the first tick finds nothing
        async with sessions.begin() as session:
            await ReminderRepository(session).add_nudges(1, None, "UTC", [hydrate_at("10:00")], TEN)
        driver.wake()
        waited = await wait_for_send(notifier, limit=1.0)
    finally:
        await driver.stop()
    assert notifier.kinds() == ["N_HYDRATE"]
    assert waited < 1.0


async def test_the_next_wakeup_is_scaled_from_clock_time_to_real_time(sessions: Sessions) -> None:
    clock = ScaledClock(speed=120, start=TEN - dt.timedelta(minutes=1))  # 10:00 in 0.5 s
    await add_person(sessions, 1, clock.now(), tz="UTC")
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(
            1, None, "UTC", [hydrate_at("10:00")], clock.now()
        )
    notifier = FakeNotifier()
    driver = DispatchDriver(
        Dispatcher(sessions, clock, notifier, owner="a"),
        clock,
        idle=dt.timedelta(seconds=30),
        speed=120,
    )
    await driver.start()
    try:
        waited = await wait_for_send(notifier, limit=2.0)
    finally:
        await driver.stop()
    assert [o.local_due.strftime("%H:%M") for o in notifier.sent] == ["10:00"]
    assert waited < 1.0


class ClockMovingNotifier(FakeNotifier):
    """A Telegram that takes `took` of the bot's time to answer each send."""

    def __init__(self, clock: FakeClock, took: dt.timedelta) -> None:
        super().__init__()
        self.clock = clock
        self.took = took

    async def send(self, outgoing: Outgoing) -> SendResult:
        self.clock.advance(self.took)
        return await super().send(outgoing)


async def wait_for_sends(notifier: FakeNotifier, count: int, limit: float) -> float:
    started = time.monotonic()
    while len(notifier.sent) < count and time.monotonic() - started < limit:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    return time.monotonic() - started


async def test_a_tick_that_ends_with_work_due_is_followed_by_another_without_any_wake_up(
    sessions: Sessions,
) -> None:
    clock = FakeClock(TEN)
    await add_person(sessions, 1, TEN, tz="UTC")
    await add_person(sessions, 2, TEN, tz="UTC")
    async with sessions.begin() as session:
        repository = ReminderRepository(session)
        await repository.add_nudges(1, None, "UTC", [hydrate_at("10:00")], TEN)
        await repository.add_nudges(2, None, "UTC", [hydrate_at("10:00:40")], TEN)
    # Sending the first takes a minute of the bot's time: the second is due when it ends.
    notifier = ClockMovingNotifier(clock, dt.timedelta(minutes=1))
    driver = DispatchDriver(
        Dispatcher(sessions, clock, notifier, owner="a"), clock, idle=dt.timedelta(minutes=10)
    )
    await driver.start()
    try:
        waited = await wait_for_sends(notifier, 2, limit=3.0)
    finally:
        await driver.stop()
    assert [o.user_id for o in notifier.sent] == [1, 2]
    assert waited < 1.0


async def test_a_wake_up_during_a_tick_runs_one_more_tick_straight_after_it(
    sessions: Sessions,
) -> None:
    clock = FakeClock(TEN)
    await add_person(sessions, 1, TEN, tz="UTC")
    await add_person(sessions, 2, TEN, tz="UTC")
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(1, None, "UTC", [hydrate_at("10:00")], TEN)
    driver: DispatchDriver

    class WritingNotifier(FakeNotifier):
        """While the first message goes out, the other person finishes a triage."""

        async def send(self, outgoing: Outgoing) -> SendResult:
            if not self.sent:
                async with sessions.begin() as session:
                    planned = [hydrate_at("10:00")]
                    await ReminderRepository(session).add_nudges(2, None, "UTC", planned, TEN)
                driver.wake()
            return await super().send(outgoing)

    notifier = WritingNotifier()
    driver = DispatchDriver(
        Dispatcher(sessions, clock, notifier, owner="a"), clock, idle=dt.timedelta(minutes=10)
    )
    await driver.start()
    try:
        waited = await wait_for_sends(notifier, 2, limit=3.0)
    finally:
        await driver.stop()
    assert sorted(o.user_id for o in notifier.sent) == [1, 2]
    assert waited < 1.0


async def test_a_failing_tick_neither_ends_the_loop_nor_hides_its_age(sessions: Sessions) -> None:
    clock = FakeClock(TEN)

    class BrokenThenFine(Dispatcher):
        failures = 2

        async def tick(self, progress: Callable[[], None] = lambda: None) -> TickReport:
            if self.failures:
                self.failures -= 1
                raise RuntimeError("database went away")
            return await super().tick(progress)

    await add_person(sessions, 1, TEN, tz="UTC")
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(1, None, "UTC", [hydrate_at("10:00")], TEN)
    notifier = FakeNotifier()
    driver = DispatchDriver(
        BrokenThenFine(sessions, clock, notifier, owner="a"),
        clock,
        idle=dt.timedelta(seconds=0.1),
    )
    assert driver.tick_age() is None
    await driver.start()
    try:
        await wait_for_sends(notifier, 1, limit=3.0)
    finally:
        await driver.stop()
    assert notifier.kinds() == ["N_HYDRATE"]
    age = driver.tick_age()
    assert age is not None and age < dt.timedelta(seconds=3)
    assert driver.ticks >= 3


class HeldNotifier(FakeNotifier):
    """A Telegram that stops answering after `answered` sends, until `go` is set."""

    def __init__(self, answered: int) -> None:
        super().__init__()
        self.answered = answered
        self.go = asyncio.Event()

    async def send(self, outgoing: Outgoing) -> SendResult:
        if len(self.sent) >= self.answered:
            await self.go.wait()
        return await super().send(outgoing)


async def test_a_tick_draining_a_long_backlog_shows_the_loop_turning_as_its_sends_are_recorded(
    sessions: Sessions,
) -> None:
    clock = FakeClock(TEN)
    for user_id in range(1, 7):
        await add_person(sessions, user_id, TEN, tz="UTC")
        async with sessions.begin() as session:
            await ReminderRepository(session).add_nudges(
                user_id, None, "UTC", [hydrate_at("10:00")], TEN
            )
    notifier = HeldNotifier(answered=2)  # half the first batch goes out; the rest is held
    dispatcher = Dispatcher(sessions, clock, notifier, owner="a", batch_size=4)
    driver = DispatchDriver(dispatcher, clock, idle=dt.timedelta(minutes=10))
    await driver.start()
    try:
        await wait_for_sends(notifier, 2, limit=3.0)
        deadline = time.monotonic() + 3.0
        while driver.last_tick_at is None and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        assert driver.ticks == 0, "the first tick is still on its first batch"
        assert driver.last_tick_at is not None
        age = driver.tick_age()
        assert age is not None and age < dt.timedelta(seconds=3)
        notifier.go.set()
        await wait_for_sends(notifier, 6, limit=3.0)
    finally:
        notifier.go.set()
        await driver.stop()
    assert len(notifier.sent) == 6
