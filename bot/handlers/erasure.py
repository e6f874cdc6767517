"""/delete: erase everything about the person, after a confirming tap.

| trigger            | does                                                          |
|--------------------|---------------------------------------------------------------|
| /delete            | asks to confirm (`d:erase:<user>` / `d:keep:<user>`)           |
| `d:` button        | erases every row and reminder in one transaction, or keeps    |
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue, say
from bot.screens.data import AREA, ERASE, KEEP, delete_buttons, words
from bot.usecases import data as usecases


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's handlers, to be registered before the catch-all ones."""
    return [
        CommandHandler("delete", on_delete),
        CallbackQueryHandler(on_button, pattern=rf"^{AREA}:"),
    ]


async def on_delete(update: Update, context: BotContext) -> None:
    """/delete: asks to confirm before erasing anything."""
    assert update.effective_user and update.effective_message
    user_id = update.effective_user.id
    user = await usecases.user_of(context.deps.sessions, user_id)
    cat = words(update, user)
    if user is None:
        await update.effective_message.reply_text(say(cat, "data.nothing_to_delete", None))
        return
    await update.effective_message.reply_text(
        say(cat, "data.delete_ask", user), reply_markup=delete_buttons(cat, user_id)
    )


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on "Yes, erase everything" or "No, keep my data"."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, owner = parsed.field(0), parsed.int_field(1, maximum=callbacks.MAX_USER_ID)
    cat = catalogue(None, update.effective_user.language_code)
    if owner != update.effective_user.id or action not in (ERASE, KEEP):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    if action == KEEP:
        await query.edit_message_text(cat.text("data.kept"))
        return
    erased = await _erase(context, owner)
    await query.edit_message_text(cat.text("data.deleted" if erased else "data.already_gone"))


async def _erase(context: BotContext, user_id: int) -> int:
    d = context.deps
    erased = await usecases.erase(d.sessions, user_id)
    d.wake()  # the dispatcher forgets the erased reminders at once
    return erased
