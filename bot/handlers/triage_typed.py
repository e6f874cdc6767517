"""Typed text while a questionnaire is in progress: "back" does what the Back button does,
other words get a kind "use the buttons" and the question again, and after the answer to a
typed disease question (§5.5) the question waiting is shown again.
"""

from __future__ import annotations

from telegram import Update

from bot.awaiting import says_back
from bot.deps import BotContext
from bot.replies import catalogue, say
from bot.screens import triage as screen
from bot.usecases import triage as usecases
from storage.models import User


async def on_text(update: Update, context: BotContext, user: User) -> bool:
    """Text while a question waits for a tap: ask for the buttons. False when none waits."""
    d, message = context.deps, update.effective_message
    triage = await usecases.in_progress(d.sessions, user.id)
    if triage is None:
        return False
    assert message and message.text is not None
    if says_back(message.text):
        tap = await usecases.typed_back(d.sessions, d.clock.now(), triage.id)
        await screen.send_step(context.bot, message.chat_id, user, tap, d.clock.now())
        return True
    await message.reply_text(say(catalogue(user), "error.text_instead_of_button", user))
    await screen.send_current(context.bot, message.chat_id, user, triage, d.clock.now())
    return True


async def on_text_resume(update: Update, context: BotContext, user: User) -> None:
    """After the answer to a typed disease question (§5.5): the questionnaire in progress, if
    any, notes it (its result answers it in a line) and shows the current question again."""
    d = context.deps
    triage = await usecases.in_progress(d.sessions, user.id, worry_typed=True)
    if triage is not None:
        assert update.effective_chat
        now = d.clock.now()
        await screen.send_current(context.bot, update.effective_chat.id, user, triage, now)
