"""The dispatcher is woken only after a commit that handed it a reminder due before its next
tick: a checkbox tick or a next question wakes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.wakeup import Wakeup
from scheduler.clock import FakeClock
from scheduler.dispatcher import Dispatcher
from scheduler.driver import DispatchDriver
from storage.models import User
from storage.reminders import ReminderRepository
from tests.scheduler import FakeNotifier, add_person
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
TEN = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
HYDRATE = PlannedNudge("N_HYDRATE", LocalSchedule((dt.time(10, 0),), TEN.date()))


async def test_a_commit_that_writes_no_reminder_wakes_nothing(sessions: Sessions) -> None:
    woken: list[dt.datetime] = []
    wake = Wakeup(sessions, woken.append)
    await add_person(sessions, 1, TEN)
    async with sessions.begin() as session:
        user = await session.get_one(User, 1)
        user.last_seen_at = TEN + dt.timedelta(minutes=1)
    wake()
    assert woken == []


async def test_a_commit_that_hands_over_a_reminder_wakes_with_when_it_is_due(
    sessions: Sessions,
) -> None:
    woken: list[dt.datetime] = []
    wake = Wakeup(sessions, woken.append)
    await add_person(sessions, 1, TEN)
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(1, None, "UTC", [HYDRATE], TEN)
    wake()
    wake()
    assert woken == [TEN]


async def test_a_rolled_back_reminder_wakes_nothing(sessions: Sessions) -> None:
    woken: list[dt.datetime] = []
    wake = Wakeup(sessions, woken.append)
    await add_person(sessions, 1, TEN)
    async with sessions() as session:
        await ReminderRepository(session).add_nudges(1, None, "UTC", [HYDRATE], TEN)
        await session.rollback()
    wake()
    assert woken == []


async def test_the_driver_ignores_a_wake_for_a_reminder_due_after_its_armed_tick(
    sessions: Sessions,
) -> None:
    clock = FakeClock(TEN)
    await add_person(sessions, 1, TEN, tz="UTC")
    notifier = FakeNotifier()
    driver = DispatchDriver(
        Dispatcher(sessions, clock, notifier, owner="a"), clock, idle=dt.timedelta(seconds=30)
    )
    await driver.start()
    try:
        await asyncio.sleep(0.2)  # the first tick finds nothing and arms for 30 s
        async with sessions.begin() as session:
            await ReminderRepository(session).add_nudges(1, None, "UTC", [HYDRATE], TEN)
        driver.wake(TEN + dt.timedelta(minutes=5))
        await asyncio.sleep(0.3)
        assert notifier.sent == []
        driver.wake(TEN)
        for _ in range(100):
            if notifier.sent:
                break
            await asyncio.sleep(0.02)
    finally:
        await driver.stop()
    assert notifier.kinds() == ["N_HYDRATE"]
