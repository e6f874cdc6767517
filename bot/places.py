"""Which country a person means: a typed name ("germany", "Deutschland", "uk"), a time zone, or
a shared location. Offline: names come from the country table and the tz database's
iso3166.tab, zones from its zone.tab (both shipped in the `tzdata` package)."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

from bot import zones
from bot.countries import table

BUTTONS = ("GB", "US", "CA", "AU", "IN", "DE")
"""The countries offered as buttons when nothing better is known; anyone else types a name."""

_ALIASES = {"usa": "US", "u.s.": "US", "u.s.a.": "US", "u.k.": "GB", "uk": "GB"}


def _tab(name: str) -> list[list[str]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def iso_names() -> dict[str, str]:
    """ISO 3166 code → English short name, for every country the tz database knows."""
    return {row[0]: row[1] for row in _tab("iso3166.tab")}


@cache
def _zone_countries() -> dict[str, str]:
    return {row[2]: row[0] for row in _tab("zone.tab")}


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for row in _tab("zone.tab"):
        found.setdefault(row[0], []).append(row[2])
    return {code: tuple(names) for code, names in found.items()}


def fold(text: str) -> str:
    """Lower case, accents and extra spaces dropped: "  Österreich " → "osterreich"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("-", " ").split())


@cache
def _by_name() -> dict[str, str]:
    names = {fold(name): code for code, name in iso_names().items()}
    for code, row in table().items():
        names[fold(row.name)] = code
        names.update({fold(name): code for name in row.names})
    names.update(_ALIASES)
    return names


def find(text: str) -> str | None:
    """The ISO code of a typed country name, or None when it names no country."""
    cleaned = fold(text).removeprefix("the ").strip(" .!")
    return _by_name().get(cleaned)


def name_of(code: str) -> str:
    """The country's English name, from the table or the tz database."""
    row = table().get(code)
    return row.name if row else iso_names().get(code, code)


def flag(code: str) -> str:
    """The flag emoji of a two-letter code (regional indicator letters)."""
    if len(code) != 2 or not code.isalpha():
        return "🏳️"
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in code.upper())


def label(code: str) -> str:
    return f"{flag(code)} {name_of(code)}"


def country_of_zone(zone: str | None) -> str | None:
    """The country of an IANA zone ("Europe/Berlin" → "DE"), or None for UTC and the like."""
    return _zone_countries().get(zone or "")


def country_at(latitude: float, longitude: float) -> str | None:
    """The country at a shared point, through its time zone; None at sea."""
    return country_of_zone(zones.zone_at(latitude, longitude))


def suggestions(tz: str | None) -> tuple[str, ...]:
    """Buttons to offer: the country of the person's zone first, if known."""
    first = country_of_zone(tz)
    return tuple(dict.fromkeys([first, *BUTTONS] if first else BUTTONS))


def zone_fits(tz: str | None, country: str | None) -> bool:
    """Whether `tz` is one of `country`'s zones; True when either is unknown (nothing to say)."""
    listed = _country_zones().get(country or "", ())
    return not tz or not listed or tz in listed


def zone_choices(country: str | None) -> tuple[str, ...]:
    """Zones to offer as buttons for a country: the short list where one exists, else the
    country's zones from the tz database, else the world list."""
    if country in zones.SUGGESTED:
        return zones.suggestions(country)
    found = _country_zones().get(country or "", ())
    return found[:8] if found else zones.suggestions(None)
