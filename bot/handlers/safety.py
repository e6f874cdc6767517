"""The free-text safety net at the edge (spec §2.1, §5.6): danger words answered first.

Every typed message, caption and edited message passes here before any other handler, in
every state. The words are read before any database read; the only read that follows is the
person's country, with a short timeout, so a storage outage or a held lock never hides or
delays the emergency number or the crisis line (`bot.hints`: an in-memory hint, else the
spec's fallback text naming 999, 112 and 911).

| typed        | at once                              | buttons                                    |
|--------------|--------------------------------------|--------------------------------------------|
| EMERGENCY    | the L4 text and "is this happening?" | This is happening now · No, something else |
| CRISIS       | the crisis signposting, an offer     | Carry on                                   |
| both         | both texts                           | the emergency buttons                      |

| tap                      | then                                                          |
|--------------------------|---------------------------------------------------------------|
| This is happening now    | F-E1 on the episode (L4, nudges paused, a check-in in 12 h)   |
| No, something else/Carry on | the question or check-in screen waiting, or "nothing waits" |

Nothing is abandoned: a questionnaire in progress simply waits for its next tap.
Callback data: `x:now`, `x:back`.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks
from bot.catalogue import catalogue_for
from bot.deps import BotContext
from bot.hints import country_of
from bot.replies import (
    SAFETY_AREA,
    SAFETY_BACK,
    SAFETY_CARRY_ON,
    SAFETY_NOW,
    catalogue,
    emergency_prompt,
    keyboard,
    say,
    say_for,
    show_choice,
)
from bot.screens.onboarding import ask
from bot.screens.waiting import show_waiting
from bot.usecases.onboarding import ASKING, Step
from bot.usecases.people import confirm_emergency, with_questionnaire
from triage.keywords import DANGER, Concern, scan


def typed_text(message: Message | None) -> str:
    """What the person typed: the text, or a photo's or file's caption."""
    if message is None:
        return ""
    return message.text or message.caption or ""


class _Danger(filters.MessageFilter):
    """Messages and edits whose words name an emergency or a crisis."""

    def filter(self, message: Message) -> bool:
        text = typed_text(message)
        return not text.startswith("/") and bool(scan(text) & DANGER)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Registered ahead of every other handler of group 0, so they win for danger words."""
    return [
        MessageHandler(_Danger(), on_danger),
        CallbackQueryHandler(on_button, pattern=rf"^{SAFETY_AREA}:"),
    ]


async def on_danger(update: Update, context: BotContext) -> None:
    """Danger words: the crisis line and the emergency text at once; the only read is the
    person's country, bounded by a timeout (`bot.hints`)."""
    message, person = update.effective_message, update.effective_user
    assert message and person
    found = scan(typed_text(message))
    cat = catalogue_for(person.language_code)
    d = context.deps
    country = await country_of(d.sessions, d.hints, person.id)
    if Concern.CRISIS in found:
        text = say_for(cat, "crisis", country)
        if Concern.EMERGENCY not in found:
            text += "\n\n" + cat.text("safety.carry_on_offer")
            rows = [[(cat.text("safety.carry_on"), callbacks.encode(SAFETY_AREA, SAFETY_CARRY_ON))]]
            await message.reply_text(text, reply_markup=keyboard(rows))
            return
        await message.reply_text(text)
    text, markup = emergency_prompt(cat, country)
    await message.reply_text(text, reply_markup=markup)


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on "This is happening now", "No, I was describing something else" or "Carry on"."""
    query, person = update.callback_query, update.effective_user
    assert query and person
    choice = callbacks.decode(query.data).field(0)
    if choice not in (SAFETY_NOW, SAFETY_BACK, SAFETY_CARRY_ON):
        raise callbacks.BadCallback("unknown safety choice")
    await query.answer()
    await show_choice(query)  # the advice stays, with the choice under it
    if choice == SAFETY_NOW:
        await _on_happening_now(update, context)
    else:  # after crisis words, no "thanks for saying": only where they were
        await _on_back(update, context, "carried_on" if choice == SAFETY_CARRY_ON else "back")


async def _on_happening_now(update: Update, context: BotContext) -> None:
    d, person, chat = context.deps, update.effective_user, update.effective_chat
    assert person and chat
    user, recorded = await confirm_emergency(d.sessions, person.id, d.clock.now())
    d.wake()
    cat = catalogue(user, person.language_code)
    if recorded is None:
        key = "safety.recorded_not_set_up"
    elif recorded.checkin_at:
        key = "safety.recorded"
    else:  # no check-in: reminders paused, or none to pause
        key = (
            "safety.recorded_no_checkin" if user and user.consent_reminders_at else "safety.thanks"
        )
    await context.bot.send_message(chat.id, say(cat, key, user))


async def _on_back(update: Update, context: BotContext, intro: str) -> None:
    d, person, chat = context.deps, update.effective_user, update.effective_chat
    assert person and chat
    user, waiting, checkin = await with_questionnaire(d.sessions, person.id)
    cat, now = catalogue(user, person.language_code), d.clock.now()
    if user is not None and user.onboarding_step in ASKING:
        await context.bot.send_message(chat.id, cat.text(f"safety.{intro}"))
        assert update.effective_message
        await ask(update.effective_message, user, cat)
        return
    back = cat.text(f"safety.{intro}")
    if user is not None and await show_waiting(context.bot, user, waiting, checkin, now, back):
        return
    # Someone whose sign-up ended (under 18, or no consent) is not sent to /triage.
    ended = user is not None and user.onboarding_step in (Step.UNDER18, Step.DECLINED)
    key = "safety.nothing_waiting_ended" if ended else "safety.nothing_waiting"
    await context.bot.send_message(chat.id, say(cat, key, user))
