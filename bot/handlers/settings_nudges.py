"""/settings' nudges: the list of the person's nudge series, each one on or off, and new times.

| button             | then                                                        |
|--------------------|-------------------------------------------------------------|
| `s:nudges`         | each series with its times, an on/off and a new-time button |
| `s:on:<series>`    | the series back on; the list redrawn, the next one said     |
| `s:off:<series>`   | the series off; the list redrawn, the next one said         |
| `s:time:<series>`  | the bedtime or workout questions, or typed times awaited    |

Typed times reach bot/handlers/settings_typed.py through bot/routing.py; the menu is
bot/handlers/settings.py.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue
from bot.screens import settings as screen
from bot.screens.preferences import ask_bedtime, ask_workout_days
from bot.usecases import settings as usecases
from bot.usecases.settings import Retime
from storage.models import User


async def on_list(update: Update, context: BotContext) -> None:
    """The nudge series, each with its times and buttons; or that there are none yet."""
    query, d = update.callback_query, context.deps
    assert query and update.effective_user
    callbacks.decode(query.data)  # garbled data is refused, as on every settings button
    user = await usecases.with_settings(d.sessions, update.effective_user.id)
    await query.answer()
    rows = await usecases.series(d.sessions, user.id)
    cat = catalogue(user)
    if not rows:
        await context.bot.send_message(user.chat_id, cat.text("settings.nudges_none"))
        return
    markup = screen.nudges_markup(cat, rows)
    await context.bot.send_message(
        user.chat_id, cat.text("settings.nudges_question"), reply_markup=markup
    )


async def on_switch(update: Update, context: BotContext) -> None:
    """A series on or off: the list redrawn, and when the next reminder comes."""
    query, d = update.callback_query, context.deps
    assert query
    user, values = await _tapped_series(update, context)
    on = callbacks.decode(query.data).field(0) == "on"
    rows, text = await usecases.switch(d.sessions, d.clock.now(), user, values, on)
    d.wake()
    await query.edit_message_reply_markup(reply_markup=screen.nudges_markup(catalogue(user), rows))
    await context.bot.send_message(user.chat_id, text)


async def on_retime(update: Update, context: BotContext) -> None:
    """New times for a series: its plan's questions, or typed times awaited."""
    user, values = await _tapped_series(update, context)
    how, row = await usecases.begin_retime(context.deps.sessions, user, values)
    if how == Retime.BEDTIME:
        await ask_bedtime(context.bot, user)
    elif how == Retime.WORKOUTS:
        await ask_workout_days(context.bot, user)
    else:
        await screen.ask_times(context.bot, user, row)


async def _tapped_series(update: Update, context: BotContext) -> tuple[User, tuple[str, ...]]:
    """The person and the button's fields naming their own series; the tap is answered once
    the series is found theirs (a refusal answers it instead)."""
    query, sessions = update.callback_query, context.deps.sessions
    assert query and update.effective_user
    values = callbacks.decode(query.data).fields[1:]
    user = await usecases.with_settings(sessions, update.effective_user.id)
    await usecases.own_series(sessions, user, values)
    await query.answer()
    return user, values


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's buttons, for bot/app.py to register before the settings menu's."""
    area = screen.AREA
    return [
        CallbackQueryHandler(on_list, pattern=rf"^{area}:nudges(:|$)"),
        CallbackQueryHandler(on_switch, pattern=rf"^{area}:(on|off)(:|$)"),
        CallbackQueryHandler(on_retime, pattern=rf"^{area}:time(:|$)"),
    ]
