"""Follow-up check-ins through the real Application and the Bot API stand-in (spec §4.2, §4.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.catalogue import languages
from bot.checkin_screens import NONE, data, safety_markup
from bot.playground.users import ScriptedUser
from storage.episodes import EpisodeRepository
from storage.models import Episode
from storage.statuses import TriageStatus
from tests import factories
from tests.bot.e2e.checkin_setup import (
    Seeded,
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
from triage.checkin_flow import EMERGENCY_SIGNS
from triage.flow import advance, start
from triage.levels import Level


async def answer_everyday(person: ScriptedUser, status: str) -> None:
    """Safety "No", the given status, nothing new, habits skipped."""
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap(status)
    await read_until(person, "Anything new from this list?")
    await person.tap("Nothing new")
    await read_until(person, "habit snapshot")
    await person.tap("Skip")


async def answer_and_read(person: ScriptedUser, status: str, fragment: str) -> str:
    """Answers as `answer_everyday` and returns the closing summary containing `fragment`."""
    await answer_everyday(person, status)
    return await read_until(person, fragment)


async def latest_answer(person: ScriptedUser) -> str:
    """The answer to the person's newest tap."""
    count = len(person.callback_answers)
    while len(person.callback_answers) == count:
        await person.next_callback_answer()
    return person.callback_answers[-1]


async def started(rig: BotRig) -> tuple[ScriptedUser, Seeded]:
    person = rig.user()
    return person, await seed_followup(rig, person)


