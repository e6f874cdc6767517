"""The buttons under a nudge: Done, Snooze 1 h, Stop this reminder.

Callback data `r:<delivery>:done|snooze|stop`; a delivery that is not the caller's own is
refused, and a second tap on an answered nudge changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue
from bot.usecases.reminders import RESPONSES, respond

log = logging.getLogger(__name__)
ACKS = {
    "done": "reminder_ui.done_ack",
    "snooze": "reminder_ui.snoozed",
    "stop": "reminder_ui.stopped_short",
}


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on Done, Snooze 1 h or Stop under a nudge."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    delivery_id, action = parsed.int_field(0), parsed.field(1)
    cat = catalogue(None, update.effective_user.language_code)
    if action not in RESPONSES:
        await query.answer(cat.text("error.stale_button_alert"))
        return
    outcome, back_at = await respond(
        d.sessions, d.clock.now(), update.effective_user.id, delivery_id, action
    )
    if outcome == "foreign":
        await query.answer(cat.text("error.stale_button_alert"))
        return
    if outcome == "already":
        await query.answer(cat.text("reminder_ui.already"))
        return
    if back_at is not None:
        await query.answer(cat.text("reminder_ui.snoozed_until", time=back_at.strftime("%H:%M")))
    else:
        await query.answer(cat.text(ACKS[action]))
    log.info("delivery %s answered %s", delivery_id, RESPONSES[action])
    await query.edit_message_reply_markup(reply_markup=None)
    if action == "stop" and query.message is not None:
        # How to get it back deserves a message of its own, not a passing pop-up.
        await context.bot.send_message(query.message.chat.id, cat.text("reminder_ui.stopped"))
    d.wake()


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=r"^r:")]
