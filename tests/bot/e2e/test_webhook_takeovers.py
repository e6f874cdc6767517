"""The retry of a tap whose replica crashed: once the dead replica's claim has run out, the
retry takes the update over, and a tap the dead replica had already saved is not answered as
the person's second tap. In the questionnaire and in onboarding: no "moved on" or stale notice
and no second copy of the question when the person has moved on; the next question once if
the dead replica saved the answer but never sent it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
from sqlalchemy import update

from bot.playground.users import ScriptedUser
from storage.models import ProcessedUpdate
from tests.bot.e2e.test_webhook import post
from tests.bot.e2e.test_webhook_replicas import Replicas, start_replicas
from tests.bot.replica_harness import (
    CAT,
    SECRET,
    StampedBotApi,
    Telegram,
    onboard,
    sent,
    wait_for_edit,
    wait_for_message,
)

NONE_OF_THESE, DONE = CAT.text("option.E_NONE"), CAT.text("triage_ui.done")
EYELID = CAT.text("option.A_EYELID")
SECOND, THIRD = "2/10", "3/10"
MOVED_ON = CAT.text("triage_ui.moved_on")
CONSENT, REMINDERS, AGE = "store and use your answers", "reminders and check-ins?", "18 or over?"
STALE_ALERT, STALE_NOTICE = CAT.text("error.stale_button_alert"), CAT.text("error.stale_button")


@dataclass
class Chat:
    replicas: Replicas
    telegram: Telegram
    person: ScriptedUser

    async def tap(self, label: str) -> int:
        """Taps `label` and waits until the bot has answered it; returns the update's id."""
        await self.person.tap(label)
        await self.telegram.settled()
        return max(self.telegram.updates)

    async def retry_after_a_crash(self, update_id: int) -> None:
        """Leaves the claim on `update_id` as a replica killed mid-update leaves it, its
        lease run out, then lets Telegram's retry reach the other replica."""
        replicas = self.replicas
        async with replicas.deps[0].sessions.begin() as session:
            await session.execute(
                update(ProcessedUpdate)
                .where(ProcessedUpdate.update_id == update_id)
                .values(
                    owner="killed-replica",
                    processed_at=None,
                    claimed_until=replicas.clock.now() - dt.timedelta(seconds=1),
                )
            )
        assert await post(replicas.urls[1], self.telegram.updates[update_id], SECRET) == 200

    def count(self, fragment: str) -> int:
        return sum(fragment in (m.text or "") for m in sent(self.person))


@pytest.fixture
async def newcomer(database_url: str) -> AsyncIterator[Chat]:
    """A person who has just sent /start through two replicas, asked for consent."""
    async with StampedBotApi() as api, AsyncExitStack() as stack:
        replicas = await start_replicas(stack, api, database_url, 2, SECRET)
        telegram = Telegram(api, replicas.urls)
        stack.push_async_callback(telegram.close)
        person = ScriptedUser(telegram, user_id=602, first_name="Sam")
        await person.send("/start")
        await wait_for_message(telegram, person, CONSENT, 0)
        yield Chat(replicas, telegram, person)


@pytest.fixture
async def chat(newcomer: Chat) -> Chat:
    """A person onboarded through two replicas, a tick on the first question."""
    await onboard(newcomer.telegram, newcomer.person, started=True)
    await newcomer.person.tap(NONE_OF_THESE)
    await wait_for_edit(newcomer.telegram, newcomer.person, f"✅ {NONE_OF_THESE}", 0)
    return newcomer


async def test_the_retry_of_a_saved_tap_the_person_has_moved_on_from_sends_nothing(
    chat: Chat,
) -> None:
    done = await chat.tap(DONE)
    assert chat.count(SECOND) == 1
    await chat.tap(EYELID)  # the person carries on: a tick on the next question
    before, answers = len(chat.person.transcript()), len(chat.person.callback_answers)
    await chat.retry_after_a_crash(done)
    assert chat.person.transcript()[before:] == []  # no copy of the question on screen
    assert MOVED_ON not in chat.person.callback_answers[answers:]
    assert chat.count(SECOND) == 1


