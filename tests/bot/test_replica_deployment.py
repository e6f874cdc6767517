"""A scaled deployment as real processes on PostgreSQL and Redis: three webhook replicas and
two workers on one database, people onboarded and triaged through a round-robin Telegram that
posts one update in ten to two replicas at once, a crowd of reminders due, and one replica and
one worker SIGKILLed mid-run. Everyone gets the right result with no doubled reply and no
apology, every reminder goes out (twice only if it was in flight at a kill), and all the
processes together never send more than the budget in any sliding second.

It runs at full size by default (200 people, 5,000 reminders, about two minutes and a half
on two cores); REPLICA_TEST_PEOPLE, REPLICA_TEST_REMINDERS and REPLICA_TEST_BUDGET (messages
a second) set a smaller one, e.g. 12, 500 and 30 for a quick look."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import time
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select

from bot.playground.users import ScriptedUser
from bot.webhook import PATH
from scheduler.recurrence import next_occurrence
from storage.db import create_engine, session_factory
from storage.models import Delivery, Episode
from storage.schedules import ReminderSchedule
from tests import factories
from tests.bot.replica_harness import (
    CAT,
    PATIENCE,
    StampedBotApi,
    Telegram,
    bot_env,
    busiest,
    check_everyone_served,
    migrated_postgres,
    notices,
    onboard,
    ready,
    repeats,
    sent,
    start_process,
    stop_all,
    wait_for,
    wait_for_edit,
    wait_for_message,
)
from tests.bot.test_crash_safety import _user, recorded_sent
from tests.bot.test_roles import free_port
from tests.conftest import NO_POSTGRES, POSTGRES_URL
from triage.schedule import LocalSchedule

PEOPLE = int(os.environ.get("REPLICA_TEST_PEOPLE", "200"))
REMINDERS = int(os.environ.get("REPLICA_TEST_REMINDERS", "5000"))
REDIS_BASE = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
BUDGET = int(os.environ.get("REPLICA_TEST_BUDGET", "200"))
"""Messages a second for the whole bot. At the full size the replies alone are some 9,000
messages, five minutes at Telegram's 30 a second, so the default is larger; the storm of
reminders still fills the shared bucket (its busiest second in Redis is the budget itself).
At a small size, 30 (Telegram's own figure) keeps the bucket full with the reminders alone."""
WARMING = 2.0
"""Seconds into the storm before the worker's kill is armed, so it falls mid-storm."""
FIRST_REMINDER = 3_000_000
MULTI = {"Q1_EMERGENCY", "Q2_AREA", "Q6_NERVE", "Q7_EYE_BODY", "Q9_TRIGGERS", "Q10_CONTEXT"}
CALM = {
    "Q1_EMERGENCY": "E_NONE",
    "Q2_AREA": "A_EYELID",
    "Q3_DURATION": "D_LT3D",
    "Q4_BOTHER": "B_LOW",
    "Q5_CHANGE": "T_SAME",
    "Q6_NERVE": "N_NONE",
    "Q7_EYE_BODY": "S_NONE",
    "Q8_CAFFEINE": "C1_2",
    "Q9_TRIGGERS": "TR_SLEEP",
    "Q10_CONTEXT": "X_NONE",
}
LEVELS = [  # what each person answers differently from CALM, and the level that follows
    ({}, "L0"),
    ({"Q3_DURATION": "D_2_6W"}, "L1"),
    ({"Q7_EYE_BODY": "V_RED"}, "L2"),
    ({"Q10_CONTEXT": "M_PPI"}, "L3"),
]
QUESTIONS = {CAT.text(f"question.{qid}.text"): qid for qid in CALM}
RESULT, RESULT_END = "Result:", "General information only"
REVIEW = CAT.text("review.title")

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """A Redis database of its own (1 to 15), its budget keys removed afterwards."""
    url = f"{REDIS_BASE}/{random.randint(1, 15)}"
    client = Redis.from_url(url)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.aclose()
        pytest.skip(f"no Redis answered at {REDIS_BASE}: the shared budget needs one")
    try:
        yield url
    finally:
        keys = [key async for key in client.scan_iter("twitchbot:budget:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def watch_grants(url: str, grants: dict[str, float]) -> None:
    """Copies the shared budget's log of grants (each kept a second, stamped by Redis's
    clock) every quarter second, so every grant of the run is seen."""
    client = Redis.from_url(url)
    try:
        while True:
            entries = await client.zrange("twitchbot:budget:log", 0, -1, withscores=True)
            for entry in entries:
                member, score = entry[0], entry[1]
                grants[str(member)] = float(score) / 1_000_000
            await asyncio.sleep(0.25)
    finally:
        await client.aclose()


async def seed_reminders(url: str, api: StampedBotApi, count: int) -> None:
    """`count` onboarded people in UTC, each with a water check due a minute ago."""
    now = dt.datetime.now(dt.UTC)
    minute = (now - dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    schedule = LocalSchedule((minute.time(),), minute.date(), minute.date())
    due = next_occurrence(schedule, "UTC", minute - dt.timedelta(minutes=1))
    assert due is not None
    ids = range(FIRST_REMINDER, FIRST_REMINDER + count)
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            session.add_all([_user(user_id, now) for user_id in ids])
            await session.flush()
            session.add_all(
                factories.reminder(
                    user_id,
                    None,
                    now,
                    schedule=ReminderSchedule(schedule),
                    next_due_at=due.due_at,
                    occurrence=due.key,
                    end_date=minute.date(),
                )
                for user_id in ids
            )
    finally:
        await engine.dispose()
    for chat_id in ids:
        api.join(chat_id, {"id": chat_id, "type": "private", "first_name": "P"})


def reminders_received(api: StampedBotApi) -> list[int]:
    """How many messages each reminded person got."""
    return [len(api.messages(u)) for u in range(FIRST_REMINDER, FIRST_REMINDER + REMINDERS)]


async def retried_sent(url: str) -> int:
    """Deliveries sent at a second attempt or later: the first failed in a way that may hide
    an arrival (a timeout under load, a dropped connection), so it may have arrived too."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            query = select(func.count()).where(Delivery.status == "sent", Delivery.attempts > 1)
            return int(await session.scalar(query) or 0)
    finally:
        await engine.dispose()


def taken_over(logs: list[Path]) -> int:
    """Leases a worker found taken over mid-batch (it sends none of those rows itself)."""
    return sum(log.read_text().count("leases ran out and were taken over") for log in logs)


async def levels(url: str) -> dict[int, str | None]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(select(Episode.user_id, Episode.level))
            return {user_id: level for user_id, level in rows}
    finally:
        await engine.dispose()


def asked_in(text: str) -> str | None:
    """The question a message asks, if it is one of the questionnaire's."""
    return next((qid for words, qid in QUESTIONS.items() if words in text), None)


async def wait_for_next(telegram: Telegram, person: ScriptedUser, question: str, since: int) -> str:
    """The first new message that moves on from `question`: another question, the review or
    the result. A second copy of `question` is not: when a kill cuts off a tap together with
    the person's next one, the retry of the first may show the question again, and either
    copy takes the answer."""

    def found() -> str | None:
        texts = (m.text or "" for m in sent(person, since))
        return next((t for t in texts if moves_on(t)), None)

    def moves_on(text: str) -> bool:
        asked = "/10" in text and asked_in(text) != question
        return asked or RESULT in text or REVIEW in text

    await wait_for(telegram, person, f"the step after {question}", found)
    return found() or ""


async def answer(telegram: Telegram, person: ScriptedUser, question: str, option: str) -> str:
    """Answers the question on screen; returns the next question or the result."""
    label, since = CAT.text(f"option.{option}"), len(person.transcript())
    await person.tap(label)
    if question in MULTI:
        await wait_for_edit(telegram, person, f"✅ {label}", since)
        await person.tap(CAT.text("triage_ui.done"))
    text = await wait_for_next(telegram, person, question, since)
    if REVIEW in text:  # every answer on one screen first: see the result from there
        since = len(person.transcript())
        await person.tap(CAT.text("review.see_result"))
        text = await wait_for_message(telegram, person, RESULT, since)
    return text


async def journey(telegram: Telegram, person: ScriptedUser, changes: dict[str, str]) -> str:
    """Onboarding, then the questionnaire through to the whole result."""
    await onboard(telegram, person)
    answers, text, since = {**CALM, **changes}, "", 0
    while RESULT not in text:
        asked = [m.text or "" for m in sent(person) if m.buttons]
        on_screen = asked_in(asked[-1])
        assert on_screen, person.format_transcript()
        since = len(person.transcript())
        text = await answer(telegram, person, on_screen, answers[on_screen])
    if RESULT_END not in text:
        text += await wait_for_message(telegram, person, RESULT_END, since)
    return text


@dataclass
class Kill:
    """A process SIGKILLed once `due()` holds; `at` is when."""

    process: Process
    due: Callable[[], bool]
    at: float = 0.0
    notes: dict[str, object] = field(default_factory=dict)


async def kill_when(api: StampedBotApi, kill: Kill, then: Callable[[], object]) -> None:
    assert await api.wait_until(kill.due, PATIENCE), "the run ended before the kill was due"
    kill.process.send_signal(signal.SIGKILL)
    kill.at = time.monotonic()
    kill.notes["cut off"] = then()


async def test_replicas_and_workers_with_duplicates_and_kills_serve_everyone_within_budget(
    tmp_path: Path, redis_url: str
) -> None:
    started = time.monotonic()
    async with (
        migrated_postgres() as database,
        StampedBotApi(counted_from=FIRST_REMINDER) as api,
    ):
        await seed_reminders(database, api, REMINDERS)
        grants: dict[str, float] = {}
        watcher = asyncio.create_task(watch_grants(redis_url, grants))
        env = bot_env(
            api, database, REDIS_URL=redis_url, RATE_LIMIT_PER_SECOND=str(BUDGET),
            DISPATCH_LEASE_SECONDS="5", RUN_DISPATCHER="false",
        )  # fmt: skip
        ports = [free_port() for _ in range(5)]
        logs = [tmp_path / f"process{n}.log" for n in range(5)]
        roles = [("webhook", "WEBHOOK_PORT")] * 3 + [("worker", "HEALTH_PORT")] * 2
        processes: list[Process] = []
        telegram = Telegram(api, [f"http://127.0.0.1:{port}{PATH}" for port in ports[:3]])
        try:
            for n in range(5):  # replicas first, people next, then the workers' storm
                command, port_name = roles[n]
                env_n = {**env, port_name: str(ports[n])}
                processes.append(await start_process(env_n, command, logs[n]))
                if n == 2:
                    for port, log in zip(ports[:3], logs, strict=False):
                        assert await ready(port), log.read_text()[-2000:]
                    people = [
                        ScriptedUser(telegram, user_id=9000 + i, first_name="Sam")
                        for i in range(PEOPLE)
                    ]
                    journeys = [
                        asyncio.create_task(journey(telegram, person, LEVELS[i % len(LEVELS)][0]))
                        for i, person in enumerate(people)
                    ]
                    replica_kill = Kill(
                        processes[0], lambda: sum(telegram.answers.values()) >= PEOPLE * 8
                    )
                    cutting = lambda: telegram.cut_off(telegram.urls[0])  # noqa: E731
                    kills = [asyncio.create_task(kill_when(api, replica_kill, cutting))]
            for port, log in zip(ports[3:], logs[3:], strict=True):
                # Ready once its first batch is out, long before the storm is over.
                assert await ready(port), log.read_text()[-2000:]
            phases = {"ready": time.monotonic() - started}
            assert await api.wait_until(lambda: bool(api.reached), PATIENCE)
            await asyncio.sleep(WARMING)
            storm = len(api.reached)
            assert storm < REMINDERS * 4 // 5, "the storm was over before the kill was due"
            worker_kill = Kill(
                processes[3],
                lambda: len(api.reached) >= storm + REMINDERS // 5,
            )
            await kill_when(api, worker_kill, lambda: None)
            await processes[3].wait()
            await asyncio.sleep(0.5)  # the stand-in reads what the killed worker had written
            # Sent but not recorded as sent: what a retry may send again (a bound, as the
            # live worker's own unrecorded sends are counted too). Counted at once, long
            # before the killed worker's leases run out and its rows are sent and recorded
            # by the other.
            recorded = await recorded_sent(database)
            reminder_in_flight = api.sends_counted - recorded
            await asyncio.gather(*kills)
            phases["kills"] = time.monotonic() - started
            outcomes = await asyncio.gather(*journeys, return_exceptions=True)
            phases["people"] = time.monotonic() - started
            await telegram.settled()
            assert await api.wait_until(lambda: len(api.reached) == REMINDERS, PATIENCE * 2)
            phases["reminders"] = time.monotonic() - started
            await telegram.settled()
            final_levels = await levels(database)
            retried = await retried_sent(database)
        finally:
            watcher.cancel()
            await stop_all(processes)
            await telegram.close()
    cut_off: set[int] = replica_kill.notes["cut off"]  # type: ignore[assignment]
    (tmp_path / "transcripts.txt").write_text(
        "\n\n".join(f"{p.user_id}\n{p.format_transcript()}" for p in people)
    )
    reminder_duplicates = sum(n - 1 for n in reminders_received(api))
    sends = api.sends()
    most, most_granted = busiest(sends), busiest(list(grants.values()))
    doubled = [r for person in people for r in repeats(person)]
    print(
        f"\n{PEOPLE} people, {REMINDERS} reminders in {time.monotonic() - started:.1f}s"
        f" ({ {name: round(at, 1) for name, at in phases.items()} }); sends {len(sends)},"
        f" busiest second at the stand-in {most}; in Redis {len(grants)} grants, busiest"
        f" second {most_granted};"
        f" updates cut off {len(cut_off)}, repeated replies {len(doubled)}; reminders in flight"
        f" {reminder_in_flight}, sent again after a failure {retried}, leases taken over"
        f" {taken_over(logs[3:])}, duplicates {reminder_duplicates};"
        f" answers {dict(telegram.answers)}"
    )
    # What may arrive twice: sends in flight at the kill, and sends made again after a
    # failure that can hide an arrival. Nothing else: a worker starved past its lease sends
    # none of what it had not begun once another has taken the rows over.
    assert reminder_duplicates <= reminder_in_flight + retried
    assert most_granted <= BUDGET
    # A send holds its place in the shared budget until it has arrived (bot/budget_redis.py),
    # so where Telegram counts, at the stand-in, no second holds more than the budget either.
    assert most <= BUDGET
    check_everyone_served(telegram, cut_off, list(zip(people, outcomes, strict=True)))
    for n, (person, text) in enumerate(zip(people, outcomes, strict=True)):
        level = LEVELS[n % len(LEVELS)][1]
        assert CAT.text(f"level.{level}.name") in str(text), text
        assert final_levels[person.user_id] == level
    interrupted = {telegram.senders[u] for u in cut_off}
    for person in people:  # see tests/bot/test_replicas.py: what a retried, cut-off update says
        assert person.user_id in interrupted or notices(person) == 0, person.format_transcript()
    assert sum(notices(person) for person in people) <= len(cut_off)
    for repeat in doubled:
        assert repeat.user_id in interrupted and replica_kill.at < repeat.again, repeat
    assert len(doubled) <= 2 * len(cut_off), (doubled, cut_off)
