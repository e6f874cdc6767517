"""The plan's own questions (spec §3.4): bedtime for N_SLEEP, workout days and time for
N_WARMUP, asked once with defaults as buttons; the answers re-plan those reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.times import parse_time
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_settings import at, planned_person, rows, user_row
from tests.bot.e2e.test_triage import CALM, walk

EXERCISE = {**CALM, "Q9_TRIGGERS": ["TR_SLEEP", "TR_EXERCISE"]}


async def times_of(rig: BotRig, kind: str) -> list[tuple[list[str], list[int] | None]]:
    found = []
    for row in await rows(rig, kind):
        schedule = row.schedule.schedule
        weekdays = sorted(schedule.weekdays) if schedule.weekdays is not None else None
        found.append(([t.strftime("%H:%M") for t in schedule.times], weekdays))
    return found


async def test_bedtime_is_asked_with_the_default_times_as_buttons(rig: BotRig) -> None:
    person = await planned_person(rig)
    # Asked right after the triage result: the newest keyboard sent.
    question = [m for m in person.transcript() if m.buttons and not m.edited][-1]
    assert "When do you usually go to bed?" in (question.text or "")
    labels = question.button_labels()
    assert labels == ["22:00", "22:30", "23:00", "23:30", "00:00", "⌨️ Type a time"]


async def test_a_chosen_bedtime_moves_the_wind_down_reminder_45_minutes_before(
    rig: BotRig,
) -> None:
    person = await planned_person(rig)
    await person.tap("23:30")
    reply = await read_until(person, "Got it: bedtime 23:30.")
    assert "Next reminder: Water check on Wed 25 Nov at 10:00." in reply
    assert await times_of(rig, "N_SLEEP") == [(["22:45"], None)]
    await at(rig, 22, 15)  # the old time: nothing
    await person.expect_quiet()
    await at(rig, 22, 45)
    assert "🌙" in ((await person.next_message()).text or "")


async def test_bedtime_is_asked_once(rig: BotRig) -> None:
    person = await planned_person(rig)
    await person.tap("22:00")
    await read_until(person, "Got it: bedtime 22:00.")
    await person.send("/triage")
    await read_until(person, "my advice is the same")  # §5.6: within 24 hours, nothing new
    await person.tap("Go through the questions anyway")
    await read_until(person, "1/10")
    result = await walk(person, CALM)  # a second plan with a wind-down: no question now
    assert "go to bed" not in result
    await person.expect_quiet()


@pytest.mark.parametrize("nonsense", ["25:99", "tomorrow-ish"])
async def test_a_typed_bedtime_that_is_not_a_time_is_refused_with_an_example(
    rig: BotRig, nonsense: str
) -> None:
    person = await planned_person(rig)
    await person.tap("⌨️ Type a time")
    await read_until(person, "Please type the time")
    await person.send(nonsense)
    assert "like 22:45" in await read_until(person, "doesn't look like a time")
    await person.send("0:15")
    await read_until(person, "Got it: bedtime 00:15.")
    assert await times_of(rig, "N_SLEEP") == [(["23:30"], None)]
    assert (await user_row(rig)).awaiting is None


async def test_workout_days_and_time_re_plan_the_warm_up_and_cool_down(rig: BotRig) -> None:
    person = await planned_person(rig, EXERCISE)
    await person.send("/settings")
    await read_until(person, "Your settings")
    await person.tap("🏃 Workouts")
    days = await read_until(person, "Which days do you usually work out?")
    assert days
    assert person.last is not None
    assert person.last.button_labels()[:7] == [
        "✅ Mon",
        "Tue",
        "✅ Wed",
        "Thu",
        "✅ Fri",
        "Sat",
        "Sun",
    ]
    await person.tap("✅ Mon")
    edited = await person.next_message()
    assert edited.edited and edited.button_labels()[0] == "Mon"
    await person.tap("Tue", message=edited)
    await person.next_message()
    await person.tap("Done")
    await read_until(person, "what time do you usually start?")
    await person.tap("18:00")
    await read_until(person, "Got it: workouts on Tue, Wed, Fri at 18:00.")
    # Three nudges a day at most: this plan keeps the warm-up, and the cool-down gives way
    # to the drink reminders that exercise also earns.
    assert await times_of(rig, "N_WARMUP") == [(["17:30"], [1, 2, 4])]
    stored = await user_row(rig)
    assert (stored.workout_days, stored.workout_time) == ("1,2,4", "18:00")


async def test_workout_days_need_at_least_one_day(rig: BotRig) -> None:
    person = await planned_person(rig, EXERCISE)
    await person.send("/settings")
    await read_until(person, "Your settings")
    await person.tap("🏃 Workouts")
    await read_until(person, "Which days")
    for day in ("✅ Mon", "✅ Wed", "✅ Fri"):
        await person.tap(day)
        await person.next_message()
    await person.tap("Done")
    for _ in range(60):  # read past every earlier tap's answer
        if await person.next_callback_answer() == "Please tick at least one day.":
            break
    assert person.callback_answers[-1] == "Please tick at least one day."
    assert (await user_row(rig)).workout_days is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22:30", dt.time(22, 30)),
        ("7:05", dt.time(7, 5)),
        (" 23.15 ", dt.time(23, 15)),
        ("25:99", None),
        ("24:00", None),
        ("tomorrow-ish", None),
        ("2230", None),
    ],
)
def test_typed_times_are_read_or_refused(typed: str, expected: dt.time | None) -> None:
    assert parse_time(typed) == expected