async def test_the_first_screen_opens_with_the_safety_question_and_the_emergency_list(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    first = await send_checkin(rig, person, seeded)
    assert (first.text or "").startswith("Hi! Checking in on that twitch.")
    assert "Any of these now?" in (first.text or "")
    labels = first.button_labels()
    assert labels[0] == "No, none of these" and labels[1].startswith("Trouble breathing")
    assert all(len(row) == 1 for row in first.buttons)


@pytest.mark.parametrize("answer", ["No, none of these", "Trouble breathing"])
async def test_the_answered_safety_screen_keeps_its_opening_above_the_answer(
    rig: BotRig, answer: str
) -> None:
    person, seeded = await started(rig)
    first = await send_checkin(rig, person, seeded)
    await person.tap(answer, message=first)
    record = await person.next_message()
    assert record.edited and record.buttons == []
    text = record.text or ""
    assert text.startswith("Hi! Checking in on that twitch.")  # not a bare question
    assert "Any of these now?" in text and f"➜ {answer}" in text.splitlines()[-1]


@pytest.mark.parametrize("language", sorted(languages()))
def test_the_safety_question_pins_its_none_option_at_the_top_in_every_language(
    language: str,
) -> None:
    cat = languages()[language]
    buttons = [row[0] for row in safety_markup(cat, 7).inline_keyboard]
    none = (cat.text("checkin.safety.none"), data(7, "safety", NONE))
    assert (buttons[0].text, buttons[0].callback_data) == none
    assert [b.callback_data for b in buttons[1:]] == [data(7, "safety", s) for s in EMERGENCY_SIGNS]


async def test_a_late_check_in_says_sorry_first(rig: BotRig) -> None:
    _, seeded = await started(rig)
    prepared = await due_checkin(rig, seeded, late=True)
    assert prepared is not None and prepared.text.startswith("Sorry this is late.")


async def test_a_positive_safety_screen_shows_the_emergency_text_and_pauses_nudges(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    await send_checkin(rig, person, seeded)
    await person.tap("Trouble breathing", message=person.last)
    text = await read_until(person, "urgent medical help")
    assert "999" in text and "General information only" in text
    # Like the L4 result, it says the reminders stopped and that it will check in again.
    assert "I've paused all reminders and will check on you later." in text
    assert not (await reminder(rig, seeded.nudge_reminder_id)).active
    state = await followup(rig, seeded)
    assert state.level is Level.L4
    assert state.next_checkin == dt.datetime.combine(
        dt.date(2026, 11, 28), dt.time(22)
    )  # +12 h, before quiet hours
    assert (await checkins(rig, seeded))[0].level_after == "L4"
    await person.expect_quiet()


async def test_gone_says_so_and_checks_once_more_a_week_later(rig: BotRig) -> None:
    person, seeded = await started(rig)
    await send_checkin(rig, person, seeded)
    answered_on = (await followup(rig, seeded)).next_checkin
    assert answered_on is not None
    text = await answer_and_read(person, "Gone", "Great news.")
    assert "General information only" in text
    state = await followup(rig, seeded)
    assert state.next_checkin == dt.datetime.combine(
        answered_on.date() + dt.timedelta(days=7), dt.time(10)
    )
    checkin_row = await reminder(rig, seeded.checkin_reminder_id)
    assert checkin_row.active
    assert checkin_row.schedule.schedule.dates == (state.next_checkin.date(),)
    assert (await reminder(rig, seeded.nudge_reminder_id)).active


async def test_better_thanks_the_person_and_pushes_the_next_check_in_out_a_day(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    await send_checkin(rig, person, seeded)  # day 3
    text = await answer_and_read(person, "Better", "Next check-in")
    assert "Thanks" in text
    state = await followup(rig, seeded)
    assert state.better_streak == 1
    assert state.next_checkin == dt.datetime.combine(
        dt.date(2026, 12, 2), dt.time(10)
    )  # day 6, plus one (F-T1)


async def test_worse_begins_a_partial_re_triage_at_the_area_question(rig: BotRig) -> None:
    person, seeded = await started(rig)
    await send_checkin(rig, person, seeded)
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap("Worse")
    await read_until(person, "Anything new from this list?")
    await person.tap("Nothing new")
    await read_until(person, "habit snapshot")
    await person.tap("Skip")
    await read_until(person, "go through a few of the questions again")
    await person.tap("Go through them again")
    await read_until(person, "2/10")
    async with rig.deps.sessions() as session:
        rerun = await EpisodeRepository(session).active_session(person.user_id)
    assert rerun is not None
    assert (rerun.episode_id, rerun.step) == (seeded.episode_id, "Q2_AREA")


async def test_seen_by_a_doctor_who_said_keep_an_eye_on_it_turns_on_monitoring(
    rig: BotRig,
) -> None:
    person = rig.user()
    # Three weeks of twitching is a routine GP visit (L1), so the doctor is asked.
    seeded = await seed_followup(rig, person, duration="D_2_6W")
    assert (await followup(rig, seeded)).level is Level.L1
    await send_checkin(rig, person, seeded)
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    await person.tap("Same")
    await read_until(person, "Anything new")
    await person.tap("Nothing new")
    await read_until(person, "seen a doctor")
    await person.tap("Seen")
    await read_until(person, "What did they suggest?")
    await person.tap("Keep an eye on it")
    await read_until(person, "habit snapshot")
    await person.tap("Skip")
    text = await read_until(person, "glad you've been seen")
    assert "once a week" in text
    state = await followup(rig, seeded)
    assert state.monitoring and state.seen
    first = await send_checkin(rig, person, seeded)
    await person.tap("No, none of these", message=first)
    await read_until(person, "Next check-in")  # monitoring asks the safety screen only


async def test_the_goodbye_after_two_silences_at_get_advice_today_says_to_be_seen_today(
    rig: BotRig,
) -> None:
    _, seeded = await started(rig)
    async with rig.deps.sessions.begin() as session:  # the twitch stood at L3 when it went quiet
        episode = await session.get_one(Episode, seeded.episode_id)
        assert episode.followup is not None
        episode.followup = replace(episode.followup, level=Level.L3)
    first = await due_checkin(rig, seeded)
    assert first is not None and first.next_local is not None
    second = await due_checkin(rig, seeded, at_local=first.next_local)
    assert second is not None and second.next_local is not None
    closing = await due_checkin(rig, seeded, at_local=second.next_local)
    assert closing is not None and closing.text.startswith("I haven't heard back")
    assert "make sure you're seen today" in closing.text and "999" in closing.text
    assert "please see your GP" not in closing.text


async def test_two_unanswered_check_ins_end_with_the_closing_message_and_stop_everything(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    first = await due_checkin(rig, seeded)
    assert first is not None and first.next_local is not None
    shown = await deliver(rig, person, first)
    second = await due_checkin(rig, seeded, at_local=first.next_local)
    assert second is not None and second.markup is not None and second.next_local is not None
    closing = await due_checkin(rig, seeded, at_local=second.next_local)
    assert closing is not None
    assert closing.text.startswith("I haven't heard back")
    assert "999" in closing.text and closing.markup is None and closing.next_local is None
    assert (await followup(rig, seeded)).closed
    assert not (await reminder(rig, seeded.nudge_reminder_id)).active
    assert not (await reminder(rig, seeded.checkin_reminder_id)).active
    later = second.next_local + dt.timedelta(days=1)
    assert await due_checkin(rig, seeded, at_local=later) is None
    # A late tap on the first one is not promised a next check-in that will never come.
    await person.tap("No, none of these", message=shown)
    said = await latest_answer(person)
    assert "stopped checking in" in said and "next one" not in said


async def test_a_check_in_answered_halfway_is_no_silence_and_the_check_ins_go_on(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    first = await due_checkin(rig, seeded)  # goes unanswered
    assert first is not None and first.next_local is not None
    second = await due_checkin(rig, seeded, at_local=first.next_local)
    assert second is not None and second.next_local is not None
    shown = await deliver(rig, person, second)
    await person.tap("No, none of these", message=shown)
    await read_until(person, "How's the twitch now?")  # and the person goes no further
    third = await due_checkin(rig, seeded, at_local=second.next_local)
    assert third is not None and third.text.startswith("Hi! Checking in on that twitch.")
    assert third.markup is not None
    assert not (await followup(rig, seeded)).closed
    assert (await reminder(rig, seeded.checkin_reminder_id)).active
    # The streak of silences starts again: two more in a row say goodbye, not one.
    assert third.next_local is not None
    fourth = await due_checkin(rig, seeded, at_local=third.next_local)
    assert fourth is not None and fourth.text.startswith("Hi! Checking in on that twitch.")


async def test_a_tap_on_a_finished_check_in_is_answered_gently_and_changes_nothing(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    first = await send_checkin(rig, person, seeded)
    await answer_and_read(person, "Better", "Next check-in")
    before = await followup(rig, seeded)
    await person.tap_data(first.flat_buttons()[0].callback_data or "", message=first)
    assert "finished" in await latest_answer(person)
    await person.expect_quiet()
    assert await followup(rig, seeded) == before


async def test_a_tap_on_a_check_in_left_for_a_newer_one_points_to_the_newer_one(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    shown = []
    at_local = None
    for _ in range(2):  # the first is left unanswered
        prepared = await due_checkin(rig, seeded, at_local=at_local)
        assert prepared is not None
        shown.append(await deliver(rig, person, prepared))
        at_local = prepared.next_local
    first, second = shown
    await person.tap("No, none of these", message=first)
    assert "newer check-in" in await latest_answer(person)
    await person.expect_quiet()
    await person.tap("No, none of these", message=second)  # the newer one still works
    await read_until(person, "How's the twitch now?")


async def test_a_tap_on_someone_elses_check_in_is_refused(rig: BotRig) -> None:
    person, seeded = await started(rig)
    first = await send_checkin(rig, person, seeded)
    stranger = rig.user(user_id=502)
    await stranger.send("/help")
    await stranger.next_message()
    await stranger.tap_data(first.flat_buttons()[0].callback_data or "")
    assert "no longer active" in await latest_answer(stranger)
    assert (await checkins(rig, seeded))[0].answers == {}


async def test_a_restart_between_two_answers_carries_on_at_the_same_screen(rig: BotRig) -> None:
    person, seeded = await started(rig)
    await send_checkin(rig, person, seeded)
    await person.tap("No, none of these")
    await read_until(person, "How's the twitch now?")
    status = person.transcript()[-1]
    await rig.restart()
    await person.tap("Gone", message=status)
    await read_until(person, "Anything new")
    signs = person.transcript()[-1]
    await person.tap(signs.button_labels()[1], message=signs)
    ticked = await person.next_message()
    assert ticked.edited and ticked.button_labels()[1].startswith("✅")
    await rig.restart()
    await person.tap("Nothing new", message=ticked)
    await read_until(person, "habit snapshot")
    row = (await checkins(rig, seeded))[0]
    assert row.answers == {"safety": False, "status": "gone", "new_signs": []}


async def test_danger_words_mid_check_in_lead_back_to_it_past_an_older_unfinished_triage(
    rig: BotRig,
) -> None:
    person, seeded = await started(rig)
    earlier = rig.clock.now() - dt.timedelta(hours=3)  # a triage left on its second question
    async with rig.deps.sessions.begin() as session:
        left = factories.triage_session(person.user_id, seeded.episode_id, at=earlier)
        left.step, left.status = "Q2_AREA", TriageStatus.ACTIVE
        left.answers = advance(start().state, frozenset({"E_NONE"}), earlier.date()).state
        session.add(left)
    first = await send_checkin(rig, person, seeded)
    await person.tap("No, none of these", message=first)
    await read_until(person, "How's the twitch now?")
    await person.send("my chest is tight")
    await read_until(person, "call 999")
    await person.tap("No, I was describing something else")
    await read_until(person, "Here is where you were")
    screen = await person.next_message()
    assert screen.text == "How's the twitch now?" and "Same" in screen.button_labels()


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("kms", "Carry on"), ("my chest is tight", "No, I was describing something else")],
)
async def test_danger_words_typed_mid_check_in_lead_back_to_the_screen_waiting(
    rig: BotRig, typed: str, answer: str
) -> None:
    person, seeded = await started(rig)
    first = await send_checkin(rig, person, seeded)
    await person.tap("No, none of these", message=first)
    await read_until(person, "How's the twitch now?")
    await person.send(typed)
    await read_until(person, "call 999")
    await person.tap(answer)
    await read_until(person, "Here is where you were")
    screen = await person.next_message()
    assert screen.text == "How's the twitch now?" and "Same" in screen.button_labels()
    await person.tap("Same", message=screen)
    await read_until(person, "Anything new from this list?")
