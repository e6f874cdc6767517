"""Reminder and delivery rows: writing a plan, stopping, moving zones, snoozing, answering."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.deliveries import DeliveryRepository, UnknownResponse
from storage.models import User
from storage.reminders import ReminderRepository
from tests import factories
from triage.schedule import LocalSchedule, PlannedNudge

Sessions = async_sessionmaker[AsyncSession]
NOW = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)
HYDRATE = PlannedNudge("N_HYDRATE", LocalSchedule((dt.time(10), dt.time(15)), NOW.date()))
WARMUP = PlannedNudge(
    "N_WARMUP",
    LocalSchedule((dt.time(17),), NOW.date(), end=dt.date(2026, 6, 14), weekdays=frozenset({0})),
    slot="warm-up",
)


def wall(iso: str) -> dt.datetime:
    """A naive local wall time, as the check-in API takes it."""
    return dt.datetime.fromisoformat(iso)


@pytest.fixture
async def person(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        await factories.add(session, factories.user(7, NOW, chat_id=70))
        session.add(factories.episode(7, NOW, id=3))
    return 7


async def test_a_planned_nudge_becomes_a_row_waiting_to_be_placed(
    sessions: Sessions, person: int
) -> None:
    async with sessions.begin() as session:
        rows = await ReminderRepository(session).add_nudges(
            person, 3, "Europe/Berlin", [HYDRATE, WARMUP], NOW
        )
    assert [(r.kind, r.active, r.next_due_at, r.occurrence) for r in rows] == [
        ("N_HYDRATE", True, NOW, None),
        ("N_WARMUP", True, NOW, None),
    ]
    assert rows[1].schedule.slot == "warm-up" and rows[1].end_date == dt.date(2026, 6, 14)
    async with sessions() as session:
        assert await ReminderRepository(session).earliest_due() == NOW


async def test_a_check_in_is_a_one_off_at_its_local_wall_time(
    sessions: Sessions, person: int
) -> None:
    async with sessions.begin() as session:
        row = await ReminderRepository(session).add_checkin(
            person, 3, "Europe/Berlin", wall("2026-06-03T10:00"), NOW
        )
    assert row.kind == "CHECKIN"
    schedule = row.schedule.schedule
    assert (schedule.times, schedule.dates) == ((dt.time(10),), (dt.date(2026, 6, 3),))


async def test_deactivating_by_kind_stops_only_those_and_counts_them(
    sessions: Sessions, person: int
) -> None:
    async with sessions.begin() as session:
        repo = ReminderRepository(session)
        await repo.add_nudges(person, 3, "Europe/Berlin", [HYDRATE, WARMUP], NOW)
        assert await repo.deactivate(person, kinds={"N_WARMUP"}) == 1
        rows = await repo.for_user(person)
    assert [(r.kind, r.active, r.next_due_at) for r in rows] == [
        ("N_HYDRATE", True, NOW),
        ("N_WARMUP", False, None),
    ]


async def test_stopped_reminders_stay_stopped_when_a_blocked_person_comes_back(
    sessions: Sessions, person: int
) -> None:
    later = NOW + dt.timedelta(days=2)
    async with sessions.begin() as session:
        repo = ReminderRepository(session)
        hydrate, _ = await repo.add_nudges(person, 3, "Europe/Berlin", [HYDRATE, WARMUP], NOW)
        await repo.deactivate(person, kinds={"N_WARMUP"})
        hydrate.active = False  # as the dispatcher leaves it after a 403
    async with sessions.begin() as session:
        assert await ReminderRepository(session).reactivate_user(person, later) == 1
        rows = await ReminderRepository(session).for_user(person)
        user = await session.get_one(User, person)
    assert [(r.kind, r.active, r.next_due_at) for r in rows] == [
        ("N_HYDRATE", True, later),
        ("N_WARMUP", False, None),
    ]
    assert user.state == "active"


async def test_changing_zone_keeps_the_local_times_and_replaces_the_rows(
    sessions: Sessions, person: int
) -> None:
    async with sessions.begin() as session:
        repo = ReminderRepository(session)
        [row] = await repo.add_nudges(person, 3, "Europe/Berlin", [HYDRATE], NOW)
        row.occurrence, row.next_due_at = "2026-06-01T10:00", NOW + dt.timedelta(hours=2)
    async with sessions.begin() as session:
        await ReminderRepository(session).change_zone(person, "Asia/Kolkata", NOW)
        [row] = await ReminderRepository(session).for_user(person)
    assert (row.tz, row.occurrence, row.next_due_at, row.schedule.schedule.times) == (
        "Asia/Kolkata", None, NOW, (dt.time(10), dt.time(15)),
    )  # fmt: skip


async def test_rescheduling_a_check_in_moves_it_and_none_stops_it(
    sessions: Sessions, person: int
) -> None:
    async with sessions.begin() as session:
        repo = ReminderRepository(session)
        row = await repo.add_checkin(person, 3, "Europe/Berlin", wall("2026-06-03T10:00"), NOW)
        await repo.reschedule_checkin(row.id, wall("2026-06-04T18:30"), NOW)
        [moved] = await repo.for_user(person)
        await session.refresh(moved)
        schedule = moved.schedule.schedule
        assert (schedule.dates, schedule.times) == ((dt.date(2026, 6, 4),), (dt.time(18, 30),))
        await repo.reschedule_checkin(row.id, None, NOW)
        await session.refresh(moved)
        assert moved.active is False


async def _delivered(sessions: Sessions, person: int) -> tuple[int, int]:
    async with sessions.begin() as session:
        [row] = await ReminderRepository(session).add_nudges(
            person, 3, "Europe/Berlin", [HYDRATE], NOW
        )
        delivery = factories.delivery(
            row.id, NOW, occurrence="2026-06-01T10:00", attempts=1, message_id=5
        )
        await factories.add(session, delivery)
        return row.id, delivery.id


async def test_stop_this_reminder_ends_the_series_and_its_snooze_copies(
    sessions: Sessions, person: int
) -> None:
    series, delivery_id = await _delivered(sessions, person)
    async with sessions.begin() as session:
        await DeliveryRepository(session).snooze(delivery_id, NOW)
    async with sessions.begin() as session:
        answered = await DeliveryRepository(session).respond(delivery_id, "stopped", NOW)
        rows = await ReminderRepository(session).for_user(person)
    assert answered is not None and answered.response == "stopped"
    assert [(r.id == series, r.active) for r in rows] == [(True, False), (False, False)]


async def test_snooze_adds_a_one_off_copy_an_hour_later_in_local_time(
    sessions: Sessions, person: int
) -> None:
    series, delivery_id = await _delivered(sessions, person)
    async with sessions.begin() as session:
        await DeliveryRepository(session).snooze(
            delivery_id, NOW + dt.timedelta(minutes=2, seconds=30)
        )
        rows = await ReminderRepository(session).for_user(person)
        delivery = await DeliveryRepository(session).get(delivery_id)
    copy = rows[1]
    once = copy.schedule.schedule
    assert (copy.origin_id, copy.kind, once.times, once.dates) == (
        series, "N_HYDRATE", (dt.time(9, 2),), (dt.date(2026, 6, 1),),
    )  # fmt: skip
    assert rows[0].schedule.schedule.times == (dt.time(10), dt.time(15))
    assert delivery is not None and delivery.response == "snoozed"


async def test_an_unknown_response_is_refused(sessions: Sessions, person: int) -> None:
    _, delivery_id = await _delivered(sessions, person)
    async with sessions.begin() as session:
        with pytest.raises(UnknownResponse):
            await DeliveryRepository(session).respond(delivery_id, "maybe", NOW)
        assert await DeliveryRepository(session).respond(999, "done", NOW) is None
