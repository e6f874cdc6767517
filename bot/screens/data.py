"""The person's data in Telegram: the words beside the /history chart and the /delete question.

Callback data: `d:erase:<user>` and `d:keep:<user>`, the owner's id in the button so a
forwarded or replayed keyboard erases nobody else.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import callbacks
from bot.catalogue import Catalogue
from bot.replies import catalogue, keyboard
from bot.reports.history import History
from bot.results import in_country_words
from storage.models import User

AREA = "d"
ERASE, KEEP = "erase", "keep"


def words(update: Update, user: User | None) -> Catalogue:
    """The person's catalogue, or their Telegram language's when they have no row, with the
    levels named in their country's words ("Routine doctor appointment" where there is no GP)."""
    language = update.effective_user.language_code if update.effective_user else None
    return in_country_words(catalogue(user, language), user)


def summary(history: History, cat: Catalogue) -> str:
    """The text beside the chart: check-ins, the level now and the nudge tally."""
    latest = history.statuses[-1]
    nudges = history.nudges
    return cat.text(
        "history.summary",
        opened=history.opened.strftime("%d %b"),
        count=len(history.statuses),
        date=latest.at.strftime("%d %b"),
        status=cat.text(f"checkin.status.options.{latest.status}"),
        level=cat.text(f"level.{history.level.value}.name"),
        sent=sum(day.sent for day in nudges),
        done=sum(day.done for day in nudges),
        snoozed=sum(day.snoozed for day in nudges),
        stopped=sum(day.stopped for day in nudges),
        unanswered=sum(day.unanswered for day in nudges),
    )


def delete_buttons(cat: Catalogue, user_id: int) -> InlineKeyboardMarkup:
    """ "Yes, erase everything" and "No, keep my data", for this person only."""
    return keyboard(
        [
            [(cat.text("data.delete_yes"), callbacks.encode(AREA, ERASE, user_id))],
            [(cat.text("data.delete_no"), callbacks.encode(AREA, KEEP, user_id))],
        ]
    )
