"""/settings: time zone, country, quiet hours, bedtime, workouts, and each nudge on or off at
its time. Every change re-plans the affected reminders at once and the reply says, in local
time, when the next one comes.

| button        | then                                                   | typed text awaited |
|---------------|--------------------------------------------------------|--------------------|
| Time zone     | share a location, pick from a list, or type a name     | "tz"               |
| Country       | pick one, type its name or share a location            | "country"          |
| Quiet hours   | pick a window, or type one ("23:00-07:00")             | "quiet"            |
| Bedtime       | the plan's bedtime question (bot/screens/preferences)  | "bedtime"          |
| Workouts      | the plan's workout questions                           | "workout_time"     |
| Reminders     | each nudge: on/off, and a new time                     | "time:<reminder>"  |

The changes are bot/usecases/settings.py; the screens bot/screens/settings.py; typed answers
and shared locations reach bot/handlers/settings_typed.py through bot/routing.py.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks, cities, places
from bot.awaiting import Awaiting
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import catalogue
from bot.screens import country
from bot.screens import settings as screen
from bot.screens import triage as triage_screen
from bot.screens.preferences import ask_bedtime, ask_workout_days, hhmm, what
from bot.times import parse_time
from bot.usecases import settings as usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.preferences import REPLANNED
from scheduler.policy import SLEEP
from scheduler.recurrence import schedule_from_json
from storage.models import User

Values = tuple[str, ...]


async def on_settings(update: Update, context: BotContext) -> None:
    """/settings: a summary of the person's choices, with a button for each."""
    message, d = update.effective_message, context.deps
    assert message and update.effective_user
    user = await usecases.store(d.sessions, update.effective_user.id, awaiting=None)
    if user is None or not is_onboarded(user):
        cat = catalogue(user, update.effective_user.language_code)
        await message.reply_text(cat.text("settings.not_onboarded"))
    elif needs_country(user.country):
        await country.ask(context, user, then_triage=False, legacy=True)
    else:
        await show_summary(context, user)


