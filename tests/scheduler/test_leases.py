"""Leases under slow sends and at shutdown: a claim is held as long as its sends run, is no
bigger than the budget can deliver within it, and is handed back when the process stops."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import FakeClock, ScaledClock
from scheduler.dispatcher import Dispatcher
from scheduler.ports import Outgoing, SendResult
from storage.models import Reminder, User
from storage.reminders import ReminderRepository
from tests.factories import add_person
from tests.scheduler import FakeNotifier
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
UTC = ZoneInfo("UTC")
MINUTE = dt.timedelta(minutes=1)


class SlowNotifier(FakeNotifier):
    """A Telegram that takes `seconds` of real time to answer each send."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def send(self, outgoing: Outgoing) -> SendResult:
        await asyncio.sleep(self.seconds)
        return await super().send(outgoing)


async def crowd(sessions: Sessions, people: int, now: dt.datetime) -> None:
    """`people` people in UTC, each with one water check due at `now`'s minute."""
    minute = now.replace(second=0, microsecond=0)
    schedule = LocalSchedule((minute.time(),), minute.date(), minute.date())
    for user_id in range(1, people + 1):
        await add_person(sessions, user_id, now, tz="UTC")
    # Quiet hours half a day away: these run on the real clock, at any hour.
    quiet = now + dt.timedelta(hours=12)
    window = {
        "quiet_start": quiet.strftime("%H:%M"),
        "quiet_end": (quiet + MINUTE).strftime("%H:%M"),
    }
    async with sessions.begin() as session:
        await session.execute(update(User).values(**window))
    async with sessions.begin() as session:
        repository = ReminderRepository(session)
        for user_id in range(1, people + 1):
            planned = [PlannedNudge("N_HYDRATE", schedule)]
            await repository.add_nudges(user_id, None, "UTC", planned, minute)


async def held(sessions: Sessions) -> int:
    async with sessions() as session:
        query = select(func.count()).where(Reminder.lease_owner.is_not(None))
        return int(await session.scalar(query) or 0)


async def test_sends_slower_than_the_lease_are_never_sent_again_by_a_second_dispatcher(
    sessions: Sessions,
) -> None:
    # 20x time: a 30 s lease lasts 1.5 real seconds; each send takes 2.5.
    clock = ScaledClock(speed=20)
    await crowd(sessions, 6, clock.now())
    lease = dt.timedelta(seconds=30)
    first, second = SlowNotifier(2.5), SlowNotifier(2.5)
    a = Dispatcher(sessions, clock, first, owner="a", lease=lease, speed=20)
    b = Dispatcher(sessions, clock, second, owner="b", lease=lease, speed=20)

    async def b_keeps_ticking() -> None:
        for _ in range(8):
            await asyncio.sleep(0.4)
            await b.tick()

    await asyncio.gather(a.tick(), b_keeps_ticking())
    sent = Counter(o.user_id for o in first.sent + second.sent)
    assert sent == Counter(range(1, 7))


async def test_a_dispatcher_whose_lease_was_taken_over_sends_none_of_what_it_had_not_begun(
    sessions: Sessions,
) -> None:
    # A process starved of CPU for longer than its lease: another dispatcher claims its rows
    # while it is still sending them one at a time. It finishes the send it had begun (that
    # one is in flight and may arrive twice, as after a crash), and sends none of the rest.
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    clock = FakeClock(now)
    await crowd(sessions, 6, now)
    lease = dt.timedelta(seconds=30)  # renewed every second of real time (30 s / 10 / 3)
    starved, other = SlowNotifier(2.0), SlowNotifier(0.0)
    a = Dispatcher(sessions, clock, starved, owner="a", lease=lease, speed=10, concurrency=1)
    b = Dispatcher(sessions, clock, other, owner="b", lease=lease, speed=10)

    async def b_takes_over_once_the_lease_has_run_out() -> None:
        await asyncio.sleep(0.3)  # a's first send is under way
        clock.set(now + 2 * lease)
        await b.tick()

    await asyncio.gather(a.tick(), b_takes_over_once_the_lease_has_run_out())
    assert len(starved.sent) == 1
    assert Counter(o.user_id for o in other.sent) == Counter(range(1, 7))


async def test_a_claim_is_no_bigger_than_the_budget_sends_within_half_a_lease(
    sessions: Sessions,
) -> None:
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    clock = FakeClock(now)
    await crowd(sessions, 30, now)
    claims: list[int] = []

    class Counting(FakeNotifier):
        async def send(self, outgoing: Outgoing) -> SendResult:
            claims.append(await held(sessions))
            return await super().send(outgoing)

    dispatcher = Dispatcher(
        sessions, clock, Counting(), owner="a", lease=dt.timedelta(seconds=10), send_rate=2
    )
    report = await dispatcher.tick()
    assert report.sent == 30
    assert max(claims) == 10  # 2 a second x 10 s x 1/2


async def test_stopping_releases_every_lease_so_a_restart_takes_over_at_once(
    sessions: Sessions,
) -> None:
    clock = ScaledClock(speed=1)
    await crowd(sessions, 8, clock.now())
    notifier = SlowNotifier(30)  # Telegram hangs: nothing comes back before the stop
    dispatcher = Dispatcher(sessions, clock, notifier, owner="a")
    tick = asyncio.create_task(dispatcher.tick())
    await asyncio.sleep(0.5)
    assert await held(sessions) == 8
    dispatcher.stop_claiming()
    tick.cancel()
    await asyncio.gather(tick, return_exceptions=True)
    assert await dispatcher.release_leases() == 8
    assert await held(sessions) == 0
    restarted = FakeNotifier()
    report = await Dispatcher(sessions, clock, restarted, owner="b").tick()
    assert report.sent == 8
    assert sorted(o.user_id for o in restarted.sent) == list(range(1, 9))
