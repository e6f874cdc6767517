"""Back in the questionnaire: the Back button (or typing "back") re-asks the question before
with its answer still ticked, and the result follows the changed answer."""

from __future__ import annotations

from bot.catalogue import catalogue_for
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_settings import open_settings, planned_person, user_row
from tests.bot.e2e.test_triage import CALM, answer, label, walk

CAT = catalogue_for(None)
BACK = CAT.text("back.button")


async def test_back_re_asks_the_previous_question_with_its_answer_ticked(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, "2/10")
    await answer(person, "Q2_AREA", ["A_LEG"])
    await read_until(person, "3/10")
    await person.tap(BACK)
    await read_until(person, CAT.text("back.went_back"))
    again = await read_until(person, "2/10")
    assert "Tick any, then Done." not in again  # said once, on the first list only
    assert person.last is not None
    assert f"✅ {label('A_LEG')}" in person.last.button_labels()
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, "3/10")


async def test_typing_back_goes_back_and_a_changed_answer_changes_the_result(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, "2/10")
    await answer(person, "Q2_AREA", ["A_EYELID"])
    await read_until(person, "3/10")
    await answer(person, "Q3_DURATION", ["D_LT3D"])
    await read_until(person, "4/10")
    await person.send("back")
    await read_until(person, "3/10")
    await answer(person, "Q3_DURATION", ["D_GT6W"])  # over six weeks: a routine GP visit
    await read_until(person, "4/10")
    result = await walk(person, CALM)
    assert CAT.text("level.L1.name") in result


async def test_none_of_these_comes_first_on_every_list(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    first = person.last
    assert first is not None and first.button_labels()[0] == label("E_NONE")
    assert BACK not in first.button_labels()  # nothing to go back to
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    second = await read_until(person, "2/10")
    assert second and person.last and BACK in person.last.button_labels()


async def test_back_during_onboarding_returns_to_the_step_before(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("No reminders")
    await read_until(person, "18 or over?")
    await person.tap(BACK)
    await read_until(person, "reminders and check-ins?")
    await person.tap("Yes, remind me")
    await read_until(person, "18 or over?")
    await person.tap("I'm 18 or over")
    await read_until(person, "Which country")
    await person.tap("United Kingdom")
    await read_until(person, "Or pick one:")
    await person.tap(BACK)
    await read_until(person, "Which country")
    await person.tap("United Kingdom")
    await read_until(person, "Or pick one:")
    await person.tap("Europe/London")
    done = await read_until(person, "All set.")
    assert "Reminders follow the questions." in done


async def test_back_from_a_settings_question_shows_the_settings_again(rig: BotRig) -> None:
    person = await planned_person(rig)
    await open_settings(person, "🌙 Quiet hours")
    await read_until(person, "Quiet hours are")
    await person.tap(CAT.text("back.to_settings"))
    await read_until(person, "Your settings")
    await person.send("23:00-07:00")  # no longer awaited as quiet hours
    await read_until(person, "didn't quite get that")
    assert (await user_row(rig)).quiet_start == "22:30"
