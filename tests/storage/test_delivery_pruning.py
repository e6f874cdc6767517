"""Delivery rows of active people are forgotten once /history and /report no longer show
them: settled, old, and of an earlier episode. Nothing in flight, and nothing of the latest
episode, is ever touched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery, Episode, Reminder
from storage.retention import DELIVERY_KEEP_DAYS, prune_deliveries
from tests.scheduler import add_person

Sessions = async_sessionmaker[AsyncSession]
NOW = dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=DELIVERY_KEEP_DAYS + 10)
RECENT = NOW - dt.timedelta(days=5)


def _reminder(user_id: int, episode_id: int | None) -> Reminder:
    schedule = {"times": ["10:00"], "start": "2026-01-01", "end": None, "slot": None}
    return Reminder(
        user_id=user_id, episode_id=episode_id, kind="N_HYDRATE", schedule=schedule,
        tz="UTC", active=True, sent_count=0, created_at=OLD, next_due_at=NOW,
    )  # fmt: skip


def _delivery(reminder: Reminder, due: dt.datetime, status: str = "sent") -> Delivery:
    return Delivery(
        reminder_id=reminder.id, occurrence=f"{due:%Y-%m-%dT%H:%M}", due_at=due, status=status
    )


async def test_old_settled_deliveries_of_an_earlier_episode_go_and_the_rest_stay(
    sessions: Sessions,
) -> None:
    await add_person(sessions, 1, OLD, tz="UTC")
    async with sessions.begin() as session:
        earlier, latest = Episode(user_id=1, opened_at=OLD), Episode(user_id=1, opened_at=RECENT)
        session.add_all([earlier, latest])
        await session.flush()
        before, now, loose = _reminder(1, earlier.id), _reminder(1, latest.id), _reminder(1, None)
        session.add_all([before, now, loose])
        await session.flush()
        session.add_all(
            [
                _delivery(before, OLD),  # goes: old, settled, an earlier episode
                _delivery(before, OLD + dt.timedelta(days=1), "skipped"),  # goes
                _delivery(loose, OLD),  # goes: no episode shows it
                _delivery(before, OLD + dt.timedelta(days=2), "pending"),  # in flight: stays
                _delivery(before, RECENT),  # recent: stays
                _delivery(now, OLD),  # the latest episode's story: stays
            ]
        )
    async with sessions.begin() as session:
        forgotten = await prune_deliveries(session, NOW - dt.timedelta(days=DELIVERY_KEEP_DAYS))
    async with sessions() as session:
        left = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
    assert forgotten == 3
    assert [(d.status, d.due_at) for d in left] == [
        ("pending", OLD + dt.timedelta(days=2)),
        ("sent", RECENT),
        ("sent", OLD),
    ]
