"""Emergency, urgent-care and crisis lines by country (spec §0.4 rev 2). Never hard-coded in text.

The table is a data file (`bot/countries.toml`), one row per ISO 3166 code, each number
with the page it was read on beside it. The catalogue may override a row's words for another
language with `service.<code>.<kind>`; a country without a verified urgent or crisis line gets
the catalogue's generic words ("a local crisis line"), never a guessed number.

"EU" is a legacy value from when the European Union was offered as a region: such people keep
112 until they pick their country, and are asked to (bot/screens/country.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_suffix(".toml")
LEGACY_EU = "EU"
LEGACY_EU_ASKED = "EU-ASKED"
"""A legacy EU person who has been asked once and has not picked yet: still 112, not re-asked."""
OTHER = "OTHER"
KINDS = ("emergency", "urgent", "crisis")

_EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_MEMBERS = frozenset(_EU.split(" "))
"""The 27 member states of the European Union."""


@dataclass(frozen=True)
class Line:
    """One number or service, and the page it was read on."""

    text: str
    source: str


@dataclass(frozen=True)
class Country:
    """One row of the table: the emergency number always, urgent care and crisis when verified."""

    code: str
    name: str
    names: tuple[str, ...]
    emergency: Line
    urgent: Line | None
    crisis: Line | None
    checked: str


def _line(row: dict[str, object], kind: str) -> Line | None:
    text, source = row.get(kind), row.get(f"{kind}_source")
    if text is None:
        return None
    return Line(str(text), str(source or ""))


@cache
def table() -> dict[str, Country]:
    """Every country of the data file, by ISO 3166 code."""
    with TABLE.open("rb") as handle:
        rows = tomllib.load(handle)
    countries = {}
    for code, row in rows.items():
        emergency = _line(row, "emergency")
        assert emergency is not None, f"{code} has no emergency number"
        countries[code] = Country(
            code=code,
            name=str(row["name"]),
            names=tuple(str(name) for name in row.get("names", ())),
            emergency=emergency,
            urgent=_line(row, "urgent"),
            crisis=_line(row, "crisis"),
            checked=str(row.get("checked", "")),
        )
    return countries


COUNTRIES = table()


def country(code: str | None) -> Country | None:
    """The table's row for `code`, or None (unknown, "Somewhere else", or the legacy EU)."""
    return table().get(code or "")


def line_text(code: str | None, kind: str) -> str | None:
    """The table's words for `kind` ("emergency", "urgent", "crisis") in `code`, if verified."""
    row = country(code)
    if row is None:
        return None
    line: Line | None = getattr(row, kind)
    return line.text if line else None


def needs_country(stored: str | None) -> bool:
    """Whether the person is stored with the old "European Union" region and not yet asked."""
    return stored == LEGACY_EU


def region(stored: str | None) -> str | None:
    """The stored value with both legacy EU markers read as "EU"."""
    return LEGACY_EU if stored == LEGACY_EU_ASKED else stored
