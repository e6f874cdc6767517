"""The free-text safety net through the real Application and the stand-in (spec §2.1): every
phrasing from the safety review at the idle prompt and mid-questionnaire, the two buttons,
captions and edits, and help that still shows when storage is gone."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.catalogue import catalogue_for
from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser
from storage.db import create_engine, session_factory
from storage.models import Episode, Reminder, TriageSession
from tests.bot.e2e.harness import START, BotRig
from tests.bot.e2e.steps import onboard, read_until, see_result
from triage.schedule import CHECKIN

CAT = catalogue_for(None)
HAPPENING = CAT.text("safety.happening_now")
SOMETHING_ELSE = CAT.text("safety.something_else")
CARRY_ON = CAT.text("safety.carry_on")
URGENT = "urgent medical help"
SAMARITANS = "116 123"
CARELESS = "can't tell what's causing a twitch"
FALLBACK = "your local emergency number (999 UK, 112 EU, 911 US/Canada)"

EMERGENCY_PHRASES = [
    "my face feels numb on one side",
    "worst headache of my life",
    "my chest hurts",
    "heart is pounding",
    "I blacked out",
    "trouble swallowing",
    "my arm went weak and numb an hour ago, could it be MS",
    "am i dying? my chest is tight",
]
CRISIS_PHRASES = [
    "I want to end it",
    "kill my self",
    "no point living",
    "kms",
    "wish I were dead",
    "I'd rather be dead than have ALS",
]
MULTI = {"Q1_EMERGENCY", "Q2_AREA", "Q6_NERVE", "Q7_EYE_BODY", "Q9_TRIGGERS", "Q10_CONTEXT"}
CALM = {
    "Q1_EMERGENCY": ["E_NONE"],
    "Q2_AREA": ["A_EYELID"],
    "Q3_DURATION": ["D_LT3D"],
    "Q4_BOTHER": ["B_LOW"],
    "Q5_CHANGE": ["T_SAME"],
    "Q6_NERVE": ["N_NONE"],
    "Q7_EYE_BODY": ["S_NONE"],
    "Q8_CAFFEINE": ["C1_2"],
    "Q9_TRIGGERS": ["TR_STRESS"],
    "Q10_CONTEXT": ["X_NONE"],
}


async def answer(
    person: ScriptedUser, question_id: str, picks: list[str], *, shown: bool = False
) -> None:
    """Ticks `picks` on the question, read from the chat unless already `shown`."""
    if not shown:
        await read_until(person, CAT.text(f"question.{question_id}.text"))
    for pick in picks:
        await person.tap(CAT.text(f"option.{pick}"))
    if question_id in MULTI:
        await person.tap(CAT.text("triage_ui.done"))


async def expect_emergency(person: ScriptedUser, phrase: str) -> None:
    await person.send(phrase)
    text = await read_until(person, URGENT)
    reply = person.last
    assert reply is not None and reply.text == text
    assert "999" in text, phrase
    assert CARELESS not in text, phrase
    assert reply.button_labels() == [HAPPENING, SOMETHING_ELSE], phrase


async def expect_crisis(person: ScriptedUser, phrase: str) -> None:
    await person.send(phrase)
    text = await read_until(person, SAMARITANS)
    reply = person.last
    assert reply is not None and reply.text == text
    assert "999" in text, phrase
    assert CARELESS not in text, phrase
    assert reply.button_labels() == [CARRY_ON], phrase


async def test_each_phrase_from_the_review_gets_its_signposting_at_the_idle_prompt(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("option.E_NONE"))  # finish a calm questionnaire first
    await person.tap(CAT.text("triage_ui.done"))
    for question_id, picks in list(CALM.items())[1:]:
        await answer(person, question_id, picks)
    await see_result(person)
    for phrase in EMERGENCY_PHRASES:
        await expect_emergency(person, phrase)
        await person.tap(SOMETHING_ELSE)
        await read_until(person, "Nothing was waiting")
    for phrase in CRISIS_PHRASES:
        await expect_crisis(person, phrase)
        await person.tap(CARRY_ON)
        await read_until(person, "Nothing was waiting")


async def test_mid_questionnaire_each_phrase_is_answered_and_the_questions_carry_on(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    for phrase in EMERGENCY_PHRASES:
        await expect_emergency(person, phrase)
        await person.tap(SOMETHING_ELSE)
        await read_until(person, CAT.text("question.Q2_AREA.text"))
    for phrase in CRISIS_PHRASES:
        await expect_crisis(person, phrase)
        await person.tap(CARRY_ON)
        await read_until(person, CAT.text("question.Q2_AREA.text"))
    for question_id, picks in list(CALM.items())[1:]:
        await answer(person, question_id, picks, shown=question_id == "Q2_AREA")
    assert "Result:" in await see_result(person)
    async with rig.deps.sessions() as session:
        statuses = {s.status for s in (await session.execute(select(TriageSession))).scalars()}
    assert "abandoned" not in statuses


@pytest.fixture
async def any_rig(database_url: str) -> AsyncIterator[BotRig]:
    """The real bot on a freshly migrated SQLite file or PostgreSQL database."""
    async with FakeBotApi() as api:
        rig = BotRig(api=api, database_url=database_url)
        await rig.start()
        try:
            yield rig
        finally:
            await rig.stop()


async def test_happening_now_makes_the_episode_l4_with_one_check_in_in_12_hours(
    any_rig: BotRig,
) -> None:
    rig = any_rig
    person = rig.user()
    await onboard(person)
    await expect_emergency(person, "I can't breathe")
    await person.tap(HAPPENING)
    text = await read_until(person, "paused all reminders")
    assert "999" in text
    await rig.tick()  # places the new check-in, as the bot's wake-up does
    async with rig.deps.sessions() as session:
        episode = (await session.execute(select(Episode))).scalar_one()
        checkins = [
            r for r in (await session.execute(select(Reminder))).scalars() if r.kind == CHECKIN
        ]
    assert episode.level == "L4"
    assert "F-E1" in episode.reasons
    assert len(checkins) == 1 and checkins[0].active
    due = checkins[0].next_due_at
    assert due is not None and dt.timedelta(hours=11) <= due - START <= dt.timedelta(hours=24)


async def test_happening_now_without_reminders_pauses_nothing_it_never_had(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person, reminders=False)
    await expect_emergency(person, "I can't breathe")
    await person.tap(HAPPENING)
    text = await read_until(person, "Thank you for telling me")
    assert "999" in text and "paused" not in text


async def test_a_caption_and_an_edited_message_are_read_too(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await person.send_photo(caption="look at my face, it's drooping on one side")
    assert URGENT in ((await person.next_message()).text or "")
    await person.send("my eyelid twitches")
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))
    await person.edit_last_sent("my eyelid twitches and I want to kill myself")
    assert SAMARITANS in ((await person.next_message()).text or "")


async def test_with_storage_gone_crisis_and_breathing_still_get_the_lines_of_the_known_country(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.send("my eyelid twitches")  # the bot reads the person once: UK
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))
    await _storage_gone(rig)
    await person.send("I want to kill myself")
    crisis = (await person.next_message()).text or ""
    assert SAMARITANS in crisis and "999" in crisis
    await person.send("I can't breathe")
    emergency = (await person.next_message()).text or ""
    assert URGENT in emergency and "999" in emergency


async def test_with_storage_gone_and_no_country_known_the_fallback_numbers_are_shown(
    rig: BotRig,
) -> None:
    person = rig.user()
    await _storage_gone(rig)
    await person.send("I want to kill myself")
    crisis = (await person.next_message()).text or ""
    assert "crisis line" in crisis and FALLBACK in crisis
    await person.send("I can't breathe")
    emergency = (await person.next_message()).text or ""
    assert URGENT in emergency and FALLBACK in emergency


async def _storage_gone(rig: BotRig) -> None:
    """Points the running bot at a database that cannot be opened, as in an outage."""
    assert rig.engine is not None
    await rig.engine.dispose()
    broken = create_engine("sqlite+aiosqlite:////nonexistent/folder/bot.sqlite3")
    rig.deps.sessions = session_factory(broken)


async def test_the_emergency_help_button_asks_the_same_question_and_loses_nothing(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("triage_ui.emergency_button"))
    prompt = await read_until(person, URGENT)
    assert person.last is not None and person.last.text == prompt
    assert person.last.button_labels() == [HAPPENING, SOMETHING_ELSE]
    await person.tap(SOMETHING_ELSE)
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))


async def test_carry_on_after_crisis_words_shows_where_they_were_without_thanks(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await expect_crisis(person, "I want to end it")
    await person.tap(CARRY_ON)
    intro = await read_until(person, "where you were")
    assert intro == CAT.text("safety.carried_on")
    assert "thanks" not in intro.lower()  # after crisis words, thanks reads too lightly
    await read_until(person, CAT.text("question.Q1_EMERGENCY.text"))
    await expect_emergency(person, "my chest hurts")
    await person.tap(SOMETHING_ELSE)  # describing something else: thanked for saying
    assert await read_until(person, "where you were") == CAT.text("safety.back")


async def test_during_onboarding_something_else_asks_the_waiting_step_again(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    consent = await read_until(person, "store and use your answers")
    await expect_emergency(person, "I can't breathe")
    await person.tap(SOMETHING_ELSE)
    assert await read_until(person, "store and use your answers") == consent


async def test_after_happening_now_a_finished_questionnaire_keeps_the_emergency_level(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await expect_emergency(person, "I can't breathe")
    await person.tap(HAPPENING)
    await read_until(person, "paused all reminders")
    for question_id, picks in list(CALM.items())[1:]:  # Q2 is still on screen
        await answer(person, question_id, picks, shown=question_id == "Q2_AREA")
    result = await read_until(person, "Result:")
    # Emergency advice is never held back behind the review of the answers.
    assert not any(CAT.text("review.title") in (m.text or "") for m in person.transcript())
    # The calm answers alone would read "self-care"; what was happening now stands (§0.2.2).
    assert CAT.text("level.L4.name") in result
    assert CAT.text("level.L0.name") not in result


async def test_each_safety_question_keeps_the_tapped_answer_under_it_with_its_buttons_gone(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    waiting = CAT.text("question.Q1_EMERGENCY.text")
    for phrase, shown, tap, then in [
        ("my chest is tight", URGENT, SOMETHING_ELSE, waiting),
        ("kms", SAMARITANS, CARRY_ON, waiting),
        ("I can't swallow properly", URGENT, HAPPENING, "paused all reminders"),
    ]:
        await person.send(phrase)
        await read_until(person, shown)
        await person.tap(tap)
        record = await person.next_message()
        assert record.edited and record.buttons == [], phrase
        assert (record.text or "").endswith(f"\n➜ {tap}"), phrase
        await read_until(person, then)
