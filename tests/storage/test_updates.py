"""Claims on update ids: one owner at a time, a crashed owner's claim taken over after its
lease, and pruning a day after processing."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate
from storage.updates import Claim, ProcessedUpdateRepository

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


async def claim(
    sessions: async_sessionmaker[AsyncSession], owner: str, now: dt.datetime = NOW
) -> Claim:
    async with sessions.begin() as session:
        return await ProcessedUpdateRepository(session).claim(7, owner, now, LEASE)


async def test_the_first_claim_wins_and_a_second_owner_finds_it_busy(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "a") == Claim.TAKEN
    assert await claim(sessions, "b") == Claim.BUSY


async def test_twenty_simultaneous_claims_leave_exactly_one_owner(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    results = await asyncio.gather(*(claim(sessions, f"r{n}") for n in range(20)))
    assert results.count(Claim.TAKEN) == 1
    assert results.count(Claim.BUSY) == 19


async def test_a_claim_whose_lease_ran_out_is_taken_over_by_the_retry_which_is_told_so(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "crashed") == Claim.TAKEN
    later = NOW + LEASE + dt.timedelta(seconds=1)
    assert await claim(sessions, "retry", later) == Claim.TAKEN_OVER
    assert await claim(sessions, "another", later) == Claim.BUSY
    async with sessions() as session:
        row = await session.get(ProcessedUpdate, 7)
    assert row is not None and row.owner == "retry"


async def test_twenty_retries_racing_for_a_crashed_claim_leave_exactly_one_taking_it_over(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "crashed") == Claim.TAKEN
    later = NOW + LEASE + dt.timedelta(seconds=1)
    results = await asyncio.gather(*(claim(sessions, f"r{n}", later) for n in range(20)))
    assert results.count(Claim.TAKEN_OVER) == 1
    assert results.count(Claim.BUSY) == 19


async def test_a_processed_update_is_done_even_after_the_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "a") == Claim.TAKEN
    async with sessions.begin() as session:
        await ProcessedUpdateRepository(session).finish(7, "a", NOW)
    assert await claim(sessions, "b") == Claim.DONE
    assert await claim(sessions, "b", NOW + dt.timedelta(hours=2)) == Claim.DONE


async def test_a_released_claim_can_be_taken_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions, "a") == Claim.TAKEN
    async with sessions.begin() as session:
        await ProcessedUpdateRepository(session).release(7, "a")
    assert await claim(sessions, "b") == Claim.TAKEN  # a fresh claim: nothing was done


async def test_pruning_forgets_what_was_processed_or_abandoned_a_day_ago_and_keeps_the_rest(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day = dt.timedelta(days=1, minutes=1)
    async with sessions.begin() as session:
        repository = ProcessedUpdateRepository(session)
        for update_id, at in ((1, NOW - day), (2, NOW), (3, NOW - 2 * day)):
            await repository.claim(update_id, "a", at, LEASE)
        await repository.finish(1, "a", NOW - day)
        await repository.finish(2, "a", NOW)
    async with sessions.begin() as session:
        repository = ProcessedUpdateRepository(session)
        assert await repository.prune(NOW) == 2
        assert await repository.held(NOW - day) == 0
    async with sessions() as session:
        left = set((await session.scalars(select(ProcessedUpdate.update_id))).all())
    assert left == {2}
