"""Onboarding through the real python-telegram-bot Application and the Bot API stand-in."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import delete, func, select

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser
from storage.models import Episode, TriageSession, User
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until

CAT = catalogue_for("en")


async def stored_user(rig: BotRig, user_id: int) -> User | None:
    async with rig.deps.sessions() as session:
        return await session.get(User, user_id)


async def test_start_explains_what_the_bot_is_and_is_not_and_shows_the_emergency_number(
    rig: BotRig,
) -> None:
    person = rig.user()
    await person.send("/start")
    intro = (await person.next_message()).text or ""
    assert "Not a doctor, not a diagnosis" in intro
    assert "Not for emergencies" in intro
    assert "999 UK, 112 EU, 911 US/Canada" in intro
    assert len(intro.split()) < 80
    consent = await person.next_message()
    assert consent.button_labels() == [
        "I agree",
        "No, I don't agree",
    ]


async def test_a_full_onboarding_records_consents_country_and_zone_then_starts_triage(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    user = await stored_user(rig, person.user_id)
    assert user is not None
    assert user.consent_health_at == rig.clock.now()
    assert user.consent_reminders_at == rig.clock.now()
    assert (user.adult, user.country, user.tz, user.onboarding_step) == (
        True,
        "GB",
        "Europe/London",
        "done",
    )
    done = next(m.text or "" for m in person.transcript() if "All set." in (m.text or ""))
    assert "Europe/London" in done and "09:00" in done and "999" in done


async def test_refusing_consent_ends_politely_and_stores_no_health_data(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("No, I don't agree")
    text = await read_until(person, "haven't stored any health information")
    assert "/start" in text
    user = await stored_user(rig, person.user_id)
    assert user is not None
    assert user.consent_health_at is None and user.adult is None and user.tz is None
    await person.send("/triage")
    assert "/start" in ((await person.next_message()).text or "")
    await person.send("ok thanks")  # typed text gets the ending again, never an error
    assert "haven't stored any health information" in ((await person.next_message()).text or "")
    await person.expect_quiet()


async def under_18(rig: BotRig) -> ScriptedUser:
    """A new person who agrees, declines reminders and says they are under 18."""
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("No reminders")
    await read_until(person, "18 or over?")
    await person.tap("I'm under 18")
    return person


async def test_under_18_is_signposted_and_not_asked_anything_more(rig: BotRig) -> None:
    person = await under_18(rig)
    text = await read_until(person, "only set up for adults")
    assert "parent or carer" in text
    await person.expect_quiet()
    await person.send("hello?")  # typed text gets the signposting again, never an error
    assert ((await person.next_message()).text or "") == text
    await person.expect_quiet()


async def test_under_18_after_crisis_words_is_not_sent_to_the_questionnaire(
    rig: BotRig,
) -> None:
    person = await under_18(rig)
    await read_until(person, "only set up for adults")
    await person.send("kms")
    crisis = await read_until(person, "crisis line")
    assert "where you were" not in crisis  # there is nothing to go back to
    await person.tap(CAT.text("safety.carry_on"))
    reply = await read_until(person, "If anything changes")  # after the "➜ Carry on" record
    assert reply.startswith("Okay.") and "/triage" not in reply


async def test_start_in_the_middle_of_the_questions_shows_where_the_person_was(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)  # the first question is on screen
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, CAT.text("question.Q2_AREA.text"))
    await person.send("/start")
    await read_until(person, "Welcome back! Here is where you were:")
    shown = await person.next_message()
    assert CAT.text("question.Q2_AREA.text") in (shown.text or "") and shown.buttons


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_a_group_chat_is_told_the_bot_works_only_in_private_and_nothing_is_stored(
    rig: BotRig, chat_type: str
) -> None:
    person = rig.user(user_id=777, chat_type=chat_type)
    await person.send("/start")
    reply = await person.next_message()
    assert "only work in private chats" in (reply.text or "")
    await person.send("my arm twitches")
    assert "only work in private chats" in ((await person.next_message()).text or "")
    async with rig.deps.sessions() as session:
        assert (await session.execute(select(func.count(User.id)))).scalar_one() == 0


async def test_a_restart_between_two_taps_carries_on_where_the_person_was(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await rig.restart()
    await person.tap("Yes, remind me")
    await read_until(person, "18 or over?")


async def test_text_where_a_button_is_expected_asks_again_with_the_buttons(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.send("yes please")
    assert "pick one of the buttons" in ((await person.next_message()).text or "")
    again = await person.next_message()
    assert "I agree" in again.button_labels()


async def test_an_unknown_command_points_to_help(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/frobnicate")
    assert "/help" in ((await person.next_message()).text or "")


async def test_a_button_from_an_old_message_is_answered_gently_and_the_question_shown_again(
    rig: BotRig,
) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    first = person.last
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("I agree", message=first)
    await read_until(person, "earlier message")
    assert person.callback_answers[-1] == "That button is no longer active."
    assert "reminders and check-ins?" in ((await person.next_message()).text or "")


async def test_forged_button_data_is_refused_gently(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap_data("o:consent_health:maybe")
    assert await person.next_callback_answer() == "That button is no longer active."
    await person.tap_data("zz:\x00:bogus")
    assert await person.next_callback_answer() == "That button is no longer active."
    user = await stored_user(rig, person.user_id)
    assert user is not None and user.onboarding_step == "consent_health"


async def reach_timezone(rig: BotRig) -> object:
    person = rig.user()
    await person.send("/start")
    await read_until(person, "store and use your answers")
    await person.tap("I agree")
    await read_until(person, "reminders and check-ins?")
    await person.tap("No reminders")
    await read_until(person, "18 or over?")
    await person.tap("I'm 18 or over")
    await read_until(person, "Which country")
    await person.tap("Somewhere else")
    await read_until(person, "Or pick one:")
    return person


async def test_a_bogus_time_zone_name_is_refused_with_an_example(rig: BotRig) -> None:
    person = await reach_timezone(rig)
    await person.send("Mars/Olympus_Mons")  # type: ignore[attr-defined]
    reply = await person.next_message()  # type: ignore[attr-defined]
    assert "Mars/Olympus_Mons" in (reply.text or "") and "Europe/London" in (reply.text or "")
    user = await stored_user(rig, person.user_id)  # type: ignore[attr-defined]
    assert user is not None and user.tz is None


async def test_a_typed_time_zone_name_is_accepted_whatever_its_case(rig: BotRig) -> None:
    person = await reach_timezone(rig)
    await person.send("america/new_york")  # type: ignore[attr-defined]
    text = await read_until(person, "All set.")  # type: ignore[arg-type]
    assert "America/New_York" in text and "04:00" in text
    assert "your local emergency number" in text


async def test_a_shared_location_sets_the_zone_found_offline(rig: BotRig) -> None:
    person = await reach_timezone(rig)
    await person.share_location(52.52, 13.405)  # type: ignore[attr-defined]
    text = await read_until(person, "All set.")  # type: ignore[arg-type]
    assert "Europe/Berlin" in text


async def test_a_location_at_sea_asks_for_a_zone_another_way(rig: BotRig) -> None:
    person = await reach_timezone(rig)
    await person.share_location(0.0, -140.0)  # type: ignore[attr-defined]
    reply = await person.next_message()  # type: ignore[attr-defined]
    assert "couldn't find a time zone" in (reply.text or "")
    user = await stored_user(rig, person.user_id)  # type: ignore[attr-defined]
    assert user is not None and user.tz is None and user.onboarding_step == "timezone"


async def test_help_and_privacy_work_before_onboarding(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/help")
    assert "/triage" in ((await person.next_message()).text or "")
    await person.send("/privacy")
    privacy = (await person.next_message()).text or ""
    assert "What I store" in privacy and "/delete" in privacy and "180 days" in privacy


async def test_a_handler_failure_is_logged_with_the_update_id_and_answered_with_an_apology(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    person = rig.user()
    async with rig.deps.sessions.begin() as session:
        await session.execute(User.__table__.delete())
    async with rig.engine.begin() as conn:  # type: ignore[union-attr]
        await conn.exec_driver_sql("DROP TABLE triage_sessions")
        await conn.exec_driver_sql("DROP TABLE users")
    with caplog.at_level(logging.ERROR):
        await person.send("/start")
        reply = await person.next_message()
    assert "Sorry, something went wrong" in (reply.text or "")
    assert any("update" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)


async def test_the_token_never_appears_in_the_logs(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.logsetup import protect

    protect([rig.api.token])
    with caplog.at_level(logging.DEBUG):
        person = rig.user()
        await onboard(person)
    assert caplog.records, "expected some log lines to check"
    assert rig.api.token not in caplog.text
    assert rig.api.token.split(":")[1] not in caplog.text


async def test_a_sticker_gets_a_kind_word_about_what_the_bot_can_read(rig: BotRig) -> None:
    person = rig.user()
    await person.send_sticker()
    reply = (await person.next_message()).text or ""
    assert "only read typed messages and button taps" in reply and "/help" in reply


async def tap_the_zone_again(person: ScriptedUser) -> None:
    """The last onboarding tap once more, as Telegram's retry of it would send it."""
    pick = next(m for m in person.transcript() if "Europe/London" in m.button_labels())
    zone = next(b for b in pick.flat_buttons() if b.text == "Europe/London")
    await person.tap_data(zone.callback_data or "", message=pick)


