"""Step 4 of a dispatcher tick: recording what each send came back with.

A sent message marks its deliveries sent and advances the row to its next occurrence (or to
the schedule the notifier handed back); a blocked chat stops the person's reminders; a
transient failure retries later, until the policy gives up; anything else is marked failed
and advanced. The common results (sent, failed) are written in one statement per table.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler import leases, records
from scheduler.jobs import Job, advance, slot
from scheduler.policy import gives_up, retry_delay
from scheduler.ports import Blocked, RetryAfter, SendResult, Sent
from storage.pseudonyms import person
from storage.schedules import ReminderSchedule
from storage.statuses import DeliveryStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    """What one tick did, counted in deliveries (a digest counts each nudge it carries)."""

    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0

    def __add__(self, other: TickReport) -> TickReport:
        return TickReport(
            self.sent + other.sent,
            self.skipped + other.skipped,
            self.retried + other.retried,
            self.failed + other.failed,
            self.blocked + other.blocked,
        )


@dataclass(frozen=True)
class Recorder:
    """Records send results for one dispatcher (its lease owner and its attempt limit)."""

    owner: str
    max_attempts: int

    async def record(
        self, session: AsyncSession, outcomes: list[tuple[Job, SendResult]], now: dt.datetime
    ) -> TickReport:
        """Record every result; the common ones (sent, failed) in one statement per table."""
        settled = records.Settled()
        report = TickReport()
        for job, result in outcomes:
            report += await self._record_one(session, job, result, now, settled)
        await records.finish_many(session, settled.deliveries)
        await leases.move(session, self.owner, settled.moves)  # one move per row
        return report

    async def _record_one(
        self,
        session: AsyncSession,
        job: Job,
        result: SendResult,
        now: dt.datetime,
        settled: records.Settled,
    ) -> TickReport:
        attempts = job.attempts + 1
        if isinstance(result, Sent):
            await _mark_sent(session, job, result, now, attempts, settled)
            return TickReport(sent=1 + len(job.merged))
        await leases.release(session, [m.row.id for m in job.merged])
        if isinstance(result, Blocked):
            await records.block(session, job, now, attempts)
            log.info("user %s blocked the bot; reminders stopped", person(job.row.user_id))
            return TickReport(blocked=1)
        if isinstance(result, RetryAfter):
            retry_at = now + dt.timedelta(seconds=result.seconds)
            await records.retry(session, self.owner, job, retry_at, attempts)
            return TickReport(retried=1)
        if result.transient and not gives_up(job.row.kind, attempts, self.max_attempts):
            await records.retry(session, self.owner, job, now + retry_delay(attempts), attempts)
            return TickReport(retried=1)
        settled.finish(job, DeliveryStatus.FAILED, result.reason, None, None, attempts)
        settled.moves.append(advance(job.row, 0))
        log.info("reminder %s failed (%s)", job.row.id, result.reason)
        return TickReport(failed=1)


async def _mark_sent(
    session: AsyncSession,
    job: Job,
    sent: Sent,
    now: dt.datetime,
    attempts: int,
    settled: records.Settled,
) -> None:
    for each in (job, *job.merged):
        settled.finish(each, DeliveryStatus.SENT, None, sent.message_id, now, attempts)
    settled.moves.append(advance(job.row, 1, sent.next_schedule, now))
    for m in job.merged:
        settled.moves.append(advance(m.row, 1))
    if sent.next_schedule is not None:
        schedule = ReminderSchedule(sent.next_schedule, slot(job.row))
        await leases.reschedule(session, job.row.id, schedule)
