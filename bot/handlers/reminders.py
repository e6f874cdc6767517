"""The buttons under a nudge: Done, Snooze 1 h, Stop this reminder.

Callback data `r:<delivery>:done|snooze|stop`; a delivery that is not the caller's own is
refused, and a second tap on an answered nudge changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.deps import deps
from bot.replies import catalogue
from scheduler.policy import SLEEP, quiet_end
from storage.models import Reminder, User
from storage.reminders import DeliveryRepository
from triage.quiet import QuietHours

log = logging.getLogger(__name__)
RESPONSES = {"done": "done", "snooze": "snoozed", "stop": "stopped"}
SNOOZE = dt.timedelta(hours=1)
ACKS = {
    "done": "reminder_ui.done_ack",
    "snooze": "reminder_ui.snoozed",
    "stop": "reminder_ui.stopped_short",
}


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on Done, Snooze 1 h or Stop under a nudge."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    delivery_id, action = parsed.int_field(0), parsed.field(1)
    cat = catalogue(None, update.effective_user.language_code)
    if action not in RESPONSES:
        await query.answer(cat.text("error.stale_button_alert"))
        return
    outcome, back_at = await _respond(context, update.effective_user.id, delivery_id, action)
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


async def _respond(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, delivery_id: int, action: str
) -> tuple[str, dt.datetime | None]:
    """What the tap did, and for a snooze that quiet hours hold back, the local time it comes."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        deliveries = DeliveryRepository(session)
        delivery = await deliveries.get(delivery_id)
        reminder = await session.get(Reminder, delivery.reminder_id) if delivery else None
        if delivery is None or reminder is None or reminder.user_id != user_id:
            return "foreign", None
        if delivery.response is not None:
            return "already", None
        # A digest's buttons answer for every nudge in it.
        for each in await deliveries.same_message(delivery, user_id):
            if each.response is not None:
                continue
            if action == "snooze":
                await deliveries.snooze(each.id, now)
            else:
                await deliveries.respond(each.id, RESPONSES[action], now)
        if action != "snooze" or reminder.kind == SLEEP:
            return "ok", None
        user = await session.get(User, user_id)
        return "ok", _held_until(now + SNOOZE, reminder.tz, user) if user else None


def _held_until(at: dt.datetime, tz: str, user: User) -> dt.datetime | None:
    """The local wall time a snooze due `at` really comes, when quiet hours hold it back."""
    end = quiet_end(at, tz, QuietHours.parse(user.quiet_start, user.quiet_end))
    return end.astimezone(ZoneInfo(tz)) if end is not None else None
