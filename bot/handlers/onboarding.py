"""Onboarding: what the bot is and is not, consents, age gate, country and time zone.

The steps and their answers are bot/usecases/onboarding.py; the questions' words and buttons
are bot/screens/onboarding.py (the table of steps is there).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from telegram import CallbackQuery, Message, ReplyKeyboardRemove, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks, cities, places, zones
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import catalogue, keyboard, say
from bot.screens import country
from bot.screens import triage as triage_screen
from bot.screens.onboarding import ask, data
from bot.usecases import onboarding as usecases
from bot.usecases.onboarding import Step
from bot.usecases.people import user_of
from storage.models import User


async def on_start(update: Update, context: BotContext) -> None:
    """/start: introduce the bot and ask for consent, or carry on where the person was."""
    d, tg_user, message = context.deps, update.effective_user, update.effective_message
    assert tg_user and message
    user = await usecases.start(
        d.sessions, d.clock.now(), tg_user.id, message.chat_id, tg_user.language_code
    )
    cat = catalogue(user)
    if user.onboarding_step == Step.DONE and needs_country(user.country):
        await country.ask(context, user, then_triage=False, legacy=True)
    elif user.onboarding_step == Step.DONE:
        await message.reply_text(say(cat, "onboarding.already_done", user))
    else:
        await message.reply_text(say(cat, "onboarding.intro", user))
        await ask(message, user, cat)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on an onboarding button: checked against the current step, then applied."""
    query, d = update.callback_query, context.deps
    assert query and update.effective_user and update.effective_chat
    parsed = callbacks.decode(query.data)
    step, value = parsed.field(0), "/".join(parsed.fields[1:])  # a zone has several
    user, applied = await usecases.answer(
        d.sessions, d.clock.now(), update.effective_user.id, update.effective_chat.id, step, value
    )
    cat = catalogue(user)
    if not applied and user.onboarding_step == Step.DONE:
        await _where_now(update, context, query, user, cat)
    elif not applied and context.deps.takeovers.includes(update):
        # The retry of a tap a crashed replica saved: no second tap of the person's.
        await query.answer()
        if usecases.right_after(user, step, value):
            assert update.effective_message
            await ask(update.effective_message, user, cat)
    elif not applied:
        await query.answer(cat.text("error.stale_button_alert"))
        await reshow(update, user, cat)
    else:
        await query.answer()
        await _show_choice(query)
        await after_step(update, context, user, cat)


async def _where_now(
    update: Update,
    context: BotContext,
    query: CallbackQuery,
    user: User,
    cat: Catalogue,
) -> None:
    """A tap on a step already answered, after onboarding is done (a second tap, or a retry
    of one whose reply never went out): the questionnaire where it stands.

    When no questionnaire was ever begun, the update that finished onboarding was cut off
    before it could begin one: "All set" and the first question come now. (A replica renews
    its claim while it works, so the retry never runs beside a live original.) Once anything
    is answered or ticked, the person has the questionnaire: the tap only gets a short note,
    and the retry of a tap a crashed replica saved (bot/takeovers.py) not even that."""
    progress = await usecases.in_progress(context.deps.sessions, user.id)
    taken_over = context.deps.takeovers.includes(update)
    if not progress.begun:
        await query.answer()
        await finish(update, context, user, cat)
    elif progress.active is not None and progress.untouched:
        await query.answer(None if taken_over else cat.text("triage_ui.moved_on"))
        now, chat = context.deps.clock.now(), user.chat_id
        await triage_screen.send_current(context.bot, chat, user, progress.active, now)
    elif taken_over:
        await query.answer()
    elif progress.active is not None:
        await query.answer(cat.text("error.stale_button_alert"))
    else:
        await query.answer(cat.text("error.stale_button_alert"))
        await reshow(update, user, cat)


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


async def after_step(update: Update, context: BotContext, user: User, cat: Catalogue) -> None:
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
        await ask(message, user, cat)


async def finish(update: Update, context: BotContext, user: User, cat: Catalogue) -> None:
    """All set: the zone's local time and the reminders' state, then the first question."""
    message = update.effective_message
    assert message and user.tz
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


async def reshow(update: Update, user: User, cat: Catalogue) -> None:
    """Shows the current question again after a stale tap or unexpected text."""
    message = update.effective_message
    assert message
    if user.onboarding_step in (Step.DONE, Step.DECLINED, Step.UNDER18, Step.INTRO):
        await message.reply_text(say(cat, "error.not_understood", user))
        return
    await message.reply_text(say(cat, "error.stale_button", user))
    await ask(message, user, cat)


async def on_text(update: Update, context: BotContext, user: User) -> None:
    """Text during onboarding: a typed zone name at the time-zone step, otherwise re-ask."""
    message = update.effective_message
    assert message and message.text is not None
    cat = catalogue(user)
    if user.onboarding_step == Step.COUNTRY:
        await _typed_country(update, context, user, message.text)
        return
    if user.onboarding_step != Step.TIMEZONE:
        await message.reply_text(say(cat, "error.text_instead_of_button", user))
        await ask(message, user, cat)
        return
    found = await cities.lookup(message.text, user.country)
    if len(found) == 1:
        saved = await usecases.save_zone(context.deps.sessions, user.id, found[0].zone)
        await after_step(update, context, saved, catalogue(saved))
    elif found:
        rows = [[(p.label, data(Step.TIMEZONE, *cities.fields(p.zone)))] for p in found]
        await message.reply_text(cat.text("zones.which"), reply_markup=keyboard(rows))
    else:
        shown = message.text.strip()[:40]
        await message.reply_text(say(cat, "onboarding.timezone_invalid", user, value=shown))


async def _typed_country(update: Update, context: BotContext, user: User, text: str) -> None:
    assert update.effective_message
    code = await country.typed(update.effective_message, user, text)
    if code is None:
        return
    saved = await usecases.save_place(context.deps.sessions, user.id, code, None)
    await after_step(update, context, saved, catalogue(saved))


async def on_location(update: Update, context: BotContext) -> None:
    """A shared location at the country or time-zone step: the zone is looked up offline;
    the place is not kept."""
    message, d = update.effective_message, context.deps
    assert message and message.location and update.effective_user
    user = await user_of(d.sessions, update.effective_user.id)
    if user is None or user.onboarding_step not in (Step.COUNTRY, Step.TIMEZONE):
        cat = catalogue(user, update.effective_user.language_code)
        await message.reply_text(say(cat, "error.not_understood", user))
        return
    zone = zones.zone_at(message.location.latitude, message.location.longitude)
    # One pin at the country step answers both questions: the place's country and its zone.
    code = places.country_of_zone(zone) if user.onboarding_step == Step.COUNTRY else None
    if user.onboarding_step == Step.COUNTRY and code is None:
        await message.reply_text(say(catalogue(user), "country.at_sea", user))
    elif user.onboarding_step == Step.COUNTRY:
        assert code is not None
        saved = await usecases.save_place(d.sessions, user.id, code, zone)
        await after_step(update, context, saved, catalogue(saved))
    elif zone is None:
        await message.reply_text(say(catalogue(user), "onboarding.timezone_not_found", user))
    else:
        saved = await usecases.save_zone(d.sessions, user.id, zone)
        await after_step(update, context, saved, catalogue(saved))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("start", on_start),
        CallbackQueryHandler(on_button, pattern=r"^o:"),
    ]
