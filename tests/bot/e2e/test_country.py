"""Countries and the timing of advice through the real Application and the stand-in (spec §0.4
rev 2, §4.4): the right numbers for the person's country, "get advice today" that fits their
local time, and people stored with the old "European Union" region asked once to pick."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser
from storage.models import User
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, walk

L3_PPI = {**CALM, "Q10_CONTEXT": ["M_PPI"]}  # R-U7: "get advice today"
SATURDAY_EVENING_LONDON = dt.datetime(2026, 11, 28, 19, 30, tzinfo=dt.UTC)
WEDNESDAY_MORNING_LONDON = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


async def up_to_the_country_question(person: ScriptedUser) -> None:
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("Yes, remind me")
    await read_until(person, "18 or over?")
    await person.tap("I'm 18 or over")
    await read_until(person, "Which country")


async def stored_country(rig: BotRig, user_id: int) -> str | None:
    async with rig.deps.sessions() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user.country


async def test_an_l3_result_on_a_saturday_evening_in_london_points_to_nhs_111_not_the_surgery(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    rig.clock.set(SATURDAY_EVENING_LONDON)
    result = await walk(person, L3_PPI)
    assert "Get advice today" in result
    assert "NHS 111" in result and "now" in result
    assert "GP surgery" not in result


async def test_the_same_l3_result_on_a_weekday_morning_names_the_gp_surgery(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    rig.clock.set(WEDNESDAY_MORNING_LONDON)
    result = await walk(person, L3_PPI)
    assert "contact your GP surgery today" in result and "NHS 111" in result


async def test_a_person_in_sydney_sees_000_and_lifeline(rig: BotRig) -> None:
    person = rig.user()
    await up_to_the_country_question(person)
    await person.share_location(-33.87, 151.21)  # one pin answers country and zone
    done = await read_until(person, "All set.")
    assert "Australia/Sydney" in done and "000" in done
    await read_until(person, "1/10")
    assert await stored_country(rig, person.user_id) == "AU"
    await person.send("honestly I want to end my life")
    crisis = await read_until(person, "13 11 14")
    assert "Lifeline" in crisis and "000" in crisis
    assert "999" not in crisis and "116 123" not in crisis


async def test_in_sydney_an_l3_result_says_gp_and_healthdirect_out_of_hours(rig: BotRig) -> None:
    person = rig.user()
    await up_to_the_country_question(person)
    await person.share_location(-33.87, 151.21)
    await read_until(person, "1/10")
    rig.clock.set(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))  # Saturday 20:00 in Sydney
    result = await walk(person, L3_PPI)
    assert "healthdirect on 1800 022 222" in result and "000" in result
    assert "GP surgery" not in result and "NHS" not in result


@pytest.mark.parametrize("typed", ["germany", "Deutschland"])
async def test_the_country_can_be_typed_by_name_at_onboarding(rig: BotRig, typed: str) -> None:
    person = rig.user()
    await up_to_the_country_question(person)
    await person.send(typed)
    await read_until(person, "Or pick one:")
    await person.tap("Europe/Berlin")
    done = await read_until(person, "All set.")
    assert "112" in done
    assert await stored_country(rig, person.user_id) == "DE"


async def test_an_unknown_typed_name_is_asked_again_in_plain_words(rig: BotRig) -> None:
    person = rig.user()
    await up_to_the_country_question(person)
    await person.send("European Union")
    await read_until(person, "I don't know a country called")
    await person.send("united states")
    await read_until(person, "Or pick one:")
    assert await stored_country(rig, person.user_id) == "US"


async def test_in_the_us_the_result_says_doctor_not_gp(rig: BotRig) -> None:
    person = rig.user()
    await up_to_the_country_question(person)
    await person.send("united states")
    await read_until(person, "Or pick one:")
    await person.tap("America/New York")
    await read_until(person, "1/10")
    result = await walk(person, {**CALM, "Q3_DURATION": ["D_2_6W"]})  # L1: routine visit
    assert "Routine doctor appointment" in result and "with your doctor" in result
    assert "GP" not in result and "911" in result


async def make_eu(rig: BotRig, user_id: int) -> None:
    async with rig.deps.sessions.begin() as session:
        await session.execute(update(User).where(User.id == user_id).values(country="EU"))


async def test_a_person_stored_as_eu_is_asked_once_for_their_country_before_triage(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await make_eu(rig, person.user_id)
    await person.send("/triage")
    question = await read_until(person, "no longer enough")
    assert "Which country" in question
    await person.send("Deutschland")
    saved = await read_until(person, "Country set to")
    assert "Germany" in saved and "112" in saved
    await read_until(person, "1/10")
    assert await stored_country(rig, person.user_id) == "DE"


async def test_a_person_stored_as_eu_who_does_not_answer_is_not_asked_again(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await make_eu(rig, person.user_id)
    await person.send("/settings")
    await read_until(person, "no longer enough")
    await person.send("/start")
    welcome = await read_until(person, "Welcome back")
    assert "no longer enough" not in welcome
    await person.send("/settings")
    summary = await read_until(person, "Your settings")
    assert "European Union" in summary and "112" in summary


async def test_the_country_can_be_changed_in_settings_by_typing_its_name(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await person.send("/settings")
    await read_until(person, "Your settings")
    await person.tap("Country")
    await read_until(person, "Which country")
    await person.send("new zealand")
    saved = await read_until(person, "Country set to")
    assert "New Zealand" in saved and "111" in saved
    assert await stored_country(rig, person.user_id) == "NZ"


@pytest.fixture
async def any_rig(database_url: str) -> AsyncIterator[BotRig]:
    """The real bot on a freshly migrated SQLite file or PostgreSQL database."""
    async with FakeBotApi() as api:
        rig = BotRig(api=api, database_url=database_url)
        await rig.start()
        try:
            yield rig
        finally:
            await rig.stop()


async def test_the_one_time_country_question_is_remembered_on_each_database(
    any_rig: BotRig,
) -> None:
    person = any_rig.user()
    await onboard(person)
    await make_eu(any_rig, person.user_id)
    await person.send("/start")
    await read_until(person, "no longer enough")
    await person.send("/start")
    await read_until(person, "Welcome back")
    await person.send("/settings")
    await read_until(person, "Your settings")
    await person.tap("Country")
    await read_until(person, "Which country")
    await person.tap("Somewhere else")
    saved = await read_until(person, "Country set to")
    assert "your local emergency number" in saved
    assert await stored_country(any_rig, person.user_id) is None


async def test_an_unanswered_country_question_does_not_swallow_what_is_typed_in_the_triage(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await make_eu(rig, person.user_id)
    await person.send("/settings")
    await read_until(person, "no longer enough")  # asked once, and left unanswered
    await person.send("/triage")
    await read_until(person, "Carry on where you were")
    await person.tap("Carry on")
    await read_until(person, "1/10")
    await person.send("back")
    reply = (await person.next_message()).text or ""
    assert "I don't know a country" not in reply
