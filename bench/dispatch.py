"""Dispatcher benchmark: start-up, peak memory and delivery rate on SQLite, against the
common design of one APScheduler job per reminder in the memory job store.

Each measurement runs in a fresh subprocess so peak RSS (ru_maxrss) is its own.
Usage: .venv/bin/python bench/dispatch.py [people ...]   (default: 10000 100000)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)  # 08:00 in Berlin
DUE = 20_000
PLAN = [  # kind, local times: 5 rows a person, a typical plan
    ("N_HYDRATE", ("10:00",)),
    ("N_HYDRATE", ("15:00",)),
    ("N_SLEEP", ("22:15",)),
    ("N_CAFF_TRIM", ("10:30",)),
    ("N_CAFF_TRIM", ("14:00",)),
]
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(path: str, people: int) -> None:
    """Bulk-insert people and their reminder rows, already placed (executemany)."""
    from scheduler.recurrence import next_occurrence
    from storage.db import create_engine
    from storage.migrate import upgrade
    from storage.schedules import ReminderSchedule, schedule_to_json
    from triage.schedule import LocalSchedule

    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    import sqlite3

    conn = sqlite3.connect(path)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    now = START.strftime(fmt)
    conn.executemany(
        "INSERT INTO users (id, chat_id, language, onboarding_step, tz, quiet_start, quiet_end,"
        " state, created_at, last_seen_at) VALUES (?, ?, 'en', 'done', ?, '22:30', '07:30',"
        " 'active', ?, ?)",
        ((u, u, ZONES[u % len(ZONES)], now, now) for u in range(1, people + 1)),
    )
    placed = {}
    for zone in ZONES:
        for kind, times in PLAN:
            schedule = LocalSchedule(tuple(dt.time.fromisoformat(t) for t in times), START.date())
            found = next_occurrence(schedule, zone, START)
            assert found is not None
            placed[zone, kind, times] = (
                json.dumps(schedule_to_json(ReminderSchedule(schedule))),
                found,
            )
    rows = []
    for u in range(1, people + 1):
        zone = ZONES[u % len(ZONES)]
        for kind, times in PLAN:
            text, found = placed[zone, kind, times]
            rows.append((u, kind, text, zone, found.due_at.strftime(fmt), found.key, now))
    conn.executemany(
        "INSERT INTO reminders (user_id, kind, schedule, tz, next_due_at, occurrence, active,"
        " sent_count, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, 0, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    del create_engine


class NullNotifier:
    def __init__(self) -> None:
        self.count = 0

    async def send(self, outgoing):  # type: ignore[no-untyped-def]
        from scheduler.ports import Sent

        self.count += 1
        return Sent(message_id=self.count)


async def measure_rows(path: str) -> dict[str, float]:
    """Start-up until ready, then deliveries per second with ~20,000 rows due."""
    from scheduler.clock import FakeClock
    from scheduler.dispatcher import Dispatcher
    from scheduler.driver import DispatchDriver
    from storage.db import create_engine, session_factory

    begun = time.perf_counter()
    clock = FakeClock(START)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    notifier = NullNotifier()
    # A day's grace: every due row takes the full send path (claim, record, send, mark).
    grace = dt.timedelta(days=1)

    def dispatcher_() -> Dispatcher:
        return Dispatcher(
            session_factory(engine), clock, notifier, owner="bench", nudge_grace=grace
        )

    dispatcher = dispatcher_()
    driver = DispatchDriver(dispatcher, clock, idle=dt.timedelta(hours=1))
    await driver.start()
    await dispatcher.next_wakeup()
    ready = time.perf_counter() - begun
    await driver.stop()
    dispatcher = dispatcher_()  # a stopped driver's dispatcher claims nothing more
    ready_mb = peak_mb()
    from sqlalchemy import func, select

    from storage.models import Reminder

    async with session_factory(engine)() as session:  # the clock where ~20,000 rows are due
        order = select(Reminder.next_due_at).order_by(Reminder.next_due_at)
        rows = await session.scalar(select(func.count()).select_from(Reminder)) or 0
        clock.set(await session.scalar(order.offset(min(DUE, rows) - 1).limit(1)))
        due = await session.scalar(
            select(func.count()).where(Reminder.next_due_at <= clock.now(), Reminder.active)
        )
    started = time.perf_counter()
    report = await dispatcher.tick()
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return {
        "ready_s": ready,
        "ready_mb": ready_mb,
        "due": float(due or 0),
        "sent": float(report.sent),
        "skipped": float(report.skipped),
        "per_s": (report.sent + report.skipped) / elapsed,
        "peak_mb": peak_mb(),
    }


async def measure_jobs(path: str) -> dict[str, float]:
    """The common design: one CronTrigger job per reminder in the memory job store."""
    import sqlite3
    from zoneinfo import ZoneInfo

    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger

    begun = time.perf_counter()
    conn = sqlite3.connect(path)
    scheduler = AsyncIOScheduler(timezone=dt.UTC)
    scheduler.start(paused=True)
    for rid, schedule, tz in conn.execute("SELECT id, schedule, tz FROM reminders"):
        hh, mm = json.loads(schedule)["times"][0].split(":")
        trigger = CronTrigger(hour=int(hh), minute=int(mm), timezone=ZoneInfo(tz))
        scheduler.add_job(_noop, trigger, id=str(rid), args=(rid,))
    ready = time.perf_counter() - begun
    scheduler.shutdown(wait=False)
    return {"ready_s": ready, "peak_mb": peak_mb()}


async def _noop(reminder_id: int) -> None:
    return None


def child(kind: str, path: str, people: str) -> None:
    if kind == "seed":
        t = time.perf_counter()
        seed(path, int(people))
        print(json.dumps({"seed_s": time.perf_counter() - t}))
        return
    measure = measure_rows if kind == "rows" else measure_jobs
    print(json.dumps(asyncio.run(measure(path))))


def run(kind: str, path: str, people: int = 0) -> dict[str, float]:
    # Every step is its own process, seeding too: on Linux a child starts with its parent's
    # peak RSS, so a parent that had held the seed rows would inflate every figure after it.
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, path, str(people)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    print(f"nproc={os.cpu_count()} python={sys.version.split()[0]}")
    print(
        "| people | rows | seed s | ready s | ready MB | peak MB | due | sent | skipped"
        " | deliveries/s | jobs: ready s | jobs: peak MB |"
    )
    print("|" + "---|" * 12)
    for people in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = str(Path(tmp) / "bench.sqlite3")
            seeded = run("seed", path, people)["seed_s"]
            jobs = run("jobs", path)
            rows = run("rows", path)
        print(
            f"| {people:,} | {people * len(PLAN):,} | {seeded:.1f} | {rows['ready_s']:.3f} |"
            f" {rows['ready_mb']:.0f} | {rows['peak_mb']:.0f} | {rows['due']:,.0f} |"
            f" {rows['sent']:,.0f} | {rows['skipped']:,.0f} |"
            f" {rows['per_s']:,.0f} | {jobs['ready_s']:.2f} | {jobs['peak_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
