"""The questionnaire through the real Application and the stand-in: one person per level and
per exit, restarts, and the bad inputs a real chat brings."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from sqlalchemy import select

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser, SentMessage
from storage.models import Episode, Reminder, TriageSession
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from triage.assess import assess
from triage.nudges import needs_preferences

CAT = catalogue_for(None)
SEE_RESULT = CAT.text("review.see_result")

CALM = {
    "Q1_EMERGENCY": ["E_NONE"],
    "Q2_AREA": ["A_EYELID"],
    "Q3_DURATION": ["D_LT3D"],
    "Q4_BOTHER": ["B_LOW"],
    "Q5_CHANGE": ["T_SAME"],
    "Q6_NERVE": ["N_NONE"],
    "Q7_EYE_BODY": ["S_NONE"],
    "Q8_CAFFEINE": ["C1_2"],
    "Q9_TRIGGERS": ["TR_SLEEP"],
    "Q10_CONTEXT": ["X_NONE"],
}


def label(option_id: str) -> str:
    return CAT.text(f"option.{option_id}")


async def answer(person: ScriptedUser, question_id: str, picks: list[str]) -> None:
    """Answers the question on screen: one tap, or ticks then Done."""
    for option in picks:
        await person.tap(label(option))
        if question_id in MULTI:
            edited = await person.next_message()
            assert edited.edited and f"✅ {label(option)}" in edited.button_labels()
    if question_id in MULTI:
        await person.tap(CAT.text("triage_ui.done"))


MULTI = {"Q1_EMERGENCY", "Q2_AREA", "Q6_NERVE", "Q7_EYE_BODY", "Q9_TRIGGERS", "Q10_CONTEXT"}


def plan_questions(answers: dict[str, list[str]]) -> frozenset[str]:
    """Which of the plan's own questions follow this result (bedtime, workout)."""
    chosen = {qid: frozenset(picks) for qid, picks in answers.items()}
    return needs_preferences(assess(chosen, dt.date(2026, 11, 25)), chosen)


async def walk(person: ScriptedUser, answers: dict[str, list[str]]) -> str:
    """Answers every question asked, in order, until the result; returns the whole result."""
    pending = person.last  # the question already on screen
    for _ in range(40):
        message = pending or await person.next_message()
        pending = None
        text = message.text or ""
        if "Result:" in text:
            return await read_result(person, message, answers)
        if message.edited or not message.buttons:
            continue
        if SEE_RESULT in message.button_labels():  # the review of every answer
            await person.tap(SEE_RESULT, message=message)
            continue
        question_id = next(
            qid
            for qid in [*answers, "Q6_WEAK_CHECK", "Q8_STRONG"]
            if CAT.text(f"question.{qid}.text") in text
        )
        await answer(person, question_id, answers[question_id])
    raise AssertionError("the questionnaire did not finish")


async def read_result(
    person: ScriptedUser, first: SentMessage, answers: dict[str, list[str]]
) -> str:
    """The result's first message and every detail behind its buttons ("Why?", "Tips", "My
    plan"), tapped in turn; an emergency's result comes whole, in messages of its own."""
    shown, asked = [first.text or ""], []
    while "General information only" not in shown[-1]:
        shown.append((await person.next_message()).text or "")
    for label in first.button_labels():
        await person.tap(label, message=first)
        while (message := await person.next_message()).edited or message.buttons:
            if not message.edited:
                asked.append(message.text or "")  # the plan's own question, asked meanwhile
        shown.append(message.text or "")
    planned = CAT.text("result_details.plan") in first.button_labels()
    if not asked and planned and plan_questions(answers):
        # The plan needs a bedtime or workout times: asked once, unless known already.
        with contextlib.suppress(AssertionError):
            asked.append((await person.next_message(timeout=1.0)).text or "")
    return "\n".join(shown + asked)


async def episode_of(rig: BotRig, user_id: int) -> Episode:
    async with rig.deps.sessions() as session:
        query = select(Episode).where(Episode.user_id == user_id).order_by(Episode.id.desc())
        return (await session.execute(query)).scalars().first()  # type: ignore[return-value]


