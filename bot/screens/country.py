"""Picking a country (spec §0.4 rev 2): a button, a typed name ("germany", "Deutschland", "uk")
or a shared location, at onboarding, in /settings, and once for people stored with the old
"European Union" region.

| where              | buttons                | typed name / location handled by (bot/handlers/) |
|--------------------|------------------------|--------------------------------------------------|
| onboarding step    | `o:country:<code>`     | onboarding_place.on_text, on_location            |
| /settings, EU once | `s:country:<code>[:t]` | settings_typed.on_country (awaiting "country")   |

A trailing `t` starts the questionnaire once the country is saved: the person had sent /triage.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import CallbackQuery, Message

from bot import callbacks, places
from bot.catalogue import Catalogue
from bot.countries import LEGACY_EU, region
from bot.deps import BotContext
from bot.replies import back_to_settings, catalogue, keyboard, say, show_choice
from bot.usecases.country import await_country, save_country
from storage.models import User

OTHER = "OTHER"
THEN_TRIAGE = "t"
ZONE_OFFER = "offer"
"""The time-zone button under a new country's confirmation (its own, so it can go once tapped)."""


def valid(value: str) -> bool:
    """A value a country button may carry: an ISO code the tz database knows, or OTHER."""
    return value == OTHER or value in places.iso_names()


def stored(value: str) -> str | None:
    return None if value == OTHER else value


def label(cat: Catalogue, code: str | None) -> str:
    """How the person's country reads in /settings and replies."""
    if code is None:
        return cat.text("onboarding.country_OTHER")
    if region(code) == LEGACY_EU:
        return cat.text("onboarding.country_EU")
    return places.label(code)


def rows(cat: Catalogue, tz: str | None, data: Callable[[str], str]) -> list[list[tuple[str, str]]]:
    """One button per suggested country (the zone's own first), then "Somewhere else"."""
    buttons = [[(places.label(code), data(code))] for code in places.suggestions(tz)]
    return [*buttons, [(cat.text("onboarding.country_OTHER"), data(OTHER))]]


async def ask(context: BotContext, user: User, *, then_triage: bool, legacy: bool = False) -> None:
    """Asks for the country with /settings buttons; typed names are awaited too."""
    extra = (THEN_TRIAGE,) if then_triage else ()
    await await_country(context.deps.sessions, user.id, then_triage=then_triage, legacy=legacy)
    cat = catalogue(user)
    text = cat.text("country.legacy_eu") if legacy else cat.text("country.question")

    def data(code: str) -> str:
        return callbacks.encode("s", "country", code, *extra)

    choices = rows(cat, user.tz, data)
    if not then_triage and not legacy:  # asked from /settings: Back to its menu
        choices.append(back_to_settings(cat))
    await context.bot.send_message(user.chat_id, text, reply_markup=keyboard(choices))


async def save(
    context: BotContext,
    user_id: int,
    value: str,
    tap: CallbackQuery | None = None,
    *,
    then_triage: bool = False,
) -> User:
    """Stores the chosen country, stops awaiting a typed one, and says so; the question, when
    a button answered it, keeps the country under it. When the person's time zone is not one
    of the new country's, the confirmation says so and offers to change it (reminders follow
    the zone, not the country); not when the questionnaire follows at once."""
    user = await save_country(context.deps.sessions, user_id, stored(value))
    if tap is not None:
        await show_choice(tap)
    cat = catalogue(user)
    text = say(cat, "country.saved", user, country=label(cat, user.country))
    markup = None
    if not then_triage and not places.zone_fits(user.tz, user.country):
        text += "\n\n" + cat.text("country.zone_check", tz=user.tz)
        offer = callbacks.encode("s", "tz", ZONE_OFFER)
        markup = keyboard([[(cat.text("country.change_zone"), offer)]])
    await context.bot.send_message(user.chat_id, text, reply_markup=markup)
    return user


async def typed(message: Message, user: User, text: str) -> str | None:
    """The country a typed name means, or None after saying no country was found."""
    code = places.find(text)
    if code is None:
        reply = catalogue(user).text("country.not_found", value=text.strip()[:40])
        await message.reply_text(reply)
    return code
