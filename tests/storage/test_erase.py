"""Erasing a person (/delete and retention) and finding their rows (/export), on every backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.retention import RetentionJob
from storage.erase import collect, erase_person
from storage.models import (
    Base,
    CheckIn,
    Delivery,
    ProcessedUpdate,
    User,
)
from storage.retention import erase_inactive, purge
from tests import factories

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
GONE, STAYS = 701, 702


async def seed_person(
    session: AsyncSession, user_id: int, at: dt.datetime = NOW
) -> dict[str, set[Any]]:
    """One person with a row in every table that can hold their data; returns their keys."""
    person = factories.user(user_id, at, language="en", country="GB", tz="Europe/London")
    await factories.add(session, person)
    episode = factories.episode(user_id, at, level="L0", reasons=["R-0"], answers=None)
    await factories.add(session, episode)
    triage = factories.triage_session(user_id, episode.id, at)
    series = factories.reminder(user_id, episode.id, at)
    await factories.add(session, triage, series)
    copy = factories.reminder(user_id, episode.id, at, origin_id=series.id)
    await factories.add(session, copy)
    delivery = factories.delivery(series.id, at, occurrence="2026-11-25T11:00")
    await factories.add(session, delivery)
    checkin = factories.checkin(episode.id, at, delivery_id=delivery.id)
    await factories.add(session, checkin)
    return {
        "users": {user_id},
        "episodes": {episode.id},
        "triage_sessions": {triage.id},
        "reminders": {series.id, copy.id},
        "deliveries": {delivery.id},
        "checkins": {checkin.id},
    }


def _key(table: Table) -> Any:
    (key,) = table.primary_key.columns
    return key


async def _all_keys(session: AsyncSession) -> dict[str, set[Any]]:
    return {
        table.name: set((await session.scalars(select(_key(table)))).all())
        for table in Base.metadata.sorted_tables
    }


async def _references(session: AsyncSession, mine: dict[str, set[Any]]) -> list[str]:
    """Every foreign-key value, in every table of the schema, that points at one of `mine`."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            values = set((await session.scalars(select(fk.parent))).all())
            hits = values & mine.get(fk.column.table.name, set())
            found += [f"{table.name}.{fk.parent.name}={value}" for value in hits]
    return found


def _reaches_people(table: Table, seen: frozenset[str] = frozenset()) -> bool:
    if table.name == "users":
        return True
    parents = {fk.column.table for fk in table.foreign_keys} - {table}
    return any(p.name not in seen and _reaches_people(p, seen | {table.name}) for p in parents)


async def test_the_seeded_person_has_rows_in_every_table_that_can_hold_their_data(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        mine = await seed_person(session, GONE)
    personal = {t.name for t in Base.metadata.sorted_tables if _reaches_people(t)}
    assert personal == {name for name, keys in mine.items() if keys}


async def test_erasing_a_person_leaves_no_row_about_them_in_any_table(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        mine = await seed_person(session, GONE)
        theirs = await seed_person(session, STAYS)
        session.add(ProcessedUpdate(update_id=1, processed_at=NOW))
    async with sessions.begin() as session:
        erased = await erase_person(session, GONE)
    async with sessions() as session:
        left = await _all_keys(session)
        dangling = await _references(session, mine)
    assert erased == sum(len(keys) for keys in mine.values())
    assert all(not (left[name] & keys) for name, keys in mine.items())
    assert dangling == []
    assert all(keys <= left[name] for name, keys in theirs.items())
    assert left["processed_updates"] == {1}


async def test_an_erasure_that_fails_part_way_leaves_everything_in_place(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        mine = await seed_person(session, GONE)
    try:
        async with sessions.begin() as session:
            await erase_person(session, GONE)
            raise RuntimeError("the connection dropped")
    except RuntimeError:
        pass
    async with sessions() as session:
        left = await _all_keys(session)
    assert all(keys <= left[name] for name, keys in mine.items())


async def test_collect_finds_the_persons_rows_and_nobody_elses(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        mine = await seed_person(session, GONE)
        await seed_person(session, STAYS)
    async with sessions() as session:
        rows = await collect(session, GONE)
    found = {
        name: {row[_key(Base.metadata.tables[name]).name] for row in found}
        for name, found in rows.items()
    }
    assert found == mine
    assert rows["users"][0]["tz"] == "Europe/London"


async def test_erasing_someone_unknown_removes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        theirs = await seed_person(session, STAYS)
    async with sessions.begin() as session:
        assert await erase_person(session, GONE) == 0
    async with sessions() as session:
        left = await _all_keys(session)
    assert all(keys <= left[name] for name, keys in theirs.items())


async def test_people_inactive_past_the_cutoff_are_erased_and_recent_ones_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    long_ago = NOW - dt.timedelta(days=200)
    async with sessions.begin() as session:
        await seed_person(session, GONE, long_ago)
        await seed_person(session, STAYS, NOW - dt.timedelta(days=3))
    async with sessions.begin() as session:
        erased = await erase_inactive(session, NOW - dt.timedelta(days=180))
    async with sessions() as session:
        people = set((await session.scalars(select(User.id))).all())
    assert (erased, people) == (1, {STAYS})


async def test_answering_a_check_in_or_a_nudge_counts_as_activity(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    long_ago = NOW - dt.timedelta(days=200)
    async with sessions.begin() as session:
        first = await seed_person(session, GONE, long_ago)
        second = await seed_person(session, STAYS, long_ago)
        checkin = await session.get_one(CheckIn, next(iter(first["checkins"])))
        checkin.completed_at = NOW - dt.timedelta(days=10)
        delivery = await session.get_one(Delivery, next(iter(second["deliveries"])))
        delivery.responded_at = NOW - dt.timedelta(days=1)
    erased = await purge(sessions, NOW, 180)
    async with sessions() as session:
        people = set((await session.scalars(select(User.id))).all())
    assert (erased, people) == (0, {GONE, STAYS})


async def test_a_nudge_sent_but_never_answered_does_not_keep_data_alive(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    long_ago = NOW - dt.timedelta(days=200)
    async with sessions.begin() as session:
        mine = await seed_person(session, GONE, long_ago)
        delivery = await session.get_one(Delivery, next(iter(mine["deliveries"])))
        delivery.sent_at = NOW - dt.timedelta(days=1)
    assert await purge(sessions, NOW, 180) == 1


async def test_the_daily_job_runs_at_half_past_three_utc_and_erases_the_inactive(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await seed_person(session, GONE, NOW - dt.timedelta(days=181))
    erased: list[int] = []

    async def job() -> int:
        erased.append(await purge(sessions, NOW, 180))
        return erased[-1]

    daily = RetentionJob(job)
    await daily.run_once()
    assert daily.next_run(NOW) == dt.datetime(2026, 11, 26, 3, 30, tzinfo=dt.UTC)
    assert erased == [1]


async def test_a_failed_daily_run_is_logged_and_does_not_stop_the_job(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def job() -> int:
        raise ConnectionError("database unreachable")

    await RetentionJob(job).run_once()
    assert "retention run failed: ConnectionError" in caplog.text
