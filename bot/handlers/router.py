"""Free text and button taps, routed by where the person stands.

Danger words never reach this module: the safety net (`bot.handlers.safety`) answers them
first. Here a question about a disease gets the careful answer of spec §5.5 and the person
carries on; other text goes to onboarding, settings or the questionnaire, or gets a kind
"use the buttons".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks, worry
from bot.deps import deps
from bot.handlers import common, onboarding, settings, triage
from bot.replies import catalogue, say
from bot.usecases.onboarding import is_onboarded
from storage.models import User
from triage.keywords import Concern, scan


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text that is not a command."""
    message = update.effective_message
    assert message and message.text is not None
    user = await common.load_user(update, context)
    if scan(message.text) == {Concern.DISEASE_QUESTION}:
        await on_disease_question(update, context, user)
        return
    if user is not None and not is_onboarded(user):
        await onboarding.on_text(update, context, user)
        return
    if user is not None and await settings.on_text(update, context, user):
        return
    if user is not None and await triage.on_text(update, context, user):
        return
    language = update.effective_user.language_code if update.effective_user else None
    await message.reply_text(say(catalogue(user, language), "error.not_understood", user))


async def on_disease_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None
) -> None:
    """ "Could this be ALS?": the careful answer (§5.5), then where the person was."""
    assert update.effective_message
    language = update.effective_user.language_code if update.effective_user else None
    cat = catalogue(user, language)
    text = say(cat, "disease_question", user)
    if user is not None:
        async with deps(context).sessions() as session:  # §5.5 rev 2: by the person's level
            text = worry.disease_text(cat, user, await worry.current_level(session, user.id))
    await update.effective_message.reply_text(text)
    if user is not None:
        await triage.on_text_resume(update, context, user)


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
