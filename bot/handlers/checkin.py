"""The follow-up check-in in Telegram (spec §4.2, §4.3): the taps that answer its screens, one
screen at a time. The first screen is sent by the notifier; the re-run offer's answer is
bot/handlers/checkin_rerun.py, a typed "back" bot/handlers/checkin_typed.py.

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

from collections.abc import Awaitable, Callable
from typing import Any, assert_never

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks
from bot.catalogue import Catalogue
from bot.checkin_screens import SCREEN_ANSWERS, render
from bot.deps import BotContext
from bot.escalation import advice
from bot.replies import NOT_YOURS, NOTHING_TICKED, answer_only, catalogue, edit, keyboard, moved_on
from bot.screens.checkin import answered, record, rerun_rows, summary
from bot.usecases import checkin
from bot.usecases.checkin_taps import Tap, TapKind
from storage.models import User
from triage.checkin_flow import rerun_offered

Reply = Callable[[Update, BotContext, User | None, Catalogue, Tap], Awaitable[None]]


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on a check-in screen: saved, decided, then answered."""
    d, query = context.deps, update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    checkin_id, screen = parsed.int_field(0), parsed.field(1)
    options = parsed.fields[2:]
    done = await checkin.answer(
        d.sessions, d.clock.now(), update.effective_user.id, checkin_id, screen, options
    )
    if done.moved_reminders:
        d.wake()  # the check-in reminder was moved: the dispatcher places it afresh
    cat = catalogue(done.user, update.effective_user.language_code)
    await reply_to(done.tap.kind)(update, context, done.user, cat, done.tap)


def reply_to(kind: TapKind) -> Reply:
    """What is said for each kind of tap; mypy checks that every kind has its reply."""
    match kind:
        case TapKind.TICK:
            return _on_tick
        case TapKind.NEXT:
            return _on_next
        case TapKind.BACK:
            return _on_back
        case TapKind.FINISHED:
            return _on_finished
        case TapKind.STALE:
            return moved_on("checkin_ui.moved_on")
        case TapKind.CLOSED:
            return answer_only("checkin_ui.finished", show_alert=True)
        case TapKind.REPLACED:
            return answer_only("checkin_ui.replaced", show_alert=True)
        case TapKind.ENDED:
            return answer_only("checkin_ui.ended", show_alert=True)
        case TapKind.FOREIGN:
            return NOT_YOURS
        case TapKind.EMPTY:
            return NOTHING_TICKED
        case _:
            assert_never(kind)


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
    assert query and tap.row and user
    await query.answer()
    await edit(query.message, cat.text("back.went_back"), None)
    text, markup = render(cat, tap.row)
    await context.bot.send_message(user.chat_id, text, reply_markup=markup)


async def _on_next(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and tap.row and tap.answered and update.effective_chat
    await query.answer()
    await edit(query.message, answered(cat, *tap.answered, query.message), None)
    if tap.escalation is not None and user is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation))
    text, markup = render(cat, tap.row)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def _on_finished(
    update: Update, context: BotContext, user: User | None, cat: Catalogue, tap: Tap
) -> None:
    query = update.callback_query
    assert query and user and tap.decision and tap.row
    await query.answer()
    await edit(query.message, record(cat, tap.answered, tap.row, query.message), None)
    if tap.escalation is not None:
        await context.bot.send_message(user.chat_id, advice(cat, user, tap.escalation))
    raised = tap.escalation is not None
    await context.bot.send_message(user.chat_id, summary(cat, user, tap.decision, raised=raised))
    which = rerun_offered(tap.decision.actions)
    if which is not None:
        rows = rerun_rows(cat, tap.row.id, which)
        text = cat.text("checkin_ui.rerun")
        await context.bot.send_message(user.chat_id, text, reply_markup=keyboard(rows))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's buttons, for bot/app.py to register."""
    return [CallbackQueryHandler(on_button, pattern=SCREEN_ANSWERS)]
