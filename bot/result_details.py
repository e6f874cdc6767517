"""A triage result in Telegram: the short of it first, the details behind its buttons
("Why?", "Tips", "My plan"), each sent when tapped.

Callback data: `v:<session>:why|tips|plan`. A tap words the detail again from what is stored
(the finished questionnaire's answers, the episode's level, which never drops, and the
reminders running now), so nothing is kept for it and a restart loses nothing. At L4 the
whole result comes at once: an emergency hides nothing behind a button.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.plans import describe_plan
from bot.replies import catalogue, keyboard
from bot.results import compose_result, first_message, tips_message, why_message
from storage.episodes import EpisodeRepository
from storage.models import Episode, Reminder, TriageSession, User
from storage.reminders import schedule_from_json
from storage.users import UserRepository
from triage.flow import Finished, TriageState, current_step
from triage.levels import Level
from triage.outcome import Outcome
from triage.schedule import CHECKIN, PlannedNudge

AREA = "v"
WHY, TIPS, PLAN = "why", "tips", "plan"
Answers = Mapping[str, frozenset[str]]


async def send_result(
    bot: Bot,
    chat_id: int,
    cat: Catalogue,
    user: User,
    session_id: int,
    outcome: Outcome,
    worried: bool,
    *,
    answers: Answers,
    now: dt.datetime,
) -> None:
    """Sends a finished questionnaire's result: the first message with its detail buttons."""
    if outcome.level == Level.L4:
        for text in compose_result(cat, user, outcome, None, worried, answers=answers, now=now):
            await bot.send_message(chat_id, text)
        return
    text = first_message(cat, user, outcome, worried, now=now)
    markup = buttons(cat, user, session_id, outcome, answers)
    await bot.send_message(chat_id, text, reply_markup=markup)


def buttons(
    cat: Catalogue, user: User, session_id: int, outcome: Outcome, answers: Answers
) -> InlineKeyboardMarkup:
    """ "Why?" always; "Tips" when some fit; "My plan" when the person chose reminders."""
    shown = [WHY]
    if tips_message(cat, user, outcome, answers) is not None:
        shown.append(TIPS)
    if user.consent_reminders_at is not None:
        shown.append(PLAN)
    row = [(cat.text(f"result_details.{d}"), callbacks.encode(AREA, session_id, d)) for d in shown]
    return keyboard([row])


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on "Why?", "Tips" or "My plan": the detail as a new message."""
    query, d = update.callback_query, context.deps
    assert query and update.effective_user and update.effective_chat
    parsed = callbacks.decode(query.data)
    session_id, detail = parsed.int_field(0), parsed.field(1)
    async with d.sessions() as session:
        user = await UserRepository(session).get(update.effective_user.id)
        triage = await EpisodeRepository(session).session_by_id(session_id)
        cat = catalogue(user, update.effective_user.language_code)
        text = await _detail(session, cat, user, triage, detail) if user else None
    if text is None:
        await query.answer(cat.text("result_details.gone"), show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, text)


async def _detail(
    session: AsyncSession,
    cat: Catalogue,
    user: User,
    triage: TriageSession | None,
    detail: str,
) -> str | None:
    if triage is None or triage.user_id != user.id or triage.status != "finished":
        return None
    episode = await session.get(Episode, triage.episode_id)
    if episode is None or episode.closed_at is not None:
        return None
    state = TriageState.from_json(triage.answers)
    finished = current_step(state, _local(user, triage.updated_at).date())
    if not isinstance(finished, Finished):
        return None
    outcome = _at_stored_level(finished.outcome, episode)
    if detail == WHY:
        return why_message(cat, user, outcome, answers=state.answers, now=triage.updated_at)
    if detail == TIPS:
        return tips_message(cat, user, outcome, state.answers)
    if detail == PLAN:
        ticked = frozenset().union(*state.answers.values())
        planned, checkin = await _running_plan(session, episode)
        return describe_plan(cat, planned, checkin, ticked) or cat.text("triage_ui.next_one_off")
    return None


def _at_stored_level(outcome: Outcome, episode: Episode) -> Outcome:
    """The episode's level when it stands higher (F-N1): the advice never reads lower."""
    stored = Level(episode.level) if episode.level else outcome.level
    return replace(outcome, level=stored) if stored > outcome.level else outcome


async def _running_plan(
    session: AsyncSession, episode: Episode
) -> tuple[tuple[PlannedNudge, ...], dt.datetime | None]:
    """The episode's nudges and next check-in as they stand now, from its reminder rows."""
    query = select(Reminder).where(
        Reminder.episode_id == episode.id,
        Reminder.active.is_(True),
        Reminder.origin_id.is_(None),
    )
    rows = (await session.execute(query.order_by(Reminder.id))).scalars().all()
    planned, checkins = [], []
    for row in rows:
        schedule, slot = schedule_from_json(row.schedule)
        if row.kind == CHECKIN and schedule.dates:
            checkins.append(dt.datetime.combine(schedule.dates[0], schedule.times[0]))
        elif row.kind.startswith("N_"):
            planned.append(PlannedNudge(row.kind, schedule, slot))
    return tuple(planned), min(checkins, default=None)


def _local(user: User, when: dt.datetime) -> dt.datetime:
    return when.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
