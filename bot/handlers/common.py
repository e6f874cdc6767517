"""Commands every person can use from the first day, the private-chat guard, unknown input and
the error handler."""

from __future__ import annotations

import logging
import traceback
from contextlib import suppress
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler

from bot.callbacks import BadCallback
from bot.deps import BotContext
from bot.replies import catalogue, say
from bot.usecases.people import user_of
from storage.models import User

log = logging.getLogger(__name__)


async def load_user(update: Update, context: BotContext) -> User | None:
    tg_user = update.effective_user
    if tg_user is None:
        return None
    d = context.deps
    user = await user_of(d.sessions, tg_user.id)
    if user is None:
        d.hints.forget(tg_user.id)
    else:
        d.hints.remember(tg_user.id, user.country)  # for the safety net when storage fails
    return user


async def reply(update: Update, context: BotContext, key: str, **values: object) -> Message:
    """Replies with catalogue message `key` in the person's language and country."""
    user = await load_user(update, context)
    language = update.effective_user.language_code if update.effective_user else None
    assert update.effective_message
    text = say(catalogue(user, language), key, user, **values)
    return await update.effective_message.reply_text(text)


async def on_help(update: Update, context: BotContext) -> None:
    """/help: what the bot can do, and the emergency number."""
    await reply(update, context, "help.text")


async def on_privacy(update: Update, context: BotContext) -> None:
    """/privacy: what is stored, why, for how long, and how to delete it."""
    await reply(update, context, "privacy.text", retention=context.deps.settings.retention_days)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have: point to /help."""
    await reply(update, context, "error.unknown_command")


async def on_not_text(update: Update, context: BotContext) -> None:
    """A photo, sticker, voice note or file: say what the bot can read."""
    await reply(update, context, "error.not_text")


async def on_not_private(update: Update, context: BotContext) -> None:
    """Anything in a group or channel: say it only works in private chats, store nothing."""
    chat = update.effective_chat
    log.info("refused an update from a %s chat", chat.type if chat else "unknown")
    if update.callback_query:
        await update.callback_query.answer()
    if chat is not None and (update.effective_message or update.my_chat_member):
        language = update.effective_user.language_code if update.effective_user else None
        text = say(catalogue(None, language), "error.group_only_private", None)
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError as exc:
            log.info("could not answer in chat %s: %s", chat.id, type(exc).__name__)
    raise ApplicationHandlerStop


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure with the update id (never its content) and apologises briefly."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, BadCallback) and isinstance(update, Update):
        # Forged or garbled button data: a gentle answer, nothing else (DESIGN.md decision 8).
        log.info("update %s carried callback data that is not ours", update_id)
        if update.callback_query:
            language = update.effective_user.language_code if update.effective_user else None
            text = catalogue(None, language).text("error.stale_button_alert")
            try:
                await update.callback_query.answer(text)
            except TelegramError as exc:
                # The handler may have answered before it found the data wrong; one is enough.
                log.info("update %s: query already answered (%s)", update_id, type(exc).__name__)
        return
    if left_as_it_was(context.error):
        # A second tap of the same button edits a message to what it already says: nothing
        # is wrong, and the person needs no apology.
        log.info("update %s left a message as it was", update_id)
        if isinstance(update, Update) and update.callback_query:
            with suppress(TelegramError):
                await update.callback_query.answer()
        return
    # Exception messages can carry SQL parameters or message text (health data), so only the
    # error's class and where it was raised are logged.
    log.error(
        "update %s failed: %s at %s", update_id, type(context.error).__name__, _where(context.error)
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    if update.callback_query:
        try:
            await update.callback_query.answer()
        except TelegramError as exc:
            log.info("could not answer the query of update %s: %s", update_id, type(exc).__name__)
    language = update.effective_user.language_code if update.effective_user else None
    try:
        text = say(catalogue(None, language), "error.apology", None)
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not apologise for update %s: %s", update_id, type(exc).__name__)


def left_as_it_was(error: BaseException | None) -> bool:
    """Telegram refused an edit because the message already says that (a repeated tap)."""
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


def _where(error: BaseException | None) -> str:
    """`file:line in function` of the innermost frame of `error`'s traceback."""
    if error is None or error.__traceback__ is None:
        return "unknown"
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("help", on_help),
        CommandHandler("privacy", on_privacy),
    ]
