"""Callback data: short, self-describing strings, checked on arrival (DESIGN.md decision 8).

Shape: `<area>:<field>:<field>...`, at most 64 bytes, fields of letters, digits, `_` and `-`,
e.g. `o:age:adult`, `t:812:Q6_NERVE:N_WEAK`, `r:4031:done`. This module is the one parser of
button data: the area must be one the bot hands out, and a number must be written the way
`encode` writes it (no sign, no leading zero) and fit the column it names. Anything else is
refused as `BadCallback`, and the handler answers it gently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
MAX_FIELDS = 8
# The areas handed out: onboarding, triage, reminders, check-ins, settings, preferences,
# control, the plan-end question, data, the safety net's question, and a result's details.
AREAS = frozenset({"o", "t", "r", "c", "s", "p", "k", "w", "d", "x", "v"})
MAX_ROW_ID = 2**31 - 1  # row ids are 32-bit integers on PostgreSQL
MAX_USER_ID = 2**53 - 1  # Telegram promises its ids fit in 53 bits
_FIELD = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_NUMBER = re.compile(r"0|[1-9][0-9]{0,15}")


class BadCallback(ValueError):
    """Callback data that is not one of ours: forged, truncated or from an old version."""


@dataclass(frozen=True)
class Callback:
    area: str
    fields: tuple[str, ...]

    def int_field(self, index: int, maximum: int = MAX_ROW_ID) -> int:
        return number(self.field(index), maximum)

    def field(self, index: int) -> str:
        if not 0 <= index < len(self.fields):
            raise BadCallback("missing field")
        return self.fields[index]


def number(text: str, maximum: int = MAX_ROW_ID) -> int:
    """The number in `text`, written as `encode` writes one, from 0 to `maximum`."""
    if not _NUMBER.fullmatch(text):
        raise BadCallback("expected a number")
    value = int(text)
    if value > maximum:
        raise BadCallback("number out of range")
    return value


def encode(area: str, *fields: object) -> str:
    parts = [area, *map(str, fields)]
    if area not in AREAS or not all(_FIELD.fullmatch(part) for part in parts):
        raise ValueError(f"callback field not allowed: {parts}")
    if len(fields) > MAX_FIELDS:
        raise ValueError("too many callback fields")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data longer than 64 bytes")
    return data


def decode(data: str | None) -> Callback:
    if not isinstance(data, str) or not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    area, *fields = data.split(":")
    if area not in AREAS or len(fields) > MAX_FIELDS:
        raise BadCallback("not one of our areas")
    if not all(_FIELD.fullmatch(field) for field in fields):
        raise BadCallback("malformed")
    return Callback(area, tuple(fields))
