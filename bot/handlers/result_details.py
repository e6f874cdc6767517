"""The buttons under a triage result: "Why?", "Tips" and "My plan" (`v:<session>:<detail>`),
each answered with a new message; a button of a result that is gone gets a short alert."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.deps import BotContext
from bot.usecases.result_details import read_detail


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on "Why?", "Tips" or "My plan": the detail as a new message."""
    query = update.callback_query
    assert query and update.effective_user and update.effective_chat
    parsed = callbacks.decode(query.data)
    session_id, detail = parsed.int_field(0), parsed.field(1)
    language = update.effective_user.language_code
    cat, text = await read_detail(
        context.deps.sessions, update.effective_user.id, language, session_id, detail
    )
    if text is None:
        await query.answer(cat.text("result_details.gone"), show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, text)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=r"^v:")]
