"""/pause, /resume, /stop and /checkin through the real Application and the stand-in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.playground.users import ScriptedUser
from storage.models import CheckIn, Episode, Reminder
from tests.bot.e2e.checkin_setup import Seeded, seed_followup
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_settings import at, planned_person, user_row


async def seeded(rig: BotRig) -> tuple[ScriptedUser, Seeded]:
    person = rig.user()
    return person, await seed_followup(rig, person)


async def active_kinds(rig: BotRig) -> list[str]:
    async with rig.deps.sessions() as session:
        query = select(Reminder.kind).where(Reminder.active)
        return sorted((await session.scalars(query)).all())


async def test_a_pause_for_a_day_says_until_when_and_skips_the_nudges(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.send("/pause")
    await read_until(person, "for how long?")
    await person.tap("For a day")
    assert "Thu 26 Nov at 09:00" in await read_until(person, "Paused until")
    await at(rig, 10)
    await at(rig, 15)
    await person.expect_quiet()
    await at(rig, 10, day=26)  # the day is over: water checks again
    assert "💧" in ((await person.next_message()).text or "")


async def test_resume_brings_reminders_back_and_says_when_the_next_comes(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.send("/pause")
    await read_until(person, "for how long?")
    await person.tap("Until I send /resume")
    assert "until you send /resume" in await read_until(person, "Paused.")
    assert (await user_row(rig)).paused_until is None
    await at(rig, 10)
    await at(rig, 11)  # the screen break passes, paused
    await person.expect_quiet()
    rig.clock.set(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
    await person.send("/resume")
    reply = await read_until(person, "Welcome back")
    # Three nudges a day at most: today's third is the wind-down, not the 15:00 water check.
    assert "Next reminder: Wind-down reminder on Wed 25 Nov at 22:15." in reply
    assert (await user_row(rig)).state == "active"


async def test_a_check_in_held_by_the_pause_comes_at_once_on_resume(rig: BotRig) -> None:
    person, _ = await seeded(rig)
    await rig.tick()  # the bot wakes the dispatcher when a plan is written
    await person.send("/pause")
    await read_until(person, "for how long?")
    await person.tap("For a week")
    await read_until(person, "Paused until")
    await at(rig, 10, day=28)  # the check-in's time: held, not sent
    await person.expect_quiet()
    await person.send("/resume")
    await read_until(person, "Welcome back")
    await rig.tick()
    first = await read_until(person, "Checking in on that twitch")
    assert "Any of these now?" in first


async def test_stop_asks_first_then_ends_every_reminder_and_check_in(rig: BotRig) -> None:
    person, _ = await seeded(rig)
    await person.send("/stop")
    await read_until(person, "Stop all reminders and check-ins?")
    await person.tap("No, keep them")
    await read_until(person, "nothing changed")
    assert await active_kinds(rig) == ["CHECKIN", "N_HYDRATE"]
    await person.send("/stop")
    await read_until(person, "Stop all reminders and check-ins?")
    await person.tap("Yes, stop them")
    said = await read_until(person, "stopped all reminders and check-ins")
    assert "/settings" in said and "Nothing else is lost" in said and "999" in said
    assert await active_kinds(rig) == []
    assert (await user_row(rig)).consent_reminders_at is None
    async with rig.deps.sessions() as session:
        assert await session.scalar(select(func.count(Episode.id))) == 1
    await at(rig, 10, day=28)
    await person.expect_quiet()


async def test_checkin_now_asks_the_safety_question_at_once(rig: BotRig) -> None:
    person, _ = await seeded(rig)
    await person.send("/checkin")
    first = await person.next_message()
    assert "Any of these now?" in (first.text or "")
    assert first.button_labels()[0] == "No, none of these"
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")


async def test_asking_twice_carries_on_the_same_check_in(rig: BotRig) -> None:
    person, _ = await seeded(rig)
    await person.send("/checkin")
    await read_until(person, "Any of these now?")
    await person.send("/checkin")
    await read_until(person, "Any of these now?")
    async with rig.deps.sessions() as session:
        rows = (await session.scalars(select(CheckIn))).all()
    assert [row.status for row in rows] == ["open"]


async def test_checkin_without_a_running_follow_up_points_to_triage(rig: BotRig) -> None:
    person, seed = await seeded(rig)
    async with rig.deps.sessions.begin() as session:
        episode = await session.get_one(Episode, seed.episode_id)
        episode.closed_at = rig.clock.now()
    await person.send("/checkin")
    assert "/triage" in await read_until(person, "no check-in running")


async def test_pause_without_reminders_has_nothing_to_pause(rig: BotRig) -> None:
    person, _ = await seeded(rig)
    await person.send("/stop")
    await read_until(person, "Stop all reminders and check-ins?")
    await person.tap("Yes, stop them")
    await read_until(person, "stopped all reminders")
    await person.send("/pause")
    await read_until(person, "nothing to pause")


async def test_the_pause_question_keeps_the_chosen_length_under_it(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.send("/pause")
    await read_until(person, "for how long?")
    await person.tap("For a week")
    record = await person.next_message()
    assert record.edited and record.buttons == []
    assert (record.text or "").endswith("➜ For a week")