async def show_summary(context: BotContext, user: User) -> None:
    d = context.deps
    now = d.clock.now()
    text = screen.summary(user, now, await usecases.following(d.sessions, user, now))
    await context.bot.send_message(user.chat_id, text, reply_markup=screen.menu(user))


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a /settings button."""
    query, d = update.callback_query, context.deps
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, values = parsed.field(0), parsed.fields[1:]
    user = await usecases.store(d.sessions, update.effective_user.id)
    if user is None or not is_onboarded(user):
        raise callbacks.BadCallback("not a person with settings")
    handler = BUTTONS.get(action)
    if handler is None:
        raise callbacks.BadCallback("unknown settings action")
    if action in ("on", "off", "time"):
        await usecases.own_series(d.sessions, user, values)  # before answering: a refusal answers
    await query.answer()
    await handler(update, context, user, values)


async def _on_menu(update: Update, context: BotContext, user: User, _: Values) -> None:
    """Back to the settings summary; nothing typed is awaited any more."""
    stored = await usecases.store(context.deps.sessions, user.id, awaiting=None)
    assert stored is not None
    await show_summary(context, stored)


async def _on_tz(update: Update, context: BotContext, user: User, values: Values) -> None:
    names = places.zone_choices(user.country)
    if not values:
        await usecases.store(context.deps.sessions, user.id, awaiting=Awaiting.TZ)
        await screen.ask_zone(context.bot, user, names)
        return
    if values[0].isdigit() and int(values[0]) < len(names):
        zone: str | None = names[callbacks.number(values[0])]
    else:  # one of the places a typed name could mean
        zone = cities.picked(values, user.country)
    if zone is None:
        raise callbacks.BadCallback("no such zone")
    await screen.set_zone(context.bot, context.deps, user.id, zone)


async def _on_country(update: Update, context: BotContext, user: User, values: Values) -> None:
    if not values:
        await country.ask(context, user, then_triage=False)
        return
    if not country.valid(values[0]) or values[1:] not in ((), (country.THEN_TRIAGE,)):
        raise callbacks.BadCallback("no such country")
    saved = await country.save(context, user.id, values[0])
    if values[1:]:
        await triage_screen.begin(context.bot, context.deps, saved.chat_id, saved)


async def _on_quiet(update: Update, context: BotContext, user: User, values: Values) -> None:
    if len(values) != 2:
        await usecases.store(context.deps.sessions, user.id, awaiting=Awaiting.QUIET)
        await screen.ask_quiet(context.bot, user)
        return
    start, end = (parse_time(f"{v[:2]}:{v[2:]}") for v in values)
    if start is None or end is None:
        raise callbacks.BadCallback("bad quiet hours")
    await screen.set_quiet(context.bot, context.deps, user.id, start, end)


async def _on_bedtime(update: Update, context: BotContext, user: User, _: Values) -> None:
    await ask_bedtime(context.bot, user)


async def _on_workout(update: Update, context: BotContext, user: User, _: Values) -> None:
    await ask_workout_days(context.bot, user)


async def _on_consent(update: Update, context: BotContext, user: User, _: Values) -> None:
    if user.consent_reminders_at is None:
        d = context.deps
        await usecases.consent_again(d.sessions, d.clock.now(), user.id)
    await context.bot.send_message(user.chat_id, catalogue(user).text("settings.reminders_on"))


async def _on_ring(update: Update, context: BotContext, user: User, _: Values) -> None:
    """Nudges ring, or arrive silently again (check-ins always ring)."""
    stored = await usecases.store(context.deps.sessions, user.id, ring_nudges=not user.ring_nudges)
    assert stored is not None
    said = "ring" if stored.ring_nudges else "silent"
    await context.bot.send_message(user.chat_id, catalogue(user).text(f"sound.saved.{said}"))


async def _on_nudges(update: Update, context: BotContext, user: User, _: Values) -> None:
    rows = await usecases.series(context.deps.sessions, user.id)
    cat = catalogue(user)
    if not rows:
        await context.bot.send_message(user.chat_id, cat.text("settings.nudges_none"))
        return
    markup = screen.nudges_markup(cat, rows)
    await context.bot.send_message(
        user.chat_id, cat.text("settings.nudges_question"), reply_markup=markup
    )


async def _on_switch(update: Update, context: BotContext, user: User, values: Values) -> None:
    query, d = update.callback_query, context.deps
    assert query
    on = callbacks.decode(query.data).field(0) == "on"
    rows, text = await usecases.switch(d.sessions, d.clock.now(), user, values, on)
    d.wake()
    await query.edit_message_reply_markup(reply_markup=screen.nudges_markup(catalogue(user), rows))
    await context.bot.send_message(user.chat_id, text)


async def _on_retime(update: Update, context: BotContext, user: User, values: Values) -> None:
    d = context.deps
    row = await usecases.own_series(d.sessions, user, values)
    if row.kind == SLEEP:
        await ask_bedtime(context.bot, user)
        return
    if row.kind in REPLANNED:
        await ask_workout_days(context.bot, user)
        return
    await usecases.store(d.sessions, user.id, awaiting=Awaiting.RETIME.on(row.id))
    schedule, _ = schedule_from_json(row.schedule)
    cat = catalogue(user)
    times = ", ".join(hhmm(t) for t in schedule.times)
    text = cat.text("settings.retime_question", what=what(cat, row.kind), times=times)
    await context.bot.send_message(user.chat_id, text)


BUTTONS = {
    "tz": _on_tz,
    "country": _on_country,
    "quiet": _on_quiet,
    "bed": _on_bedtime,
    "work": _on_workout,
    "consent": _on_consent,
    "ring": _on_ring,
    "menu": _on_menu,
    "nudges": _on_nudges,
    "on": _on_switch,
    "off": _on_switch,
    "time": _on_retime,
}


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("settings", on_settings),
        CallbackQueryHandler(on_button, pattern=r"^s:"),
    ]
