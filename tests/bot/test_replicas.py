"""Webhook replicas as real processes on one PostgreSQL database, driven like Telegram drives
them (tests/bot/replica_harness.py): round robin, one update in ten posted to two replicas at
the same moment, a retry after any answer but 200. One replica SIGKILLed mid-run still leaves
everyone onboarded, with no doubled reply but what the kill cut off; a rolling restart loses
no update."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest

from bot.playground.users import ScriptedUser
from bot.webhook import PATH
from tests.bot.replica_harness import (
    PATIENCE,
    StampedBotApi,
    Telegram,
    bot_env,
    check_everyone_served,
    migrated_postgres,
    notices,
    onboard,
    ready,
    repeats,
    sent,
    start_process,
    stop_all,
)
from tests.bot.test_roles import free_port
from tests.conftest import NO_POSTGRES, POSTGRES_URL

PEOPLE = 16
INTRO = "I help with muscle twitches"
MILESTONES = (INTRO, "All set.", "1/10")
MOST_SENDS_OF_ONE_UPDATE = 2
"""An onboarding step sends at most two messages (the zone's question and its list; "All
set." and the first triage question): what the retry of an update cut off by a kill can send
again."""


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_three_replicas_with_duplicates_and_a_kill_onboard_everyone_exactly_once(
    tmp_path: Path,
) -> None:
    async with migrated_postgres() as database, StampedBotApi() as api:
        env, ports = bot_env(api, database), [free_port() for _ in range(3)]
        logs = [tmp_path / f"replica{n}.log" for n in range(3)]
        replicas = [
            await start_process({**env, "WEBHOOK_PORT": str(port)}, "webhook", log)
            for port, log in zip(ports, logs, strict=True)
        ]
        telegram = Telegram(api, [f"http://127.0.0.1:{port}{PATH}" for port in ports])
        try:
            for port in ports:
                assert await ready(port), logs[0].read_text()[-2000:]
            people = [
                ScriptedUser(telegram, user_id=7000 + n, first_name="Sam") for n in range(PEOPLE)
            ]
            journeys = [asyncio.create_task(onboard(telegram, person)) for person in people]
            assert await api.wait_until(lambda: api.calls("sendMessage") >= PEOPLE * 3, PATIENCE)
            replicas[0].send_signal(signal.SIGKILL)
            killed_at, cut_off = time.monotonic(), telegram.cut_off(telegram.urls[0])
            outcomes = await asyncio.gather(*journeys, return_exceptions=True)
            await telegram.settled()  # every reply the bot will send has been sent
        finally:
            await stop_all(replicas)
            await telegram.close()
    check_everyone_served(telegram, cut_off, list(zip(people, outcomes, strict=True)))
    # An update cut off by the kill is retried once its claim's lease runs out. If the dead
    # replica had committed its step, the retry finds the step answered: it says so once
    # (the button is stale, or it did not understand) and may ask the current step again.
    # Only the people with such an update see that, and each such update at most once.
    interrupted = {telegram.senders[u] for u in cut_off}
    for person in people:
        texts = [m.text or "" for m in sent(person)]
        expected = MILESTONES[-1:] if person.user_id in interrupted else MILESTONES
        assert all(any(m in text for text in texts) for m in expected), (person.user_id, texts)
        if person.user_id not in interrupted:
            assert notices(person) == 0, (person.user_id, texts, sorted(cut_off))
    assert sum(notices(person) for person in people) <= len(cut_off)
    doubled = [r for person in people for r in repeats(person)]
    for repeat in doubled:
        assert repeat.user_id in interrupted and killed_at < repeat.again, repeat
    assert len(doubled) <= MOST_SENDS_OF_ONE_UPDATE * len(cut_off), (doubled, cut_off)
    assert telegram.answers["refused"] > 0, telegram.answers  # the kill did cut requests off


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_a_rolling_restart_of_two_replicas_under_a_steady_stream_loses_no_update(
    tmp_path: Path,
) -> None:
    async with migrated_postgres() as database, StampedBotApi() as api:
        env, ports = bot_env(api, database), [free_port(), free_port()]
        envs = [{**env, "WEBHOOK_PORT": str(port)} for port in ports]
        logs = [tmp_path / f"replica{n}.log" for n in range(2)]
        replicas = [
            await start_process(e, "webhook", log) for e, log in zip(envs, logs, strict=True)
        ]
        telegram = Telegram(api, [f"http://127.0.0.1:{port}{PATH}" for port in ports])
        people = [ScriptedUser(telegram, user_id=8000 + n, first_name="Sam") for n in range(8)]
        try:
            for port in ports:
                assert await ready(port), logs[0].read_text()[-2000:]
            for index in range(2):  # one replica at a time: stop it, start it again
                for round_ in range(3):
                    for person in people:
                        await person.send("/help")
                    await asyncio.sleep(0.3)
                    if round_ == 1:
                        replicas[index].send_signal(signal.SIGTERM)
                await asyncio.wait_for(replicas[index].wait(), 20)
                replicas[index] = await start_process(envs[index], "webhook", logs[index])
                assert await ready(ports[index]), logs[index].read_text()[-2000:]
            await telegram.settled()  # every update answered 200: every reply is in
        finally:
            await stop_all(replicas)
            await telegram.close()
    helps = [sum("Here is what I can do" in (m.text or "") for m in sent(p)) for p in people]
    assert helps == [6] * len(people)
