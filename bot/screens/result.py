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
from bot.replies import keyboard
from bot.results import compose_result, first_message, tips_message
from storage.models import User
from triage.levels import Level
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
