"""The real bot on a fast clock: does it send what real time would send?

Runs the whole bot (the same `serve` as `python -m bot run` and the playground) against the
project's stand-in Bot API with the clock `--speed` times faster, for `--days` simulated
days, with people in several zones each on a three-a-day plan. Then compares what was sent
with every occurrence the plans hold in that window, and prints: expected, sent, skipped by
reason, and how late the latest send was on the bot's clock.

Usage: .venv/bin/python bench/speed.py [--speed 600] [--days 2] [--people 20]
(two days at 600x take about five real minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "123456:" + "B" * 32
ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
PLAN = (("N_HYDRATE", "10:00"), ("N_EYE_BREAK", "11:00"), ("N_SLEEP", "22:15"))


async def seed(url: str, api: object, people: int, now: dt.datetime, days: int) -> None:
    from bot.playground.server import FakeBotApi
    from storage.db import create_engine, session_factory
    from storage.models import User
    from storage.reminders import ReminderRepository
    from triage.schedule import LocalSchedule, PlannedNudge

    assert isinstance(api, FakeBotApi)
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            for user_id in range(1, people + 1):
                api.user(user_id=user_id)
                zone = ZONES[user_id % len(ZONES)]
                session.add(
                    User(id=user_id, chat_id=user_id, language="en", onboarding_step="done",
                         country="GB", tz=zone, adult=True, consent_health_at=now,
                         consent_reminders_at=now, created_at=now, last_seen_at=now)
                )  # fmt: skip
            await session.flush()
            reminders = ReminderRepository(session)
            start = (now - dt.timedelta(days=1)).date()
            end = start + dt.timedelta(days=days + 3)
            for user_id in range(1, people + 1):
                zone = ZONES[user_id % len(ZONES)]
                planned = [
                    PlannedNudge(kind, LocalSchedule((dt.time.fromisoformat(at),), start, end))
                    for kind, at in PLAN
                ]
                await reminders.add_nudges(user_id, None, zone, planned, now)
    finally:
        await engine.dispose()


def expected(people: int, since: dt.datetime, until: dt.datetime) -> int:
    """Occurrences of the plans strictly inside (since, until]."""
    from zoneinfo import ZoneInfo

    count = 0
    for user_id in range(1, people + 1):
        zone = ZoneInfo(ZONES[user_id % len(ZONES)])
        day = since.astimezone(zone).date() - dt.timedelta(days=1)
        while day <= until.astimezone(zone).date() + dt.timedelta(days=1):
            for _, at in PLAN:
                moment = dt.datetime.combine(day, dt.time.fromisoformat(at), zone)
                count += since < moment <= until
            day += dt.timedelta(days=1)
    return count


async def main(speed: float, days: int, people: int) -> None:
    from sqlalchemy import select

    from bot.config import Settings
    from bot.playground.server import FakeBotApi
    from bot.runner import serve
    from scheduler.clock import ScaledClock
    from storage.db import create_engine, session_factory
    from storage.migrate import upgrade_async
    from storage.models import Delivery

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/speed.sqlite3"
        await upgrade_async(url)
        async with FakeBotApi(token=TOKEN) as api:
            clock = ScaledClock(speed)
            begun = clock.now()
            await seed(url, api, people, begun, days)
            settings = Settings(
                telegram_bot_token=TOKEN, telegram_api_url=api.root_url, database_url=url,
                clock_speed=speed, log_level="WARNING",
            )  # fmt: skip
            stop = asyncio.Event()
            bot = asyncio.create_task(serve(settings, TOKEN, clock, stop))
            await asyncio.sleep(days * 86_400 / speed)
            ended = clock.now()
            stop.set()
            await bot
        engine = create_engine(url)
        async with session_factory(engine)() as session:
            rows = list(await session.scalars(select(Delivery)))
        await engine.dispose()
    sent = [r for r in rows if r.status == "sent"]
    skipped = Counter(r.reason for r in rows if r.status == "skipped")
    late = max((r.sent_at - r.due_at for r in sent if r.sent_at), default=dt.timedelta(0))
    print(f"speed {speed:g}x, {days} simulated days, {people} people")
    print(f"expected occurrences: {expected(people, begun, ended)}")
    print(f"sent: {len(sent)}   skipped: {dict(skipped) or 0}")
    print(f"latest send after its time, on the bot's clock: {late}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=600)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.speed, args.days, args.people))
