"""Typed city and country names become time zones, from the offline GeoNames data; a name that
fits places in several zones gives a short list to pick from."""

from __future__ import annotations

import pytest

from bot.cities import MAX_CHOICES, fields, find, from_fields


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("chicago", "America/Chicago"),
        ("new york", "America/New_York"),
        ("New York City", "America/New_York"),
        ("sydney", "Australia/Sydney"),
        ("london", "Europe/London"),
        ("Zürich", "Europe/Zurich"),
        ("zurich", "Europe/Zurich"),
        ("munich", "Europe/Berlin"),
        ("bombay", "Asia/Kolkata"),
        ("St. Petersburg", "Europe/Moscow"),
        ("france", "Europe/Paris"),
        ("uk", "Europe/London"),
        ("paris, france", "Europe/Paris"),
        ("europe/london", "Europe/London"),
    ],
)
def test_a_typed_city_or_country_with_one_likely_zone_gives_that_zone(
    typed: str, zone: str
) -> None:
    assert [place.zone for place in find(typed)] == [zone]


def test_a_name_shared_by_places_in_several_zones_gives_a_short_list_biggest_first() -> None:
    found = find("birmingham")
    assert [place.zone for place in found][:2] == ["Europe/London", "America/Chicago"]
    assert found[0].label == "Birmingham, United Kingdom (Europe/London)"


def test_the_persons_own_country_settles_a_shared_name() -> None:
    assert [place.zone for place in find("birmingham", "GB")] == ["Europe/London"]
    assert find("birmingham", "US")[0].zone == "America/Chicago"


def test_a_country_spanning_zones_offers_its_biggest_cities_zones() -> None:
    found = [place.zone for place in find("united states")]
    assert len(found) == MAX_CHOICES and found[0] == "America/New_York"
    assert "America/Los_Angeles" in found and "America/Chicago" in found


@pytest.mark.parametrize("typed", ["xyzzy", "la", "", "paris, atlantis"])
def test_a_name_that_is_no_place_finds_nothing(typed: str) -> None:
    assert find(typed) == []


def test_every_offered_zone_survives_the_trip_through_button_data() -> None:
    for place in find("australia") + find("united states"):
        assert from_fields(fields(place.zone)) == place.zone
