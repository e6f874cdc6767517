"""The person in control of what the bot sends: /pause, /resume and /stop.

| command  | asks                                | then                                           |
|----------|-------------------------------------|------------------------------------------------|
| /pause   | a day · a week · until /resume      | nudges skipped, check-ins held (the dispatcher) |
| /resume  |                                     | active again; held check-ins come at once      |
| /stop    | a confirmation                      | reminder consent withdrawn, every reminder off |

/stop keeps everything else (answers, episodes, settings); /delete is a separate command.
/checkin is bot/handlers/checkin_now.py. The questions and their callback data are
bot/screens/control.py.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue, say, show_choice
from bot.screens import control as screen
from bot.usecases import control as usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.people import user_of
from storage.models import User


async def on_pause(update: Update, context: BotContext) -> None:
    """/pause: for a day, a week, or until /resume."""
    user = await screen.onboarded_sender(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.nothing_to_pause"))
        return
    text, markup = screen.pause_question(cat)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _on_pause_choice(update: Update, context: BotContext, user: User, choice: str) -> None:
    if choice not in usecases.PAUSES:
        raise callbacks.BadCallback("no such pause")
    d = context.deps
    until = await usecases.pause(d.sessions, d.clock.now(), user.id, choice)
    await context.bot.send_message(user.chat_id, screen.paused(catalogue(user), user, until))


async def on_resume(update: Update, context: BotContext) -> None:
    """/resume: reminders and check-ins start again; a check-in held by the pause comes now."""
    user = await screen.onboarded_sender(update, context)
    if user is None:
        return
    d = context.deps
    text = await usecases.resume(d.sessions, d.clock.now(), user.id)
    d.wake()
    assert update.effective_message
    await update.effective_message.reply_text(text)


async def on_stop(update: Update, context: BotContext) -> None:
    """/stop: asks to confirm before withdrawing reminder consent (spec §5.2)."""
    user = await screen.onboarded_sender(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.already_stopped"))
        return
    text, markup = screen.stop_question(cat)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _on_stop_choice(update: Update, context: BotContext, user: User, choice: str) -> None:
    if choice not in screen.STOP_ANSWERS:
        raise callbacks.BadCallback("no such answer")
    cat = catalogue(user)
    if choice == "no":
        await context.bot.send_message(user.chat_id, cat.text("control.stop_kept"))
        return
    d = context.deps
    await usecases.stop(d.sessions, user.id)
    d.wake()
    await context.bot.send_message(user.chat_id, say(cat, "control.stopped", user))


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a /pause or /stop button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, choice = parsed.field(0), parsed.field(1)
    user = await user_of(context.deps.sessions, update.effective_user.id)
    if user is None or not is_onboarded(user) or action not in ("pause", "stop"):
        raise callbacks.BadCallback("not a control button of this person")
    await query.answer()
    await show_choice(query)
    if action == "pause":
        await _on_pause_choice(update, context, user, choice)
    else:
        await _on_stop_choice(update, context, user, choice)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("pause", on_pause),
        CommandHandler("resume", on_resume),
        CommandHandler("stop", on_stop),
        CallbackQueryHandler(on_button, pattern=rf"^{screen.AREA}:"),
    ]
