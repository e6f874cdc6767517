"""/triage and the buttons around the questionnaire: starting one, carrying on or starting
again, "go through the questions anyway" after the repeated-checking answer, and the Emergency
help button. The answers are bot/handlers/triage_answers.py, typed text
bot/handlers/triage_typed.py; the transactions are bot/usecases/triage.py and the words and
buttons bot/screens/triage.py (its callback data is described there).
"""

from __future__ import annotations

from typing import Any, assert_never

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.deps import BotContext
from bot.replies import catalogue, edit, emergency_prompt, keyboard
from bot.screens import triage as screen
from bot.screens.country import ask as ask_country
from bot.usecases import triage as usecases
from bot.usecases.people import user_of
from bot.usecases.triage import Opening


async def on_triage(update: Update, context: BotContext) -> None:
    """/triage: a new episode, or a choice to carry on the one in progress."""
    d, message, tg_user = context.deps, update.effective_message, update.effective_user
    assert message and tg_user
    opened = await usecases.open_questionnaire(
        d.sessions, d.clock.now(), tg_user.id, tg_user.language_code
    )
    user, cat = opened.user, catalogue(opened.user, tg_user.language_code)
    match opened.opening:
        case Opening.NOT_ONBOARDED:
            await message.reply_text(cat.text("triage_ui.not_onboarded"))
        case Opening.NO_CONSENT:
            await message.reply_text(cat.text("triage_ui.no_consent"))
        case Opening.COUNTRY_FIRST:
            assert user
            await ask_country(context, user, then_triage=True, legacy=True)
        case Opening.REPEAT_CHECK:
            assert opened.repeat
            again = [[(cat.text("repeat_check.again"), screen.data(screen.AGAIN))]]
            await message.reply_text(opened.repeat, reply_markup=keyboard(again))
        case Opening.IN_PROGRESS:
            assert opened.active
            text, markup = screen.in_progress(cat, opened.active.id)
            await message.reply_text(text, reply_markup=markup)
        case Opening.NEW:
            assert user
            await screen.begin(context.bot, d, message.chat_id, user)
        case _:
            assert_never(opened.opening)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on the Emergency help button, "go through them anyway", or resume/restart."""
    query = update.callback_query
    assert query
    parsed = callbacks.decode(query.data)
    if parsed.fields == (screen.SOS,):
        await on_sos(update, context)
    elif parsed.fields == (screen.AGAIN,):
        await on_again(update, context)
    elif len(parsed.fields) == 2:
        await on_resume_or_restart(update, context, parsed.int_field(0), parsed.field(1))
    else:
        raise callbacks.BadCallback("not a questionnaire button")


async def on_sos(update: Update, context: BotContext) -> None:
    """The Emergency help button: the L4 text at once, asked as a question (spec §2.1, §4.4)."""
    query, chat, tg_user = update.callback_query, update.effective_chat, update.effective_user
    assert query and chat and tg_user
    user = await user_of(context.deps.sessions, tg_user.id)
    await query.answer()
    text, markup = emergency_prompt(catalogue(user), user.country if user else None)
    await context.bot.send_message(chat.id, text, reply_markup=markup)


async def on_again(update: Update, context: BotContext) -> None:
    """ "Go through the questions anyway" after the repeated-checking answer (§5.6)."""
    query, chat, tg_user = update.callback_query, update.effective_chat, update.effective_user
    assert query and chat and tg_user
    user = await user_of(context.deps.sessions, tg_user.id)
    await query.answer()
    if user is None or user.consent_health_at is None:
        return
    await edit(query.message, getattr(query.message, "text", None) or "", None)
    await screen.begin(context.bot, context.deps, chat.id, user)


async def on_resume_or_restart(
    update: Update, context: BotContext, session_id: int, choice: str
) -> None:
    """The answer to "carry on or start again?" after /triage in the middle of one."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    user, triage = await usecases.resume_or_restart(
        d.sessions, update.effective_user.id, session_id, choice
    )
    cat = catalogue(user, update.effective_user.language_code)
    if user is None or triage is None or choice not in ("resume", "restart"):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    await edit(query.message, cat.text("triage_ui.in_progress"), None)
    if choice == "resume":
        await screen.send_current(context.bot, user.chat_id, user, triage, d.clock.now())
        return
    await context.bot.send_message(user.chat_id, cat.text("triage_ui.restarted"))
    await screen.begin(context.bot, d, user.chat_id, user)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's command and buttons, for bot/app.py to register."""
    return [
        CommandHandler("triage", on_triage),
        CallbackQueryHandler(on_button, pattern=screen.CHOICES),
    ]
