"""What a questionnaire tap says when it may be the retry of a crashed replica's.

Telegram retries an update whose replica died before answering; once that replica's claim
has run out, another replica takes it over (bot/takeovers.py). The dead replica may have saved
the tap and sent what followed, or saved it and died before sending. So a taken-over tap that
finds its work done stays quiet, and sends what followed only when it may never have been
sent: a second copy rather than none. The person's own second tap on an old question still
hears "moved on".
"""

from __future__ import annotations

from telegram import Update

from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.screens import triage as screen
from bot.screens.result import send_outcome
from bot.usecases.triage_taps import Tap
from storage.models import User
from triage.flow import Finished


async def on_stale(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """A tap on a question already answered: "moved on" and the current question; for a
    retry, nothing, or the step that followed if nothing was done since."""
    query, retry = update.callback_query, context.deps.takeovers.includes(update)
    assert query and user and tap.session
    await query.answer(None if retry else cat.text("triage_ui.moved_on"))
    if not retry or tap.just_after:
        await send_step(update, context, user, tap)


async def on_closed(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """A tap on a finished questionnaire: a notice. The retry of the tap that finished it
    sends the result instead, which the crashed replica may have died before sending."""
    query, chat = update.callback_query, update.effective_chat
    assert query and chat
    retry = context.deps.takeovers.includes(update)
    if not (retry and user and tap.session and isinstance(tap.step, Finished)):
        await query.answer(cat.text("triage_ui.finished_session"), show_alert=True)
        return
    await query.answer()
    bot, deps = context.bot, context.deps
    await send_outcome(bot, deps, chat.id, cat, user, tap.session, tap.step, planned=False)


async def send_step(update: Update, context: BotContext, user: User, tap: Tap) -> None:
    """The question a tap led to (next, Back, Change), or the session's current step."""
    assert update.effective_chat
    chat, now = update.effective_chat.id, context.deps.clock.now()
    await screen.send_step(context.bot, chat, user, tap, now)
