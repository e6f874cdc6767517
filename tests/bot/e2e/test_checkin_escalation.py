"""Escalation at once in a check-in (spec §4.3 F-E2, F-E3 rev 2; §4.4 screen order), through
the real Application and the Bot API stand-in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.playground.users import ScriptedUser
from storage.episodes import EpisodeRepository
from storage.models import Episode
from tests.bot.e2e.checkin_setup import (
    ZONE,
    checked_in,
    checkins,
    deliver,
    due_checkin,
    followup,
    reminder,
    seed_followup,
    send_checkin,
)
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from triage.levels import Level

SWALLOWING = "Speech or swallowing slowly getting harder"


async def tick_new_sign(person: ScriptedUser, status: str, sign: str) -> None:
    """Safety "No", the status, then one new sign ticked and Done."""
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap(status)
    signs = await person.next_message()
    while "Anything new from this list?" not in (signs.text or ""):
        signs = await person.next_message()
    await person.tap(sign, message=signs)
    ticked = await person.next_message()
    await person.tap("Done", message=ticked)


async def test_f_e2_new_swallowing_trouble_shows_get_advice_today_before_any_other_screen(
    rig: BotRig,
) -> None:
    person = rig.user()
    seeded = await seed_followup(rig, person)
    assert (await followup(rig, seeded)).level is Level.L0
    await send_checkin(rig, person, seeded)
    await tick_new_sign(person, "Same", SWALLOWING)
    record = await person.next_message()
    assert record.edited and "Anything new from this list?" in (record.text or "")
    advice = await person.next_message()
    text = advice.text or ""
    assert not advice.edited and advice.buttons == []
    assert "Get advice today" in text and "today" in text.split("Get advice today")[1]
    assert "speech or swallowing changing" in text
    # The check-in comes on a Saturday: the surgery is shut, so the urgent service now (§4.4).
    assert "outside usual opening hours" in text and "NHS 111" in text
    assert "GP surgery today" not in text
    assert "Thanks, that's noted" not in text and "habit" not in text
    doctor = await person.next_message()
    assert "Have you seen a doctor about it?" in (doctor.text or "")


async def test_f_e2_stopping_after_the_advice_keeps_the_escalation(rig: BotRig) -> None:
    person, seeded = await checked_in(rig)
    checked_in_at = rig.clock.now()
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Have you seen a doctor about it?")
    state = await followup(rig, seeded)  # the person stops here and answers nothing more
    assert state.level is Level.L3
    assert "speech_or_swallowing_change" in state.reasons
    async with rig.deps.sessions() as session:
        episode = await session.get_one(Episode, seeded.episode_id)
        assert episode.level == "L3" and "R-U2" in episode.reasons
    assert not (await reminder(rig, seeded.nudge_reminder_id)).active  # no nudges at L3
    assert state.next_checkin == checked_in_at.astimezone(ZoneInfo(ZONE)).replace(
        tzinfo=None
    ) + dt.timedelta(hours=4)  # L3's first check-in
    assert (await checkins(rig, seeded))[0].answers["escalated"] is True


async def test_f_e2_after_the_doctor_question_the_re_run_comes_prefilled_and_no_habits(
    rig: BotRig,
) -> None:
    person, _ = await checked_in(rig)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Have you seen a doctor about it?")
    await person.tap("Not yet")
    closing = await read_until(person, "General information only")
    assert "habit snapshot" not in closing and "Thanks, that's noted" not in closing
    await read_until(person, "Your earlier answers will already be ticked")
    await person.tap("Go through them again")
    area = await person.next_message()
    while area.edited:  # the offer, its buttons taken away
        area = await person.next_message()
    assert "2/10" in (area.text or "")
    assert any(label.startswith("✅") and "One eyelid" in label for label in area.button_labels())
    await person.tap("Done", message=area)
    await read_until(person, "3/10")
    await person.tap("3 to 13 days ago")
    for _ in range(2):  # Q4 and Q5 show the earlier choice ticked; tapping it confirms
        asked = await person.next_message()
        while "/10" not in (asked.text or "") or asked.edited:
            asked = await person.next_message()
        ticked = [label for label in asked.button_labels() if label.startswith("✅")]
        assert len(ticked) == 1
        await person.tap(ticked[0], message=asked)
    await read_until(person, "6/10")
    async with rig.deps.sessions() as session:
        rerun = await EpisodeRepository(session).active_session(person.user_id)
    assert rerun is not None and "N_BULBAR" in rerun.selection


async def test_f_e3_rev2_spread_is_assessed_at_once_as_more_than_one_place(rig: BotRig) -> None:
    person, seeded = await checked_in(rig)
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap("Spread to a new place")
    await read_until(person, "Anything new from this list?")
    await person.tap("Nothing new")
    advice = await read_until(person, "changes my advice")
    assert "Routine GP appointment" in advice
    assert "it's in more than one place" in advice
    await read_until(person, "Have you seen a doctor about it?")
    assert (await followup(rig, seeded)).level is Level.L1


async def test_a_check_in_with_nothing_new_shows_no_advice_and_keeps_the_habit_snapshot(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap("Same")
    await read_until(person, "Anything new from this list?")
    await person.tap("Nothing new")
    record = await person.next_message()
    assert record.edited
    snapshot = await person.next_message()
    assert "habit snapshot" in (snapshot.text or "")
    assert (await followup(rig, seeded)).level is Level.L0


async def test_f_e2_declining_the_re_run_keeps_the_raised_level_and_starts_nothing(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Have you seen a doctor about it?")
    await person.tap("Not yet")
    await read_until(person, "go through a few of the questions again")
    await person.tap("Not now")
    record = await person.next_message()  # the offer keeps the answer, its buttons gone
    assert record.edited and record.buttons == []
    assert (record.text or "").endswith("\n➜ Not now")
    await read_until(person, "The advice I gave stands")
    async with rig.deps.sessions() as session:
        assert await EpisodeRepository(session).active_session(person.user_id) is None
    assert (await followup(rig, seeded)).level is Level.L3


async def test_a_check_in_stopped_after_an_escalation_does_not_count_as_unanswered(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Have you seen a doctor about it?")
    raised = await followup(rig, seeded)
    later = await send_checkin(rig, person, seeded)  # the next one, +4 h at L3
    assert "Any of these now?" in (later.text or "")
    state = await followup(rig, seeded)
    assert state.unanswered == 0 and state.level is Level.L3
    assert state.next_checkin == raised.next_checkin


async def test_a_check_in_that_raised_the_level_breaks_a_run_of_silences(rig: BotRig) -> None:
    person = rig.user()
    seeded = await seed_followup(rig, person)
    first = await due_checkin(rig, seeded)  # goes unanswered
    assert first is not None and first.next_local is not None
    second = await due_checkin(rig, seeded, at_local=first.next_local)
    assert second is not None
    await deliver(rig, person, second)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Get advice today")  # and the person goes no further
    third = await due_checkin(rig, seeded)  # at the raised level's next check-in
    assert third is not None and third.text.startswith("Hi! Checking in on that twitch.")
    assert third.next_local is not None
    # The person was there at the second: the third alone unanswered is one silence, not two.
    fourth = await due_checkin(rig, seeded, at_local=third.next_local)
    assert fourth is not None and fourth.text.startswith("Hi! Checking in on that twitch.")
    assert not (await followup(rig, seeded)).closed