async def test_the_retry_of_a_tap_saved_but_never_followed_by_its_question_sends_it_once(
    chat: Chat,
) -> None:
    chat.telegram.api.set_down(True)  # the replica saves the answer, then can say nothing
    done = await chat.tap(DONE)
    chat.telegram.api.set_down(False)
    assert chat.count(SECOND) == 0
    answers = len(chat.person.callback_answers)
    await chat.retry_after_a_crash(done)
    await wait_for_message(chat.telegram, chat.person, SECOND, 0)
    assert chat.count(SECOND) == 1
    assert chat.person.callback_answers[answers:] == [""]  # answered, silently
    await chat.tap(EYELID)  # and the person carries on from it
    await chat.tap(DONE)
    assert chat.count(THIRD) == 1


async def test_the_persons_own_second_tap_on_an_answered_question_still_hears_moved_on(
    chat: Chat,
) -> None:
    await chat.tap(DONE)
    answers = len(chat.person.callback_answers)
    await chat.person.tap(DONE, message=next(m for m in sent(chat.person) if "1/10" in m.text))
    await chat.telegram.settled()
    assert chat.person.callback_answers[answers:] == [MOVED_ON]
    assert chat.count(SECOND) == 2


async def test_the_retry_of_a_saved_onboarding_tap_the_person_has_moved_on_from_sends_nothing(
    newcomer: Chat,
) -> None:
    agree = await newcomer.tap("I agree")
    await newcomer.tap("Yes, remind me")
    before, answers = len(newcomer.person.transcript()), len(newcomer.person.callback_answers)
    await newcomer.retry_after_a_crash(agree)
    assert newcomer.person.transcript()[before:] == []
    assert STALE_ALERT not in newcomer.person.callback_answers[answers:]
    assert (newcomer.count(REMINDERS), newcomer.count(AGE)) == (1, 1)


async def test_the_retry_of_an_onboarding_tap_saved_but_never_followed_asks_the_next_step_once(
    newcomer: Chat,
) -> None:
    newcomer.telegram.api.set_down(True)
    agree = await newcomer.tap("I agree")
    newcomer.telegram.api.set_down(False)
    assert newcomer.count(REMINDERS) == 0
    answers = len(newcomer.person.callback_answers)
    await newcomer.retry_after_a_crash(agree)
    assert newcomer.count(REMINDERS) == 1
    assert newcomer.person.callback_answers[answers:] == [""]
    assert newcomer.count(STALE_NOTICE) == 0


async def _to_the_review(chat: Chat) -> None:
    """From the first question's tick to the review of a calm eyelid twitch."""
    for label in (DONE, EYELID, DONE):
        await chat.tap(label)
    singles = ("option.D_LT3D", "option.B_LOW", "option.T_SAME")
    multis = ("option.N_NONE", "option.S_NONE", None, "option.TR_SCREENS", "option.X_NONE")
    for key in singles:
        await chat.tap(CAT.text(key))
    for key in multis:
        if key is None:
            await chat.tap(CAT.text("option.C1_2"))  # Q8 is a single choice
            continue
        await chat.tap(CAT.text(key))
        await chat.tap(DONE)
    assert chat.count(CAT.text("review.title")) == 1


async def test_the_retry_of_see_my_result_saved_but_never_answered_sends_the_result_once(
    chat: Chat,
) -> None:
    await _to_the_review(chat)
    chat.telegram.api.set_down(True)  # the replica finishes the questionnaire, then dies mute
    finish = await chat.tap(CAT.text("review.see_result"))
    chat.telegram.api.set_down(False)
    assert chat.count("Result:") == 0
    answers = len(chat.person.callback_answers)
    await chat.retry_after_a_crash(finish)
    await wait_for_message(chat.telegram, chat.person, "Result:", 0)
    assert chat.count("Result:") == 1
    assert chat.person.callback_answers[answers:] == [""]


async def test_a_second_tap_on_see_my_result_only_says_the_questionnaire_is_finished(
    chat: Chat,
) -> None:
    await _to_the_review(chat)
    await chat.tap(CAT.text("review.see_result"))
    answers = len(chat.person.callback_answers)
    review = next(m for m in sent(chat.person) if CAT.text("review.title") in (m.text or ""))
    await chat.person.tap(CAT.text("review.see_result"), message=review)
    await chat.telegram.settled()
    assert chat.person.callback_answers[answers:] == [CAT.text("triage_ui.finished_session")]
    assert chat.count("Result:") == 1
