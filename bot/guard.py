"""The first look at every update: shapes a private bot never gets are dropped quietly.

Runs before every other handler (group -2). It lets through messages, edited messages, button
taps on a message and changes to the bot's own membership, each from a person, and in a
private chat only when the sender is the chat's own person: a forged update naming someone
else's chat never reaches a handler, so it can neither create nor change that person's rows.
Group chats pass on to the private-only guard, which answers them politely. A refused tap is
answered with the usual "that button is no longer active", so no spinner is left turning.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.catalogue import catalogue_for

log = logging.getLogger(__name__)

KINDS = ("message", "edited_message", "callback_query", "my_chat_member")


def refusal(update: Update) -> str | None:
    """Why `update` is not for this bot, or None when it is."""
    kinds = [kind for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None]
    if len(kinds) != 1 or kinds[0] not in KINDS:
        return "an update kind a private bot does not get"
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return "no sender or no chat"
    if user.is_bot:
        return "sent by a bot"
    query = update.callback_query
    if query is not None and (query.message is None or query.data is None):
        return "a tap without a message or data"
    if chat.type == "private" and chat.id != user.id:
        return "a sender other than the chat's person"
    return None


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stops an update that is not for this bot before any handler sees it."""
    why = refusal(update)
    if why is None:
        return
    log.debug("update %s ignored: %s", update.update_id, why)
    query = update.callback_query
    if query is not None:
        # A tap still waits for an answer: the same gentle one as any button not ours.
        language = query.from_user.language_code
        with suppress(TelegramError):
            await query.answer(catalogue_for(language).text("error.stale_button_alert"))
    raise ApplicationHandlerStop
