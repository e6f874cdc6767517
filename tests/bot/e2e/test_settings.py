"""/settings through the real Application and the stand-in: zone, country, quiet hours and
each nudge on or off at its time, with the bad input a real chat brings.

The `rig` fixture is the running bot as bot/app.py wires it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.playground.users import ScriptedUser
from bot.usecases import settings
from storage.models import Reminder, User
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, walk
from triage.quiet import QuietHours
from triage.schedule import ReminderKind


async def planned_person(rig: BotRig, answers: dict[str, list[str]] | None = None) -> ScriptedUser:
    """Onboarded in London, triaged calm (water checks, screen breaks, a wind-down)."""
    person = rig.user()
    await onboard(person)
    await walk(person, answers or CALM)
    await rig.tick()
    return person


async def open_settings(person: ScriptedUser, button: str) -> None:
    await person.send("/settings")
    await read_until(person, "Your settings")
    await person.tap(button)


async def answered(person: ScriptedUser) -> str:
    """The question a tap just answered: edited, its buttons gone; its text."""
    record = await person.next_message()
    assert record.edited and record.buttons == []
    return record.text or ""


async def retime(person: ScriptedUser, nudge: str, was: str, typed: str) -> None:
    """New times for the nudge series at `was`, typed after its 🕒 button in /settings."""
    await open_settings(person, "🔔 Reminders")
    await read_until(person, "Your reminders.")
    assert person.last is not None
    row = next(b for b in person.last.buttons if b[0].text == f"✅ {nudge}: {was}")
    await person.tap_button(row[1], message=person.last)
    await read_until(person, f"{nudge} comes at")
    await person.send(typed)
    await read_until(person, f"{nudge} moved to")


async def rows(rig: BotRig, kind: str) -> list[Reminder]:
    async with rig.deps.sessions() as session:
        query = select(Reminder).where(Reminder.kind == kind, Reminder.origin_id.is_(None))
        return list((await session.scalars(query.order_by(Reminder.id))).all())


async def user_row(rig: BotRig, user_id: int = 501) -> User:
    async with rig.deps.sessions() as session:
        return await session.get_one(User, user_id)


async def at(rig: BotRig, hour: int, minute: int = 0, day: int = 25) -> None:
    rig.clock.set(dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC))
    await rig.tick()


async def test_settings_show_the_choices_and_when_the_next_reminder_comes(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.send("/settings")
    text = await read_until(person, "Your settings")
    assert "Europe/London (it's 09:00 there now)" in text
    assert "Quiet hours: 22:30–07:30" in text and "emergency number 999" in text
    assert "Next reminder: Water check on Wed 25 Nov at 10:00." in text


async def test_moving_to_new_york_keeps_the_ten_oclock_water_check_at_ten_local(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌍 Time zone")
    await read_until(person, "Or pick one:")
    await person.send("america/new_york")
    reply = await read_until(person, "Time zone set to America/New_York")
    assert "it's 04:00 there now" in reply
    assert "Next reminder: Water check on Wed 25 Nov at 10:00." in reply
    await at(rig, 10)  # 10:00 in London, 05:00 in New York: nothing
    await person.expect_quiet()
    await at(rig, 15)  # 10:00 in New York
    assert "💧" in ((await person.next_message()).text or "")


async def test_a_zone_that_does_not_exist_is_refused_with_an_example(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌍 Time zone")
    await read_until(person, "Or pick one:")
    await person.send("Mars/Olympus")
    assert "Europe/London" in await read_until(person, 'I couldn\'t find "Mars/Olympus"')
    assert (await user_row(rig)).tz == "Europe/London"


async def test_a_shared_location_sets_the_zone_of_that_place(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌍 Time zone")
    await read_until(person, "Or pick one:")
    await person.share_location(35.68, 139.69)
    await read_until(person, "Time zone set to Asia/Tokyo")
    assert {r.tz for r in await rows(rig, "N_HYDRATE")} == {"Asia/Tokyo"}


async def test_the_typed_zone_is_still_awaited_after_a_restart(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌍 Time zone")
    await read_until(person, "Or pick one:")
    await rig.restart()
    await person.send("Europe/Berlin")
    await read_until(person, "Time zone set to Europe/Berlin")


@pytest.mark.parametrize("typed", ["25:99-07:00", "tomorrow-ish", "23:00"])
async def test_nonsense_quiet_hours_are_refused_with_an_example(rig: BotRig, typed: str) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are 22:30–07:30 now")
    await person.send(typed)
    assert "like 23:00-07:00" in await read_until(person, "didn't understand those quiet hours")
    assert (await user_row(rig)).quiet_start == "22:30"


async def test_quiet_hours_that_swallow_every_reminder_are_refused_with_the_reason(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are")
    await person.send("08:00-20:00")
    refusal = await read_until(person, "would cover every one of your reminders")
    # The plan keeps three a day: water at 10:00 and 15:00 (on the days it fits), screen
    # breaks at 11:00 (the wind-down may come in quiet hours, so it is not counted).
    assert "(10:00, 11:00, 15:00)" in refusal and "Nothing changed" in refusal
    await person.send("19:00 to 13:00")
    await read_until(person, "longer than 16 hours")
    await person.send("23:00–07:00")
    await read_until(person, "Quiet hours are now 23:00–07:00.")
    stored = await user_row(rig)
    assert (stored.quiet_start, stored.quiet_end, stored.awaiting) == ("23:00", "07:00", None)


async def test_a_quiet_hours_button_is_saved_at_once(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are")
    await person.tap("00:00–08:00")
    assert "Next reminder: Water check" in await read_until(person, "Quiet hours are now")
    assert (await user_row(rig)).quiet_start == "00:00"


@pytest.mark.parametrize(
    ("button", "question", "choice", "confirmed"),
    [
        ("🌙 Quiet hours", "Quiet hours are", "23:00–08:00", "Quiet hours are now 23:00–08:00."),
        ("🌍 Time zone", "Or pick one:", "Europe/London", "Time zone set to Europe/London"),
        ("🏳️ Country", "Which country", "🇺🇸 United States", "Country set to"),
    ],
    ids=["quiet", "zone", "country"],
)
async def test_a_settings_question_keeps_the_tapped_answer_under_it_before_confirming(
    rig: BotRig, button: str, question: str, choice: str, confirmed: str
) -> None:
    person = await planned_person(rig)
    await open_settings(person, button)
    await read_until(person, question)
    await person.tap(choice)
    assert (await answered(person)).endswith(f"\n➜ {choice}")
    await read_until(person, confirmed)


async def test_a_refused_quiet_hours_button_leaves_the_others_to_pick_from(rig: BotRig) -> None:
    person = await planned_person(rig)
    async with rig.deps.sessions.begin() as session:  # the check-ins and plan question are over
        kinds = (ReminderKind.CHECKIN, ReminderKind.PLAN_END)
        await session.execute(update(Reminder).where(Reminder.kind.in_(kinds)).values(active=False))
    for nudge, was in (
        ("Water check", "10:00"),
        ("Water check", "15:00"),
        ("Screen break", "11:00"),
    ):
        await retime(person, nudge, was, "07:30")
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are")
    question = person.last
    await person.tap("00:00–08:00")
    refusal = await person.next_message()
    assert "would cover every one of your reminders (07:30)" in (refusal.text or "")
    await person.tap("22:00–07:00", message=question)
    assert (await answered(person)).endswith("\n➜ 22:00–07:00")
    await read_until(person, "Quiet hours are now 22:00–07:00.")


async def test_turning_the_water_check_off_stops_it_and_on_brings_it_back(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🔔 Reminders")
    await read_until(person, "Your reminders.")
    listing = person.last
    assert listing is not None
    await person.tap("✅ Water check: 10:00")
    assert "Next reminder: Screen break on Wed 25 Nov at 11:00." in await read_until(
        person, "Water check: off."
    )
    await at(rig, 10)
    await person.expect_quiet()
    assert not (await rows(rig, "N_HYDRATE"))[0].active
    await at(rig, 11)
    assert "👀" in ((await person.next_message()).text or "")
    rig.clock.set(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
    edited = [m for m in person.transcript() if m.message_id == listing.message_id][-1]
    await person.tap("⏸ Water check: 10:00 (off)", message=edited)
    back = await read_until(person, "Water check: on again.")
    # Today's third nudge is the wind-down; the water check is back tomorrow at 10:00.
    assert "Next reminder: Wind-down reminder on Wed 25 Nov at 22:15." in back
    await at(rig, 10, day=26)
    assert "💧" in ((await person.next_message()).text or "")


async def test_a_nudge_moves_to_a_typed_time_after_a_nonsense_one_is_refused(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🔔 Reminders")
    await read_until(person, "Your reminders.")
    first_row = person.last
    assert first_row is not None
    retime = next(b for b in first_row.buttons if b[0].text.startswith("✅ Water check"))[1]
    await person.tap_button(retime, message=first_row)
    await read_until(person, "Water check comes at 10:00 now")
    await person.send("25:99")
    assert "like 9:30am or 09:30" in await read_until(person, "didn't understand that time")
    await person.send("16:00, 9:30")
    reply = await read_until(person, "Water check moved to 09:30, 16:00.")
    assert "Next reminder: Water check on Wed 25 Nov at 09:30." in reply
    await at(rig, 9, 30)
    assert "💧" in ((await person.next_message()).text or "")


async def test_a_new_country_brings_its_emergency_number(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🏳️ Country")
    await read_until(person, "Which country")
    await person.tap("United States")
    await read_until(person, "Your emergency number is 911.")
    assert (await user_row(rig)).country == "US"


async def test_a_new_country_outside_the_persons_zone_offers_to_change_the_zone(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)  # in the UK, on Europe/London
    await open_settings(person, "🏳️ Country")
    await read_until(person, "Which country")
    await person.tap("Germany")
    saved = await read_until(person, "Country set to")
    assert "Your reminders still follow the clock of Europe/London" in saved
    await person.tap("🌍 Change time zone")
    await read_until(person, "Or pick one:")
    shown = reversed(person.transcript())  # the offer as it stands now, edited
    offer = next(m for m in shown if "still follow the clock" in (m.text or ""))
    assert offer.buttons == [] and (offer.text or "").endswith("➜ 🌍 Change time zone")
    await person.tap("Europe/Berlin")
    await read_until(person, "Time zone set to Europe/Berlin")
    assert ((await user_row(rig)).country, (await user_row(rig)).tz) == ("DE", "Europe/Berlin")


async def test_a_new_country_that_includes_the_persons_zone_says_nothing_of_it(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)
    async with rig.deps.sessions.begin() as session:
        await session.execute(update(User).values(country="DE", tz="Europe/London"))
    await open_settings(person, "🏳️ Country")
    await read_until(person, "Which country")
    await person.tap("United Kingdom")
    saved = await read_until(person, "Country set to")
    assert "still follow" not in saved


async def test_the_country_question_in_settings_has_back_to_the_menu(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🏳️ Country")
    await read_until(person, "Which country")
    await person.tap("⬅ Back to settings")
    await read_until(person, "Your settings")
    assert (await user_row(rig)).country == "GB"


async def test_someone_elses_reminder_cannot_be_switched_off(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🔔 Reminders")
    listing = await read_until(person, "Your reminders.")
    assert listing
    data = person.last.buttons[0][0].callback_data if person.last else None
    stranger = rig.user(user_id=909)
    await onboard(stranger)
    await stranger.tap_data(data or "", message=person.last)
    await stranger.expect_quiet()
    assert stranger.callback_answers[-1] == "That button is no longer active."
    assert all(r.active for r in await rows(rig, "N_HYDRATE"))


@pytest.mark.parametrize(
    ("window", "times", "refused"),
    [
        ((dt.time(22, 30), dt.time(7, 30)), {dt.time(10)}, None),
        ((dt.time(8), dt.time(20)), {dt.time(10), dt.time(15)}, "settings.quiet_swallows"),
        ((dt.time(8), dt.time(20)), {dt.time(7), dt.time(15)}, None),
        ((dt.time(19), dt.time(13)), set(), "settings.quiet_too_long"),
        ((dt.time(7), dt.time(7)), set(), "settings.quiet_empty"),
    ],
    ids=["default", "swallows", "one-left", "too-long", "empty"],
)
def test_quiet_windows_are_judged_against_the_reminder_times(
    window: tuple[dt.time, dt.time], times: set[dt.time], refused: str | None
) -> None:
    problem = settings.quiet_problem(QuietHours(*window), times)
    assert (problem[0] if problem else None) == refused
