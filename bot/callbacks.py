"""Callback data: short, self-describing strings, checked on arrival (DESIGN.md decision 8).

Shape: `<area>:<field>:<field>...`, at most 64 bytes, fields of letters, digits and `_`,
e.g. `o:age:adult`, `t:812:Q6_NERVE:N_WEAK`, `r:4031:done`. Anything else is refused as
`BadCallback`, and the handler answers it gently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_FIELD = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")


class BadCallback(ValueError):
    """Callback data that is not one of ours: forged, truncated or from an old version."""


@dataclass(frozen=True)
class Callback:
    area: str
    fields: tuple[str, ...]

    def int_field(self, index: int) -> int:
        try:
            return int(self.fields[index])
        except (IndexError, ValueError):
            raise BadCallback("expected a number") from None

    def field(self, index: int) -> str:
        try:
            return self.fields[index]
        except IndexError:
            raise BadCallback("missing field") from None


def encode(area: str, *fields: object) -> str:
    parts = [area, *map(str, fields)]
    if not all(_FIELD.match(part) for part in parts):
        raise ValueError(f"callback field not allowed: {parts}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data longer than 64 bytes")
    return data


def decode(data: str | None) -> Callback:
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    area, *fields = data.split(":")
    if not _FIELD.match(area) or not all(_FIELD.match(field) for field in fields):
        raise BadCallback("malformed")
    return Callback(area, tuple(fields))
