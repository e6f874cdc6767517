"""The person in control of what the bot sends: /pause, /resume, /stop and /checkin.

| command  | asks                                | then                                           |
|----------|-------------------------------------|------------------------------------------------|
| /pause   | a day · a week · until /resume      | nudges skipped, check-ins held (the dispatcher) |
| /resume  |                                     | active again; held check-ins come at once      |
| /stop    | a confirmation                      | reminder consent withdrawn, every reminder off |
| /checkin |                                     | the check-in's safety question now             |

/stop keeps everything else (answers, episodes, settings); /delete is a separate command.
Callback data: `k:pause:day|week|open`, `k:stop:yes|no`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks, checkin_screens
from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.replies import catalogue, keyboard, say
from bot.usecases import checkin
from bot.usecases import control as usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.people import user_of
from scheduler.ports import Outgoing
from storage.models import Reminder, User
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
AREA = "k"
PAUSES = {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7), "open": None}


async def _person(update: Update, context: BotContext) -> User | None:
    """The onboarded sender, or None after telling them to finish /start first."""
    assert update.effective_user and update.effective_message
    user = await user_of(context.deps.sessions, update.effective_user.id)
    if user is None or not is_onboarded(user):
        cat = catalogue(user, update.effective_user.language_code)
        await update.effective_message.reply_text(cat.text("control.not_onboarded"))
        return None
    return user


def _local(user: User, when: dt.datetime) -> str:
    zone = zoneinfo.ZoneInfo(user.tz or "UTC")
    return when.astimezone(zone).strftime("%a %d %b at %H:%M")


# ---- /pause and /resume -----------------------------------------------------------------------


async def on_pause(update: Update, context: BotContext) -> None:
    """/pause: for a day, a week, or until /resume."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.nothing_to_pause"))
        return
    rows = [
        [(cat.text(f"control.pause_{key}"), callbacks.encode(AREA, "pause", key))] for key in PAUSES
    ]
    await update.effective_message.reply_text(
        cat.text("control.pause_question"), reply_markup=keyboard(rows)
    )


async def _on_pause_choice(update: Update, context: BotContext, user: User, choice: str) -> None:
    if choice not in PAUSES:
        raise callbacks.BadCallback("no such pause")
    d = context.deps
    length = PAUSES[choice]
    until = d.clock.now() + length if length is not None else None
    await usecases.pause(d.sessions, user.id, until, choice)
    cat = catalogue(user)
    if until is None:
        text = say(cat, "control.paused_open", user)
    else:
        text = say(cat, "control.paused_until", user, until=_local(user, until))
    await context.bot.send_message(user.chat_id, text)


async def on_resume(update: Update, context: BotContext) -> None:
    """/resume: reminders and check-ins start again; a check-in held by the pause comes now."""
    user = await _person(update, context)
    if user is None:
        return
    d = context.deps
    text = await usecases.resume(d.sessions, d.clock.now(), user.id)
    d.wake()
    assert update.effective_message
    await update.effective_message.reply_text(text)


# ---- /stop --------------------------------------------------------------------------------------


async def on_stop(update: Update, context: BotContext) -> None:
    """/stop: asks to confirm before withdrawing reminder consent (spec §5.2)."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.already_stopped"))
        return
    rows = [
        [(cat.text("control.stop_yes"), callbacks.encode(AREA, "stop", "yes"))],
        [(cat.text("control.stop_no"), callbacks.encode(AREA, "stop", "no"))],
    ]
    await update.effective_message.reply_text(
        cat.text("control.stop_question"), reply_markup=keyboard(rows)
    )


async def _on_stop_choice(update: Update, context: BotContext, user: User, choice: str) -> None:
    if choice not in ("yes", "no"):
        raise callbacks.BadCallback("no such answer")
    cat = catalogue(user)
    if choice == "no":
        await context.bot.send_message(user.chat_id, cat.text("control.stop_kept"))
        return
    d = context.deps
    await usecases.stop(d.sessions, user.id)
    d.wake()
    await context.bot.send_message(user.chat_id, say(cat, "control.stopped", user))


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a /pause or /stop button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, choice = parsed.field(0), parsed.field(1)
    user = await user_of(context.deps.sessions, update.effective_user.id)
    if user is None or not is_onboarded(user) or action not in ("pause", "stop"):
        raise callbacks.BadCallback("not a control button of this person")
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if action == "pause":
        await _on_pause_choice(update, context, user, choice)
    else:
        await _on_stop_choice(update, context, user, choice)


# ---- /checkin ------------------------------------------------------------------------------


async def on_checkin(update: Update, context: BotContext) -> None:
    """/checkin: the follow-up check-in now, starting with the safety question."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    d, cat = context.deps, catalogue(user)
    found, open_row = await usecases.checkin_due(d.sessions, user)
    if found is None:
        await update.effective_message.reply_text(say(cat, "control.no_checkin", user))
        return
    if open_row is not None:
        # Already asked and not yet answered: carry on with the same check-in, so asking
        # twice never counts as a silence (F-T4).
        text, markup = checkin_screens.render(cat, open_row)
        await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await _send_new(context, user, cat, *found)


async def _send_new(
    context: BotContext, user: User, cat: Catalogue, episode_id: int, row: Reminder
) -> None:
    """Records an on-demand delivery of the check-in series, then sends its first screen; the
    answers then move the series on exactly as a scheduled check-in's would."""
    d = context.deps
    now = d.clock.now()
    delivery_id = await usecases.ask_now(d.sessions, now, row.id)
    local_due = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
    outgoing = Outgoing(
        delivery_id, row.id, user.id, user.chat_id, episode_id, CHECKIN, None, local_due, False, 0
    )
    prepared = await checkin.prepare_checkin(d.sessions, d.clock, outgoing)
    if prepared is None or prepared.markup is None:
        await context.bot.send_message(user.chat_id, say(cat, "control.no_checkin", user))
        return
    sent = await context.bot.send_message(user.chat_id, prepared.text, reply_markup=prepared.markup)
    await usecases.asked(d.sessions, now, user.id, delivery_id, sent.message_id)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("pause", on_pause),
        CommandHandler("resume", on_resume),
        CommandHandler("stop", on_stop),
        CommandHandler("checkin", on_checkin),
        CallbackQueryHandler(on_button, pattern=r"^k:"),
    ]
