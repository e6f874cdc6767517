"""/triage and the buttons around the questionnaire: starting one, carrying on or starting
again, "go through the questions anyway" after the repeated-checking answer, and the Emergency
help button. The answers are bot/handlers/triage_answers.py, typed text
bot/handlers/triage_typed.py; the transactions are bot/usecases/triage.py and the words and
buttons bot/screens/triage.py (its callback data is described there).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import catalogue, edit, emergency_prompt, keyboard
from bot.screens import triage as screen
from bot.screens.country import ask as ask_country
from bot.usecases import triage as usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.people import user_of


async def on_triage(update: Update, context: BotContext) -> None:
    """/triage: a new episode, or a choice to carry on the one in progress."""
    d, message = context.deps, update.effective_message
    assert message and update.effective_user
    user, active = await usecases.open_questionnaire(d.sessions, update.effective_user.id)
    cat = catalogue(user, update.effective_user.language_code)
    if user is None or not is_onboarded(user):
        await message.reply_text(cat.text("triage_ui.not_onboarded"))
    elif user.consent_health_at is None:
        await message.reply_text(cat.text("triage_ui.no_consent"))
    elif needs_country(user.country):
        # §0.4 rev 2: "European Union" is no longer a country; asked once, then the triage.
        await ask_country(context, user, then_triage=True, legacy=True)
    elif active is None and (
        repeat := await usecases.repeat_check(d.sessions, cat, user, d.clock.now())
    ):
        # §5.6 rev 2: same advice, what would change it, one tip; the full triage stays open.
        again = [[(cat.text("repeat_check.again"), screen.data(screen.AGAIN))]]
        await message.reply_text(repeat, reply_markup=keyboard(again))
    elif active is not None:
        rows = [
            [(cat.text("triage_ui.continue"), screen.data(active.id, "resume"))],
            [(cat.text("triage_ui.restart"), screen.data(active.id, "restart"))],
        ]
        await message.reply_text(cat.text("triage_ui.in_progress"), reply_markup=keyboard(rows))
    else:
        await screen.begin(context.bot, d, message.chat_id, user)


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
