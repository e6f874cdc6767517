"""The due-reminder dispatcher: claims due reminder rows, applies the policy, sends, records.

Reminders are rows with `next_due_at` (DESIGN.md decision 3). One tick, per batch:

1. Claim: one statement leases up to `batch_size` due rows (`UPDATE ... WHERE id IN (SELECT
   ... FOR UPDATE SKIP LOCKED) RETURNING` on PostgreSQL, without the lock clause on SQLite,
   where the single writer serialises it). Rows leased by another replica are left alone.
2. Decide each row with `scheduler.policy` (quiet hours, grace, daily cap, check-in gap,
   paused people), and in one transaction record a delivery per occurrence to send or skip,
   keyed by (reminder, local occurrence), and move deferred rows; commit.
3. Send, outside any transaction, up to `concurrency` at once, so one slow chat does not
   hold up the others (the Telegram rate limits live in the notifier).
4. In a new transaction, mark each delivery with its result, advance `next_due_at` to the
   next local occurrence, count it, and clear the lease.

Why this is at least once, with at most one duplicate per crash: the delivery row is
committed before the send and marked after it. If the process dies in between, the row
stays "pending" and the reminder keeps its lease; once the lease expires, the next tick
(here or on another replica) claims the reminder again, finds the pending delivery for the
same occurrence and sends it again. So a crash after the send but before the mark repeats
that one message once; a crash before the send loses nothing. The unique key on
(reminder, occurrence) means a restart, a second replica, or a DST fold that offers the same
wall time twice can never record, and so never send, an occurrence that is already sent,
skipped or failed: such a row is only advanced.

The values a tick works on live in `scheduler.jobs`, the pure decision of step 2 in
`scheduler.batch`, step 4 in `scheduler.outcomes`, the statements in `scheduler.leases`
(reminder rows) and `scheduler.records` (people and deliveries).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler import leases, records
from scheduler.batch import decide_batch
from scheduler.clock import Clock
from scheduler.jobs import Job, Move, Recipient, Row, advance, outgoing
from scheduler.outcomes import Recorder
from scheduler.outcomes import TickReport as TickReport  # re-exported: the driver's contract
from scheduler.policy import Defer, Send, Skip
from scheduler.ports import Failed, Notifier, SendResult

log = logging.getLogger(__name__)
RENEWALS_PER_LEASE = 3
CLAIM_SHARE_OF_LEASE = 0.5
"""A claim is at most what the budget sends in half a lease, leaving room for retries."""


class Dispatcher:
    """Claims due reminders, applies the policy, sends through the notifier, records."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        notifier: Notifier,
        *,
        owner: str,
        batch_size: int = 200,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        nudge_grace: dt.timedelta = dt.timedelta(hours=2),
        max_attempts: int = 5,
        concurrency: int = 32,
        send_rate: float | None = None,
        speed: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._notifier = notifier
        self._owner = owner
        self._batch_size = batch_size
        self._lease = lease
        self._grace = nudge_grace
        self._recorder = Recorder(owner, max_attempts)
        self._concurrency = asyncio.Semaphore(concurrency)
        self._speed = speed
        self._claim_limit = _claim_limit(batch_size, send_rate, lease / speed)
        self._claiming = True

    def stop_claiming(self) -> None:
        """Claim nothing more: the tick in progress finishes the sends it has begun."""
        self._claiming = False

    async def release_leases(self) -> int:
        """Hand back every row this dispatcher still holds, so another can take it at once."""
        async with self._sessions.begin() as session:
            return await leases.release_owned(session, self._owner)

    async def tick(self, progress: Callable[[], None] = lambda: None) -> TickReport:
        """Claim and send everything due now, batch after batch. `progress` is called each
        time sends are recorded and after each batch, so a long backlog, or a batch held back
        by the shared budget, still shows the dispatcher turning."""
        report = TickReport()
        while self._claiming:
            now = self._clock.now()
            rows = await self._claim(now)
            if rows:
                report += await self._dispatch(rows, now, progress)
            progress()
            if len(rows) < self._claim_limit:
                return report
        return report

    async def next_wakeup(self) -> dt.datetime | None:
        """The earliest instant a tick would find work: a due row, or a lease running out."""
        now = self._clock.now()
        async with self._sessions() as session:
            return await leases.next_wakeup(session, now)

    # -- 1. claim ---------------------------------------------------------------------------

    async def _claim(self, now: dt.datetime) -> list[Row | Move]:
        async with self._sessions.begin() as session:
            until = now + self._lease
            return await leases.claim_due(session, self._owner, now, until, self._claim_limit)

    # -- 2. decide and record ---------------------------------------------------------------

    async def _dispatch(
        self, claimed: list[Row | Move], now: dt.datetime, progress: Callable[[], None]
    ) -> TickReport:
        rows = [row for row in claimed if isinstance(row, Row)]
        ended = [move for move in claimed if isinstance(move, Move)]
        async with self._sessions.begin() as session:
            held = await leases.hold(session, self._owner, [r.id for r in rows], now + self._lease)
            rows = [row for row in rows if row.id in held]  # the others went to another
            people, chats = await records.people(session, {row.user_id for row in rows}, now)
            keys = [(row.id, row.occurrence.key) for row in rows]
            existing = await records.existing(session, keys)
            jobs, moves = decide_batch(rows, people, existing, now, self._grace)
            await self._record(session, jobs, moves + ended, now)
        sends = [job for job in jobs if isinstance(job.decision, Send)]
        sending = {j.row.id for job in sends for j in (job, *job.merged)}
        lost: set[int] = set()
        async with self._renewing(sending, lost):
            report = await self._send_all(sends, chats, now, progress, lost, sending)
        skipped = sum(isinstance(job.decision, Skip) for job in jobs)
        return report + TickReport(skipped=skipped)

    async def _send_all(
        self,
        sends: list[Job],
        chats: dict[int, Recipient],
        now: dt.datetime,
        progress: Callable[[], None],
        lost: set[int],
        sending: set[int],
    ) -> TickReport:
        """Sends concurrently and records each result as soon as it is back.

        Results that come back while the previous ones are being written are written
        together (a group commit), so recording keeps up with sending; and after a crash
        only the sends still unanswered, or answered in the last commit's few
        milliseconds, are sent again. A send whose lease went to another dispatcher before
        it began (`lost`) is not made, and nothing is recorded for it: that one sends it.
        """
        tasks = {
            asyncio.create_task(self._send(job, chats[job.row.user_id], lost)): job for job in sends
        }
        report, pending = TickReport(), set(tasks)
        try:
            while pending:
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                results = [(tasks[task], task.result()) for task in finished]
                outcomes = [(job, result) for job, result in results if result is not None]
                async with self._sessions.begin() as session:
                    report += await self._recorder.record(session, outcomes, now)
                sending -= {j.row.id for job, _ in results for j in (job, *job.merged)}
                progress()
        finally:
            for task in pending:  # shutting down: sends not begun stay pending, for a retry
                task.cancel()
        return report

    @contextlib.asynccontextmanager
    async def _renewing(self, ids: set[int], lost: set[int]) -> AsyncIterator[None]:
        """Keep the lease on `ids` (those not yet sent: the sender takes out what it has
        recorded) while their sends are in flight, however slow they are; the ids another
        dispatcher claimed meanwhile are added to `lost`."""
        task = asyncio.create_task(self._renew(ids, lost)) if ids else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _renew(self, ids: set[int], lost: set[int]) -> None:
        every = self._lease.total_seconds() / self._speed / RENEWALS_PER_LEASE
        while True:
            await asyncio.sleep(every)
            try:
                asked = sorted(ids)
                async with self._sessions.begin() as session:
                    until = self._clock.now() + self._lease
                    held = await leases.hold(session, self._owner, asked, until)
                # Rows recorded meanwhile gave up their lease themselves: not taken over.
                if gone := (set(asked) - held - lost) & ids:
                    log.warning("%d reminder leases ran out and were taken over", len(gone))
                    lost |= gone
            except Exception as error:  # the next renewal tries again; the class only
                log.warning("lease renewal failed (%s)", type(error).__name__)

    async def _record(
        self, session: AsyncSession, jobs: list[Job], moves: list[Move], now: dt.datetime
    ) -> None:
        """Write skipped and to-be-sent deliveries, deferrals, and advances; fill in ids."""
        retried_then_skipped = [j for j in jobs if j.delivery_id and _skipping(j)]
        every = [j for job in jobs for j in (job, *job.merged)]
        fresh = [
            job for job in every if not job.delivery_id and not isinstance(job.decision, Defer)
        ]
        await records.insert_deliveries(session, fresh)
        ids = await records.existing(session, [(j.row.id, j.row.occurrence.key) for j in fresh])
        for job in fresh:
            job.delivery_id = ids[(job.row.id, job.row.occurrence.key)][0]
        await records.skip_pending(session, retried_then_skipped)
        moves = moves + [advance(job.row, 0) for job in jobs if isinstance(job.decision, Skip)]
        await leases.move(session, self._owner, moves)
        defers = [job for job in jobs if isinstance(job.decision, Defer)]
        await leases.defer(session, self._owner, defers)
        for job in jobs:
            if isinstance(job.decision, Skip):
                log.info("reminder %s skipped (%s)", job.row.id, job.decision.reason)

    # -- 3. send ----------------------------------------------------------------------------

    async def _send(self, job: Job, to: Recipient, lost: set[int]) -> SendResult | None:
        message = outgoing(job, to)
        async with self._concurrency:
            if any(j.row.id in lost for j in (job, *job.merged)):
                return None  # another dispatcher holds it now, and sends it
            try:
                return await self._notifier.send(message)
            except Exception as error:  # the port promises results; a raise is still transient
                log.warning("reminder %s: notifier raised %s", job.row.id, type(error).__name__)
                return Failed(transient=True, reason=type(error).__name__)


def _claim_limit(batch_size: int, send_rate: float | None, lease: dt.timedelta) -> int:
    """A claim the send budget can deliver well within one (real-time) lease."""
    if send_rate is None:
        return batch_size
    deliverable = int(send_rate * lease.total_seconds() * CLAIM_SHARE_OF_LEASE)
    return max(1, min(batch_size, deliverable))


def _skipping(job: Job) -> bool:
    return isinstance(job.decision, Skip)
