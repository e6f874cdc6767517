"""What the person-in-control commands say: the /pause and /stop questions, when a pause ends
in the person's own time, and the word to someone who has not finished /start.

Callback data: `k:pause:day|week|open`, `k:stop:yes|no`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from telegram import InlineKeyboardMarkup, Update

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.replies import catalogue, keyboard, say
from bot.usecases.control import PAUSES
from bot.usecases.onboarding import is_onboarded
from bot.usecases.people import user_of
from storage.models import User

AREA = "k"
STOP_ANSWERS = ("yes", "no")


async def onboarded_sender(update: Update, context: BotContext) -> User | None:
    """The onboarded sender, or None after telling them to finish /start first."""
    assert update.effective_user and update.effective_message
    user = await user_of(context.deps.sessions, update.effective_user.id)
    if user is None or not is_onboarded(user):
        cat = catalogue(user, update.effective_user.language_code)
        await update.effective_message.reply_text(cat.text("control.not_onboarded"))
        return None
    return user


def pause_question(cat: Catalogue) -> tuple[str, InlineKeyboardMarkup]:
    """For a day, a week, or until /resume."""
    rows = [
        [(cat.text(f"control.pause_{key}"), callbacks.encode(AREA, "pause", key))] for key in PAUSES
    ]
    return cat.text("control.pause_question"), keyboard(rows)


def paused(cat: Catalogue, user: User, until: dt.datetime | None) -> str:
    """The pause confirmed, with its end in the person's zone."""
    if until is None:
        return say(cat, "control.paused_open", user)
    zone = zoneinfo.ZoneInfo(user.tz or "UTC")
    local = until.astimezone(zone).strftime("%a %d %b at %H:%M")
    return say(cat, "control.paused_until", user, until=local)


def stop_question(cat: Catalogue) -> tuple[str, InlineKeyboardMarkup]:
    """Confirm before reminder consent is withdrawn (spec §5.2)."""
    rows = [
        [(cat.text(f"control.stop_{answer}"), callbacks.encode(AREA, "stop", answer))]
        for answer in STOP_ANSWERS
    ]
    return cat.text("control.stop_question"), keyboard(rows)
