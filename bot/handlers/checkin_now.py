"""/checkin: the follow-up check-in now, starting with its safety question, for a person whose
episode has a running follow-up. A check-in already asked and not yet answered is shown again
instead, so asking twice never counts as a silence (F-T4)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot import checkin_screens
from bot.deps import BotContext
from bot.replies import catalogue, say
from bot.screens.control import onboarded_sender
from bot.usecases import control as usecases


async def on_checkin(update: Update, context: BotContext) -> None:
    """/checkin: the check-in now, or the one already asked, or a word that none is running."""
    user = await onboarded_sender(update, context)
    if user is None:
        return
    message = update.effective_message
    assert message
    d, cat = context.deps, catalogue(user)
    found, open_row = await usecases.checkin_due(d.sessions, user)
    if found is None:
        await message.reply_text(say(cat, "control.no_checkin", user))
        return
    if open_row is not None:
        text, markup = checkin_screens.render(cat, open_row)
        await message.reply_text(text, reply_markup=markup)
        return
    asked = await usecases.checkin_now(d.sessions, d.clock, user, *found)
    prepared = asked.prepared
    if prepared is None or prepared.markup is None:
        await context.bot.send_message(user.chat_id, say(cat, "control.no_checkin", user))
        return
    sent = await context.bot.send_message(user.chat_id, prepared.text, reply_markup=prepared.markup)
    await usecases.asked(d.sessions, asked.at, user.id, asked.delivery_id, sent.message_id)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's command, for bot/app.py to register."""
    return [CommandHandler("checkin", on_checkin)]
