"""/settings in Telegram: the summary of the person's choices, its menu, the list of nudges
with on/off and new-time buttons, and the time-zone and quiet-hours questions.

Callback data: `s:<action>` and `s:<action>:<value>...`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot import callbacks, cities
from bot.catalogue import Catalogue
from bot.deps import Deps
from bot.plans import DAY_NAMES, preferences
from bot.replies import back_to_settings, catalogue, keyboard, say, show_choice
from bot.screens import country
from bot.screens.preferences import hhmm, what
from bot.usecases import settings as usecases
from storage.models import Reminder, User

AREA = "s"
QUIET_PRESETS = (("2200", "0700"), ("2230", "0730"), ("2300", "0800"), ("0000", "0800"))


def data(*fields: object) -> str:
    return callbacks.encode(AREA, *fields)


def summary(user: User, now: dt.datetime, following: str) -> str:
    """The person's choices, their local time and when the next reminder comes."""
    cat = catalogue(user)
    prefs = preferences(user)
    unset = cat.text("settings.not_set")
    workout = (
        cat.text(
            "settings.workout_value",
            days=", ".join(DAY_NAMES[day] for day in sorted(prefs.workout_days)),
            time=hhmm(prefs.workout_time),
        )
        if user.workout_days and user.workout_time
        else unset
    )
    return say(
        cat,
        "settings.summary",
        user,
        tz=user.tz,
        local_time=now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).strftime("%H:%M"),
        country=country.label(cat, user.country),
        quiet=f"{user.quiet_start}–{user.quiet_end}",
        bedtime=user.bedtime or unset,
        workout=workout,
        next=following,
    )


async def show_summary(bot: Bot, deps: Deps, user: User) -> None:
    """The summary with the menu under it."""
    now = deps.clock.now()
    text = summary(user, now, await usecases.following(deps.sessions, user, now))
    await bot.send_message(user.chat_id, text, reply_markup=menu(user))


def menu(user: User) -> InlineKeyboardMarkup:
    cat = catalogue(user)
    rows = [
        [
            (cat.text("settings.button.tz"), data("tz")),
            (cat.text("settings.button.country"), data("country")),
        ],
        [
            (cat.text("settings.button.quiet"), data("quiet")),
            (cat.text("settings.button.bedtime"), data("bed")),
        ],
        [
            (cat.text("settings.button.workout"), data("work")),
            (cat.text("settings.button.nudges"), data("nudges")),
        ],
    ]
    if user.consent_reminders_at is None:
        rows.append([(cat.text("settings.button.reminders_on"), data("consent"))])
    rows.append(
        [(cat.text(f"sound.button.{'ring' if user.ring_nudges else 'silent'}"), data("ring"))]
    )
    return keyboard(rows)


def nudges_markup(cat: Catalogue, rows: list[Reminder]) -> InlineKeyboardMarkup:
    buttons = []
    for row in rows:
        schedule = row.schedule.schedule
        times = ", ".join(hhmm(t) for t in schedule.times)
        key = "settings.nudge_on" if row.active else "settings.nudge_off"
        label = cat.text(key, what=what(cat, row.kind), times=times)
        toggle = data("off" if row.active else "on", row.id)
        buttons.append([(label, toggle), (cat.text("settings.nudge_retime"), data("time", row.id))])
    return keyboard(buttons)


async def ask_times(bot: Bot, user: User, row: Reminder) -> None:
    """New times for one nudge series, typed: the question names the times it has now."""
    schedule = row.schedule.schedule
    cat = catalogue(user)
    times = ", ".join(hhmm(t) for t in schedule.times)
    text = cat.text("settings.retime_question", what=what(cat, row.kind), times=times)
    await bot.send_message(user.chat_id, text)


async def ask_zone(bot: Bot, user: User, names: Sequence[str]) -> None:
    """Share a location, pick from the list, or type a place's name."""
    cities.warm()
    cat = catalogue(user)
    share = KeyboardButton(cat.text("settings.tz_share"), request_location=True)
    await bot.send_message(
        user.chat_id,
        cat.text("settings.tz_question", tz=user.tz),
        reply_markup=ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True),
    )
    rows = [[(name.replace("_", " "), data("tz", i))] for i, name in enumerate(names)]
    await bot.send_message(
        user.chat_id,
        cat.text("settings.tz_pick"),
        reply_markup=keyboard([*rows, back_to_settings(cat)]),
    )


async def ask_quiet(bot: Bot, user: User) -> None:
    """A preset window, or one typed ("23:00-07:00")."""
    cat = catalogue(user)
    rows = [[(f"{a[:2]}:{a[2:]}–{b[:2]}:{b[2:]}", data("quiet", a, b))] for a, b in QUIET_PRESETS]
    text = cat.text("settings.quiet_question", quiet=f"{user.quiet_start}–{user.quiet_end}")
    await bot.send_message(
        user.chat_id, text, reply_markup=keyboard([*rows, back_to_settings(cat)])
    )


async def set_zone(
    bot: Bot, deps: Deps, user_id: int, zone: str, tap: CallbackQuery | None = None
) -> None:
    """The new zone saved, every reminder kept at its local wall time, and said so; the
    question, when a button answered it, keeps the zone under it."""
    user, text = await usecases.set_zone(deps.sessions, deps.clock.now(), user_id, zone)
    deps.wake()
    if tap is not None:
        await show_choice(tap)
    await bot.send_message(user.chat_id, text, reply_markup=ReplyKeyboardRemove())


async def set_quiet(
    bot: Bot,
    deps: Deps,
    user_id: int,
    start: dt.time,
    end: dt.time,
    tap: CallbackQuery | None = None,
) -> None:
    """New quiet hours saved, or the reason they would swallow every reminder said. Once
    saved, the question a button answered keeps the window under it; a refused one keeps its
    buttons, to pick another."""
    user, text = await usecases.set_quiet(deps.sessions, deps.clock.now(), user_id, start, end)
    deps.wake()
    if tap is not None and (user.quiet_start, user.quiet_end) == (hhmm(start), hhmm(end)):
        await show_choice(tap)
    await bot.send_message(user.chat_id, text)
