"""Back in a check-in: every screen after the first goes back to the one before with its answer
ticked, typing "back" does the same, and a level raised by a new sign is never lowered."""

from __future__ import annotations

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage
from tests.bot.e2e.checkin_setup import (
    checked_in,
    checkins,
    followup,
    seed_followup,
    send_checkin,
)
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from tests.bot.e2e.test_checkin_escalation import SWALLOWING, tick_new_sign
from triage.levels import Level

CAT = catalogue_for(None)
BACK = CAT.text("back.button")
WENT_BACK = CAT.text("back.went_back")
STATUS = "How's the twitch now?"
SIGNS = "Anything new from this list?"
HABITS = "habit snapshot"
DOCTOR = "Have you seen a doctor about it?"


async def screen(person: ScriptedUser, fragment: str) -> SentMessage:
    """The next message containing `fragment`, as the person sees it."""
    await read_until(person, fragment)
    assert person.last is not None
    return person.last


async def to_habits(person: ScriptedUser, status: str = "Same") -> None:
    await person.tap("No, none of these")
    await screen(person, STATUS)
    await person.tap(status)
    await screen(person, SIGNS)
    await person.tap("Nothing new")
    await screen(person, HABITS)


async def test_back_from_each_screen_returns_to_the_previous_one_with_its_answer_ticked(
    rig: BotRig,
) -> None:
    person = rig.user()
    seeded = await seed_followup(rig, person)
    first = await send_checkin(rig, person, seeded)
    assert BACK not in first.button_labels()  # nothing before the safety question
    await to_habits(person)
    await person.tap(BACK)
    await read_until(person, WENT_BACK)
    signs = await screen(person, SIGNS)
    assert "✅ Nothing new" in signs.button_labels()
    await person.tap(BACK, message=signs)
    status = await screen(person, STATUS)
    assert "✅ Same" in status.button_labels() and BACK in status.button_labels()
    await person.tap(BACK, message=status)
    safety = await screen(person, "Any of these now?")
    assert safety.button_labels()[0] == "✅ No, none of these"
    assert BACK not in safety.button_labels()
    row = (await checkins(rig, seeded))[0]
    assert row.step == "safety"
    assert row.answers == {"safety": False, "status": "same", "new_signs": []}


async def test_changing_the_status_after_back_changes_what_is_stored_and_what_follows(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await to_habits(person, "Same")
    await person.tap(BACK)
    signs = await screen(person, SIGNS)
    await person.tap(BACK, message=signs)
    status = await screen(person, STATUS)
    await person.tap("Better", message=status)
    again = await screen(person, SIGNS)
    assert "✅ Nothing new" in again.button_labels()  # the answer already given is kept
    await person.tap("Done", message=again)
    await screen(person, HABITS)
    await person.tap("Skip")
    summary = await read_until(person, "Next check-in")
    assert "Thanks" in summary
    row = (await checkins(rig, seeded))[0]
    assert row.answers["status"] == "better" and row.status == "answered"


async def test_back_past_a_new_sign_never_lowers_the_level_it_raised(rig: BotRig) -> None:
    person, seeded = await checked_in(rig)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Get advice today")
    doctor = await screen(person, DOCTOR)
    raised = (await followup(rig, seeded)).level
    assert raised > Level.L0
    await person.tap(BACK, message=doctor)
    signs = await screen(person, SIGNS)
    assert f"✅ {SWALLOWING}" in signs.button_labels()
    await person.tap(SWALLOWING, message=signs)  # unticked: nothing new after all
    unticked = await person.next_message()
    await person.tap("Nothing new", message=unticked)
    await screen(person, DOCTOR)
    assert (await followup(rig, seeded)).level == raised
    await person.tap("Not yet")
    await read_until(person, "Next check-in")
    assert (await followup(rig, seeded)).level >= raised
    assert (await checkins(rig, seeded))[0].answers["escalated"] is True


async def test_typing_back_goes_to_the_previous_screen(rig: BotRig) -> None:
    person, seeded = await checked_in(rig)
    await person.tap("No, none of these")
    await screen(person, STATUS)
    await person.tap("Gone")
    await screen(person, SIGNS)
    await person.send("go back")
    await read_until(person, WENT_BACK)
    status = await screen(person, STATUS)
    assert "✅ Gone" in status.button_labels()
    assert (await checkins(rig, seeded))[0].step == "status"


async def test_typing_back_on_the_first_screen_says_there_is_nothing_before(
    rig: BotRig,
) -> None:
    person, _ = await checked_in(rig)
    await person.send("back")
    await read_until(person, CAT.text("checkin_ui.back_first"))
    await screen(person, "Any of these now?")


async def test_a_back_on_an_old_screen_is_answered_kindly_and_changes_nothing(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await person.tap("No, none of these")
    status = await screen(person, STATUS)
    await person.tap("Same", message=status)
    await screen(person, SIGNS)
    back = next(b for b in status.flat_buttons() if b.text == BACK)
    await person.tap_data(back.callback_data or "", message=status)
    count = len(person.callback_answers)
    while len(person.callback_answers) == count:
        await person.next_callback_answer()
    assert "already been answered" in person.callback_answers[-1]
    assert (await checkins(rig, seeded))[0].step == "new_signs"


async def test_a_restart_after_back_carries_on_at_the_screen_gone_back_to(rig: BotRig) -> None:
    person, seeded = await checked_in(rig)
    await person.tap("No, none of these")
    await screen(person, STATUS)
    await person.tap("Same")
    signs = await screen(person, SIGNS)
    await person.tap(BACK, message=signs)
    status = await screen(person, STATUS)
    await rig.restart()
    await person.tap("Worse", message=status)
    await screen(person, SIGNS)
    assert (await checkins(rig, seeded))[0].answers["status"] == "worse"


async def test_the_same_new_sign_answered_again_after_back_keeps_the_escalation_marked(
    rig: BotRig,
) -> None:
    person, seeded = await checked_in(rig)
    await tick_new_sign(person, "Same", SWALLOWING)
    await read_until(person, "Get advice today")
    doctor = await screen(person, DOCTOR)
    await person.tap(BACK, message=doctor)
    signs = await screen(person, SIGNS)
    await person.tap("Done", message=signs)
    again = await screen(person, DOCTOR)  # the advice already shown is not repeated
    assert not any("Get advice today" in (m.text or "") for m in person.transcript()[-2:])
    assert (await checkins(rig, seeded))[0].answers["escalated"] is True
    await person.tap("Not yet", message=again)
    await read_until(person, "Next check-in")
    assert (await checkins(rig, seeded))[0].answers["escalated"] is True
