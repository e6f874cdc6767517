"""Onboarding: what the bot is and is not, consents, age gate, country and time zone.

The step is a column on the user row, saved before each reply, so a restart between two taps
carries on where the person was.

| step              | shows                          | next                                   |
|-------------------|--------------------------------|----------------------------------------|
| consent_health    | intro + health consent          | consent_reminders, or declined (stop)   |
| consent_reminders | reminders consent               | age                                     |
| age               | G1: 18 or over?                 | country, or under18 (stop)              |
| country           | G3: country (button, typed, pin)| timezone (a pin sets both: done)        |
| timezone          | location / list / typed name    | done                                    |
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from enum import StrEnum

from telegram import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot import callbacks, cities, places, zones
from bot.catalogue import Catalogue
from bot.countries import LEGACY_EU, OTHER, needs_country
from bot.deps import deps
from bot.handlers import country
from bot.handlers.common import ONBOARDED
from bot.replies import catalogue, keyboard, say
from bot.screens import triage as triage_screen
from storage.models import User, UserState
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.users import UserRepository

log = logging.getLogger(__name__)
AREA = "o"


class Step(StrEnum):
    INTRO = "intro"
    CONSENT_HEALTH = "consent_health"
    CONSENT_REMINDERS = "consent_reminders"
    AGE = "age"
    COUNTRY = "country"
    TIMEZONE = "timezone"
    DONE = ONBOARDED
    DECLINED = "declined"
    UNDER18 = "under18"


RESTARTABLE = {Step.INTRO, Step.DECLINED, Step.UNDER18}
# Back goes one step up; the answers given stay until answered again.
PREVIOUS = {
    Step.CONSENT_REMINDERS: Step.CONSENT_HEALTH,
    Step.AGE: Step.CONSENT_REMINDERS,
    Step.COUNTRY: Step.AGE,
    Step.TIMEZONE: Step.COUNTRY,
}
BACK = "back"
COUNTRY_CHOICES = (LEGACY_EU, OTHER)
"""Country labels the catalogue names itself; every other country is labelled from bot.places."""


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: introduce the bot and ask for consent, or carry on where the person was."""
    d, tg_user, chat = deps(context), update.effective_user, update.effective_chat
    assert tg_user and chat and update.effective_message
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get_or_create(
            tg_user.id, chat.id, tg_user.language_code, d.clock.now()
        )
        if user.onboarding_step in RESTARTABLE:
            user.onboarding_step = Step.CONSENT_HEALTH
        if user.state == UserState.BLOCKED:
            # They blocked the bot and came back: their reminders start again from now.
            await ReminderRepository(session).reactivate_user(user.id, d.clock.now())
            log.info("user %s came back after blocking the bot", person(user.id))
        step = Step(user.onboarding_step)
    cat = catalogue(user)
    if step == Step.DONE and needs_country(user.country):
        await country.ask(context, user, then_triage=False, legacy=True)
        return
    if step == Step.DONE:
        await update.effective_message.reply_text(say(cat, "onboarding.already_done", user))
        return
    await update.effective_message.reply_text(say(cat, "onboarding.intro", user))
    await ask(update, user, cat)


async def ask(update: Update, user: User, cat: Catalogue) -> None:
    """Sends the question of the person's current onboarding step."""
    message = update.effective_message
    assert message
    step = Step(user.onboarding_step)
    if step == Step.TIMEZONE:
        await ask_timezone(update, user, cat)
        return
    if step == Step.COUNTRY:
        rows = country.rows(cat, user.tz, lambda code: _data(Step.COUNTRY, code))
        rows = _with_back(cat, rows, step)
        await message.reply_text(say(cat, "country.question", user), reply_markup=keyboard(rows))
        return
    text, rows = QUESTIONS[step](cat)
    await message.reply_text(
        say(cat, text, user), reply_markup=keyboard(_with_back(cat, rows, step))
    )


def _with_back(
    cat: Catalogue, rows: list[list[tuple[str, str]]], step: Step
) -> list[list[tuple[str, str]]]:
    return [*rows, [(cat.text("back.button"), _data(step, BACK))]] if step in PREVIOUS else rows


def _consent_health(cat: Catalogue) -> tuple[str, list[list[tuple[str, str]]]]:
    return "onboarding.consent_health", [
        [(cat.text("onboarding.consent_health_yes"), _data(Step.CONSENT_HEALTH, "yes"))],
        [(cat.text("onboarding.consent_health_no"), _data(Step.CONSENT_HEALTH, "no"))],
    ]


