"""Small helpers every handler uses to speak: the person's catalogue and their services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.callbacks import encode
from bot.catalogue import Catalogue, catalogue_for
from storage.models import User
from triage.wording import clinician

if TYPE_CHECKING:
    from bot.deps import BotContext


def catalogue(user: User | None, language_code: str | None = None) -> Catalogue:
    return catalogue_for(user.language if user else language_code)


def say(cat: Catalogue, key: str, user: User | None, /, **values: object) -> str:
    """Message `key` with the person's emergency, urgent and crisis services, and the word for
    their doctor (spec §4.4), filled in."""
    return say_for(cat, key, user.country if user else None, **values)


def say_for(cat: Catalogue, key: str, country: str | None, /, **values: object) -> str:
    """Message `key` with a country's services and the word for its doctor filled in (the
    fallback text when None)."""
    services = cat.services(country)
    services["crisis"] = services["crisis"].format(emergency=services["emergency"])
    return cat.text(key, **{**services, **doctor_words(cat, country), **values})


def doctor_words(cat: Catalogue, country: str | None) -> dict[str, str]:
    """`gp` and `gp_practice`: the word for a person's own doctor and their practice in
    their country ("GP" and "GP surgery" in the UK, "doctor" elsewhere; spec §4.4)."""
    doctor = clinician(country).value
    return {
        "gp": cat.text(f"clinician.{doctor}.word"),
        "gp_practice": cat.text(f"clinician.{doctor}.practice"),
    }


SAFETY_AREA = "x"
SAFETY_NOW = "now"
SAFETY_BACK = "back"
SAFETY_CARRY_ON = "on"  # after crisis signposting


def emergency_prompt(cat: Catalogue, country: str | None) -> tuple[str, InlineKeyboardMarkup]:
    """The L4 text and its question, "This is happening now" or "something else" (§2.1 item 6).

    Shown for typed danger words and for the Emergency help button alike (§4.4).
    """
    rows = [
        [(cat.text("safety.happening_now"), encode(SAFETY_AREA, SAFETY_NOW))],
        [(cat.text("safety.something_else"), encode(SAFETY_AREA, SAFETY_BACK))],
    ]
    text = say_for(cat, "emergency", country) + "\n\n" + cat.text("safety.ask")
    return text, keyboard(rows)


def back_to_settings(cat: Catalogue) -> list[tuple[str, str]]:
    """A row with Back to the /settings menu, under each settings question."""
    return [(cat.text("back.to_settings"), encode("s", "menu"))]


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def answer_only(key: str, *, show_alert: bool = False) -> Callable[..., Awaitable[None]]:
    """A tap outcome that only answers the button, with catalogue message `key`.

    For the refusals every keyboard shares: a foreign or finished button, nothing ticked.
    """

    async def answer(
        update: Update, _context: object, _user: object, cat: Catalogue, *_: object
    ) -> None:
        assert update.callback_query
        await update.callback_query.answer(cat.text(key), show_alert=show_alert)

    return answer


def moved_on(key: str) -> Callable[..., Awaitable[None]]:
    """A tap on a question already answered: only the notice `key`. Not even that for the
    retry of a tap a crashed replica saved (bot/takeovers.py): that is no second tap of the
    person's."""

    async def answer(
        update: Update, context: BotContext, _user: object, cat: Catalogue, *_: object
    ) -> None:
        assert update.callback_query
        retry = context.deps.takeovers.includes(update)
        await update.callback_query.answer(None if retry else cat.text(key))

    return answer


NOT_YOURS = answer_only("error.stale_button_alert")
"""A tap on a button of someone else's questionnaire or check-in, or of a row gone."""
NOTHING_TICKED = answer_only("triage_ui.nothing_ticked", show_alert=True)
"""Done on a list with nothing ticked."""


async def edit(message: object, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edits a message the bot sent, when it can be edited."""
    change = getattr(message, "edit_text", None)
    if change is None:
        return
    try:
        await change(text, reply_markup=markup)
    except BadRequest as exc:
        # Two devices tapping the same keyboard can ask for an identical edit; Telegram
        # refuses those with "message is not modified", which is harmless.
        if "not modified" not in str(exc):
            raise


async def show_choice(query: CallbackQuery) -> None:
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
