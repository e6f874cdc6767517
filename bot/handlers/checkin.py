"""The follow-up check-in in Telegram (spec §4.2, §4.3): its first screen, sent by the
notifier, and the taps that answer it, one screen at a time.

| screen     | buttons                                      | next                          |
|------------|----------------------------------------------|-------------------------------|
| safety     | the Q1 emergency list, one a row, and "No"   | positive: F-E1 at once, end   |
| status     | Gone · Better · Same · Worse · Spread        | new_signs (or the end)        |
| new_signs  | red-flag signs with ticks, Nothing new, Done | advice if raised, then doctor |
| doctor     | Booked · Seen · Not yet · Don't want to      | Seen: suggestion; else habits |
| suggestion | Keep an eye on it · Tests · Something else   | habits                        |
| habits     | three rows of choices, ticks, Skip           | the end                       |
| rerun      | Go through them again · Not now              | the prefilled re-run, or none |

Every screen after the first has a Back button (typing "back" does the same): the screen
before is sent again with its answer ticked, and answering it carries on from there. What was
already assessed and shown stays: a raised level is never lowered by going back.

The screens asked come from `questions_for(state)`. Every answer is saved on the `CheckIn`
row before the next screen is sent, so a restart between two taps carries on. A new red flag
(or "Spread") is assessed as soon as the new-signs screen is answered (F-E2, F-E3 rev 2): a
raised level is stored at once and its advice is shown before any other screen (§4.4). At
the end the follow-up rules decide (`on_answers`) and the episode, its reminders and the row
are updated in one transaction (bot/usecases/checkin.py); the person is then told what
changes. The screens' words and buttons are bot/checkin_screens.py and bot/screens/checkin.py;
the order and the decisions are triage/checkin_flow.py.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.catalogue import Catalogue
from bot.checkin_screens import NONE, RERUN, render
from bot.deps import BotContext
from bot.escalation import advice
from bot.replies import answer_only, catalogue, edit, keyboard
from bot.screens import triage as triage_screen
from bot.screens.checkin import answered, habits_record, rerun_rows, summary
from bot.usecases import checkin
from bot.usecases.checkin_taps import Tap
from storage.models import User
from triage.checkin_flow import RERUNS, rerun_questions


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a check-in screen: saved, decided, then answered."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    checkin_id, screen = parsed.int_field(0), parsed.field(1)
    options = parsed.fields[2:]
    if screen == RERUN:
        await on_rerun(update, context, checkin_id, options[0] if options else "")
        return
    done = await checkin.answer(
        d.sessions, d.clock.now(), update.effective_user.id, checkin_id, screen, options
    )
    if done.moved_reminders:
        d.wake()  # the check-in reminder was moved: the dispatcher places it afresh
    cat = catalogue(done.user, update.effective_user.language_code)
    await REPLIES[done.tap.kind](update, context, done.user, cat, done.tap)


async def _on_tick(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and tap.row
    await query.answer()
    text, markup = render(cat, tap.row)
    await edit(query.message, text, markup)


async def _on_back(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """The screen before, sent afresh with its answer ticked; the one left behind says so."""
    query = update.callback_query
    assert tap.row and user
    if query is not None:
        await query.answer()
        await edit(query.message, cat.text("back.went_back"), None)
    else:
        await context.bot.send_message(user.chat_id, cat.text("back.went_back"))
    text, markup = render(cat, tap.row)
    await context.bot.send_message(user.chat_id, text, reply_markup=markup)


async def on_typed_back(update: Update, context: BotContext, user: User) -> bool:
    """Typing "back" during a check-in does what its Back button does; False when none is open."""
    done = await checkin.typed_back(context.deps.sessions, user.id)
    if done is None:
        return False
    cat = catalogue(
        done.user, update.effective_user.language_code if update.effective_user else None
    )
    if done.tap.kind == "back":
        await _on_back(update, context, done.user, cat, done.tap)
    else:
        assert update.effective_message and done.tap.row
        await update.effective_message.reply_text(cat.text("checkin_ui.back_first"))
        text, markup = render(cat, done.tap.row)
        await update.effective_message.reply_text(text, reply_markup=markup)
    return True


async def _on_next(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and tap.row and tap.answered and update.effective_chat
    await query.answer()
    await edit(query.message, answered(cat, *tap.answered), None)
    if tap.escalation is not None and user is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation.outcome))
    text, markup = render(cat, tap.row)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _on_finished(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.decision and tap.row
    await query.answer()
    record = answered(cat, *tap.answered) if tap.answered else habits_record(cat, tap.row)
    await edit(query.message, record, None)
    if tap.escalation is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation.outcome))
    raised = tap.escalation is not None
    await context.bot.send_message(user.chat_id, summary(cat, user, tap.decision, raised=raised))
    only = rerun_questions(tap.decision.actions)
    if only:
        which = next(name for name, questions in RERUNS.items() if questions == only)
        rows = rerun_rows(cat, tap.row.id, which)
        text = cat.text("checkin_ui.rerun")
        await context.bot.send_message(user.chat_id, text, reply_markup=keyboard(rows))


async def on_rerun(update: Update, context: BotContext, checkin_id: int, choice: str) -> None:
    """The answer to the re-run offer (F-E2, F-E3): the prefilled questions, or not now."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    offer = await checkin.rerun_offer(d.sessions, update.effective_user.id, checkin_id)
    user, episode = offer.user, offer.episode
    cat = catalogue(user, update.effective_user.language_code)
    if user is None or episode is None or choice not in (*RERUNS, NONE):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    await edit(query.message, cat.text("checkin_ui.rerun"), None)
    if choice == NONE:
        await context.bot.send_message(user.chat_id, cat.text("checkin_ui.rerun_declined"))
    elif offer.active is not None:
        now = d.clock.now()
        await triage_screen.send_current(context.bot, user.chat_id, user, offer.active, now)
    else:
        await triage_screen.begin_rerun(context.bot, d, user, episode.id, RERUNS[choice])


async def _on_stale(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    """A tap on a question already answered: "moved on", but not for the retry of a tap a
    crashed replica saved (bot/takeovers.py), which is no second tap of the person's."""
    query = update.callback_query
    assert query
    if context.deps.takeovers.includes(update):
        await query.answer()
        return
    await query.answer(cat.text("checkin_ui.moved_on"))


REPLIES = {
    "tick": _on_tick,
    "next": _on_next,
    "back": _on_back,
    "finished": _on_finished,
    "stale": _on_stale,
    "closed": answer_only("checkin_ui.finished", show_alert=True),
    "foreign": answer_only("error.stale_button_alert"),
    "empty": answer_only("triage_ui.nothing_ticked", show_alert=True),
}


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's commands and buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=r"^c:")]
