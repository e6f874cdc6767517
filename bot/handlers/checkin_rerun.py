"""The answer to a check-in's re-run offer (F-E2, F-E3): the questions again, each answer
prefilled, or not now."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.checkin_screens import NONE, RERUN_ANSWERS
from bot.deps import BotContext
from bot.replies import catalogue, show_choice
from bot.screens import triage as triage_screen
from bot.usecases import checkin
from triage.checkin_flow import RERUNS


async def on_rerun(update: Update, context: BotContext) -> None:
    """The answer to the re-run offer: the prefilled questions, or not now."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    checkin_id, options = parsed.int_field(0), parsed.fields[2:]
    choice = options[0] if options else ""
    offer = await checkin.rerun_offer(d.sessions, update.effective_user.id, checkin_id)
    user, episode = offer.user, offer.episode
    cat = catalogue(user, update.effective_user.language_code)
    if user is None or episode is None or choice not in (*RERUNS, NONE):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    await show_choice(query)
    if choice == NONE:
        await context.bot.send_message(user.chat_id, cat.text("checkin_ui.rerun_declined"))
    elif offer.active is not None:
        now = d.clock.now()
        await triage_screen.send_current(context.bot, user.chat_id, user, offer.active, now)
    else:
        await triage_screen.begin_rerun(context.bot, d, user, episode.id, RERUNS[choice])


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_rerun, pattern=RERUN_ANSWERS)]
