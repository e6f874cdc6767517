"""Onboarding's country and time zone when the person types a name or shares a location
instead of tapping a button. bot/routing.py sends text and locations here while onboarding
is unfinished; the buttons are bot/handlers/onboarding.py.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import cities, zones
from bot.deps import BotContext
from bot.replies import catalogue, keyboard, say
from bot.screens import country
from bot.screens.onboarding import after_step, ask, data
from bot.usecases import onboarding as usecases
from bot.usecases.onboarding import ASKING, Step
from storage.models import User

ENDED = {Step.UNDER18: "exit.under18", Step.DECLINED: "onboarding.declined"}
"""What typed text gets once onboarding has ended without a questionnaire: its ending again."""


async def on_text(update: Update, context: BotContext, user: User) -> None:
    """Text during onboarding: a country or zone name at its step, otherwise re-ask."""
    message = update.effective_message
    assert message and message.text is not None
    if user.onboarding_step == Step.COUNTRY:
        await _typed_country(message, context, user, message.text)
    elif user.onboarding_step == Step.TIMEZONE:
        await _typed_zone(message, context, user, message.text)
    elif user.onboarding_step in ASKING:
        cat = catalogue(user)
        await message.reply_text(say(cat, "error.text_instead_of_button", user))
        await ask(message, user, cat)
    else:  # onboarding ended (under 18, no consent) or not begun: nothing to ask
        key = ENDED.get(Step(user.onboarding_step), "triage_ui.not_onboarded")
        await message.reply_text(say(catalogue(user), key, user))


async def _typed_country(message: Message, context: BotContext, user: User, text: str) -> None:
    code = await country.typed(message, user, text)
    if code is None:
        return
    saved = await usecases.save_place(context.deps.sessions, user.id, code, None)
    await after_step(message, context, saved, catalogue(saved))


async def _typed_zone(message: Message, context: BotContext, user: User, text: str) -> None:
    """One place found is saved; several are offered as buttons; none is said."""
    cat = catalogue(user)
    found = await cities.lookup(text, user.country)
    if len(found) == 1:
        saved = await usecases.save_zone(context.deps.sessions, user.id, found[0].zone)
        await after_step(message, context, saved, catalogue(saved))
    elif found:
        rows = [[(p.label, data(Step.TIMEZONE, *cities.fields(p.zone)))] for p in found]
        await message.reply_text(cat.text("zones.which"), reply_markup=keyboard(rows))
    else:
        shown = text.strip()[:40]
        await message.reply_text(say(cat, "onboarding.timezone_invalid", user, value=shown))


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location at the country or time-zone step: the zone is looked up offline;
    the place is not kept."""
    message = update.effective_message
    assert message and message.location and update.effective_user
    zone = zones.zone_at(message.location.latitude, message.location.longitude)
    user, refusal = await usecases.save_pin(context.deps.sessions, update.effective_user.id, zone)
    cat = catalogue(user, update.effective_user.language_code)
    if refusal is not None:
        await message.reply_text(say(cat, refusal, user))
    else:
        assert user is not None
        await after_step(message, context, user, cat)
