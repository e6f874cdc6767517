"""A triage result in Telegram: the short of it first, the details behind its buttons
("Why?", "Tips", "My plan"), each sent when tapped (bot/handlers/result_details.py).

Callback data: `v:<session>:why|tips|plan`. At L4 the whole result comes at once: an
emergency hides nothing behind a button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from telegram import Bot, InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import Deps
from bot.replies import keyboard
from bot.results import compose_result, first_message, tips_message
from bot.screens.preferences import ask_missing
from bot.usecases.people import user_of
from storage.models import TriageSession, User
from triage.flow import Finished
from triage.levels import Level
from triage.nudges import needs_preferences
from triage.outcome import Outcome

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


async def send_outcome(
    bot: Bot,
    deps: Deps,
    chat_id: int,
    cat: Catalogue,
    user: User,
    triage: TriageSession,
    finished: Finished,
    *,
    planned: bool,
) -> None:
    """The result of a questionnaire just finished, then, when its plan (`planned`) used
    default times for bedtime or workouts, the question for them, asked once (spec §3.4)."""
    answers, outcome = finished.state.answers, finished.outcome
    now, worried = deps.clock.now(), triage.worry_typed
    await send_result(
        bot, chat_id, cat, user, triage.id, outcome, worried, answers=answers, now=now
    )
    needs = needs_preferences(outcome, answers)
    if planned and needs:
        fresh = await user_of(deps.sessions, user.id)
        assert fresh
        await ask_missing(bot, fresh, needs)


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
