"""A faster clock changes nothing but the pace: two simulated days of a plan, lived at
thousands of times real speed, send every nudge on time and skip none as late."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import ScaledClock
from scheduler.dispatcher import Dispatcher
from scheduler.driver import DispatchDriver
from storage.models import Delivery
from storage.reminders import ReminderRepository
from tests.factories import add_person
from tests.scheduler import FakeNotifier
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
SPEED = 20_000  # two days in under nine real seconds
ZONE = "Europe/London"


async def test_two_simulated_days_at_high_speed_skip_nothing_and_come_on_time(
    sessions: Sessions,
) -> None:
    start = dt.datetime(2026, 6, 1, 6, 0, tzinfo=ZoneInfo(ZONE))
    clock = ScaledClock(SPEED, start=start.astimezone(dt.UTC))
    await add_person(sessions, 1, clock.now(), tz=ZONE)
    times = (dt.time(10, 0), dt.time(15, 0), dt.time(22, 15))
    plan = [
        PlannedNudge("N_HYDRATE", LocalSchedule(times[:2], start.date(), start.date() + DAYS)),
        PlannedNudge("N_SLEEP", LocalSchedule(times[2:], start.date(), start.date() + DAYS)),
    ]
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(1, None, ZONE, plan, clock.now())
    notifier = FakeNotifier()
    dispatcher = Dispatcher(sessions, clock, notifier, owner="a", speed=SPEED)
    driver = DispatchDriver(dispatcher, clock, speed=SPEED)
    await driver.start()
    try:
        await asyncio.sleep(dt.timedelta(days=2).total_seconds() / SPEED)
    finally:
        await driver.stop()
    async with sessions() as session:
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.due_at)))
    assert [r.status for r in rows] == ["sent"] * 6, [(r.occurrence, r.reason) for r in rows]
    for row in rows:
        assert row.sent_at is not None
        # 15 minutes of this clock are 45 real milliseconds: a loaded machine's jitter.
        assert row.sent_at - row.due_at < dt.timedelta(minutes=15), row.occurrence


DAYS = dt.timedelta(days=3)