async def test_a_calm_eyelid_twitch_is_self_care_with_a_plan_in_plain_words(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    result = await walk(person, CALM)
    assert CAT.text("level.L0.name") in result
    assert "General information only, not a diagnosis" in result and "999" in result
    assert "What happens next:" in result and "I'll check in on" in result
    episode = await episode_of(rig, person.user_id)
    assert (episode.level, episode.reasons) == ("L0", ["R-0"])
    async with rig.deps.sessions() as session:
        kinds = {r.kind for r in (await session.execute(select(Reminder))).scalars()}
    assert {"N_HYDRATE", "N_SLEEP", "N_EYE_BREAK", "CHECKIN"} <= kinds


@pytest.mark.parametrize(
    ("changes", "level", "rule"),
    [
        pytest.param({"Q3_DURATION": ["D_2_6W"]}, "L1", "R-R1", id="L1-lasted-over-two-weeks"),
        pytest.param({"Q7_EYE_BODY": ["V_RED"]}, "L2", "R-S7", id="L2-red-eye"),
        pytest.param({"Q10_CONTEXT": ["M_PPI"]}, "L3", "R-U7", id="L3-long-term-ppi"),
    ],
)
async def test_each_level_gives_its_advice_and_says_what_happens_next(
    rig: BotRig, changes: dict[str, list[str]], level: str, rule: str
) -> None:
    person = rig.user()
    await onboard(person)
    result = await walk(person, {**CALM, **changes})
    assert CAT.text(f"level.{level}.name") in result
    episode = await episode_of(rig, person.user_id)
    assert episode.level == level and rule in episode.reasons
    if level == "L3":
        assert "paused all reminders" in result
        assert "today" in result.lower()
    else:
        assert "What happens next:" in result


async def test_any_emergency_sign_ends_the_questions_at_once_with_the_emergency_text(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_BREATH"])
    result = await read_until(person, "Result:")
    assert CAT.text("level.L4.name") in result and "999" in result
    episode = await episode_of(rig, person.user_id)
    assert (episode.level, episode.reasons) == ("L4", ["R-E1"])
    async with rig.deps.sessions() as session:
        nudges = (
            (await session.execute(select(Reminder).where(Reminder.kind != "CHECKIN")))
            .scalars()
            .all()
        )
    assert list(nudges) == []


async def test_without_reminders_an_urgent_result_pauses_nothing_it_never_had(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person, reminders=False)
    result = await walk(person, {**CALM, "Q10_CONTEXT": ["M_PPI"]})  # get advice today
    assert CAT.text("level.L3.name") in result
    assert "paused" not in result and CAT.text("triage_ui.next_one_off") in result
    await person.send("/triage")
    await read_until(person, "has changed")
    await person.tap(CAT.text("repeat_check.again"))
    await read_until(person, "1/10")
    await answer(person, "Q1_EMERGENCY", ["E_BREATH"])
    await read_until(person, "Result:")
    closing = await read_until(person, "General information only")
    assert "paused" not in closing and "999" in closing


async def test_a_known_condition_sends_the_person_back_to_their_care_team(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    result = await walk(person, {**CALM, "Q10_CONTEXT": ["X_KNOWN_DX"]})
    assert "care team" in result
    assert (await episode_of(rig, person.user_id)).level == "L1"


async def test_feeling_heavy_but_able_is_not_counted_as_weakness(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    answers = {**CALM, "Q6_NERVE": ["N_WEAK"], "Q6_WEAK_CHECK": ["W_FEEL"]}
    result = await walk(person, answers)
    assert CAT.text("level.L0.name") in result


async def test_every_question_carries_the_emergency_help_button_which_shows_the_l4_text(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    question = person.last
    assert question is not None
    assert CAT.text("triage_ui.emergency_button") in question.button_labels()
    await person.tap(CAT.text("triage_ui.emergency_button"))
    text = (await person.next_message()).text or ""
    assert "999" in text and "urgent medical help" in text.lower()


async def test_a_restart_between_two_answers_resumes_at_the_same_question(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await rig.restart()
    await person.tap(label("A_ARM"))
    edited = await person.next_message()
    assert f"✅ {label('A_ARM')}" in edited.button_labels()
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, CAT.text("question.Q3_DURATION.text"))


async def test_the_same_tick_arriving_twice_leaves_the_option_ticked(rig: BotRig) -> None:
    """Telegram retries a tap whose answer was cut off; a double tap sends it twice too."""
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    question = person.last
    assert question is not None
    arm = next(b for b in question.flat_buttons() if b.text == label("A_ARM"))
    assert arm.callback_data is not None
    answered = len(person.callback_answers)
    for _ in range(2):
        await person.tap_data(arm.callback_data, message=question)
    assert await rig.api.wait_until(lambda: len(person.callback_answers) >= answered + 2, 10)
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, CAT.text("question.Q3_DURATION.text"))


async def test_text_where_a_button_is_expected_asks_for_the_buttons_and_shows_the_question(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.send("my left eye")
    assert "pick one of the buttons" in ((await person.next_message()).text or "")
    again = await person.next_message()
    assert CAT.text("question.Q1_EMERGENCY.text") in (again.text or "")


async def test_an_answer_to_a_question_that_has_moved_on_is_refused_and_the_current_shown(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    q1 = person.last
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await person.tap_data(q1.buttons[0][0].callback_data or "", message=q1)  # type: ignore[union-attr]
    again = await read_until(person, CAT.text("question.Q2_AREA.text"))
    assert CAT.text("question.Q2_AREA.text") in again
    assert person.callback_answers[-1] == CAT.text("triage_ui.moved_on")


async def test_forged_or_foreign_triage_buttons_change_nothing(rig: BotRig) -> None:
    person, other = rig.user(), rig.user(user_id=502)
    await onboard(person)
    await onboard(other)
    async with rig.deps.sessions() as session:
        theirs = (
            await session.execute(select(TriageSession).where(TriageSession.user_id == 502))
        ).scalar_one()
    await person.tap_data(f"t:{theirs.id}:Q1_EMERGENCY:E_BREATH")
    await person.tap_data("t:999999:Q1_EMERGENCY:E_NONE")
    await person.tap_data("t:abc:def")
    await person.expect_quiet()
    assert person.callback_answers[-3:] == ["That button is no longer active."] * 3
    async with rig.deps.sessions() as session:
        theirs_now = await session.get(TriageSession, theirs.id)
    assert theirs_now is not None and theirs_now.step == "Q1_EMERGENCY"


async def test_done_with_nothing_ticked_asks_for_a_tick(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("triage_ui.done"))
    await person.expect_quiet()
    assert person.callback_answers[-1] == CAT.text("triage_ui.nothing_ticked")


async def test_triage_in_the_middle_of_one_offers_to_carry_on_or_start_again(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await person.send("/triage")
    await read_until(person, "middle of the questionnaire")
    await person.tap(CAT.text("triage_ui.continue"))
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await person.send("/triage")
    await read_until(person, "middle of the questionnaire")
    await person.tap(CAT.text("triage_ui.restart"))
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))


async def test_emergency_words_typed_anywhere_show_the_emergency_text(rig: BotRig) -> None:
    person = rig.user()
    await person.send("I cant braethe properly")
    text = (await person.next_message()).text or ""
    assert "urgent medical help" in text.lower()


async def test_asking_could_this_be_als_gets_the_careful_answer_and_the_question_again(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.send("could this be ALS?")
    text = (await person.next_message()).text or ""
    assert "can't tell what's causing a twitch" in text
    assert CAT.text("question.Q1_EMERGENCY.text") in ((await person.next_message()).text or "")


async def test_two_devices_tapping_the_same_keyboard_keep_one_consistent_answer(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await answer(person, "Q1_EMERGENCY", ["E_NONE"])
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    area = person.last
    assert area is not None
    # Phone and laptop tick different places on the same message, one right after the other.
    await person.tap(label("A_ARM"), message=area)
    await person.tap(label("A_LEG"), message=area)
    await person.tap(CAT.text("triage_ui.done"), message=area)
    duration = await read_until(person, CAT.text("question.Q3_DURATION.text"))
    assert duration
    question = person.last
    assert question is not None
    # Both devices then tap an answer on the duration question: the first one counts.
    await person.tap(label("D_LT3D"), message=question)
    await person.tap(label("D_GT6W"), message=question)
    await read_until(person, CAT.text("question.Q4_BOTHER.text"))
    await read_until(person, CAT.text("question.Q4_BOTHER.text"))  # shown again to the late tap
    async with rig.deps.sessions() as session:
        triage = (await session.execute(select(TriageSession))).scalar_one()
    assert triage.step == "Q4_BOTHER"
    assert triage.answers.answers["Q2_AREA"] == {"A_ARM", "A_LEG"}
    assert triage.answers.answers["Q3_DURATION"] == {"D_LT3D"}
    assert CAT.text("triage_ui.moved_on") in person.callback_answers
