"""Hostile input through the real Application: forged senders, buttons with ids past any
column, broken settings buttons and update kinds a private bot never gets. Each is dropped or
answered gently, with no error in the log and nothing written for anyone else."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select

from bot.catalogue import catalogue_for
from bot.logsetup import protect
from storage import pseudonyms
from storage.models import User
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_triage import CALM, walk

PERSON_ID = 734911
STALE = catalogue_for(None).text("error.stale_button_alert")


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def user_ids(rig: BotRig) -> list[tuple[int, int]]:
    async with rig.deps.sessions() as session:
        return [(u.id, u.chat_id) for u in (await session.scalars(select(User))).all()]


async def test_a_forged_sender_in_someone_elses_chat_creates_and_sends_nothing(
    rig: BotRig,
) -> None:
    victim = rig.user(user_id=PERSON_ID)
    forged = {
        "message_id": 90,
        "date": 1_790_000_000,
        "chat": victim.chat_json(),
        "from": {"id": 666, "is_bot": False, "first_name": "Mallory"},
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    rig.api.deliver("message", forged)
    await victim.send("/help")  # a real message after it: the forged one was passed over

    await read_until(victim, "/triage")
    assert await user_ids(rig) == []
    assert len(rig.api.messages(victim.chat_id)) == 1


@pytest.mark.parametrize(
    "data",
    ["t:9223372036854775808:Q1_WHERE:B_EYELID", "r:99999999999:done", "d:erase:-5", "x:1:2"],
    ids=["triage-id-2-to-the-63", "delivery-id-past-32-bits", "negative-owner", "unknown-area"],
)
async def test_a_button_with_an_id_out_of_range_gets_a_gentle_answer_and_no_error(
    rig: BotRig, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    person = rig.user(user_id=PERSON_ID)
    await onboard(person)
    answered = len(person.callback_answers)
    await person.tap_data(data)

    assert await rig.api.wait_until(lambda: len(person.callback_answers) > answered, 5)
    assert person.callback_answers[answered:] == [STALE]
    await person.expect_quiet()
    assert errors(caplog) == []


@pytest.mark.parametrize(
    "data",
    [
        "s:tz:99",
        "s:tz:99999999999999999999",
        "s:quiet:9999:0000",
        "s:nudges:!",
        "s:on:99999",
        "s:off",
        "s:time:x",
        "s:unknown",
    ],
)
async def test_a_broken_settings_button_is_answered_once_without_a_traceback(
    rig: BotRig, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    person = rig.user(user_id=PERSON_ID)
    await onboard(person)

    answered = len(person.callback_answers)
    await person.tap_data(data)

    assert await rig.api.wait_until(lambda: len(person.callback_answers) > answered, 5)
    await person.expect_quiet()
    assert len(person.callback_answers) == answered + 1

    assert errors(caplog) == []
    assert "Traceback" not in caplog.text


async def test_update_kinds_a_private_bot_never_gets_are_ignored_quietly(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    person = rig.user(user_id=PERSON_ID)
    sender = {"id": PERSON_ID, "is_bot": False, "first_name": "Sam"}
    rig.api.deliver("inline_query", {"id": "q1", "from": sender, "query": "hi", "offset": ""})
    tap = {"id": "c1", "from": sender, "chat_instance": "1", "inline_message_id": "m", "data": "x"}
    rig.api.deliver("callback_query", tap)
    await person.send("/help")

    await read_until(person, "/triage")
    assert errors(caplog) == []
    assert len(rig.api.messages(person.chat_id)) == 1


async def test_log_lines_name_a_person_by_pseudonym_and_never_their_id_or_level(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    protect([rig.api.token])
    pseudonyms.use_key("test installation")
    with caplog.at_level(logging.DEBUG):
        person = rig.user(user_id=PERSON_ID)
        await onboard(person)
        await walk(person, CALM)

    assert pseudonyms.person(PERSON_ID) in caplog.text
    assert str(PERSON_ID) not in caplog.text
    finished = [r.getMessage() for r in caplog.records if "finished" in r.getMessage()]
    assert finished and all("L0" not in line and "R-" not in line for line in finished)


async def test_tapping_yes_stop_twice_gets_no_apology_and_no_error(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    person = rig.user(user_id=PERSON_ID)
    await onboard(person)
    await person.send("/stop")
    await read_until(person, "Stop all reminders")
    question = person.last
    assert question is not None
    await person.tap("Yes, stop them")
    await asyncio.sleep(0.5)
    answered = len(person.callback_answers)

    await person.tap_data("k:stop:yes", message=question)

    assert await rig.api.wait_until(lambda: len(person.callback_answers) > answered, 5)
    await asyncio.sleep(0.5)
    apology = catalogue_for(None).text("error.apology").split("\n")[0][:20]
    assert all(apology not in (m.text or "") for m in rig.api.messages(person.chat_id))
    assert errors(caplog) == []
