"""A reminder storm for bench/updates.py: people whose nudge fell due a minute ago, seeded
straight into a migrated SQLite file with `executemany`, and made known to the stand-in."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing

from bot.playground.server import FakeBotApi
from scheduler.recurrence import next_occurrence
from storage.migrate import upgrade
from storage.schedules import ReminderSchedule, schedule_to_json
from triage.schedule import LocalSchedule

FIRST_ID = 1_000_000
FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def seed(path: str, people: int, now: dt.datetime) -> None:
    """`people` active people in UTC, each with one hydration nudge due a minute before `now`.

    Quiet hours are one minute at 03:00, so the storm is the same at any hour of the day.
    """
    upgrade(f"sqlite+aiosqlite:///{path}")
    due_minute = (now - dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    schedule = LocalSchedule((due_minute.time().replace(tzinfo=None),), due_minute.date())
    found = next_occurrence(schedule, "UTC", due_minute - dt.timedelta(minutes=1))
    assert found is not None
    text, stamp = json.dumps(schedule_to_json(ReminderSchedule(schedule))), now.strftime(FORMAT)
    due = found.due_at.strftime(FORMAT)
    ids = range(FIRST_ID, FIRST_ID + people)
    with closing(sqlite3.connect(path)) as conn:
        conn.executemany(
            "INSERT INTO users (id, chat_id, language, onboarding_step, tz, quiet_start,"
            " quiet_end, state, created_at, last_seen_at, consent_health_at,"
            " consent_reminders_at, adult, country) VALUES (?, ?, 'en', 'done', 'UTC', '03:00',"
            " '03:01', 'active', ?, ?, ?, ?, 1, 'GB')",
            ((u, u, stamp, stamp, stamp, stamp) for u in ids),
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, kind, schedule, tz, next_due_at, occurrence,"
            " active, sent_count, created_at) VALUES (?, 'N_HYDRATE', ?, 'UTC', ?, ?, 1, 0, ?)",
            ((u, text, due, found.key, stamp) for u in ids),
        )
        conn.commit()


def join(api: FakeBotApi, people: int) -> None:
    """Makes the seeded people's chats known to the stand-in, so sends reach them."""
    for chat_id in range(FIRST_ID, FIRST_ID + people):
        api.join(chat_id, {"id": chat_id, "type": "private", "first_name": "P"})
