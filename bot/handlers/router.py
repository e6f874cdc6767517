"""Free text and button taps, routed by where the person stands.

Free text is first checked for words that could mean danger (spec §2 UI notes, §5.5, §5.6),
whatever the person was doing; then it goes to onboarding, or gets a kind "use the buttons".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.handlers import common, onboarding, settings, triage
from bot.replies import catalogue, say
from storage.models import User
from triage.keywords import Concern, scan

CONCERN_KEYS = {
    Concern.EMERGENCY: "emergency",
    Concern.CRISIS: "crisis",
    Concern.DISEASE_QUESTION: "disease_question",
}


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text that is not a command."""
    message = update.effective_message
    assert message and message.text is not None
    user = await common.load_user(update, context)
    found = scan(message.text)
    concern = next((c for c in Concern if c in found), None)
    if concern is not None:
        await on_concern(update, context, user, concern)
        return
    if user is not None and not common.is_onboarded(user):
        await onboarding.on_text(update, context, user)
        return
    if user is not None and await settings.on_text(update, context, user):
        return
    if user is not None and await triage.on_text(update, context, user):
        return
    language = update.effective_user.language_code if update.effective_user else None
    await message.reply_text(say(catalogue(user, language), "error.not_understood", user))


async def on_concern(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None, concern: Concern
) -> None:
    """Shows the emergency text, crisis signposting, or the "could this be..." answer."""
    assert update.effective_message
    language = update.effective_user.language_code if update.effective_user else None
    cat = catalogue(user, language)
    await update.effective_message.reply_text(say(cat, CONCERN_KEYS[concern], user))
    if user is None:
        return
    if concern == Concern.DISEASE_QUESTION:
        # §5.5: answer, then carry on where the person was.
        await triage.on_text_resume(update, context, user)
    elif await triage.stop_active(context, user):
        # §5.6: a crisis (or an emergency) stops the flow.
        await update.effective_message.reply_text(cat.text("triage_ui.stopped_for_safety"))


async def on_bad_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Button data that is not ours (forged or from an old version): a gentle answer."""
    query = update.callback_query
    assert query
    user = await common.load_user(update, context)
    language = update.effective_user.language_code if update.effective_user else None
    await query.answer(catalogue(user, language).text("error.stale_button_alert"))


def area_of(data: object) -> str | None:
    try:
        return callbacks.decode(data if isinstance(data, str) else None).area
    except callbacks.BadCallback:
        return None
