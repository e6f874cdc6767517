"""Small helpers every handler uses to speak: the person's catalogue and their services."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue import Catalogue, catalogue_for
from storage.models import User


def catalogue(user: User | None, language_code: str | None = None) -> Catalogue:
    return catalogue_for(user.language if user else language_code)


def say(cat: Catalogue, key: str, user: User | None, /, **values: object) -> str:
    """Message `key` with the person's emergency, urgent and crisis services filled in."""
    services = cat.services(user.country if user else None)
    services["crisis"] = services["crisis"].format(emergency=services["emergency"])
    return cat.text(key, **{**services, **values})


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
