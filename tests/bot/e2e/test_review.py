"""The review before a triage result: every answer on one screen, "See my result", and
"Change N", which asks that question again and comes back to the review."""

from __future__ import annotations

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, SEE_RESULT, answer, episode_of, label
from triage.questions import MAIN_ORDER, QUESTIONS

CAT = catalogue_for(None)
TITLE = CAT.text("review.title")


async def to_review(person: ScriptedUser) -> str:
    """Answers the ten calm questions; returns the review's text."""
    for question_id in MAIN_ORDER:
        if question_id != MAIN_ORDER[0]:
            await read_until(person, CAT.text(f"question.{question_id}.text"))
        await answer(person, question_id, CALM[question_id])
    return await read_until(person, TITLE)


async def test_the_review_lists_every_answer_and_see_my_result_gives_the_result(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    review = await to_review(person)
    assert len(review.splitlines()) == 1 + len(MAIN_ORDER)
    for n, question_id in enumerate(MAIN_ORDER, 1):
        line = review.splitlines()[n]
        none = {o.id for o in QUESTIONS[question_id].options if o.exclusive}
        shown = [CAT.text("review.none") if o in none else label(o) for o in CALM[question_id]]
        assert line.startswith(f"{n} ") and all(words in line for words in shown), line
    assert person.last is not None
    assert person.last.button_labels() == [SEE_RESULT] + [f"Change {n}" for n in range(1, 11)]
    await person.tap(SEE_RESULT)
    result = await read_until(person, "Result:")
    assert CAT.text("level.L0.name") in result
    assert (await episode_of(rig, person.user_id)).level == "L0"


async def test_changing_an_answer_on_the_review_changes_the_result(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await to_review(person)
    await person.tap("Change 3")
    await read_until(person, CAT.text("question.Q3_DURATION.text"))
    assert person.last is not None
    assert f"✅ {label('D_LT3D')}" in person.last.button_labels()
    await answer(person, "Q3_DURATION", ["D_2_6W"])  # two to six weeks: a routine GP visit
    review = await read_until(person, TITLE)
    assert label("D_2_6W") in review and label("D_LT3D") not in review
    await person.tap(SEE_RESULT)
    result = await read_until(person, "Result:")
    assert CAT.text("level.L1.name") in result
    assert (await episode_of(rig, person.user_id)).level == "L1"


async def test_an_emergency_sign_given_on_the_review_skips_it_for_the_emergency_result(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await to_review(person)
    await person.tap("Change 1")
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))
    await person.tap(label("E_NONE"))  # unticked: the emergency sign alone
    await person.next_message()
    await answer(person, "Q1_EMERGENCY", ["E_BREATH"])
    result = await read_until(person, "Result:", limit=3)
    assert CAT.text("level.L4.name") in result
    assert (await episode_of(rig, person.user_id)).level == "L4"


async def test_a_restart_on_the_review_carries_on_from_it(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await to_review(person)
    await rig.restart()
    await person.send("/triage")
    await read_until(person, CAT.text("triage_ui.in_progress"))
    await person.tap(CAT.text("triage_ui.continue"))
    await read_until(person, TITLE)
    await person.tap(SEE_RESULT)
    assert CAT.text("level.L0.name") in await read_until(person, "Result:")


async def test_a_stale_tap_on_an_old_review_shows_where_the_questionnaire_stands(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await to_review(person)
    review = person.last
    assert review is not None
    await person.tap("Change 4")
    await read_until(person, CAT.text("question.Q4_BOTHER.text"))
    see = next(b for b in review.flat_buttons() if b.text == SEE_RESULT)
    assert see.callback_data is not None
    await person.tap_data(see.callback_data, message=review)
    await read_until(person, CAT.text("question.Q4_BOTHER.text"))
    assert (await episode_of(rig, person.user_id)).level is None
