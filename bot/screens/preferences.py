"""The plan's own questions in Telegram (spec §3.4): bedtime for N_SLEEP, workout days and
time for N_WARMUP, asked once with the spec's defaults offered as buttons.

| question      | buttons                                          | next                       |
|---------------|--------------------------------------------------|----------------------------|
| bedtime       | 22:00 · 22:30 · 23:00 · 23:30 · 00:00 · type one | saved, N_SLEEP re-planned  |
| workout days  | Mon..Sun with ticks (Mon/Wed/Fri ticked), Done   | workout time               |
| workout time  | 07:00 · 12:00 · 17:30 · 18:00 · 19:00 · type one | saved, N_WARMUP re-planned |

The ticked days travel in the buttons themselves (`p:days:<bitmask>`), so nothing is stored
until Done. Callback data: `p:bed:<HHMM>|type`, `p:days:<mask>`, `p:daysok:<mask>`,
`p:wt:<HHMM>|type`.
"""

from __future__ import annotations

import datetime as dt

from telegram import Bot, InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.plans import DAY_NAMES, preferences
from bot.replies import catalogue, keyboard
from storage.models import User

AREA = "p"
BEDTIMES = ("22:00", "22:30", "23:00", "23:30", "00:00")
WORKOUT_TIMES = ("07:00", "12:00", "17:30", "18:00", "19:00")
DEFAULT_DAYS = frozenset({0, 2, 4})  # spec §3.4: Mon/Wed/Fri


def hhmm(at: dt.time) -> str:
    return at.strftime("%H:%M")


def what(cat: Catalogue, kind: str) -> str:
    """A reminder kind in words ("a water check")."""
    if cat.has(f"preferences.kind.{kind}"):
        return cat.text(f"preferences.kind.{kind}")
    return cat.text("preferences.kind.other")


async def ask_missing(bot: Bot, user: User, needs: frozenset[str]) -> None:
    """After a result: asks for bedtime and workout days once each, when the plan needs them
    and the person has not said yet (their reminders already run on the defaults)."""
    if user.consent_reminders_at is None:
        return
    if "bedtime" in needs and user.bedtime is None:
        await ask_bedtime(bot, user)
    if "workout" in needs and (user.workout_days is None or user.workout_time is None):
        await ask_workout_days(bot, user)


async def ask_bedtime(bot: Bot, user: User) -> None:
    cat = catalogue(user)
    await bot.send_message(
        user.chat_id,
        cat.text("preferences.bedtime_question"),
        reply_markup=keyboard(_time_rows(cat, "bed", BEDTIMES)),
    )


async def ask_workout_days(bot: Bot, user: User) -> None:
    days = preferences(user).workout_days if user.workout_days else DEFAULT_DAYS
    cat = catalogue(user)
    await bot.send_message(
        user.chat_id,
        cat.text("preferences.workout_days_question"),
        reply_markup=days_markup(cat, mask_of(days)),
    )


async def ask_workout_time(bot: Bot, user: User) -> None:
    cat = catalogue(user)
    await bot.send_message(
        user.chat_id,
        cat.text("preferences.workout_time_question"),
        reply_markup=keyboard(_time_rows(cat, "wt", WORKOUT_TIMES)),
    )


def _time_rows(cat: Catalogue, kind: str, times: tuple[str, ...]) -> list[list[tuple[str, str]]]:
    rows = [[(t, data(kind, t.replace(":", ""))) for t in times[:3]]]
    rows.append([(t, data(kind, t.replace(":", ""))) for t in times[3:]])
    rows.append([(cat.text("preferences.type_time"), data(kind, "type"))])
    return rows


def days_markup(cat: Catalogue, mask: int) -> InlineKeyboardMarkup:
    def label(day: int) -> str:
        return ("✅ " if mask & (1 << day) else "") + DAY_NAMES[day]

    buttons = [(label(day), data("days", mask ^ (1 << day))) for day in range(7)]
    return keyboard(
        [buttons[:4], buttons[4:], [(cat.text("preferences.days_done"), data("daysok", mask))]]
    )


def data(kind: str, value: object) -> str:
    return callbacks.encode(AREA, kind, value)


def mask_of(days: frozenset[int]) -> int:
    return sum(1 << day for day in days)


def days_of(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))
