"""`TelegramNotifier`: the scheduler's `Notifier` port, sending through the Bot API.

It chooses the words (rotating variants from the catalogue), adds the Done · Snooze 1 h ·
Stop buttons to nudges, asks the check-in module for a check-in's first screen, and turns
Telegram's errors into the scheduler's results: 429 → RetryAfter, 403 → Blocked, a network
error or 5xx → Failed(transient), anything else → Failed. It never raises for a send error.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot import callbacks, plan_end_question, plans
from bot.budget import Lane
from bot.catalogue import Catalogue, catalogue_for
from bot.replies import keyboard, say_for
from bot.sound import silent
from scheduler.clock import Clock
from scheduler.ports import Blocked, Failed, Outgoing, SendResult, Sent
from scheduler.ports import RetryAfter as Retry
from storage.reminders import one_off
from triage.schedule import CHECKIN, PLAN_END

log = logging.getLogger(__name__)
AREA = "r"


class Prepared(Protocol):
    """A check-in's first screen, and when the next one comes if this one goes unanswered."""

    @property
    def text(self) -> str: ...
    @property
    def markup(self) -> InlineKeyboardMarkup | None: ...
    @property
    def next_local(self) -> dt.datetime | None: ...


CheckinPreparer = Callable[[Outgoing], Awaitable[Prepared | None]]


def nudge_text(cat: Catalogue, outgoing: Outgoing) -> str:
    """One nudge's words, rotating through the catalogue's variants for its slot."""
    variants = cat.variants(f"nudge.{outgoing.kind}.{outgoing.slot or 'default'}")
    if not variants:
        variants = cat.variants(f"nudge.{outgoing.kind}.default")
    return say_for(cat, variants[outgoing.sequence % len(variants)], outgoing.country)


def nudge_message(cat: Catalogue, outgoing: Outgoing) -> tuple[str, InlineKeyboardMarkup]:
    """A nudge, or a digest of several, with Done · Snooze 1 h · Stop this reminder."""
    # A digest may carry several occurrences of one nudge (its later times that day): each
    # nudge is said once.
    distinct = {(item.kind, item.slot): item for item in reversed((outgoing, *outgoing.merged))}
    lines = [nudge_text(cat, item) for item in reversed(distinct.values())]
    text = "\n\n".join(lines) if len(lines) == 1 else "\n\n".join(f"• {line}" for line in lines)
    stop_key = "reminder_ui.stop_all" if len(lines) > 1 else "reminder_ui.stop"
    markup = keyboard(
        [
            [
                (
                    cat.text("reminder_ui.done"),
                    callbacks.encode(AREA, outgoing.delivery_id, "done"),
                ),
                (
                    cat.text("reminder_ui.snooze"),
                    callbacks.encode(AREA, outgoing.delivery_id, "snooze"),
                ),
            ],
            [(cat.text(stop_key), callbacks.encode(AREA, outgoing.delivery_id, "stop"))],
        ]
    )
    return text, markup


class TelegramNotifier:
    """Sends nudges and check-ins to Telegram; implements `scheduler.ports.Notifier`."""

    def __init__(
        self,
        bot: ExtBot[Any],
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        prepare_checkin: CheckinPreparer | None = None,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.clock = clock
        self.prepare_checkin = prepare_checkin

    async def send(self, outgoing: Outgoing) -> SendResult:
        try:
            return await self._send(outgoing)
        except RetryAfter as exc:
            return Retry(_seconds(exc.retry_after))
        except Forbidden:
            return Blocked()
        except BadRequest as exc:
            return Failed(transient=False, reason=type(exc).__name__)
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            return Failed(transient=True, reason=type(exc).__name__)
        except TelegramError as exc:
            return Failed(transient=False, reason=type(exc).__name__)

    async def _send(self, outgoing: Outgoing) -> SendResult:
        # The language came with the batch: a nudge needs no database read of its own.
        cat = catalogue_for(outgoing.language)
        if outgoing.kind == CHECKIN:
            return await self._send_checkin(outgoing)
        if outgoing.kind == PLAN_END:
            return await self._send_plan_end(outgoing, cat)
        text, markup = nudge_message(cat, outgoing)
        if await self._opens_l2_plan(outgoing):
            # Spec §3.4: an L2 plan's first message repeats "book a doctor"; nudges are secondary.
            text = cat.text("plan_end.l2_booking") + "\n\n" + text
        sent = await self.bot.send_message(
            outgoing.chat_id,
            text,
            reply_markup=markup,
            disable_notification=silent(outgoing.kind, outgoing.ring_nudges),
            rate_limit_args=Lane.BROADCAST,
        )
        log.info(
            "sent %s reminder %s as message %s",
            outgoing.kind,
            outgoing.reminder_id,
            sent.message_id,
        )
        return Sent(sent.message_id)

    async def _send_checkin(self, outgoing: Outgoing) -> SendResult:
        prepared = await self.prepare_checkin(outgoing) if self.prepare_checkin else None
        if prepared is None:
            return Failed(transient=False, reason="NoCheckinDue")
        sent = await self.bot.send_message(
            outgoing.chat_id,
            prepared.text,
            reply_markup=prepared.markup,
            rate_limit_args=Lane.BROADCAST,
        )
        log.info("sent check-in reminder %s as message %s", outgoing.reminder_id, sent.message_id)
        following = one_off(prepared.next_local) if prepared.next_local else None
        return Sent(sent.message_id, following)

    async def _send_plan_end(self, outgoing: Outgoing, cat: Catalogue) -> SendResult:
        """The day-14 question, unless the plan was stopped or the episode rose to L3/L4."""
        async with self.sessions() as session:
            due = await plan_end_question.question_due(
                session, outgoing.episode_id, self.clock.now()
            )
        if not due:
            return Failed(transient=False, reason="NoPlanToKeep")
        text, markup = plan_end_question.question(cat, outgoing.delivery_id)
        sent = await self.bot.send_message(
            outgoing.chat_id, text, reply_markup=markup, rate_limit_args=Lane.BROADCAST
        )
        log.info("sent plan question %s as message %s", outgoing.reminder_id, sent.message_id)
        return Sent(sent.message_id)

    async def _opens_l2_plan(self, outgoing: Outgoing) -> bool:
        if outgoing.episode_id is None or all(
            item.sequence for item in (outgoing, *outgoing.merged)
        ):
            return False  # only a series' first message can open the plan
        ids = (outgoing.delivery_id, *(item.delivery_id for item in outgoing.merged))
        async with self.sessions() as session:
            return await plans.opens_l2_plan(session, outgoing.episode_id, ids)


def _seconds(retry_after: int | dt.timedelta) -> float:
    if isinstance(retry_after, dt.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
