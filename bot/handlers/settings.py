"""/settings: time zone, country, quiet hours, bedtime, workouts, each nudge on or off and its
time. Every change re-plans its reminders at once; the reply says when the next one comes.

| button        | then                                                   | typed text awaited |
|---------------|--------------------------------------------------------|--------------------|
| Time zone     | share a location, pick from a list, or type a name     | "tz"               |
| Country       | pick one, type its name or share a location            | "country"          |
| Quiet hours   | pick a window, or type one ("23:00-07:00")             | "quiet"            |
| Bedtime       | the plan's bedtime question (bot/screens/preferences)  | "bedtime"          |
| Workouts      | the plan's workout questions                           | "workout_time"     |
| Reminders     | each nudge: on/off, and a new time                     | "time:<reminder>"  |

The menu is here; nudges in bot/handlers/settings_nudges.py, changes in bot/usecases/settings.py,
screens in bot/screens/settings.py, typed answers (via bot/routing.py) in settings_typed.py.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks, cities, places
from bot.awaiting import Awaiting
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import catalogue, show_choice
from bot.screens import country
from bot.screens import settings as screen
from bot.screens import triage as triage_screen
from bot.screens.preferences import ask_bedtime, ask_workout_days
from bot.times import parse_time
from bot.usecases import settings as usecases
from bot.usecases.onboarding import is_onboarded
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
        await screen.show_summary(context.bot, context.deps, user)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a /settings menu button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, values = parsed.field(0), parsed.fields[1:]
    user = await usecases.with_settings(context.deps.sessions, update.effective_user.id)
    handler = BUTTONS.get(action)
    if handler is None:
        raise callbacks.BadCallback("unknown settings action")
    await query.answer()
    await handler(context, user, values, query)


async def _on_menu(context: BotContext, user: User, _: Values, _tap: CallbackQuery) -> None:
    """Back to the settings summary; nothing typed is awaited any more."""
    stored = await usecases.store(context.deps.sessions, user.id, awaiting=None)
    assert stored is not None
    await screen.show_summary(context.bot, context.deps, stored)


async def _on_tz(context: BotContext, user: User, values: Values, tap: CallbackQuery) -> None:
    if values == (country.ZONE_OFFER,):  # under a new country: tapped once, then it goes
        await show_choice(tap)
    elif values:
        zone = cities.picked(values, user.country)
        if zone is None:
            raise callbacks.BadCallback("no such zone")
        await screen.set_zone(context.bot, context.deps, user.id, zone, tap)
        return
    await usecases.store(context.deps.sessions, user.id, awaiting=Awaiting.TZ)
    await screen.ask_zone(context.bot, user, places.zone_choices(user.country))


async def _on_country(context: BotContext, user: User, values: Values, tap: CallbackQuery) -> None:
    if not values:
        await country.ask(context, user, then_triage=False)
        return
    if not country.valid(values[0]) or values[1:] not in ((), (country.THEN_TRIAGE,)):
        raise callbacks.BadCallback("no such country")
    saved = await country.save(context, user.id, values[0], tap, then_triage=bool(values[1:]))
    if values[1:]:
        await triage_screen.begin(context.bot, context.deps, saved.chat_id, saved)


async def _on_quiet(context: BotContext, user: User, values: Values, tap: CallbackQuery) -> None:
    if len(values) != 2:
        await usecases.store(context.deps.sessions, user.id, awaiting=Awaiting.QUIET)
        await screen.ask_quiet(context.bot, user)
        return
    start, end = (parse_time(f"{v[:2]}:{v[2:]}") for v in values)
    if start is None or end is None:
        raise callbacks.BadCallback("bad quiet hours")
    await screen.set_quiet(context.bot, context.deps, user.id, start, end, tap)


async def _on_bedtime(context: BotContext, user: User, _: Values, _tap: CallbackQuery) -> None:
    await ask_bedtime(context.bot, user)


async def _on_workout(context: BotContext, user: User, _: Values, _tap: CallbackQuery) -> None:
    await ask_workout_days(context.bot, user)


async def _on_consent(context: BotContext, user: User, _: Values, _tap: CallbackQuery) -> None:
    if user.consent_reminders_at is None:
        await usecases.consent_again(context.deps.sessions, context.deps.clock.now(), user.id)
    await context.bot.send_message(user.chat_id, catalogue(user).text("settings.reminders_on"))


async def _on_ring(context: BotContext, user: User, _: Values, _tap: CallbackQuery) -> None:
    """Nudges ring, or arrive silently again (check-ins always ring)."""
    stored = await usecases.store(context.deps.sessions, user.id, ring_nudges=not user.ring_nudges)
    assert stored is not None
    said = "ring" if stored.ring_nudges else "silent"
    await context.bot.send_message(user.chat_id, catalogue(user).text(f"sound.saved.{said}"))


BUTTONS = {
    "tz": _on_tz,
    "country": _on_country,
    "quiet": _on_quiet,
    "bed": _on_bedtime,
    "work": _on_workout,
    "consent": _on_consent,
    "ring": _on_ring,
    "menu": _on_menu,
}


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The command and the menu's buttons, registered after settings_nudges' `s:` ones."""
    return [
        CommandHandler("settings", on_settings),
        CallbackQueryHandler(on_button, pattern=r"^s:"),
    ]
