"""A worker process on its own: it keeps sending whatever a tick leaves due, and a SIGTERM
stops it promptly, holding nothing, with every reminder delivered after a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.playground.server import FakeBotApi
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import Reminder
from storage.reminders import ReminderRepository
from tests.bot.test_crash_safety import (
    TOKEN,
    _user,
    delivered,
    end,
    recorded_sent,
    seed,
    start_bot,
    wait_for,
)
from triage.schedule import LocalSchedule, PlannedNudge

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX")


async def two_due(url: str, api: FakeBotApi) -> None:
    """Person 1001's water check due this minute, person 1002's the next minute."""
    now = dt.datetime.now(dt.UTC)
    minute = now.replace(second=0, microsecond=0)
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            for user_id in (1001, 1002):
                api.user(user_id=user_id)
                session.add(_user(user_id, now))
            await session.flush()
            reminders = ReminderRepository(session)
            for user_id, after in ((1001, 0), (1002, 1)):
                at = minute + dt.timedelta(minutes=after)
                schedule = LocalSchedule((at.time(),), at.date(), at.date())
                planned = [PlannedNudge("N_HYDRATE", schedule)]
                await reminders.add_nudges(user_id, None, "UTC", planned, minute)
    finally:
        await engine.dispose()


async def held_leases(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(func.count()).where(Reminder.lease_owner.is_not(None))
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


async def test_a_worker_sends_a_reminder_that_fell_due_while_it_was_sending_another(
    tmp_path: Path,
) -> None:
    speed = 20  # a minute of the bot's time passes in 3 real seconds
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    log = tmp_path / "worker.log"
    async with FakeBotApi(token=TOKEN) as api:
        await two_due(url, api)
        # A slow Telegram: the first send ends after the second reminder fell due.
        api.set_latency(4)
        worker = start_bot(api, url, log, "worker", "INFO", extra={"CLOCK_SPEED": str(speed)})
        try:
            both = await wait_for(lambda: all(delivered(api, 2).values()), 20)
        finally:
            await end(worker, signal.SIGTERM)
    assert both, log.read_text()[-2000:]
    assert delivered(api, 2) == {1001: 1, 1002: 1}


async def test_a_worker_stopped_mid_backlog_exits_quickly_holding_nothing_and_misses_nobody(
    tmp_path: Path,
) -> None:
    people = 5000
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    log = tmp_path / "worker.log"
    async with FakeBotApi(token=TOKEN) as api:
        await seed(url, api, people)
        api.set_latency(0.05)
        settings = {"RATE_LIMIT_PER_SECOND": "400"}
        worker = start_bot(api, url, log, "worker", lease=300, extra=settings)
        try:
            started = await wait_for(lambda: api.calls("sendMessage") >= 300, 60)
            assert started, log.read_text()[-2000:]
            stopping = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            exited = await wait_for(lambda: worker.poll() is not None, 15)
            took = time.monotonic() - stopping
        finally:
            await end(worker, signal.SIGKILL)
        assert exited and took < 10, took
        assert worker.returncode == 0, log.read_text()[-2000:]
        assert await held_leases(url) == 0
        sent_before = api.calls("sendMessage")
        in_flight = sent_before - await recorded_sent(url)
        assert sent_before < people  # stopped part-way, not after draining everything
        worker = start_bot(api, url, log, "worker", lease=300, extra=settings)
        try:
            everyone = await wait_for(lambda: all(delivered(api, people).values()), 120)
            await asyncio.sleep(0.5)
        finally:
            await end(worker, signal.SIGTERM)
    assert everyone, log.read_text()[-2000:]
    duplicates = sum(n - 1 for n in delivered(api, people).values())
    assert duplicates <= in_flight, (duplicates, in_flight)
