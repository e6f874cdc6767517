"""Onboarding's questions in Telegram: each step's text and buttons, with Back below them.

| step              | shows                          | next                                   |
|-------------------|--------------------------------|----------------------------------------|
| consent_health    | intro + health consent          | consent_reminders, or declined (stop)   |
| consent_reminders | reminders consent               | age                                     |
| age               | G1: 18 or over?                 | country, or under18 (stop)              |
| country           | G3: country (button, typed, pin)| timezone (a pin sets both: done)        |
| timezone          | location / list / typed name    | done                                    |

Callback data: `o:<step>:<value>` (a zone may take several fields) and `o:<step>:back`.
"""

from __future__ import annotations

import zoneinfo

from telegram import (
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot import callbacks, cities, places
from bot.catalogue import Catalogue
from bot.countries import LEGACY_EU, OTHER
from bot.deps import BotContext
from bot.replies import keyboard, say
from bot.screens import country
from bot.screens import triage as triage_screen
from bot.usecases.onboarding import BACK, PREVIOUS, Step
from storage.models import User

AREA = "o"
COUNTRY_CHOICES = (LEGACY_EU, OTHER)
"""Country labels the catalogue names itself; every other country is labelled from bot.places."""
Rows = list[list[tuple[str, str]]]


async def ask(message: Message, user: User, cat: Catalogue) -> None:
    """Sends the question of the person's current onboarding step."""
    step = Step(user.onboarding_step)
    if step == Step.TIMEZONE:
        await ask_timezone(message, user, cat)
        return
    if step == Step.COUNTRY:
        rows = country.rows(cat, user.tz, lambda code: data(Step.COUNTRY, code))
        rows = _with_back(cat, rows, step)
        await message.reply_text(say(cat, "country.question", user), reply_markup=keyboard(rows))
        return
    text, rows = QUESTIONS[step](cat)
    await message.reply_text(
        say(cat, text, user), reply_markup=keyboard(_with_back(cat, rows, step))
    )


def _with_back(cat: Catalogue, rows: Rows, step: Step) -> Rows:
    return [*rows, [(cat.text("back.button"), data(step, BACK))]] if step in PREVIOUS else rows


def _consent_health(cat: Catalogue) -> tuple[str, Rows]:
    return "onboarding.consent_health", [
        [(cat.text("onboarding.consent_health_yes"), data(Step.CONSENT_HEALTH, "yes"))],
        [(cat.text("onboarding.consent_health_no"), data(Step.CONSENT_HEALTH, "no"))],
    ]


def _consent_reminders(cat: Catalogue) -> tuple[str, Rows]:
    return "onboarding.consent_reminders", [
        [(cat.text("onboarding.consent_reminders_yes"), data(Step.CONSENT_REMINDERS, "yes"))],
        [(cat.text("onboarding.consent_reminders_no"), data(Step.CONSENT_REMINDERS, "no"))],
    ]


def _age(cat: Catalogue) -> tuple[str, Rows]:
    return "onboarding.age", [
        [(cat.text("onboarding.age_adult"), data(Step.AGE, "adult"))],
        [(cat.text("onboarding.age_minor"), data(Step.AGE, "minor"))],
    ]


QUESTIONS = {
    Step.CONSENT_HEALTH: _consent_health,
    Step.CONSENT_REMINDERS: _consent_reminders,
    Step.AGE: _age,
}


async def ask_timezone(message: Message, user: User, cat: Catalogue) -> None:
    share = KeyboardButton(cat.text("onboarding.timezone_share"), request_location=True)
    await message.reply_text(
        say(cat, "onboarding.timezone", user),
        reply_markup=ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True),
    )
    cities.warm()
    names = places.zone_choices(user.country)
    rows = [[(name.replace("_", " "), data(Step.TIMEZONE, i))] for i, name in enumerate(names)]
    rows = _with_back(cat, rows, Step.TIMEZONE)
    await message.reply_text(cat.text("onboarding.timezone_pick"), reply_markup=keyboard(rows))


def data(step: Step, *values: object) -> str:
    return callbacks.encode(AREA, step.value, *values)


async def after_step(message: Message, context: BotContext, user: User, cat: Catalogue) -> None:
    """Says what follows the step just answered: the next question, an exit, or done."""
    step = Step(user.onboarding_step)
    if step == Step.DECLINED:
        await message.reply_text(say(cat, "onboarding.declined", user))
    elif step == Step.UNDER18:
        await message.reply_text(say(cat, "exit.under18", user))
    elif step == Step.DONE:
        await finish(message, context, user, cat)
    else:
        await ask(message, user, cat)


async def finish(message: Message, context: BotContext, user: User, cat: Catalogue) -> None:
    """All set: the zone's local time and the reminders' state, then the first question."""
    assert user.tz
    local = context.deps.clock.now().astimezone(zoneinfo.ZoneInfo(user.tz))
    reminders = "on" if user.consent_reminders_at else "off"
    text = say(
        cat,
        "onboarding.done",
        user,
        tz=user.tz,
        local_time=local.strftime("%H:%M"),
        reminders=cat.text(f"onboarding.done_reminders_{reminders}"),
    )
    await message.reply_text(text, reply_markup=ReplyKeyboardRemove())
    await triage_screen.begin(context.bot, context.deps, message.chat_id, user)


async def reshow(message: Message, user: User, cat: Catalogue) -> None:
    """Shows the current question again after a stale tap or unexpected text."""
    if user.onboarding_step in (Step.DONE, Step.DECLINED, Step.UNDER18, Step.INTRO):
        await message.reply_text(say(cat, "error.not_understood", user))
        return
    await message.reply_text(say(cat, "error.stale_button", user))
    await ask(message, user, cat)
