"""The end of the two-week plan (spec §3.4): "Keep a lighter weekly version?" on day 14.

The question is a one-off reminder row of kind PLAN_END (bot/plans.py writes it with the
plan). The notifier asks `bot.plan_end_question` whether it is due and for its words;
this module answers its buttons, callback data `w:<delivery>:yes|no`, through
bot/usecases/plan_end.py.

- Yes: each repeating nudge series of the plan that the person has not stopped continues
  once a week for four more weeks, at its own local times, on the weekday of day 14 (or,
  for a series kept to some weekdays, its first such day); one-offs (N_FLUID_CARE,
  N_MED_TALK) do not continue.
- No: the plan ends as planned; /triage gets reminders again.

A tap on someone else's question, on an answered one, or on one whose episode is no longer
the person's newest or has risen to L3/L4 (no lifestyle nudges then: §0.2.6) changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue, show_choice
from bot.screens.plan_end import reply
from bot.usecases import plan_end as usecases
from bot.usecases.plan_end import RESPONSES

log = logging.getLogger(__name__)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on Yes or No, thanks under the day-14 question."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    delivery_id, choice = parsed.int_field(0), parsed.field(1)
    if choice not in RESPONSES:
        raise callbacks.BadCallback(query.data or "")
    user, answer = await usecases.answer(
        d.sessions, d.clock.now(), update.effective_user.id, delivery_id, choice
    )
    cat = catalogue(user, update.effective_user.language_code)
    if answer.outcome == "stale" or user is None:
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    await show_choice(query)
    log.info("plan question %s answered %s", delivery_id, answer.outcome)
    await context.bot.send_message(user.chat_id, reply(cat, answer))
    d.wake()


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=r"^w:")]
