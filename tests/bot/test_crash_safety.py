"""Crash safety (DESIGN.md decision 3): the bot as a subprocess, killed with SIGKILL while it
is sending a crowd of due reminders, then started again. Nobody is missed, and nobody gets
their message twice unless it was in flight (claimed, not yet marked sent) at the kill."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.playground.server import FakeBotApi
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from storage.models import Delivery, User
from storage.reminders import ReminderRepository
from tests import factories
from triage.schedule import LocalSchedule, PlannedNudge

TOKEN = "123456:" + "A" * 32
PEOPLE = 200
CONCURRENCY = 32  # the dispatcher's sends at once
ROOT = Path(__file__).resolve().parents[2]


async def seed(url: str, api: FakeBotApi, people: int = PEOPLE) -> None:
    """`people` onboarded people in UTC, each with one water check due this minute."""
    now = dt.datetime.now(dt.UTC)
    minute = now.replace(second=0, microsecond=0)
    schedule = LocalSchedule(times=(minute.time(),), start=minute.date(), end=minute.date())
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            for user_id in range(1001, 1001 + people):
                api.user(user_id=user_id)  # the chat exists on the Telegram side
                session.add(_user(user_id, now))
            await session.flush()
            reminders = ReminderRepository(session)
            for user_id in range(1001, 1001 + people):
                planned = [PlannedNudge("N_HYDRATE", schedule)]
                await reminders.add_nudges(user_id, None, "UTC", planned, minute)
    finally:
        await engine.dispose()


def _user(user_id: int, now: dt.datetime) -> User:
    # Quiet hours half a day away, so the reminders due now are never held back by them.
    quiet = now + dt.timedelta(hours=12)
    return factories.consented_user(
        user_id,
        now,
        tz="UTC",
        quiet_start=quiet.strftime("%H:%M"),
        quiet_end=(quiet + dt.timedelta(minutes=1)).strftime("%H:%M"),
    )


def start_bot(
    api: FakeBotApi,
    url: str,
    log: Path,
    command: str = "run",
    level: str = "WARNING",
    lease: float = 2,
    extra: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """`python -m bot <command>` against the stand-in. A short lease lets a restart retry a
    killed process's claims at once; it must outlast a batch's sends, or a live claim is
    taken over too."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.root_url,
        "DATABASE_URL": url,
        "LOG_LEVEL": level,
        "RATE_LIMIT_PER_SECOND": "10000",
        "DISPATCH_LEASE_SECONDS": str(lease),
        **(extra or {}),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", command], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def delivered(api: FakeBotApi, people: int = PEOPLE) -> dict[int, int]:
    """Messages each person received."""
    return {uid: len(api.messages(uid)) for uid in range(1001, 1001 + people)}


async def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def end(bot: subprocess.Popen[bytes], signum: int) -> None:
    """Signals the bot and waits (without blocking the stand-in) for it to exit; kills it
    if it has not within 10 s."""
    if bot.poll() is None:
        bot.send_signal(signum)
    if not await wait_for(lambda: bot.poll() is not None, 10):
        bot.kill()
        bot.wait(5)


async def recorded_sent(url: str) -> int:
    """Deliveries the bot has recorded as sent."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
async def test_a_bot_killed_mid_dispatch_misses_nobody_after_a_restart(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    log = tmp_path / "bot.log"
    async with FakeBotApi(token=TOKEN) as api:
        await seed(url, api)
        api.set_latency(0.4)  # slow sends, so the kill lands among them
        bot = start_bot(api, url, log)
        try:
            started = await wait_for(lambda: api.calls("sendMessage") >= PEOPLE // 2, 20)
            assert started, log.read_text()
            await end(bot, signal.SIGKILL)
            started = api.calls("sendMessage")
            # In flight at the kill: sends begun whose outcome the bot had not yet recorded.
            in_flight = started - await recorded_sent(url)
            assert 0 < started < PEOPLE  # killed part-way through
        finally:
            await end(bot, signal.SIGKILL)
        api.set_latency(0)
        bot = start_bot(api, url, log)
        try:
            everyone = await wait_for(lambda: all(delivered(api).values()), 20)
            assert everyone, f"missed: {[u for u, n in delivered(api).items() if n == 0]}"
            await asyncio.sleep(0.5)  # nothing more should come
        finally:
            await end(bot, signal.SIGTERM)
    duplicates = sum(n - 1 for n in delivered(api).values())
    assert duplicates <= in_flight, (duplicates, in_flight)
    # Each result is recorded as soon as it is back, so what can go again is bounded by the
    # sends running at once plus one wave of answers being written (2 x 32), not by the
    # batch of 200 that was claimed.
    assert in_flight <= 2 * CONCURRENCY, in_flight


async def test_two_dispatchers_on_one_database_never_send_an_occurrence_twice(
    tmp_path: Path,
) -> None:
    crowd = 3 * PEOPLE  # more than one claim's batch, so both take turns
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    async with FakeBotApi(token=TOKEN) as api:
        await seed(url, api, crowd)
        api.set_latency(0.2)
        workers = [start_bot(api, url, log, "worker", "INFO", lease=60) for log in logs]
        try:
            everyone = await wait_for(lambda: all(delivered(api, crowd).values()), 25)
            assert everyone, logs[0].read_text()[-2000:]
            await asyncio.sleep(0.5)  # nothing more should come
        finally:
            for worker in workers:
                await end(worker, signal.SIGTERM)
    assert set(delivered(api, crowd).values()) == {1}
    assert api.calls("sendMessage") == crowd
    sent_by = [log.read_text().count("sent N_HYDRATE reminder") for log in logs]
    assert sum(sent_by) == crowd and min(sent_by) > 0, sent_by  # both did their share
