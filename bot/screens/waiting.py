"""What waits for a person's answers, shown again: the questionnaire's current question, or
the open check-in's screen (bot/usecases/people.with_questionnaire picks the one that came
last). Used after the safety net's "No, I was describing something else" or "Carry on", and
by /start in the middle of either."""

from __future__ import annotations

import datetime as dt

from telegram import Bot

from bot.checkin_screens import render
from bot.replies import catalogue
from bot.screens import triage as triage_screen
from storage.models import CheckIn, TriageSession, User


async def show_waiting(
    bot: Bot,
    user: User,
    waiting: TriageSession | None,
    checkin: CheckIn | None,
    now: dt.datetime,
    intro: str,
) -> bool:
    """Says `intro`, then shows what waits; False, and nothing said, when nothing does."""
    if waiting is None and checkin is None:
        return False
    await bot.send_message(user.chat_id, intro)
    if waiting is not None:
        await triage_screen.send_current(bot, user.chat_id, user, waiting, now)
    elif checkin is not None:
        text, markup = render(catalogue(user), checkin)
        await bot.send_message(user.chat_id, text, reply_markup=markup)
    return True
