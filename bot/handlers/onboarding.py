"""Onboarding: what the bot is and is not, consents, age gate, country and time zone.

/start and the `o:` buttons are here; a country or zone typed or shared at its step is
bot/handlers/onboarding_place.py. The steps and their answers are bot/usecases/onboarding.py;
the questions' words and buttons, and what follows each step, are bot/screens/onboarding.py
(the table of steps is there).
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import catalogue, say, show_choice
from bot.screens import country
from bot.screens import triage as triage_screen
from bot.screens.onboarding import after_step, ask, finish, reshow
from bot.screens.waiting import show_waiting
from bot.usecases import onboarding as usecases
from bot.usecases.onboarding import Step
from bot.usecases.people import with_questionnaire
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
        _, waiting, checkin = await with_questionnaire(d.sessions, tg_user.id)
        where = cat.text("onboarding.welcome_back_waiting")
        if not await show_waiting(context.bot, user, waiting, checkin, d.clock.now(), where):
            await message.reply_text(say(cat, "onboarding.already_done", user))
    else:
        await message.reply_text(say(cat, "onboarding.intro", user))
        await ask(message, user, cat)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on an onboarding button: checked against the current step, then applied."""
    query, d, message = update.callback_query, context.deps, update.effective_message
    assert query and message and update.effective_user and update.effective_chat
    parsed = callbacks.decode(query.data)
    step, value = parsed.field(0), "/".join(parsed.fields[1:])  # a zone has several
    user, applied = await usecases.answer(
        d.sessions, d.clock.now(), update.effective_user.id, update.effective_chat.id, step, value
    )
    cat = catalogue(user)
    taken_over = d.takeovers.includes(update)
    if not applied and user.onboarding_step == Step.DONE:
        await _where_now(message, context, query, user, cat, taken_over=taken_over)
    elif not applied and taken_over:
        # The retry of a tap a crashed replica saved: no second tap of the person's.
        await query.answer()
        if usecases.right_after(user, step, value):
            await ask(message, user, cat)
    elif not applied:
        await query.answer(cat.text("error.stale_button_alert"))
        await reshow(message, user, cat)
    else:
        await query.answer()
        await show_choice(query)
        await after_step(message, context, user, cat)


async def _where_now(
    message: Message,
    context: BotContext,
    query: CallbackQuery,
    user: User,
    cat: Catalogue,
    *,
    taken_over: bool,
) -> None:
    """A tap on a step already answered, after onboarding is done (a second tap, or a retry
    of one whose reply never went out): the questionnaire where it stands.

    When no questionnaire was ever begun, the update that finished onboarding was cut off
    before it could begin one: "All set" and the first question come now. (A replica renews
    its claim while it works, so the retry never runs beside a live original.) Once anything
    is answered or ticked, the person has the questionnaire: the tap only gets a short note,
    and the retry of a tap a crashed replica saved (`taken_over`, bot/takeovers.py) not even
    that."""
    progress = await usecases.in_progress(context.deps.sessions, user.id)
    if not progress.begun:
        await query.answer()
        await finish(message, context, user, cat)
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
        await reshow(message, user, cat)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("start", on_start),
        CallbackQueryHandler(on_button, pattern=r"^o:"),
    ]
