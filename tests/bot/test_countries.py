"""Spec §0.4 rev 2: the country table, and finding a country from a name, a zone or a place."""

from __future__ import annotations

import pytest

from bot import places
from bot.catalogue import catalogue_for
from bot.countries import EU_MEMBERS, LEGACY_EU, LEGACY_EU_ASKED, table
from bot.replies import say
from storage.models import User

CAT = catalogue_for("en")
MOST_TELEGRAM_USERS_PRESENT = ("IN", "RU", "ID", "US", "BR", "UA", "NG", "TR", "PH", "MX")
MOST_TELEGRAM_USERS_PRESENT += ("KZ", "DE", "IT", "ES", "FR", "GB", "PL", "CA", "AU", "NL")


def test_every_eu_member_has_a_row() -> None:
    assert len(EU_MEMBERS) == 27
    assert sorted(EU_MEMBERS - set(table())) == []


def test_the_table_covers_at_least_forty_countries_and_no_region() -> None:
    assert len(table()) >= 40
    assert LEGACY_EU not in table()
    assert all(code in places.iso_names() for code in table())


@pytest.mark.parametrize("code", MOST_TELEGRAM_USERS_PRESENT)
def test_countries_with_many_telegram_users_have_a_row(code: str) -> None:
    assert code in table()


@pytest.mark.parametrize("code", sorted(table()))
def test_every_number_carries_the_page_it_was_read_on(code: str) -> None:
    row = table()[code]
    lines = [row.emergency, row.urgent, row.crisis]
    for line in (line for line in lines if line is not None):
        assert line.text.strip()
        assert line.source.startswith(("https://", "http://")), (code, line.text)
    assert row.checked in ("official", "secondary")


def test_no_crisis_line_without_a_source() -> None:
    unsourced = [code for code, row in table().items() if row.crisis and not row.crisis.source]
    assert unsourced == []


@pytest.mark.parametrize(
    ("country", "emergency", "crisis"),
    [
        pytest.param("AU", "000", "Lifeline on 13 11 14", id="australia"),
        pytest.param("NZ", "111", "1737", id="new-zealand"),
        pytest.param("IE", "112 or 999", "Samaritans on 116 123", id="ireland"),
        pytest.param("IN", "112", "Tele-MANAS on 14416", id="india"),
        pytest.param("US", "911", "988", id="united-states"),
        pytest.param("CA", "911", "988", id="canada"),
        pytest.param("DE", "112", "0800 111 0 111", id="germany"),
        pytest.param("BR", "192", "CVV on 188", id="brazil"),
        pytest.param("GB", "999", "Samaritans on 116 123", id="united-kingdom"),
        pytest.param("FR", "112", "3114", id="france"),
        pytest.param("ES", "112", "024", id="spain"),
        pytest.param("NL", "112", "0800-0113", id="netherlands"),
    ],
)
def test_the_crisis_text_names_the_countrys_own_lines(
    country: str, emergency: str, crisis: str
) -> None:
    text = say(CAT, "crisis", User(country=country))
    assert emergency in text and crisis in text


@pytest.mark.parametrize("country", ["US", "CA"])
def test_in_north_america_same_day_advice_names_urgent_care_not_out_of_hours(
    country: str,
) -> None:
    for key in ("advice.L3", "out_of_hours.advice"):  # in opening hours, and after them
        text = say(CAT, key, User(country=country))
        assert "urgent care clinic" in text and "out-of-hours" not in text, key


def test_a_country_without_a_verified_crisis_line_gets_a_local_line_and_its_number() -> None:
    assert table()["IT"].crisis is None
    text = say(CAT, "crisis", User(country="IT"))
    assert "a local crisis line" in text and "112" in text


@pytest.mark.parametrize(
    ("country", "emergency"),
    [
        pytest.param("IT", "112", id="no-verified-line"),
        pytest.param(LEGACY_EU, "112", id="legacy-eu"),
        pytest.param(None, "your local emergency number", id="country-unknown"),
    ],
)
def test_without_a_crisis_line_to_name_the_crisis_text_says_when_to_call_the_number_once(
    country: str | None, emergency: str
) -> None:
    text = say(CAT, "crisis", User(country=country))
    assert text.count(emergency) == 1 and text.count("in danger") == 1, text


@pytest.mark.parametrize("stored", [LEGACY_EU, LEGACY_EU_ASKED])
def test_a_person_still_stored_as_eu_keeps_112_until_they_pick(stored: str) -> None:
    assert "112" in say(CAT, "footer", User(country=stored))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("germany", "DE"),
        ("Deutschland", "DE"),
        ("  Österreich ", "AT"),
        ("uk", "GB"),
        ("United Kingdom", "GB"),
        ("united states", "US"),
        ("USA", "US"),
        ("the Netherlands", "NL"),
        ("España", "ES"),
        ("Россия", "RU"),
        ("Chile", "CL"),
    ],
)
def test_a_typed_country_name_is_recognised(typed: str, code: str) -> None:
    assert places.find(typed) == code


@pytest.mark.parametrize("typed", ["European Union", "europe", "my house", ""])
def test_a_region_or_nonsense_is_not_taken_for_a_country(typed: str) -> None:
    assert places.find(typed) is None


@pytest.mark.parametrize(
    ("zone", "code"),
    [
        ("Europe/London", "GB"),
        ("Australia/Sydney", "AU"),
        ("Europe/Berlin", "DE"),
        ("America/Toronto", "CA"),
        ("UTC", None),
    ],
)
def test_a_zone_names_its_country_offline(zone: str, code: str | None) -> None:
    assert places.country_of_zone(zone) == code


def test_a_shared_place_names_its_country_and_the_sea_names_none() -> None:
    assert places.country_at(-33.87, 151.21) == "AU"
    assert places.country_at(52.52, 13.40) == "DE"
    assert places.country_at(0.0, -30.0) is None


def test_the_country_of_the_persons_zone_is_offered_first() -> None:
    assert places.suggestions("Europe/Warsaw")[0] == "PL"
    assert places.suggestions(None) == places.BUTTONS