async def test_a_second_tap_on_the_last_onboarding_button_shows_the_current_question(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await tap_the_zone_again(person)
    again = await person.next_message()
    assert "1/10" in (again.text or "")
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, "2/10")


async def test_a_retried_last_onboarding_tap_cut_off_before_the_questionnaire_begins_it(
    rig: BotRig,
) -> None:
    """Onboarding was stored as done, then the process died before "All set" and the first
    question went out: Telegram's retry of that tap says them now."""
    person = rig.user()
    await onboard(person)
    async with rig.deps.sessions.begin() as session:  # as if the questionnaire never began
        await session.execute(delete(TriageSession).where(TriageSession.user_id == person.user_id))
        await session.execute(delete(Episode).where(Episode.user_id == person.user_id))
    await tap_the_zone_again(person)
    await read_until(person, "All set")
    await read_until(person, "1/10")
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, "2/10")


async def test_a_late_repeat_of_the_last_onboarding_tap_leaves_a_questionnaire_under_way_alone(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await person.tap(CAT.text("option.E_NONE"))
    await person.tap(CAT.text("triage_ui.done"))
    await read_until(person, "2/10")
    answered = len(person.callback_answers)
    await tap_the_zone_again(person)
    assert await rig.api.wait_until(lambda: len(person.callback_answers) > answered, 10)
    assert person.callback_answers[answered] == CAT.text("error.stale_button_alert")
    await person.expect_quiet()