def _consent_reminders(cat: Catalogue) -> tuple[str, list[list[tuple[str, str]]]]:
    return "onboarding.consent_reminders", [
        [(cat.text("onboarding.consent_reminders_yes"), _data(Step.CONSENT_REMINDERS, "yes"))],
        [(cat.text("onboarding.consent_reminders_no"), _data(Step.CONSENT_REMINDERS, "no"))],
    ]


def _age(cat: Catalogue) -> tuple[str, list[list[tuple[str, str]]]]:
    return "onboarding.age", [
        [(cat.text("onboarding.age_adult"), _data(Step.AGE, "adult"))],
        [(cat.text("onboarding.age_minor"), _data(Step.AGE, "minor"))],
    ]


QUESTIONS = {
    Step.CONSENT_HEALTH: _consent_health,
    Step.CONSENT_REMINDERS: _consent_reminders,
    Step.AGE: _age,
}


async def ask_timezone(update: Update, user: User, cat: Catalogue) -> None:
    message = update.effective_message
    assert message
    share = KeyboardButton(cat.text("onboarding.timezone_share"), request_location=True)
    await message.reply_text(
        say(cat, "onboarding.timezone", user),
        reply_markup=ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True),
    )
    cities.warm()
    names = places.zone_choices(user.country)
    rows = [[(name.replace("_", " "), _data(Step.TIMEZONE, i))] for i, name in enumerate(names)]
    rows = _with_back(cat, rows, Step.TIMEZONE)
    await message.reply_text(cat.text("onboarding.timezone_pick"), reply_markup=keyboard(rows))


def _data(step: Step, *values: object) -> str:
    return callbacks.encode(AREA, step.value, *values)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on an onboarding button: checked against the current step, then applied."""
    query, d = update.callback_query, deps(context)
    assert query and update.effective_user and update.effective_chat
    parsed = callbacks.decode(query.data)
    step, value = parsed.field(0), "/".join(parsed.fields[1:])  # a zone has several
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get_or_create(
            update.effective_user.id, update.effective_chat.id, None, d.clock.now()
        )
        stale = step != user.onboarding_step
        if not stale:
            stale = not apply(user, Step(step), value, d.clock.now())
    cat = catalogue(user)
    if stale:
        await query.answer(cat.text("error.stale_button_alert"))
        await reshow(update, user, cat)
        return
    await query.answer()
    await _show_choice(query)
    await after_step(update, context, user, cat)


async def _show_choice(query: CallbackQuery) -> None:
    """Leaves the answered question in the chat with the person's choice under it."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    chosen = next(
        (
            button.text
            for row in message.reply_markup.inline_keyboard
            for button in row
            if button.callback_data == query.data
        ),
        None,
    )
    if chosen is None:
        await message.edit_reply_markup(reply_markup=None)
        return
    await message.edit_text(f"{message.text}\n➜ {chosen}", reply_markup=None)


def apply(user: User, step: Step, value: str, now: dt.datetime) -> bool:
    """Records an answer to `step`; False when the value is not one the step offers."""
    if value == BACK and step in PREVIOUS:
        user.onboarding_step = PREVIOUS[step]
    elif step == Step.CONSENT_HEALTH and value in ("yes", "no"):
        user.consent_health_at = now if value == "yes" else None
        user.onboarding_step = Step.CONSENT_REMINDERS if value == "yes" else Step.DECLINED
    elif step == Step.CONSENT_REMINDERS and value in ("yes", "no"):
        user.consent_reminders_at = now if value == "yes" else None
        user.onboarding_step = Step.AGE
    elif step == Step.AGE and value in ("adult", "minor"):
        user.adult = value == "adult"
        user.onboarding_step = Step.COUNTRY if user.adult else Step.UNDER18
    elif step == Step.COUNTRY and country.valid(value):
        set_country(user, value)
    elif (
        step == Step.TIMEZONE
        and value.isdigit()
        and int(value) < len(names := places.zone_choices(user.country))
    ):
        set_zone(user, names[int(value)])
    elif step == Step.TIMEZONE and (zone := cities.picked(tuple(value.split("/")), user.country)):
        set_zone(user, zone)  # one of the places a typed name could mean
    else:
        return False
    return True


