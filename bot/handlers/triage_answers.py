"""An answer to a questionnaire question in Telegram: ticks edited in place, the record of
the answer left in the chat, then the next question, the review or the result with its advice.
What the tap did is decided and saved first (bot/usecases/triage.py); this module says it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, assert_never

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks, retries
from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.replies import NOT_YOURS, NOTHING_TICKED, edit
from bot.screens import triage as screen
from bot.screens.result import send_outcome
from bot.usecases import triage as usecases
from bot.usecases.triage_taps import Tap, TapKind, current_question
from storage.models import User
from triage.flow import Finished

log = logging.getLogger(__name__)
Reply = Callable[[Update, BotContext, User | None, Catalogue, Tap], Awaitable[None]]


async def on_answer(update: Update, context: BotContext) -> None:
    """An answer or a tick: validated against the stored session, saved, then acted on."""
    d, query, tg_user = context.deps, update.callback_query, update.effective_user
    assert query and tg_user
    parsed = callbacks.decode(query.data)
    wanted = screen.wanted_tick(parsed.fields[3]) if len(parsed.fields) > 3 else None
    fields = (parsed.int_field(0), parsed.field(1), parsed.field(2), wanted)
    done = await usecases.answer(
        d.sessions, d.clock.now(), tg_user.id, tg_user.language_code, fields
    )
    if done.tap.kind == TapKind.FINISHED:
        d.wake()  # the plan's reminders were written; a tick or a next question writes none
    await reply_to(done.tap.kind)(update, context, done.user, done.cat, done.tap)


def reply_to(kind: TapKind) -> Reply:
    """What is said for each kind of tap; mypy checks that every kind has its reply."""
    match kind:
        case TapKind.BACK:
            return _on_back
        case TapKind.TICK:
            return _on_tick
        case TapKind.NEXT | TapKind.REVIEW:
            return _on_next
        case TapKind.CHANGE:
            return _on_change
        case TapKind.FINISHED:
            return _on_finished
        case TapKind.STALE:
            return retries.on_stale
        case TapKind.EMPTY:
            return NOTHING_TICKED
        case TapKind.FOREIGN:
            return NOT_YOURS
        case TapKind.CLOSED:
            return retries.on_closed
        case _:
            assert_never(kind)


async def _on_tick(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session
    question = current_question(tap.session, user, context.deps.clock.now())
    text, markup = screen.render(cat, user, tap.session, question, frozenset(tap.session.selection))
    # The callback answer is no message: it goes alongside the edit, not before it.
    await asyncio.gather(query.answer(), edit(query.message, text, markup))


async def _on_next(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and tap.answered
    record = screen.answered(cat, user, *tap.answered)
    await asyncio.gather(query.answer(), edit(query.message, record, None))
    await retries.send_step(update, context, user, tap)  # the next question, or the review


async def _on_finished(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query and chat and user and tap.session and isinstance(tap.step, Finished)
    await query.answer()
    # The last answer's record, or the review kept on screen without its buttons.
    shown = screen.answered(cat, user, *tap.answered) if tap.answered else _text(query.message)
    await edit(query.message, shown, None)
    # The level and the rules that set it are health data: they stay in the database.
    log.info("triage session %s finished", tap.session.id)
    bot, deps, planned = context.bot, context.deps, bool(tap.next_steps)
    await send_outcome(bot, deps, chat.id, cat, user, tap.session, tap.step, planned=planned)


async def _on_back(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user
    await query.answer()
    await edit(query.message, f"{_text(query.message)}\n{cat.text('back.went_back')}", None)
    await retries.send_step(update, context, user, tap)


async def _on_change(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """ "Change N" on the review: the review stays, without buttons; the question is asked."""
    query = update.callback_query
    assert query and user
    await asyncio.gather(query.answer(), edit(query.message, _text(query.message), None))
    await retries.send_step(update, context, user, tap)


def _text(message: object) -> str:
    return getattr(message, "text", None) or ""


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_answer, pattern=screen.ANSWERS)]
