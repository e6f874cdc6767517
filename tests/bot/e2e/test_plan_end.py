"""The end of the two-week plan and the L2 plan's opening line (spec §3.4), as a person
lives them: the clock driven by the dispatcher's own next wake-up, check-ins answered as
they come. A calm eyelid twitch in London, triage Wed 25 Nov 09:00: water 10:00 and 15:00,
screen breaks on weekdays 11:00 and 15:30, wind-down 22:15; day 14 is Tue 08 Dec."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage
from bot.runner import build_dispatcher
from bot.usecases import plan_end
from storage.models import Reminder
from storage.schedules import ReminderSchedule
from tests.bot.e2e.fortnight_people import CHECKIN_OPENING, answer_checkin, drain, local_stamp
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, walk
from triage.schedule import LocalSchedule

CAT = catalogue_for(None)
QUESTION = CAT.text("plan_end.question")
BOOKING = CAT.text("plan_end.l2_booking")
ZONE = "Europe/London"  # UTC in winter: local times below are UTC times too
DAY_14_ASKED = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)
FIVE_WEEKS_ON = dt.datetime(2027, 1, 13, 0, 0, tzinfo=dt.UTC)
L2 = {**CALM, "Q7_EYE_BODY": ["V_RED"]}
L3 = {**CALM, "Q10_CONTEXT": ["M_PPI"]}

Diary = list[tuple[str, SentMessage]]


@pytest.fixture
async def person(rig: BotRig) -> ScriptedUser:
    """Someone with the calm eyelid-twitch plan, just after triage."""
    return await triaged(rig, CALM)


async def triaged(rig: BotRig, answers: dict[str, list[str]]) -> ScriptedUser:
    person = rig.user()
    await onboard(person)
    await walk(person, answers)
    await rig.tick()  # the bot wakes the dispatcher when a plan is written
    await drain(person)
    return person


async def live(rig: BotRig, person: ScriptedUser, until: dt.datetime) -> Diary:
    """Fake time by the dispatcher's next wake-up; each message with its local time."""
    dispatcher = build_dispatcher(rig.app.bot, rig.deps)  # type: ignore[attr-defined]
    diary: Diary = []
    while (wake := await dispatcher.next_wakeup()) is not None and wake <= until:
        rig.clock.set(max(wake, rig.clock.now()))
        before = len(person.transcript())
        await rig.tick()
        arrived = [await person.next_message() for _ in range(len(person.transcript()) - before)]
        for message in arrived:
            diary.append((local_stamp(rig.clock.now(), ZONE), message))
            if CHECKIN_OPENING in (message.text or ""):
                await answer_checkin(person, message)
    return diary


def nudges(diary: Diary) -> list[str]:
    """The stamps of nudge messages (not check-ins, not the plan question)."""
    return [
        stamp
        for stamp, message in diary
        if CHECKIN_OPENING not in (message.text or "") and QUESTION not in (message.text or "")
    ]


async def asked(rig: BotRig, person: ScriptedUser) -> SentMessage:
    """Lives to day 14 10:00 and returns the plan question, checking it came then, once."""
    diary = await live(rig, person, DAY_14_ASKED)
    questions = [(stamp, m) for stamp, m in diary if QUESTION in (m.text or "")]
    assert [stamp for stamp, _ in questions] == ["Tue 08 Dec 10:00"]
    return questions[0][1]


