"""Time zones a person types are IANA region zones only."""

from __future__ import annotations

import pytest

from bot.places import zone_choices
from bot.zones import WORLD, canonical


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("europe/london", "Europe/London"), (" America/New York ", "America/New_York")],
)
def test_a_region_zone_is_found_whatever_its_case_and_spaces(typed: str, zone: str) -> None:
    assert canonical(typed) == zone


@pytest.mark.parametrize(
    "typed", ["Etc/GMT+5", "EST", "UTC", "GMT", "localtime", "Factory", "US/Eastern", "posixrules"]
)
def test_offsets_abbreviations_aliases_and_non_zones_are_refused(typed: str) -> None:
    assert canonical(typed) is None


def test_every_suggested_zone_except_utc_is_a_region_zone() -> None:
    assert all(canonical(name) == name for name in WORLD if name != "UTC")


def test_germany_is_offered_berlin_alone_and_a_country_without_a_short_list_its_own_zones() -> None:
    assert zone_choices("DE") == ("Europe/Berlin",)
    assert zone_choices("NZ") == ("Pacific/Auckland", "Pacific/Chatham")
