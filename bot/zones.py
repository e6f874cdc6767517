"""Time zones: validating IANA names, finding a zone from a shared location, and the short
lists offered as buttons."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

SUGGESTED: dict[str, tuple[str, ...]] = {
    "GB": ("Europe/London",),
    # Germany's other zone, Europe/Busingen, is one Swiss-bordered village: typed, it is found.
    "DE": ("Europe/Berlin",),
    "EU": (
        "Europe/Dublin",
        "Europe/Lisbon",
        "Europe/Paris",
        "Europe/Berlin",
        "Europe/Madrid",
        "Europe/Rome",
        "Europe/Warsaw",
        "Europe/Athens",
        "Europe/Helsinki",
    ),
    "US": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ),
    "CA": (
        "America/St_Johns",
        "America/Halifax",
        "America/Toronto",
        "America/Winnipeg",
        "America/Edmonton",
        "America/Vancouver",
    ),
}
WORLD = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)


def suggestions(country: str | None) -> tuple[str, ...]:
    return SUGGESTED.get(country or "", WORLD)


# IANA's geographic areas. Names outside them are fixed offsets with inverted signs
# ("Etc/GMT+5" is five hours *behind*), abbreviations ("EST" has no daylight saving), old
# country aliases ("US/Eastern"), or not zones at all ("localtime", "Factory").
REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


def is_region_zone(name: str) -> bool:
    return "/" in name and name.split("/", 1)[0] in REGIONS


@cache
def all_zones() -> frozenset[str]:
    """The IANA region zones a person may pick or type (no bare aliases or fixed offsets)."""
    return frozenset(name for name in zoneinfo.available_timezones() if is_region_zone(name))


@cache
def _by_lowercase() -> dict[str, str]:
    return {name.lower(): name for name in all_zones()}


def canonical(name: str) -> str | None:
    """The IANA region zone for a typed name ("europe/london", " Europe/London "), or None;
    offsets, abbreviations and aliases ("Etc/GMT+5", "EST", "localtime") are refused."""
    cleaned = name.strip().replace(" ", "_")
    return _by_lowercase().get(cleaned.lower())


@cache
def _finder() -> Any:  # timezonefinder ships no type information
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The zone at a point, looked up offline; None at sea or for nonsense coordinates."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    found = _finder().timezone_at(lng=longitude, lat=latitude)
    if not found or found.startswith("Etc/"):
        # Open sea (or a pin dropped at 0, 0): an hour offset with no daylight saving rules
        # would put reminders an hour out half the year; better to ask for the zone.
        return None
    return canonical(found)
