"""Answers to the plan's own questions (spec §3.4): a bedtime, workout days, a workout time,
tapped or typed; each is saved and N_SLEEP / N_WARMUP re-planned at once. The questions are
bot/screens/preferences.py (with their callback data); the saving and re-planning
bot/usecases/preferences.py. A typed time is awaited through `user.awaiting`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue, show_choice
from bot.screens.preferences import ask_workout_time, days_markup, days_of
from bot.times import parse_time
from bot.usecases import preferences as usecases
from bot.usecases.people import user_of
from bot.usecases.preferences import BEDTIME, WORKOUT_TIME
from storage.models import User


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a bedtime, workout day or workout time button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    kind, value = parsed.field(0), parsed.field(1)
    user = await user_of(context.deps.sessions, update.effective_user.id)
    if user is None:
        raise callbacks.BadCallback("no such person")
    if kind == "days":
        await query.answer()
        mask = _checked_mask(value)
        await query.edit_message_reply_markup(reply_markup=days_markup(catalogue(user), mask))
    elif kind == "daysok":
        await _on_days_done(update, context, user, _checked_mask(value))
    elif kind in ("bed", "wt"):
        await _on_time(update, context, user, kind, value)
    else:
        raise callbacks.BadCallback("unknown preference")


def _checked_mask(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) < 128:
        raise callbacks.BadCallback("bad day mask")
    return int(value)


async def _on_days_done(update: Update, context: BotContext, user: User, mask: int) -> None:
    query = update.callback_query
    assert query
    cat = catalogue(user)
    if mask == 0:
        await query.answer(cat.text("preferences.days_none"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    days = ",".join(str(day) for day in sorted(days_of(mask)))
    await usecases.store(context.deps.sessions, user.id, workout_days=days)
    await ask_workout_time(context.bot, user)


async def _on_time(update: Update, context: BotContext, user: User, kind: str, value: str) -> None:
    query = update.callback_query
    assert query
    field = BEDTIME if kind == "bed" else WORKOUT_TIME
    await query.answer()
    await show_choice(query)
    if value == "type":
        await usecases.store(context.deps.sessions, user.id, awaiting=field)
        await context.bot.send_message(user.chat_id, catalogue(user).text("preferences.type_now"))
        return
    at = parse_time(f"{value[:2]}:{value[2:]}") if len(value) == 4 else None
    if at is None:
        raise callbacks.BadCallback("bad time")
    await save_time(context, user.id, field, at)


async def on_typed(update: Update, context: BotContext, user: User, field: str) -> None:
    """A typed bedtime or workout time: saved, or refused with an example."""
    message = update.effective_message
    assert message and message.text is not None
    at = parse_time(message.text)
    if at is None:
        await message.reply_text(catalogue(user).text("preferences.bad_time"))
        return
    await save_time(context, user.id, field, at)


async def save_time(context: BotContext, user_id: int, field: str, at: dt.time) -> None:
    """Stores a bedtime or workout time, re-plans N_SLEEP / N_WARMUP, and says what changed."""
    d = context.deps
    user, text = await usecases.save_time(d.sessions, d.clock.now(), user_id, field, at)
    d.wake()
    await context.bot.send_message(user.chat_id, text)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=r"^p:")]
