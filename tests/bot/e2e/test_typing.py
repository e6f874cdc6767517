"""Typed answers as people type them: a city or country for the time zone, 12-hour times for
bedtime, quiet hours and moved reminders."""

from __future__ import annotations

from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_onboarding import reach_timezone, stored_user
from tests.bot.e2e.test_preferences import times_of
from tests.bot.e2e.test_settings import open_settings, planned_person, user_row


async def test_a_typed_city_during_onboarding_sets_its_zone(rig: BotRig) -> None:
    person = await reach_timezone(rig)
    await person.send("chicago")  # type: ignore[attr-defined]
    text = await read_until(person, "All set.")  # type: ignore[arg-type]
    assert "America/Chicago" in text and "03:00" in text


async def test_a_city_name_in_several_zones_offers_buttons_and_the_tap_sets_the_zone(
    rig: BotRig,
) -> None:
    person = await reach_timezone(rig)
    await person.send("birmingham")  # type: ignore[attr-defined]
    await read_until(person, "Which one is yours?")  # type: ignore[arg-type]
    labels = person.last.button_labels()  # type: ignore[attr-defined]
    assert labels[:2] == [
        "Birmingham, United Kingdom (Europe/London)",
        "Birmingham, United States (America/Chicago)",
    ]
    await person.tap("Birmingham, United States (America/Chicago)")  # type: ignore[attr-defined]
    await read_until(person, "All set.")  # type: ignore[arg-type]
    user = await stored_user(rig, person.user_id)  # type: ignore[attr-defined]
    assert user is not None and user.tz == "America/Chicago"


async def test_a_typed_city_in_settings_moves_the_reminders_there(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌍 Time zone")
    await read_until(person, "Or pick one:")
    await person.send("sydney")
    await read_until(person, "Time zone set to Australia/Sydney")
    assert (await user_row(rig)).tz == "Australia/Sydney"


async def test_a_reminder_moves_to_times_typed_in_12_hour_form(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🔔 Reminders")
    await read_until(person, "Your reminders.")
    first_row = person.last
    assert first_row is not None
    retime = next(b for b in first_row.buttons if b[0].text.startswith("✅ Water check"))[1]
    await person.tap_button(retime, message=first_row)
    await read_until(person, "Water check comes at 10:00 now")
    await person.send("6:45 pm and 9am")
    await read_until(person, "Water check moved to 09:00, 18:45.")


async def test_quiet_hours_typed_in_12_hour_form_are_saved(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are")
    await person.send("11pm - 7am")
    await read_until(person, "Quiet hours are now 23:00–07:00.")


async def test_a_bedtime_typed_in_12_hour_form_moves_the_wind_down(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.tap("⌨️ Type a time")
    await person.send("11:30pm")
    await read_until(person, "Got it: bedtime 23:30.")
    assert await times_of(rig, "N_SLEEP") == [(["22:45"], None)]
