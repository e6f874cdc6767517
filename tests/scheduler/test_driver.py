"""The driver ticks when there is work: woken early, and on the clock's own timeline."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import FakeClock, ScaledClock
from scheduler.dispatcher import Dispatcher
from scheduler.driver import DispatchDriver
from storage.reminders import ReminderRepository
from tests.scheduler import FakeNotifier, add_person
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