async def rows(rig: BotRig) -> list[Reminder]:
    async with rig.deps.sessions() as session:
        return list((await session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def test_the_plan_question_comes_on_day_fourteen_at_ten_with_yes_and_no(
    rig: BotRig, person: ScriptedUser
) -> None:
    question = await asked(rig, person)
    assert question.text == "Your two-week plan ends today. Keep a lighter weekly version?"
    assert question.button_labels() == ["Yes", "No, thanks"]


async def test_yes_keeps_each_nudge_weekly_at_its_own_times_for_four_weeks(
    rig: BotRig, person: ScriptedUser
) -> None:
    question = await asked(rig, person)
    await person.tap("Yes", message=question)
    reply = await read_until(person, "lighter weekly version carries on")
    assert "Water check: Tuesdays at 10:00\n" in reply
    assert "Screen break: Tuesdays at 11:00" in reply
    assert "Wind-down reminder: Tuesdays at 22:15" in reply
    assert "The next one comes Tue 15 Dec at 10:00" in reply
    later = [s for s in nudges(await live(rig, person, FIVE_WEEKS_ON)) if "08 Dec" not in s]
    # Each Tuesday: water 10:00, screen break 11:00 and the wind-down; the afternoon water
    # check would be a fourth (spec §3.4: at most three nudge messages a day).
    weeks = ["Tue 15 Dec", "Tue 22 Dec", "Tue 29 Dec", "Tue 05 Jan"]
    assert later == [f"{day} {at}" for day in weeks for at in ("10:00", "11:00", "22:15")]


async def test_no_ends_the_plan_after_day_fourteen_and_says_how_to_get_reminders_again(
    rig: BotRig, person: ScriptedUser
) -> None:
    question = await asked(rig, person)
    await person.tap("No, thanks", message=question)
    reply = await read_until(person, "ends as planned")
    assert "/triage" in reply
    after = nudges(await live(rig, person, FIVE_WEEKS_ON))
    # Day 14's own reminders still come (three, the 10:00 water check giving way to the
    # question); nothing after it.
    assert after == ["Tue 08 Dec 11:00", "Tue 08 Dec 15:00", "Tue 08 Dec 22:15"]


async def test_a_second_tap_or_someone_elses_tap_on_the_question_changes_nothing(
    rig: BotRig, person: ScriptedUser
) -> None:
    question = await asked(rig, person)
    yes = question.buttons[0][0].callback_data or ""
    before = await rows(rig)
    stranger = rig.user(user_id=909)
    await stranger.tap_data(yes, message=question)
    await stranger.expect_quiet()
    assert stranger.callback_answers[-1] == "That button is no longer active."
    assert len(await rows(rig)) == len(before)
    await person.tap("No, thanks", message=question)
    await read_until(person, "ends as planned")
    await person.tap_data(yes, message=question)
    await person.expect_quiet()
    assert person.callback_answers[-1] == "That button is no longer active."
    assert len(await rows(rig)) == len(before)


async def test_someone_who_stopped_every_nudge_is_not_asked(
    rig: BotRig, person: ScriptedUser
) -> None:
    for hour, minute in ((10, 0), (11, 0), (22, 15)):  # water, screen break, wind-down
        rig.clock.set(dt.datetime(2026, 11, 25, hour, minute, tzinfo=dt.UTC))
        await rig.tick()
        nudge = await person.next_message()
        await person.tap("Stop this reminder", message=nudge)
        await read_until(person, "won't send that again")
    diary = await live(rig, person, DAY_14_ASKED + dt.timedelta(hours=1))
    assert not nudges(diary)
    assert not [m for _, m in diary if QUESTION in (m.text or "")]


async def test_an_l3_result_gets_no_plan_question(rig: BotRig) -> None:
    person = await triaged(rig, L3)
    diary = await live(rig, person, DAY_14_ASKED + dt.timedelta(hours=1))
    assert diary, "the L3 check-ins still come"
    assert all(CHECKIN_OPENING in (m.text or "") for _, m in diary)
    assert not [r for r in await rows(rig) if r.kind == "PLAN_END"]


async def test_an_l2_plans_first_nudge_opens_with_booking_a_doctor_and_later_ones_do_not(
    rig: BotRig,
) -> None:
    person = await triaged(rig, L2)
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    first = await person.next_message()
    lines = (first.text or "").split("\n\n")
    assert lines[0] == (
        "Reminder: please book a doctor's appointment for the next few days, if you haven't yet."
    )
    assert len(lines) == 2 and "💧" in lines[1]  # the water check follows, secondary
    assert first.button_labels() == ["Done ✔", "Snooze 1 h", "Stop this reminder"]
    rig.clock.set(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))
    await rig.tick()
    second = await person.next_message()
    assert BOOKING not in (second.text or "")


async def test_a_calm_plans_first_nudge_has_no_booking_line(
    rig: BotRig, person: ScriptedUser
) -> None:
    rig.clock.set(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    await rig.tick()
    first = await person.next_message()
    assert BOOKING not in (first.text or "")


def test_the_weekly_version_keeps_a_weekday_series_on_one_of_its_own_days() -> None:
    saturday = dt.date(2026, 12, 12)
    row = Reminder(
        kind="N_EYE_BREAK",
        tz=ZONE,
        schedule=ReminderSchedule(
            LocalSchedule(
                times=(dt.time(11),),
                start=dt.date(2026, 11, 30),
                end=dt.date(2026, 12, 11),
                weekdays=frozenset({0, 1, 2, 3, 4}),
            )
        ),
    )
    lighter = plan_end.weekly(row, saturday)
    assert lighter.schedule.weekdays == frozenset({0})  # Mondays, not a weekend day
    assert plan_end.first_local([lighter]) == dt.datetime.combine(
        dt.date(2026, 12, 14), dt.time(11, 0)
    )