def set_country(user: User, value: str) -> None:
    user.country = country.stored(value)
    user.onboarding_step = Step.TIMEZONE


def set_zone(user: User, name: str) -> None:
    user.tz = name
    user.onboarding_step = Step.DONE


async def after_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, cat: Catalogue
) -> None:
    """Says what follows the step just answered: the next question, an exit, or done."""
    message = update.effective_message
    assert message
    step = Step(user.onboarding_step)
    if step == Step.DECLINED:
        await message.reply_text(say(cat, "onboarding.declined", user))
    elif step == Step.UNDER18:
        await message.reply_text(say(cat, "exit.under18", user))
    elif step == Step.DONE:
        await finish(update, context, user, cat)
    else:
        await ask(update, user, cat)


async def finish(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, cat: Catalogue
) -> None:
    message = update.effective_message
    assert message and user.tz
    local = deps(context).clock.now().astimezone(zoneinfo.ZoneInfo(user.tz))
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
    await triage_screen.begin(context.bot, deps(context), message.chat_id, user)


async def reshow(update: Update, user: User, cat: Catalogue) -> None:
    """Shows the current question again after a stale tap or unexpected text."""
    message = update.effective_message
    assert message
    if user.onboarding_step in (Step.DONE, Step.DECLINED, Step.UNDER18, Step.INTRO):
        await message.reply_text(say(cat, "error.not_understood", user))
        return
    await message.reply_text(say(cat, "error.stale_button", user))
    await ask(update, user, cat)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Text during onboarding: a typed zone name at the time-zone step, otherwise re-ask."""
    message = update.effective_message
    assert message and message.text is not None
    cat = catalogue(user)
    if user.onboarding_step == Step.COUNTRY:
        await _typed_country(update, context, user, message.text)
        return
    if user.onboarding_step != Step.TIMEZONE:
        await message.reply_text(say(cat, "error.text_instead_of_button", user))
        await ask(update, user, cat)
        return
    found = await cities.lookup(message.text, user.country)
    if len(found) == 1:
        await _save_zone(update, context, user.id, found[0].zone)
    elif found:
        rows = [[(p.label, _data(Step.TIMEZONE, *cities.fields(p.zone)))] for p in found]
        await message.reply_text(cat.text("zones.which"), reply_markup=keyboard(rows))
    else:
        shown = message.text.strip()[:40]
        await message.reply_text(say(cat, "onboarding.timezone_invalid", user, value=shown))


async def _typed_country(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, text: str
) -> None:
    code = places.find(text)
    if code is None:
        assert update.effective_message
        reply = catalogue(user).text("country.not_found", value=text.strip()[:40])
        await update.effective_message.reply_text(reply)
        return
    await _save_place(update, context, user.id, code, None)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location at the time-zone step: the zone is looked up offline; the place is
    not kept."""
    message, d = update.effective_message, deps(context)
    assert message and message.location and update.effective_user
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
    if user is None or user.onboarding_step not in (Step.COUNTRY, Step.TIMEZONE):
        cat = catalogue(user, update.effective_user.language_code)
        await message.reply_text(say(cat, "error.not_understood", user))
        return
    zone = zones.zone_at(message.location.latitude, message.location.longitude)
    if user.onboarding_step == Step.COUNTRY:
        # One pin answers both questions: the country of the place, and its zone.
        code = places.country_of_zone(zone)
        if code is None:
            await message.reply_text(say(catalogue(user), "country.at_sea", user))
            return
        await _save_place(update, context, user.id, code, zone)
        return
    if zone is None:
        await message.reply_text(say(catalogue(user), "onboarding.timezone_not_found", user))
        return
    await _save_zone(update, context, user.id, zone)


async def _save_place(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int, code: str, zone: str | None
) -> None:
    async with deps(context).sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user
        if user.onboarding_step == Step.COUNTRY:
            set_country(user, code)
            if zone is not None:
                set_zone(user, zone)
    log.info("user %s chose a country", person(user_id))
    await after_step(update, context, user, catalogue(user))


async def _save_zone(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int, zone: str
) -> None:
    d = deps(context)
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user
        if user.onboarding_step == Step.TIMEZONE:
            set_zone(user, zone)
    log.info("user %s set a time zone", person(user_id))
    await after_step(update, context, user, catalogue(user))
