"""Free text and shared locations, routed by where the person stands; button data no area
claims.

Danger words never reach this module: the safety net (`bot.handlers.safety`) answers them
first. Here a question about a disease gets the careful answer of spec §5.5 and the person
carries on; other text goes to onboarding, to what /settings or the plan's questions await
(`user.awaiting`, one table below), or to the questionnaire, or gets a kind "use the buttons".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import awaiting
from bot.awaiting import COUNTRY_ANSWERS, Awaiting, says_back
from bot.deps import BotContext
from bot.handlers import (
    checkin_typed,
    common,
    onboarding_place,
    preferences,
    settings_typed,
    triage_typed,
)
from bot.replies import catalogue, say
from bot.usecases import settings as settings_usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.worry import disease_answer
from storage.models import User
from triage.keywords import Concern, scan

Typed = Callable[[Update, BotContext, User, str, int | None], Awaitable[None]]


async def _typed_time(
    update: Update, context: BotContext, user: User, _: str, __: int | None
) -> None:
    await preferences.on_typed(update, context, user, user.awaiting or "")


TYPED: dict[Awaiting, Typed] = {
    Awaiting.TZ: settings_typed.on_zone,
    Awaiting.COUNTRY: settings_typed.on_country,
    Awaiting.COUNTRY_THEN_TRIAGE: settings_typed.on_country,
    Awaiting.QUIET: settings_typed.on_quiet,
    Awaiting.BEDTIME: _typed_time,
    Awaiting.WORKOUT_TIME: _typed_time,
    Awaiting.RETIME: settings_typed.on_times,
}
"""What typed text answers, by `user.awaiting`."""


async def on_text(update: Update, context: BotContext) -> None:
    """Any text that is not a command."""
    message = update.effective_message
    assert message and message.text is not None
    user = await common.load_user(update, context)
    if scan(message.text) == {Concern.DISEASE_QUESTION}:
        await on_disease_question(update, context, user)
        return
    if user is not None and not is_onboarded(user):
        await onboarding_place.on_text(update, context, user)
        return
    if user is not None and await _awaited(update, context, user, message.text):
        return
    if user is not None and await triage_typed.on_text(update, context, user):
        return
    back = says_back(message.text)
    if user is not None and back and await checkin_typed.on_typed_back(update, context, user):
        return
    language = update.effective_user.language_code if update.effective_user else None
    await message.reply_text(say(catalogue(user, language), "error.not_understood", user))


async def _awaited(update: Update, context: BotContext, user: User, text: str) -> bool:
    """Text the bot asked for; False when it was waiting for none (a value no longer known
    is forgotten)."""
    if user.awaiting is None:
        return False
    found = awaiting.parse(user.awaiting)
    if found is None:
        await settings_usecases.store(context.deps.sessions, user.id, awaiting=None)
        return False
    what, series = found
    await TYPED[what](update, context, user, text, series)
    return True


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location: the new country or time zone when /settings asked for one,
    otherwise onboarding's."""
    user = await common.load_user(update, context)
    wanted = {*COUNTRY_ANSWERS, Awaiting.TZ}
    if user is not None and user.awaiting in wanted:
        await settings_typed.on_location(update, context, user)
        return
    await onboarding_place.on_location(update, context)


async def on_disease_question(update: Update, context: BotContext, user: User | None) -> None:
    """ "Could this be ALS?": the careful answer (§5.5), then where the person was."""
    assert update.effective_message
    language = update.effective_user.language_code if update.effective_user else None
    cat = catalogue(user, language)
    text = say(cat, "disease_question", user)
    if user is not None:  # §5.5 rev 2: by the person's level
        text = await disease_answer(context.deps.sessions, cat, user)
    await update.effective_message.reply_text(text)
    if user is not None:
        await triage_typed.on_text_resume(update, context, user)


async def on_bad_callback(update: Update, context: BotContext) -> None:
    """Button data that is not ours (forged or from an old version): a gentle answer."""
    query = update.callback_query
    assert query
    user = await common.load_user(update, context)
    language = update.effective_user.language_code if update.effective_user else None
    await query.answer(catalogue(user, language).text("error.stale_button_alert"))
