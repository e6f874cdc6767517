"""Typing "back" during a check-in: what its Back button does, or, on its first screen, a word
that there is nothing before it and the screen again."""

from __future__ import annotations

from telegram import Update

from bot.checkin_screens import render
from bot.deps import BotContext
from bot.replies import catalogue
from bot.usecases import checkin
from bot.usecases.checkin_taps import TapKind
from storage.models import User


async def on_typed_back(update: Update, context: BotContext, user: User) -> bool:
    """The screen before, sent afresh with its answer ticked; False when no check-in is open."""
    done = await checkin.typed_back(context.deps.sessions, user.id)
    if done is None:
        return False
    language = update.effective_user.language_code if update.effective_user else None
    cat = catalogue(done.user, language)
    assert done.tap.row
    text, markup = render(cat, done.tap.row)
    if done.tap.kind == TapKind.BACK:
        assert done.user
        await context.bot.send_message(done.user.chat_id, cat.text("back.went_back"))
        await context.bot.send_message(done.user.chat_id, text, reply_markup=markup)
    else:
        assert update.effective_message
        await update.effective_message.reply_text(cat.text("checkin_ui.back_first"))
        await update.effective_message.reply_text(text, reply_markup=markup)
    return True
