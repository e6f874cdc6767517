"""The questionnaire in Telegram: one question per message, ticks edited in place, the
result with its advice. The transactions are bot/usecases/triage.py; the question's words and
buttons are bot/screens/triage.py (its callback data is described there).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.deps import BotContext
from bot.replies import answer_only, catalogue, edit, emergency_prompt, keyboard, say
from bot.screens import triage as screen
from bot.screens.country import ask as ask_country
from bot.screens.preferences import ask_missing
from bot.screens.result import send_result
from bot.usecases import triage as usecases
from bot.usecases.onboarding import is_onboarded
from bot.usecases.people import user_of
from bot.usecases.triage_taps import Tap, current_question, right_after
from storage.models import User
from triage.flow import Ask, Finished
from triage.nudges import needs_preferences

log = logging.getLogger(__name__)
BACK_WORDS = frozenset({"back", "go back", "undo"})


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
    """A tap on a questionnaire button: the Emergency help button, resume/restart, or an answer."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    if parsed.fields == (screen.SOS,):
        await on_sos(update, context)
    elif parsed.fields == (screen.AGAIN,):
        await on_again(update, context)
    elif len(parsed.fields) == 2:
        await on_resume_or_restart(update, context, parsed.int_field(0), parsed.field(1))
    else:
        wanted = screen.wanted_tick(parsed.fields[3]) if len(parsed.fields) > 3 else None
        fields = (parsed.int_field(0), parsed.field(1), parsed.field(2), wanted)
        await on_answer(update, context, fields)


async def on_sos(update: Update, context: BotContext) -> None:
    """The Emergency help button: the L4 text at once, asked as a question (spec §2.1, §4.4)."""
    query, user = update.callback_query, await _user(update, context)
    assert query and update.effective_chat
    await query.answer()
    text, markup = emergency_prompt(catalogue(user), user.country if user else None)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def on_again(update: Update, context: BotContext) -> None:
    """ "Go through the questions anyway" after the repeated-checking answer (§5.6)."""
    query, user = update.callback_query, await _user(update, context)
    assert query and update.effective_chat
    await query.answer()
    if user is None or user.consent_health_at is None:
        return
    await edit(query.message, getattr(query.message, "text", None) or "", None)
    await screen.begin(context.bot, context.deps, update.effective_chat.id, user)


async def on_answer(update: Update, context: BotContext, fields: screen.AnswerFields) -> None:
    """An answer or a tick: validated against the stored session, saved, then acted on."""
    d, tg_user = context.deps, update.effective_user
    assert tg_user
    done = await usecases.answer(
        d.sessions, d.clock.now(), tg_user.id, tg_user.language_code, fields
    )
    if done.tap.kind == "finished":
        d.wake()  # the plan's reminders were written; a tick or a next question writes none
    await ACTIONS[done.tap.kind](update, context, done.user, done.cat, done.tap)


