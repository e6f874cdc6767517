"""The dispatcher against a real database: due reminders go out once, by the stated policy."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Update, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import FakeClock
from scheduler.dispatcher import Dispatcher
from scheduler.ports import Blocked, Failed, Outgoing, RetryAfter, SendResult, Sent
from storage.deliveries import DeliveryRepository
from storage.models import Delivery, Reminder, User
from storage.reminders import ReminderRepository
from tests import factories
from tests.factories import add_person
from tests.scheduler import FakeNotifier
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
BERLIN = ZoneInfo("Europe/Berlin")
DAY = dt.date(2026, 6, 1)  # a Monday; Berlin is UTC+2


def local(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), BERLIN).astimezone(dt.UTC)


def nudge(kind: str, *times: str, slot: str | None = None) -> PlannedNudge:
    schedule = LocalSchedule(tuple(dt.time.fromisoformat(t) for t in times), start=DAY)
    return PlannedNudge(kind, schedule, slot)


async def plan(sessions: Sessions, user_id: int, now: dt.datetime, *nudges: PlannedNudge) -> None:
    async with sessions.begin() as session:
        await ReminderRepository(session).add_nudges(user_id, None, "Europe/Berlin", nudges, now)


async def checkin(sessions: Sessions, user_id: int, now: dt.datetime, hhmm: str) -> None:
    at = dt.datetime.combine(DAY, dt.time.fromisoformat(hhmm))
    async with sessions.begin() as session:
        session.add(factories.episode(user_id, now, id=user_id))
        await session.flush()
        await ReminderRepository(session).add_checkin(user_id, user_id, "Europe/Berlin", at, now)


async def deliveries(sessions: Sessions) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.due_at)))


async def reminders(sessions: Sessions, user_id: int) -> list[Reminder]:
    async with sessions() as session:
        return await ReminderRepository(session).for_user(user_id)


def dispatcher(
    sessions: Sessions, clock: FakeClock, notifier: FakeNotifier, **kw: object
) -> Dispatcher:
    return Dispatcher(sessions, clock, notifier, owner=str(kw.pop("owner", "a")), **kw)  # type: ignore[arg-type]


async def run_until(
    d: Dispatcher, clock: FakeClock, until: dt.datetime, step: dt.timedelta
) -> None:
    """Tick every `step` of fake time until `until`."""
    while clock.now() < until:
        await d.tick()
        clock.advance(step)
    await d.tick()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local("08:00"))


async def test_a_due_nudge_goes_out_once_and_moves_to_its_next_local_time(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00", "15:00"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await d.tick()
    assert notifier.sent == []
    clock.set(local("10:00"))
    report = await d.tick()
    await d.tick()
    assert report.sent == 1
    [out] = notifier.sent
    assert (out.kind, out.chat_id, out.local_due.hour, out.late) == (
        "N_HYDRATE",
        500_001,
        10,
        False,
    )
    [row] = await reminders(sessions, 1)
    assert row.next_due_at == local("15:00") and row.sent_count == 1
    assert await d.next_wakeup() == local("15:00")


async def test_a_restarted_dispatcher_does_not_send_again(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00"))
    clock.set(local("10:00"))
    first = FakeNotifier()
    await dispatcher(sessions, clock, first).tick()
    again = FakeNotifier()
    clock.advance(dt.timedelta(minutes=1))
    await dispatcher(sessions, clock, again, owner="b").tick()
    assert len(first.sent) == 1 and again.sent == []


async def test_two_dispatchers_ticking_together_never_send_an_occurrence_twice(
    sessions: Sessions, clock: FakeClock
) -> None:
    people = range(1, 121)
    for user_id in people:
        await add_person(sessions, user_id, clock.now())
        await plan(
            sessions, user_id, clock.now(), nudge("N_HYDRATE", "10:00"), nudge("N_SLEEP", "10:00")
        )
    clock.set(local("10:00"))
    a, b = FakeNotifier(), FakeNotifier()
    one = dispatcher(sessions, clock, a, owner="a", batch_size=25)
    two = dispatcher(sessions, clock, b, owner="b", batch_size=25)
    await asyncio.gather(one.tick(), two.tick(), one.tick(), two.tick())
    # Two nudges due together for one person may go out as one message.
    sent = [m.delivery_id for o in a.sent + b.sent for m in (o, *o.merged)]
    assert len(sent) == len(set(sent)) == 240
    assert {(o.reminder_id, o.local_due) for o in a.sent} & {
        (o.reminder_id, o.local_due) for o in b.sent
    } == set()


async def test_a_claim_dropped_by_a_crash_is_retried_once_its_lease_expires(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00"))
    clock.set(local("10:00"))

    def crash(_: Outgoing) -> SendResult:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await dispatcher(sessions, clock, FakeNotifier(crash)).tick()
    restarted = FakeNotifier()
    d = dispatcher(sessions, clock, restarted, owner="b")
    await d.tick()
    assert restarted.sent == []  # still leased by the crashed process
    clock.advance(dt.timedelta(minutes=6))
    await d.tick()
    [out] = restarted.sent
    [delivery] = await deliveries(sessions)
    assert (delivery.id, delivery.status) == (out.delivery_id, "sent")


async def test_quiet_hours_hold_a_nudge_until_morning_but_not_the_sleep_nudge(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_BREATHE", "23:00"), nudge("N_SLEEP", "23:00"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("07:45", DAY + dt.timedelta(days=1)), dt.timedelta(minutes=15))
    assert [
        (o.kind, clock_at)
        for o, clock_at in zip(notifier.sent, _sent_times(await deliveries(sessions)), strict=True)
    ] == [
        ("N_SLEEP", local("23:00")),
        ("N_BREATHE", local("07:30", DAY + dt.timedelta(days=1))),
    ]


def _sent_times(rows: list[Delivery]) -> list[dt.datetime | None]:
    return sorted((r.sent_at for r in rows if r.sent_at), key=lambda t: t)  # type: ignore[arg-type, return-value]


async def test_a_nudge_more_than_two_hours_late_is_skipped_not_sent(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00", "15:00"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await d.tick()
    clock.set(local("12:30"))
    report = await d.tick()
    assert notifier.sent == [] and report.skipped == 1
    [skipped] = await deliveries(sessions)
    assert (skipped.status, skipped.reason, skipped.occurrence) == (
        "skipped",
        "grace",
        "2026-06-01T10:00",
    )
    [row] = await reminders(sessions, 1)
    assert row.next_due_at == local("15:00")


async def test_a_check_in_is_always_sent_and_says_when_it_is_late(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await add_person(sessions, 2, clock.now())
    await checkin(sessions, 1, clock.now(), "10:00")
    await checkin(sessions, 2, clock.now(), "10:00")
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await d.tick()
    clock.set(local("10:10"))
    async with sessions.begin() as session:  # person 2's check-in waits in a paused account
        await session.execute(_pause(2, local("13:30")))
    await d.tick()
    clock.set(local("13:30"))
    await d.tick()
    assert [(o.user_id, o.kind, o.late) for o in notifier.sent] == [
        (1, "CHECKIN", False),
        (2, "CHECKIN", True),
    ]


def _pause(user_id: int, until: dt.datetime | None) -> Update:
    return update(User).where(User.id == user_id).values(state="paused", paused_until=until)


async def test_at_most_three_nudge_messages_a_day_and_later_times_are_never_pulled_forward(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(
        sessions, 1, clock.now(),
        nudge("N_HYDRATE_PLUS", "09:30", "12:30", "15:30", "18:30"),
        nudge("N_CAFF_TRIM", "10:30", slot="cap"),
        nudge("N_BREATHE", "18:30"),
    )  # fmt: skip
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("21:00"), dt.timedelta(minutes=10))
    assert [o.kind for o in notifier.sent] == ["N_HYDRATE_PLUS", "N_CAFF_TRIM", "N_HYDRATE_PLUS"]
    assert [o.local_due.strftime("%H:%M") for o in notifier.sent] == ["09:30", "10:30", "12:30"]
    assert not any(o.merged for o in notifier.sent)  # nothing said before its time
    rows = await deliveries(sessions)
    assert [r.status for r in rows] == ["sent"] * 3 + ["skipped"] * 3
    assert {r.reason for r in rows if r.status == "skipped"} == {"cap"}
    clock.set(local("09:30", DAY + dt.timedelta(days=1)))
    await d.tick()
    assert notifier.sent[-1].local_due == local("09:30", DAY + dt.timedelta(days=1))


async def test_a_snooze_at_the_cap_still_arrives_an_hour_later(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "09:00", "10:00", "11:00"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("11:05"), dt.timedelta(minutes=5))
    third = notifier.sent[-1]
    async with sessions.begin() as session:
        await DeliveryRepository(session).snooze(third.delivery_id, clock.now())
    await run_until(d, clock, local("13:00"), dt.timedelta(minutes=1))
    assert len(notifier.sent) == 4
    again = notifier.sent[-1]
    assert (again.kind, again.local_due.strftime("%H:%M")) == ("N_HYDRATE", "12:05")
    assert not [r for r in await deliveries(sessions) if r.status == "skipped"]


async def test_no_nudge_goes_out_within_an_hour_of_a_check_in(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await checkin(sessions, 1, clock.now(), "10:00")
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "09:30", "10:30"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("12:00"), dt.timedelta(minutes=5))
    sent_at = {r.occurrence: r.sent_at for r in await deliveries(sessions)}
    assert sent_at["2026-06-01T10:00"] == local("10:00")
    assert sent_at["2026-06-01T09:30"] == local("11:00")  # due within the hour before
    assert sent_at["2026-06-01T10:30"] >= local("11:00")  # due within the hour after


async def test_a_paused_person_gets_no_nudges_and_their_check_in_waits(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now(), state="paused", paused_until=local("12:00"))
    await add_person(sessions, 2, clock.now(), state="blocked")
    await checkin(sessions, 1, clock.now(), "10:00")
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:30"))
    await plan(sessions, 2, clock.now(), nudge("N_HYDRATE", "10:30"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("11:50"), dt.timedelta(minutes=10))
    assert notifier.sent == []
    skipped = sorted((r.reason, r.occurrence) for r in await deliveries(sessions))
    assert skipped == [("blocked", "2026-06-01T10:30"), ("paused", "2026-06-01T10:30")]
    await run_until(d, clock, local("12:10"), dt.timedelta(minutes=10))
    assert [(o.kind, o.late) for o in notifier.sent] == [("CHECKIN", True)]


async def test_a_rate_limited_send_is_requeued_while_other_chats_get_theirs(
    sessions: Sessions, clock: FakeClock
) -> None:
    for user_id in (1, 2, 3):
        await add_person(sessions, user_id, clock.now())
        await plan(sessions, user_id, clock.now(), nudge("N_HYDRATE", "10:00"))
    limited = {1}

    def script(out: Outgoing) -> SendResult:
        if out.user_id in limited:
            limited.clear()
            return RetryAfter(seconds=40)
        return Sent(message_id=out.delivery_id + 7)

    notifier = FakeNotifier(script)
    d = dispatcher(sessions, clock, notifier)
    await d.tick()
    clock.set(local("10:00"))
    report = await d.tick()
    assert (report.sent, report.retried) == (2, 1)
    [row] = await reminders(sessions, 1)
    assert row.next_due_at == local("10:00") + dt.timedelta(seconds=40)
    clock.advance(dt.timedelta(seconds=40))
    await d.tick()
    assert [o.user_id for o in notifier.sent].count(1) == 2
    assert {r.status for r in await deliveries(sessions)} == {"sent"}


async def test_server_errors_back_off_then_fail_after_the_last_attempt(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00", "15:00"))
    notifier = FakeNotifier(lambda _: Failed(transient=True, reason="NetworkError"))
    d = dispatcher(sessions, clock, notifier, max_attempts=5)
    await d.tick()
    clock.set(local("10:00"))
    attempts: list[dt.datetime] = []
    while len(notifier.sent) < 5 and clock.now() < local("11:00"):
        before = len(notifier.sent)
        await d.tick()
        if len(notifier.sent) > before:
            attempts.append(clock.now())
        clock.advance(dt.timedelta(seconds=10))
    gaps = [int((b - a).total_seconds()) for a, b in itertools.pairwise(attempts)]
    assert gaps == [30, 60, 120, 240]
    [failed] = await deliveries(sessions)
    assert (failed.status, failed.reason, failed.attempts) == ("failed", "NetworkError", 5)
    [row] = await reminders(sessions, 1)
    assert row.next_due_at == local("15:00")


async def test_a_permanent_failure_is_recorded_and_the_series_moves_on(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00", "15:00"))
    d = dispatcher(
        sessions, clock, FakeNotifier(lambda _: Failed(transient=False, reason="BadRequest"))
    )
    clock.set(local("10:00"))
    report = await d.tick()
    assert report.failed == 1
    [row] = await reminders(sessions, 1)
    assert row.next_due_at == local("15:00")


async def test_a_person_who_blocked_the_bot_is_marked_blocked_and_their_reminders_stop(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00"), nudge("N_BREATHE", "18:30"))
    d = dispatcher(sessions, clock, FakeNotifier(lambda _: Blocked()))
    clock.set(local("10:00"))
    report = await d.tick()
    assert report.blocked == 1
    async with sessions() as session:
        user = await session.get_one(User, 1)
        assert user.state == "blocked"
    assert [r.active for r in await reminders(sessions, 1)] == [False, False]
    async with sessions.begin() as session:
        assert await ReminderRepository(session).reactivate_user(1, clock.now()) == 2
    notifier = FakeNotifier()
    await run_until(
        dispatcher(sessions, clock, notifier), clock, local("18:40"), dt.timedelta(minutes=10)
    )
    assert notifier.kinds() == ["N_BREATHE"]


async def test_after_an_hour_long_outage_every_check_in_arrives_and_stale_nudges_are_skipped(
    sessions: Sessions, clock: FakeClock
) -> None:
    for user_id in (1, 2, 3):
        await add_person(sessions, user_id, clock.now())
        await checkin(sessions, user_id, clock.now(), f"10:{user_id * 10}")
        await plan(sessions, user_id, clock.now(), nudge("N_HYDRATE", "09:00", "15:00"))
    outage = (local("09:00"), local("10:00") + dt.timedelta(minutes=59))

    def script(out: Outgoing) -> SendResult:
        if outage[0] <= clock.now() < outage[1]:
            return Failed(transient=True, reason="ServerError")
        return Sent(message_id=out.delivery_id + 1)

    notifier = FakeNotifier(script)
    d = dispatcher(sessions, clock, notifier, nudge_grace=dt.timedelta(minutes=30), max_attempts=20)
    await run_until(d, clock, local("11:30"), dt.timedelta(minutes=1))
    rows = await deliveries(sessions)
    checkins = [r for r in rows if r.occurrence.endswith(("10:10", "10:20", "10:30"))]
    assert [r.status for r in checkins] == ["sent"] * 3
    assert all(r.sent_at and r.sent_at >= outage[1] for r in checkins)
    nudges = [r for r in rows if r.occurrence.endswith("09:00")]
    assert [(r.status, r.reason) for r in nudges] == [("skipped", "grace")] * 3
    delivered = [o for o in notifier.sent if o.kind == "CHECKIN" and clock.now() >= outage[1]]
    assert delivered and all(o.late for o in delivered[-3:])


async def test_snooze_sends_once_more_an_hour_later_and_the_series_keeps_its_times(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await plan(sessions, 1, clock.now(), nudge("N_HYDRATE", "10:00", "15:00"))
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await run_until(d, clock, local("10:05"), dt.timedelta(minutes=5))
    async with sessions.begin() as session:
        await DeliveryRepository(session).snooze(notifier.sent[0].delivery_id, clock.now())
    await run_until(d, clock, local("15:05"), dt.timedelta(minutes=5))
    times = [o.local_due.strftime("%H:%M") for o in notifier.sent]
    assert times == ["10:00", "11:05", "15:00"]
    assert notifier.sent[1].kind == "N_HYDRATE"
    async with sessions() as session:
        first = await session.get_one(Delivery, notifier.sent[0].delivery_id)
        assert first.response == "snoozed"


async def test_a_check_in_re_placed_after_its_time_passed_still_goes_out_late(
    sessions: Sessions, clock: FakeClock
) -> None:
    await add_person(sessions, 1, clock.now())
    await checkin(sessions, 1, clock.now(), "10:00")
    notifier = FakeNotifier()
    d = dispatcher(sessions, clock, notifier)
    await d.tick()  # placed at 10:00
    clock.set(local("12:00"))
    async with sessions.begin() as session:  # the person moved zone before it was sent
        await ReminderRepository(session).change_zone(1, "Europe/Berlin", clock.now())
    await d.tick()
    assert [(o.kind, o.late, o.local_due.strftime("%H:%M")) for o in notifier.sent] == [
        ("CHECKIN", True, "10:00")
    ]
    await d.tick()
    assert len(notifier.sent) == 1  # and only once
