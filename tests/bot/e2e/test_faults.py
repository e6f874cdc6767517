"""Telegram misbehaving, through the real notifier and the stand-in (DESIGN.md decisions 6
and 7): 429 with retry_after, 403 from a person who blocked the bot, 502s, a slow API, and
an hour-long outage."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from sqlalchemy import select

from bot.playground.users import ScriptedUser
from storage.models import Delivery, Reminder, User
from storage.reminders import ReminderRepository
from tests.bot.e2e.checkin_setup import Seeded, seed_followup
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import read_until
from triage.schedule import LocalSchedule, PlannedNudge

# seed_followup: a London person with a water check at 11:00 today (Wed 25 Nov) and their
# first check-in on day 3, Sat 28 Nov at 10:00 (London is on UTC in November).
NUDGE_DUE = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)
CHECKIN_DUE = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


async def people(rig: BotRig, count: int) -> list[tuple[ScriptedUser, Seeded]]:
    found = []
    for index in range(count):
        person = rig.user(user_id=701 + index)
        found.append((person, await seed_followup(rig, person)))
    await rig.tick()  # places the new reminder rows, as the bot's wake-up does
    return found


async def deliveries(rig: BotRig, reminder_id: int) -> list[Delivery]:
    async with rig.deps.sessions() as session:
        query = select(Delivery).where(Delivery.reminder_id == reminder_id)
        return list((await session.scalars(query.order_by(Delivery.id))).all())


async def tick_at(rig: BotRig, when: dt.datetime):  # type: ignore[no-untyped-def]
    rig.clock.set(when)
    return await rig.tick()


async def test_a_429_sends_that_message_again_after_retry_after_without_holding_up_others(
    rig: BotRig,
) -> None:
    (first, _), (second, _) = await people(rig, 2)
    rig.api.fail_next("sendMessage", 1, status=429, retry_after=30)
    report = await tick_at(rig, NUDGE_DUE)
    assert (report.sent, report.retried) == (1, 1)
    got = [len(rig.api.messages(p.chat_id)) for p in (first, second)]
    assert sorted(got) == [0, 1]  # the other person's water check was not held up
    waiting = (first, second)[got.index(0)]
    assert (await tick_at(rig, NUDGE_DUE + dt.timedelta(seconds=29))).sent == 0
    assert rig.api.messages(waiting.chat_id) == []
    assert (await tick_at(rig, NUDGE_DUE + dt.timedelta(seconds=30))).sent == 1
    assert "💧" in (rig.api.messages(waiting.chat_id)[0].text or "")
    assert [len(rig.api.messages(p.chat_id)) for p in (first, second)] == [1, 1]


async def test_a_person_who_blocked_the_bot_gets_nothing_until_they_send_start(
    rig: BotRig,
) -> None:
    (blocker, seeded), (other, _) = await people(rig, 2)
    rig.api.block_chat(blocker.chat_id)
    report = await tick_at(rig, NUDGE_DUE)
    assert (report.sent, report.blocked) == (1, 1)
    async with rig.deps.sessions() as session:
        user = await session.get_one(User, blocker.user_id)
        rows = (await session.scalars(select(Reminder).where(Reminder.user_id == user.id))).all()
    assert user.state == "blocked" and not any(row.active for row in rows)
    calls = rig.api.calls("sendMessage")
    await tick_at(rig, CHECKIN_DUE)
    assert rig.api.messages(blocker.chat_id) == []  # the check-in was not even tried
    assert rig.api.calls("sendMessage") == calls + 1  # only the other person's check-in
    assert "Checking in" in (rig.api.messages(other.chat_id)[-1].text or "")
    assert (await deliveries(rig, seeded.checkin_reminder_id)) == []


async def test_after_start_a_person_who_had_blocked_the_bot_gets_their_check_in_again(
    rig: BotRig,
) -> None:
    [(blocker, seeded)] = await people(rig, 1)
    rig.api.block_chat(blocker.chat_id)
    await tick_at(rig, NUDGE_DUE)
    rig.api.unblock_chat(blocker.chat_id)
    rig.clock.set(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    await blocker.send("/start")
    await blocker.next_message()
    await rig.tick()
    await tick_at(rig, CHECKIN_DUE)
    assert "Checking in on that twitch" in (blocker.last.text or "")  # type: ignore[union-attr]
    [delivery] = await deliveries(rig, seeded.checkin_reminder_id)
    assert delivery.status == "sent"


async def test_502s_are_retried_with_growing_gaps_then_the_nudge_is_recorded_failed(
    rig: BotRig,
) -> None:
    [(person, seeded)] = await people(rig, 1)
    rig.api.fail_next("sendMessage", 10, status=502)
    attempts_at = []
    when = NUDGE_DUE
    for _ in range(40):  # a tick every 15 s of fake time for 10 minutes
        before = rig.api.calls("sendMessage")
        await tick_at(rig, when)
        if rig.api.calls("sendMessage") > before:
            attempts_at.append(when - NUDGE_DUE)
        when += dt.timedelta(seconds=15)
    gaps = [b - a for a, b in itertools.pairwise(attempts_at)]
    assert [g.total_seconds() for g in gaps] == [30, 60, 120, 240]
    [delivery] = await deliveries(rig, seeded.nudge_reminder_id)
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert rig.api.messages(person.chat_id) == []


async def test_a_slow_api_does_not_make_one_persons_reminder_wait_for_anothers(
    rig: BotRig,
) -> None:
    crowd = await people(rig, 8)
    rig.api.set_latency(0.5)
    started = time.monotonic()
    report = await tick_at(rig, NUDGE_DUE)
    took = time.monotonic() - started
    assert report.sent == 8
    arrivals = [rig.api.messages(p.chat_id)[0].at - started for p, _ in crowd]
    # One after another, eight half-second sends would take four seconds.
    assert max(arrivals) < 1.5 and took < 2.0


async def with_morning_nudge(rig: BotRig, seeded: Seeded, at: dt.time) -> int:
    """A daily nudge at `at` on check-in day; returns its reminder id."""
    day = CHECKIN_DUE.date()
    schedule = LocalSchedule(times=(at,), start=day, end=day)
    async with rig.deps.sessions.begin() as session:
        [row] = await ReminderRepository(session).add_nudges(
            seeded.user_id,
            seeded.episode_id,
            "Europe/London",
            [PlannedNudge("N_BREATHE", schedule)],
            rig.clock.now(),
        )
    await rig.tick()
    return row.id


async def test_after_an_hour_long_outage_every_check_in_arrives_late_and_stale_nudges_are_skipped(
    rig: BotRig,
) -> None:
    crowd = await people(rig, 3)
    await tick_at(rig, NUDGE_DUE)
    for person, _ in crowd:
        await person.next_message()
    # A breathing break at 10:00 beside each 10:00 check-in: it waits for the check-in,
    # which waits for Telegram, so by the time it could go it is over two hours stale.
    nudges = [await with_morning_nudge(rig, s, dt.time(10, 0)) for _, s in crowd]
    rig.api.set_down(True)
    for minute in range(60):
        await tick_at(rig, CHECKIN_DUE + dt.timedelta(minutes=minute))
    rig.api.set_down(False)
    back = CHECKIN_DUE + dt.timedelta(minutes=60)
    for minute in range(0, 180, 5):
        await tick_at(rig, back + dt.timedelta(minutes=minute))
    for person, _ in crowd:
        text = await read_until(person, "Checking in on that twitch")
        assert text.startswith("Sorry this is late.")
        await person.expect_quiet(0.1)
    for reminder_id in nudges:
        [delivery] = await deliveries(rig, reminder_id)
        assert (delivery.status, delivery.reason, delivery.sent_at) == ("skipped", "grace", None)


async def test_a_nudge_more_than_two_hours_stale_is_skipped_and_the_check_in_still_comes(
    rig: BotRig,
) -> None:
    [(person, seeded)] = await people(rig, 1)
    await tick_at(rig, NUDGE_DUE)
    await person.next_message()
    nudge = await with_morning_nudge(rig, seeded, dt.time(7, 45))
    await tick_at(rig, dt.datetime(2026, 11, 28, 7, 0, tzinfo=dt.UTC))
    # Nothing runs from 07:00 until 10:05: the 07:45 breathing break is 2 h 20 min stale.
    report = await tick_at(rig, CHECKIN_DUE + dt.timedelta(minutes=20))
    assert (report.sent, report.skipped) == (1, 1)
    [delivery] = await deliveries(rig, nudge)
    assert (delivery.status, delivery.reason) == ("skipped", "grace")
    text = await read_until(person, "Checking in on that twitch")
    assert text.startswith("Sorry this is late.")
    await person.expect_quiet()


async def test_a_check_in_that_fell_due_while_blocked_comes_after_start(rig: BotRig) -> None:
    [(blocker, _)] = await people(rig, 1)
    rig.api.block_chat(blocker.chat_id)
    await tick_at(rig, NUDGE_DUE)
    await tick_at(rig, CHECKIN_DUE)
    rig.api.unblock_chat(blocker.chat_id)
    rig.clock.set(CHECKIN_DUE + dt.timedelta(hours=2))
    await blocker.send("/start")
    await blocker.next_message()
    await rig.tick()
    text = await read_until(blocker, "Checking in on that twitch")
    assert text.startswith("Sorry this is late.")