async def _on_tick(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session
    question = current_question(tap.session, user, context.deps.clock.now())
    text, markup = screen.render(cat, user, tap.session, question, frozenset(tap.session.selection))
    # The callback answer is no message: it goes alongside the edit, not before it.
    await asyncio.gather(query.answer(), edit(query.message, text, markup))


async def _on_next(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and tap.answered
    record = screen.answered(cat, user, *tap.answered)
    await asyncio.gather(query.answer(), edit(query.message, record, None))
    await _resend(update, context, user, tap)  # the next question, or the review


async def _on_finished(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session and isinstance(tap.step, Finished)
    assert update.effective_chat
    await query.answer()
    # The last answer's record, or the review kept on screen without its buttons.
    shown = screen.answered(cat, user, *tap.answered) if tap.answered else _text(query.message)
    await edit(query.message, shown, None)
    # The level and the rules that set it are health data: they stay in the database.
    log.info("triage session %s finished", tap.session.id)
    now, answers = context.deps.clock.now(), tap.step.state.answers
    worried = tap.session.worry_typed
    await send_result(
        context.bot,
        update.effective_chat.id,
        cat,
        user,
        tap.session.id,
        tap.step.outcome,
        worried,
        answers=answers,
        now=now,
    )
    needs = needs_preferences(tap.step.outcome, tap.step.state.answers)
    if tap.next_steps and needs:
        # The plan used default times for bedtime or workouts: ask once (spec §3.4).
        fresh = await _user(update, context)
        assert fresh
        await ask_missing(context.bot, fresh, needs)


async def _on_stale(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.session
    if context.deps.takeovers.includes(update):
        await _on_applied_by_a_crashed_replica(update, context, user, tap)
        return
    await query.answer(cat.text("triage_ui.moved_on"))
    await _resend(update, context, user, tap)


async def _on_applied_by_a_crashed_replica(
    update: Update, context: BotContext, user: User, tap: Tap
) -> None:
    """The retry of a tap that a replica saved before it crashed: not the person's second
    tap, so no "moved on". The question that followed is shown only if the session still
    stands right after the tap (it may never have been sent); otherwise the person has it."""
    query = update.callback_query
    assert query and tap.session
    await query.answer()
    if right_after(tap.session, callbacks.decode(query.data).field(1)):
        await _resend(update, context, user, tap)


async def _on_back(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user
    await query.answer()
    await edit(query.message, f"{_text(query.message)}\n{cat.text('back.went_back')}", None)
    await _resend(update, context, user, tap)


async def _on_change(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """ "Change N" on the review: the review stays, without buttons; the question is asked."""
    query = update.callback_query
    assert query and user
    await asyncio.gather(query.answer(), edit(query.message, _text(query.message), None))
    await _resend(update, context, user, tap)


def _text(message: object) -> str:
    return getattr(message, "text", None) or ""


ACTIONS = {
    "back": _on_back,
    "tick": _on_tick,
    "next": _on_next,
    "review": _on_next,
    "change": _on_change,
    "finished": _on_finished,
    "stale": _on_stale,
    "empty": answer_only("triage_ui.nothing_ticked", show_alert=True),
    "foreign": answer_only("error.stale_button_alert"),
    "closed": answer_only("triage_ui.finished_session", show_alert=True),
}


async def _resend(update: Update, context: BotContext, user: User, tap: Tap) -> None:
    """The question a tap led to (Back, next, Change), or the session's current one (a
    question or the review)."""
    assert update.effective_chat and tap.session
    chat = update.effective_chat.id
    if isinstance(tap.step, Ask):
        await screen.send_question(context.bot, chat, user, tap.session, tap.step.question)
        return
    now = context.deps.clock.now()
    await screen.send_current(context.bot, chat, user, tap.session, now)


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


async def on_text(update: Update, context: BotContext, user: User) -> bool:
    """Text while a question waits for a tap: ask for the buttons. False when none waits."""
    d, message = context.deps, update.effective_message
    triage = await usecases.in_progress(d.sessions, user.id)
    if triage is None:
        return False
    assert message and message.text is not None
    if message.text.strip().lower() in BACK_WORDS:
        tap = await usecases.typed_back(d.sessions, d.clock.now(), triage.id)
        await _resend(update, context, user, tap)
        return True
    await message.reply_text(say(catalogue(user), "error.text_instead_of_button", user))
    await screen.send_current(context.bot, message.chat_id, user, triage, d.clock.now())
    return True


async def on_text_resume(update: Update, context: BotContext, user: User) -> None:
    """After the answer to a typed disease question (§5.5): the questionnaire in progress, if
    any, notes it (its result answers it in a line) and shows the current question again."""
    d = context.deps
    triage = await usecases.in_progress(d.sessions, user.id, worry_typed=True)
    if triage is not None:
        assert update.effective_chat
        now = d.clock.now()
        await screen.send_current(context.bot, update.effective_chat.id, user, triage, now)


async def _user(update: Update, context: BotContext) -> User | None:
    assert update.effective_user
    return await user_of(context.deps.sessions, update.effective_user.id)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [
        CommandHandler("triage", on_triage),
        CallbackQueryHandler(on_button, pattern=r"^t:"),
    ]
