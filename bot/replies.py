"""Small helpers every handler uses to speak: the person's catalogue and their services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.catalogue import Catalogue, catalogue_for
from storage.models import User


def catalogue(user: User | None, language_code: str | None = None) -> Catalogue:
    return catalogue_for(user.language if user else language_code)


def say(cat: Catalogue, key: str, user: User | None, /, **values: object) -> str:
    """Message `key` with the person's emergency, urgent and crisis services filled in."""
    return say_for(cat, key, user.country if user else None, **values)


def say_for(cat: Catalogue, key: str, country: str | None, /, **values: object) -> str:
    """Message `key` with a country's services filled in (the fallback text when None)."""
    services = cat.services(country)
    services["crisis"] = services["crisis"].format(emergency=services["emergency"])
    return cat.text(key, **{**services, **values})


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
