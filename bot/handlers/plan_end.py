"""The end of the two-week plan (spec §3.4): "Keep a lighter weekly version?" on day 14.

The question is a one-off reminder row of kind PLAN_END (bot/plans.py writes it with the
plan). The notifier asks `bot.plan_end_question` whether it is due and for its words;
this module also answers its buttons, callback data `w:<delivery>:yes|no`.

- Yes: each repeating nudge series of the plan that the person has not stopped continues
  once a week for four more weeks, at its own local times, on the weekday of day 14 (or,
  for a series kept to some weekdays, its first such day); one-offs (N_FLUID_CARE,
  N_MED_TALK) do not continue.
- No: the plan ends as planned; /triage gets reminders again.

A tap on someone else's question, on an answered one, or on one whose episode is no longer
the person's newest or has risen to L3/L4 (no lifestyle nudges then: §0.2.6) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import deps
from bot.plan_end_question import continuing, current
from bot.replies import catalogue
from bot.screens.preferences import what
from storage.models import Delivery, Episode, Reminder, User
from storage.reminders import ReminderRepository, schedule_from_json
from triage.plan_fit import fit_plan
from triage.quiet import QuietHours
from triage.schedule import PLAN_END, LocalSchedule, PlannedNudge

log = logging.getLogger(__name__)
WEEKS = 4
RESPONSES = {"yes": "kept", "no": "declined"}


# -- The weekly version ------------------------------------------------------------------------


def weekly(row: Reminder, last_day: dt.date) -> PlannedNudge:
    """A series continued once a week for four weeks after `last_day`, at its own times."""
    schedule, slot = schedule_from_json(row.schedule)
    weekday = last_day.weekday()
    if schedule.weekdays is not None and weekday not in schedule.weekdays:
        weekday = min(schedule.weekdays)
    lighter = LocalSchedule(
        times=schedule.times,
        start=last_day + dt.timedelta(days=1),
        end=last_day + dt.timedelta(weeks=WEEKS),
        weekdays=frozenset({weekday}),
    )
    return PlannedNudge(row.kind, lighter, slot)


def _together(planned: list[PlannedNudge]) -> list[PlannedNudge]:
    """One weekly series per nudge and slot: the rows a full plan kept apart (each time
    skipping its own days) continue as one."""
    merged: dict[tuple[str, str | None, LocalSchedule], list[dt.time]] = {}
    for item in planned:
        key = (item.nudge_id, item.slot, replace(item.schedule, times=()))
        merged.setdefault(key, []).extend(item.schedule.times)
    return [
        PlannedNudge(nudge_id, replace(schedule, times=tuple(sorted(set(times)))), slot)
        for (nudge_id, slot, schedule), times in merged.items()
    ]


def first_local(planned: list[PlannedNudge]) -> dt.datetime:
    """The local wall time of the first message of the weekly version."""
    return min(dt.datetime.combine(_first_day(p.schedule), min(p.schedule.times)) for p in planned)


def _first_day(schedule: LocalSchedule) -> dt.date:
    weekday = min(schedule.weekdays or {schedule.start.weekday()})
    return schedule.start + dt.timedelta(days=(weekday - schedule.start.weekday()) % 7)


def describe(cat: Catalogue, planned: list[PlannedNudge]) -> str:
    """ "Water check: Tuesdays at 10:00 and 15:00" ... and when the next one comes."""
    lines = [cat.text("plan_end.kept")]
    for item in planned:
        day = _first_day(item.schedule).strftime("%A")
        times = " and ".join(t.strftime("%H:%M") for t in item.schedule.times)
        lines.append(
            "• "
            + cat.text("plan_end.kept_line", what=what(cat, item.nudge_id), day=day, times=times)
        )
    when = first_local(planned).strftime("%a %d %b at %H:%M")
    lines.append(cat.text("plan_end.kept_next", when=when))
    return "\n".join(lines)


# -- The buttons -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a tap did: "stale" (nothing), "declined", or "kept" with the weekly series."""

    outcome: str
    planned: tuple[PlannedNudge, ...] = ()


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on Yes or No, thanks under the day-14 question."""
    d, query = deps(context), update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    delivery_id, choice = parsed.int_field(0), parsed.field(1)
    if choice not in RESPONSES:
        raise callbacks.BadCallback(query.data or "")
    async with d.sessions.begin() as session:
        user = await session.get(User, update.effective_user.id)
        answer = await _answer(session, user, delivery_id, choice, d.clock.now())
    cat = catalogue(user, update.effective_user.language_code)
    if answer.outcome == "stale" or user is None:
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    log.info("plan question %s answered %s", delivery_id, answer.outcome)
    await context.bot.send_message(user.chat_id, _reply(cat, answer))
    d.wake()


def _reply(cat: Catalogue, answer: Answer) -> str:
    if answer.outcome == "kept" and answer.planned:
        return describe(cat, list(answer.planned))
    if answer.outcome == "kept":
        return cat.text("plan_end.kept_nothing")
    return cat.text("plan_end.declined")


async def _answer(
    session: AsyncSession, user: User | None, delivery_id: int, choice: str, now: dt.datetime
) -> Answer:
    """Parse → decide → persist for one tap, in the caller's transaction."""
    delivery = await session.get(Delivery, delivery_id)
    row = await session.get(Reminder, delivery.reminder_id) if delivery else None
    if not await _answerable(session, user, delivery, row):
        return Answer("stale")
    assert delivery is not None and row is not None and user is not None
    delivery.response, delivery.responded_at = RESPONSES[choice], now
    if choice == "no":
        return Answer("declined")
    last_day, _ = schedule_from_json(row.schedule)
    lighter = [
        weekly(r, last_day.start) for r in await continuing(session, row.episode_id or 0, now)
    ]
    # The weekly version is held to the same rules: three a day, outside quiet hours.
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    planned = list(fit_plan(_together(lighter), quiet))
    await ReminderRepository(session).add_nudges(user.id, row.episode_id, row.tz, planned, now)
    return Answer("kept", tuple(planned))


async def _answerable(
    session: AsyncSession, user: User | None, delivery: Delivery | None, row: Reminder | None
) -> bool:
    """The caller's own, unanswered question, about their newest episode, still below L3."""
    if user is None or delivery is None or row is None or row.kind != PLAN_END:
        return False
    if row.user_id != user.id or delivery.response is not None or row.episode_id is None:
        return False
    episode = await session.get(Episode, row.episode_id)
    return episode is not None and await current(session, episode)
