"""Incoming updates, parsed strictly: anything outside Telegram's own ranges is refused.

Telegram's numbers all fit in 53 bits (its documentation promises it for ids); dates are Unix
seconds. An update that breaks either, that is not JSON, that nests deeper than Telegram ever
does, or that python-telegram-bot cannot read, is refused here as None: it never reaches a
handler, a database column or a log line.
"""

from __future__ import annotations

import json

from telegram import Bot, Update

MAX_NUMBER = 2**53 - 1
MAX_DATE = 2**32 - 1
MAX_DEPTH = 24
MAX_TEXT = 10_000
INTEGER_KEYS = frozenset({"update_id", "message_id", "date", "edit_date", "chat_id", "user_id"})


def parse_update(raw: bytes | str | object, bot: Bot) -> Update | None:
    """The update in `raw` (bytes of JSON, or JSON already decoded), or None."""
    data = _decode(raw) if isinstance(raw, bytes | str) else raw
    if not isinstance(data, dict) or not _valid_id(data.get("update_id")):
        return None
    if not _in_bounds(data, 0):
        return None
    try:
        return Update.de_json(data, bot)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return None


def _decode(raw: bytes | str) -> object:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def _valid_id(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_NUMBER


def _in_bounds(value: object, depth: int, key: str = "") -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(
            isinstance(name, str) and _in_bounds(item, depth + 1, name)
            for name, item in value.items()
        )
    if isinstance(value, list):
        return all(_in_bounds(item, depth + 1, key) for item in value)
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        if key.endswith("date"):
            return 0 <= value <= MAX_DATE
        return -MAX_NUMBER <= value <= MAX_NUMBER
    if isinstance(value, float):
        return abs(value) <= MAX_NUMBER
    if isinstance(value, str):
        return len(value) <= MAX_TEXT and not _is_id_key(key)
    return False


def _is_id_key(key: str) -> bool:
    """Keys Telegram fills with integers; a string there is forged (`update_id: "abc"`)."""
    return key in INTEGER_KEYS
