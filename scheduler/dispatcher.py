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
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, case, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scheduler.clock import Clock
from scheduler.policy import (
    CHECKIN,
    CHECKIN_GAP,
    PLAN_END,
    Decision,
    Defer,
    Person,
    QuietHours,
    Send,
    Skip,
    SkipReason,
    decide_checkin,
    decide_nudge,
    gives_up,
    is_nudge,
    local_day,
    quiet_end,
    retry_delay,
)
from scheduler.ports import Blocked, Failed, Notifier, Outgoing, RetryAfter, SendResult, Sent
from scheduler.recurrence import (
    Occurrence,
    next_occurrence,
    occurrence_for_key,
    schedule_from_json,
    schedule_to_json,
)
from storage.models import Delivery, Reminder, User

log = logging.getLogger(__name__)

REMINDERS = cast(Table, Reminder.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
USERS = cast(Table, User.__table__)
# `active = 1`, not a bare `active`: SQLite uses the (active, next_due_at) index only for an
# equality, and without it every claim scans the whole table.
ACTIVE = REMINDERS.c.active == true()


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
class Row:
    """A claimed reminder and the occurrence it stands for."""

    id: int
    user_id: int
    episode_id: int | None
    kind: str
    schedule: dict[str, Any]
    tz: str
    next_due_at: dt.datetime
    occurrence: Occurrence
    sent_count: int
    unplaced: bool = False


@dataclass
class Job:
    """One delivery of a batch: a row, its delivery id once recorded, what to do with it."""

    row: Row
    decision: Decision
    due_at: dt.datetime
    delivery_id: int = 0
    attempts: int = 0
    merged: list[Job] = field(default_factory=list)
    # For folded occurrences of a series: the occurrence after the last one folded.
    advance_to: Occurrence | None = None


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
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._notifier = notifier
        self._owner = owner
        self._batch_size = batch_size
        self._lease = lease
        self._grace = nudge_grace
        self._max_attempts = max_attempts
        self._concurrency = asyncio.Semaphore(concurrency)

    async def tick(self) -> TickReport:
        """Claim and send everything due now, batch after batch."""
        report = TickReport()
        while True:
            now = self._clock.now()
            rows = await self._claim(now)
            if rows:
                report += await self._dispatch(rows, now)
            if len(rows) < self._batch_size:
                return report

    async def next_wakeup(self) -> dt.datetime | None:
        """The earliest instant a tick would find work: a due row, or a lease running out."""
        now = self._clock.now()
        r = REMINDERS.c
        free = or_(r.lease_until.is_(None), r.lease_until < now)
        overdue = select(func.min(case((free, r.next_due_at), else_=r.lease_until))).where(
            ACTIVE, r.next_due_at <= now
        )
        future = select(func.min(r.next_due_at)).where(ACTIVE, r.next_due_at > now)
        async with self._sessions() as session:
            found = [await session.scalar(overdue), await session.scalar(future)]
        times = [t for t in found if t is not None]
        return min(times) if times else None

    # -- 1. claim ---------------------------------------------------------------------------

    async def _claim(self, now: dt.datetime) -> list[Row | _Move]:
        r = REMINDERS.c
        due = select(r.id).where(
            ACTIVE,
            r.next_due_at <= now,
            or_(r.lease_until.is_(None), r.lease_until < now),
        )
        async with self._sessions.begin() as session:
            if _on_postgresql(session):
                due = due.with_for_update(skip_locked=True)
            claim = (
                update(REMINDERS)
                .where(r.id.in_(due.order_by(r.next_due_at).limit(self._batch_size)))
                .values(lease_owner=self._owner, lease_until=now + self._lease)
                .returning(*_ROW_COLUMNS)
            )
            result = await session.execute(claim)
            return [_row(m) for m in result.mappings()]

    # -- 2. decide and record ---------------------------------------------------------------

    async def _dispatch(self, claimed: list[Row | _Move], now: dt.datetime) -> TickReport:
        rows = [row for row in claimed if isinstance(row, Row)]
        ended = [move for move in claimed if isinstance(move, _Move)]
        async with self._sessions.begin() as session:
            await self._hold(session, [row.id for row in rows], now)
            people, chats = await _people(session, {row.user_id for row in rows}, now)
            existing = await _existing(session, [(row.id, row.occurrence.key) for row in rows])
            jobs, moves = self._decide(rows, people, existing, now)
            await self._fold_digests(session, jobs, people, now)
            await self._record(session, jobs, moves + ended, now)
        sends = [job for job in jobs if isinstance(job.decision, Send)]
        report = await self._send_all(sends, chats, now)
        skipped = sum(isinstance(job.decision, Skip) for job in jobs)
        return report + TickReport(skipped=skipped)

    async def _send_all(
        self, sends: list[Job], chats: dict[int, int], now: dt.datetime
    ) -> TickReport:
        """Sends concurrently and records each result as soon as it is back.

        Results that come back while the previous ones are being written are written
        together (a group commit), so recording keeps up with sending; and after a crash
        only the sends still unanswered, or answered in the last commit's few
        milliseconds, are sent again.
        """
        tasks = {asyncio.create_task(self._send(job, chats[job.row.user_id])): job for job in sends}
        report, pending = TickReport(), set(tasks)
        while pending:
            finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            outcomes = [(tasks[task], task.result()) for task in finished]
            async with self._sessions.begin() as session:
                report += await self._apply(session, outcomes, now)
        return report

    def _decide(
        self,
        rows: list[Row],
        people: dict[int, Person],
        existing: dict[tuple[int, str], tuple[int, str, int, dt.datetime]],
        now: dt.datetime,
    ) -> tuple[list[Job], list[_Move]]:
        """Jobs to carry out, and moves for rows with nothing to send now.

        Nothing to send: an occurrence already settled (advance it), or a row just placed
        at an occurrence still to come.
        """
        jobs: list[Job] = []
        moves: list[_Move] = []
        digests: dict[int, Job] = {}
        for row in sorted(rows, key=lambda r: (r.user_id, r.kind != CHECKIN, r.next_due_at)):
            found = existing.get((row.id, row.occurrence.key))
            if found is not None and found[1] != "pending":
                moves.append(_advance(row, 0))
                continue
            if row.unplaced and row.occurrence.due_at > now:
                moves.append(_Move(row.id, row.occurrence, 0))
                continue
            anchor = found[3] if found else _anchor(row)
            job = Job(row, self._policy(row, anchor, people[row.user_id], now), anchor)
            if found:
                job.delivery_id, job.attempts = found[0], found[2]
            if self._merge_into(digests, job, people, now):
                continue
            jobs.append(job)
        return jobs, moves

    def _policy(self, row: Row, due: dt.datetime, person: Person, now: dt.datetime) -> Decision:
        if not is_nudge(row.kind):
            # Late is measured from the wall time the person was told, whatever held it back.
            # The day-14 plan question follows the check-in's policy: it waits out a pause
            # or quiet hours rather than being skipped (spec §3.4).
            return decide_checkin(row.occurrence.due_at, now, person)
        # Grace counts from the occurrence's own time, or the end of the quiet hours it fell
        # in: a nudge held back by anything else (a check-in Telegram would not take, say)
        # must not go out hours late (DESIGN.md decision 6).
        start = row.occurrence.due_at
        start = quiet_end(start, person.tz, person.quiet) or start
        return decide_nudge(row.kind, min(due, start), now, person, self._grace)

    def _merge_into(
        self, digests: dict[int, Job], job: Job, people: dict[int, Person], now: dt.datetime
    ) -> bool:
        """Count a nudge message; fold it into the person's digest when one is going out."""
        user = job.row.user_id
        if user in digests and job.decision == Skip(SkipReason.CAP):
            # Capped only by the digest counted in this same batch: due with it, so it rides
            # in it (spec §3.4: extra nudges are merged into the digest, not dropped).
            job.decision = Send()
        if not isinstance(job.decision, Send) or not is_nudge(job.row.kind):
            return False
        if user in digests:
            digests[user].merged.append(job)
            return True
        person = people[user]
        people[user] = replace(person, nudges_today=person.nudges_today + 1)
        if job.decision.digest:
            digests[user] = job
        return False

    async def _fold_digests(
        self, session: AsyncSession, jobs: list[Job], people: dict[int, Person], now: dt.datetime
    ) -> None:
        """Lease the person's nudges due later today and fold their occurrences in."""
        digests = {
            job.row.user_id: job
            for job in jobs
            if isinstance(job.decision, Send) and job.decision.digest
        }
        if not digests:
            return
        later = await self._claim_later_today(session, digests, people, now)
        for digest in digests.values():
            _fold(digest, digest.row, people, now, skip_first=True)
        for row in later:
            _fold(digests[row.user_id], row, people, now)

    async def _claim_later_today(
        self,
        session: AsyncSession,
        digests: dict[int, Job],
        people: dict[int, Person],
        now: dt.datetime,
    ) -> list[Row]:
        r = REMINDERS.c
        claim = (
            update(REMINDERS)
            .where(
                r.user_id.in_(digests),
                r.id.not_in([job.row.id for job in digests.values()]),
                ACTIVE,
                r.kind.not_in((CHECKIN, PLAN_END)),
                r.next_due_at > now,
                r.next_due_at < now + dt.timedelta(days=1),
                or_(r.lease_until.is_(None), r.lease_until < now),
            )
            .values(lease_owner=self._owner, lease_until=now + self._lease)
            .returning(*_ROW_COLUMNS)
        )
        claimed = [_row(m) for m in (await session.execute(claim)).mappings()]
        rows = [row for row in claimed if isinstance(row, Row)]
        today = [
            row
            for row in rows
            if not row.unplaced and _is_today(row.next_due_at, people[row.user_id], now)
        ]
        others = [row.id for row in rows if row not in today]
        await _release(session, others + [m.row_id for m in claimed if isinstance(m, _Move)])
        return today

    async def _record(
        self, session: AsyncSession, jobs: list[Job], moves: list[_Move], now: dt.datetime
    ) -> None:
        """Write skipped and to-be-sent deliveries, deferrals, and advances; fill in ids."""
        retried_then_skipped = [j for j in jobs if j.delivery_id and _skipping(j)]
        every = [j for job in jobs for j in (job, *job.merged)]
        fresh = [
            job for job in every if not job.delivery_id and not isinstance(job.decision, Defer)
        ]
        await _insert_deliveries(session, fresh)
        ids = await _existing(session, [(j.row.id, j.row.occurrence.key) for j in fresh])
        for job in fresh:
            job.delivery_id = ids[(job.row.id, job.row.occurrence.key)][0]
        await _skip_pending(session, retried_then_skipped)
        moves = moves + [_advance(job.row, 0) for job in jobs if isinstance(job.decision, Skip)]
        await _move(session, self._owner, moves)
        defers = [job for job in jobs if isinstance(job.decision, Defer)]
        await _defer(session, self._owner, defers)
        for job in jobs:
            if isinstance(job.decision, Skip):
                log.info("reminder %s skipped (%s)", job.row.id, job.decision.reason)

    # -- 3. send ----------------------------------------------------------------------------

    async def _hold(self, session: AsyncSession, ids: list[int], now: dt.datetime) -> None:
        """Renew the lease, and so open the transaction with a write.

        SQLite: a transaction that reads first and writes later fails at once (SQLITE_BUSY)
        if another connection committed in between; writing first takes the write lock up
        front, where the busy timeout applies.
        """
        r = REMINDERS.c
        await session.execute(
            update(REMINDERS)
            .where(r.id.in_(ids), r.lease_owner == self._owner)
            .values(lease_until=now + self._lease)
        )

    async def _send(self, job: Job, chat_id: int) -> SendResult:
        outgoing = _outgoing(job, chat_id)
        async with self._concurrency:
            try:
                return await self._notifier.send(outgoing)
            except Exception as error:  # the port promises results; a raise is still transient
                log.warning("reminder %s: notifier raised %s", job.row.id, type(error).__name__)
                return Failed(transient=True, reason=type(error).__name__)

    # -- 4. record results ------------------------------------------------------------------

    async def _apply(
        self, session: AsyncSession, outcomes: list[tuple[Job, SendResult]], now: dt.datetime
    ) -> TickReport:
        """Record every result; the common ones (sent, failed) in one statement per table."""
        settled = _Settled()
        report = TickReport()
        for job, result in outcomes:
            report += await self._apply_one(session, job, result, now, settled)
        await _finish_many(session, settled.deliveries)
        await _move(session, self._owner, _last_per_row(settled.moves))
        return report

    async def _apply_one(
        self,
        session: AsyncSession,
        job: Job,
        result: SendResult,
        now: dt.datetime,
        settled: _Settled,
    ) -> TickReport:
        attempts = job.attempts + 1
        if isinstance(result, Sent):
            await self._mark_sent(session, job, result, now, attempts, settled)
            return TickReport(sent=1 + len(job.merged))
        await _release(session, [m.row.id for m in job.merged])
        if isinstance(result, Blocked):
            await _block(session, job, now, attempts)
            log.info("user %s blocked the bot; reminders stopped", job.row.user_id)
            return TickReport(blocked=1)
        if isinstance(result, RetryAfter):
            retry_at = now + dt.timedelta(seconds=result.seconds)
            await _retry(session, self._owner, job, retry_at, attempts)
            return TickReport(retried=1)
        if result.transient and not gives_up(job.row.kind, attempts, self._max_attempts):
            await _retry(session, self._owner, job, now + retry_delay(attempts), attempts)
            return TickReport(retried=1)
        settled.finish(job, "failed", result.reason, None, None, attempts)
        settled.moves.append(_advance(job.row, 0))
        log.info("reminder %s failed (%s)", job.row.id, result.reason)
        return TickReport(failed=1)

    async def _mark_sent(
        self,
        session: AsyncSession,
        job: Job,
        sent: Sent,
        now: dt.datetime,
        attempts: int,
        settled: _Settled,
    ) -> None:
        for each in (job, *job.merged):
            settled.finish(each, "sent", None, sent.message_id, now, attempts)
        settled.moves.append(_advance(job.row, 1, sent.next_schedule, now))
        for m in job.merged:
            settled.moves.append(_advance(m.row, 1, None, now, m.advance_to))
        if sent.next_schedule is not None:
            await session.execute(
                update(REMINDERS)
                .where(REMINDERS.c.id == job.row.id)
                .values(schedule=schedule_to_json(sent.next_schedule, _slot(job.row)))
            )


@dataclass
class _Settled:
    """Delivery updates and reminder moves gathered from a batch's results."""

    deliveries: list[dict[str, Any]] = field(default_factory=list)
    moves: list[_Move] = field(default_factory=list)

    def finish(
        self,
        job: Job,
        status: str,
        reason: str | None,
        message_id: int | None,
        sent_at: dt.datetime | None,
        attempts: int,
    ) -> None:
        self.deliveries.append(
            {
                "b_id": job.delivery_id,
                "b_status": status,
                "b_reason": reason,
                "b_message": message_id,
                "b_sent_at": sent_at,
                "b_attempts": attempts,
            }
        )


async def _finish_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    d = DELIVERIES.c
    statement = (
        update(DELIVERIES)
        .where(d.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            reason=bindparam("b_reason"),
            message_id=bindparam("b_message"),
            sent_at=bindparam("b_sent_at", type_=d.sent_at.type),
            attempts=bindparam("b_attempts"),
        )
    )
    await session.execute(statement, rows)


# -- statements and helpers -------------------------------------------------------------------

_ROW_COLUMNS = (
    REMINDERS.c.id,
    REMINDERS.c.user_id,
    REMINDERS.c.episode_id,
    REMINDERS.c.kind,
    REMINDERS.c.schedule,
    REMINDERS.c.tz,
    REMINDERS.c.next_due_at,
    REMINDERS.c.occurrence,
    REMINDERS.c.sent_count,
)


def _row(m: Any) -> Row | _Move:
    """A claimed row with its occurrence; an unplaced row is placed (storage.reminders)."""
    tz, key, since = m["tz"], m["occurrence"], m["next_due_at"]
    if key is not None:
        occurrence: Occurrence | None = occurrence_for_key(key, tz)
    else:
        schedule, _ = schedule_from_json(m["schedule"])
        occurrence = next_occurrence(schedule, tz, since - dt.timedelta(microseconds=1))
        if occurrence is None and m["kind"] == CHECKIN:
            # A check-in is always sent (spec §4, DESIGN decision 6): one re-placed after its
            # time passed (the person blocked the bot, paused, or moved zone) keeps its own
            # time and goes out late; a delivery already recorded for it still wins.
            occurrence = next_occurrence(schedule, tz, _before(schedule.start, tz))
    if occurrence is None:
        return _Move(m["id"], None, 0)
    return Row(
        id=m["id"],
        user_id=m["user_id"],
        episode_id=m["episode_id"],
        kind=m["kind"],
        schedule=m["schedule"],
        tz=tz,
        next_due_at=since,
        occurrence=occurrence,
        sent_count=m["sent_count"],
        unplaced=key is None,
    )


def _before(day: dt.date, tz: str) -> dt.datetime:
    """An instant safely before every occurrence on `day` in zone `tz`."""
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(tz))
    return start.astimezone(dt.UTC)


def _anchor(row: Row) -> dt.datetime:
    """When a first attempt was due: a placed row's `next_due_at` (it may have been moved
    by the policy), or an unplaced row's occurrence."""
    return row.occurrence.due_at if row.unplaced else row.next_due_at


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _slot(row: Row) -> str | None:
    return schedule_from_json(row.schedule)[1]


def _skipping(job: Job) -> bool:
    return isinstance(job.decision, Skip)


def _is_today(when: dt.datetime, person: Person, now: dt.datetime) -> bool:
    start, end = local_day(now, person.tz)
    return start <= when < end


def _fold(
    digest: Job, row: Row, people: dict[int, Person], now: dt.datetime, skip_first: bool = False
) -> None:
    """Fold the row's occurrences left today into the digest (the digest's own: after it)."""
    for index, (occurrence, following) in enumerate(_rest_of_day(row, people[row.user_id], now)):
        if skip_first and index == 0:
            continue
        folded = Job(replace(row, occurrence=occurrence), Send(), occurrence.due_at)
        folded.advance_to = following
        digest.merged.append(folded)


def _rest_of_day(
    row: Row, person: Person, now: dt.datetime
) -> Iterable[tuple[Occurrence, Occurrence | None]]:
    """The row's occurrences left in the person's local day, each with its successor."""
    schedule, _ = schedule_from_json(row.schedule)
    _, end = local_day(now, person.tz)
    occurrence: Occurrence | None = row.occurrence
    while occurrence is not None and occurrence.due_at < end:
        following = next_occurrence(schedule, row.tz, occurrence.due_at)
        yield occurrence, following
        occurrence = following


@dataclass(frozen=True)
class _Move:
    row_id: int
    occurrence: Occurrence | None
    sent: int


def _advance(
    row: Row,
    sent: int,
    next_schedule: Any = None,
    now: dt.datetime | None = None,
    to: Occurrence | None = None,
) -> _Move:
    """The row moved to the occurrence after the one it stood for (None: series over)."""
    if to is not None:
        return _Move(row.id, to, sent)
    if next_schedule is not None and now is not None:
        return _Move(row.id, next_occurrence(next_schedule, row.tz, now), sent)
    schedule, _ = schedule_from_json(row.schedule)
    return _Move(row.id, next_occurrence(schedule, row.tz, row.occurrence.due_at), sent)


def _last_per_row(moves: list[_Move]) -> list[_Move]:
    """A series folded more than once advances to its latest point, counting every send."""
    merged: dict[int, _Move] = {}
    for move in moves:
        before = merged.get(move.row_id)
        if before is None:
            merged[move.row_id] = move
            continue
        later = move.occurrence
        if before.occurrence is None or (later and later.due_at < before.occurrence.due_at):
            later = before.occurrence
        merged[move.row_id] = _Move(move.row_id, later, before.sent + move.sent)
    return list(merged.values())


async def _people(
    session: AsyncSession, user_ids: set[int], now: dt.datetime
) -> tuple[dict[int, Person], dict[int, int]]:
    """The people the rows are for, with their history, and their chat ids."""
    u = USERS.c
    result = await session.execute(
        select(u.id, u.chat_id, u.tz, u.state, u.paused_until, u.quiet_start, u.quiet_end).where(
            u.id.in_(user_ids)
        )
    )
    people: dict[int, Person] = {}
    chats: dict[int, int] = {}
    for m in result.mappings():
        chats[m["id"]] = m["chat_id"]
        people[m["id"]] = Person(
            tz=m["tz"] or "UTC",
            state=m["state"],
            paused_until=m["paused_until"],
            quiet=QuietHours.parse(m["quiet_start"], m["quiet_end"]),
        )
    return await _with_history(session, people, now), chats


async def _with_history(
    session: AsyncSession, people: dict[int, Person], now: dt.datetime
) -> dict[int, Person]:
    """Today's nudge messages, recent check-ins and coming check-ins, per person."""
    r, d = REMINDERS.c, DELIVERIES.c
    sent = await session.execute(
        select(r.user_id, r.kind, d.message_id, d.sent_at)
        .join_from(DELIVERIES, REMINDERS, d.reminder_id == r.id)
        .where(r.user_id.in_(people), d.status == "sent", d.sent_at > now - dt.timedelta(days=2))
    )
    messages: dict[int, set[int]] = defaultdict(set)
    checkins_sent: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, kind, message_id, sent_at in sent:
        if kind == CHECKIN:
            checkins_sent[user_id].append(sent_at)
        elif is_nudge(kind) and _is_today(sent_at, people[user_id], now):
            messages[user_id].add(message_id)
    # Only the person filter in SQL: given `active = 1` too, SQLite prefers the due index
    # and walks every row due within the hour instead of these people's few rows.
    coming = await session.execute(
        select(r.user_id, r.next_due_at, r.active).where(r.user_id.in_(people), r.kind == CHECKIN)
    )
    checkins_due: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, due, active in coming:
        if active and due is not None and due < now + CHECKIN_GAP:
            checkins_due[user_id].append(due)
    return {
        uid: replace(
            p,
            nudges_today=len(messages[uid]),
            checkins_sent=tuple(checkins_sent[uid]),
            checkins_due=tuple(checkins_due[uid]),
        )
        for uid, p in people.items()
    }


async def _existing(
    session: AsyncSession, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], tuple[int, str, int, dt.datetime]]:
    """Deliveries already recorded for (reminder, occurrence): id, status, attempts, due."""
    if not keys:
        return {}
    d = DELIVERIES.c
    # By reminder id (indexed), then by key here: SQLite scans the table for a row-value IN.
    result = await session.execute(
        select(d.reminder_id, d.occurrence, d.id, d.status, d.attempts, d.due_at).where(
            d.reminder_id.in_({reminder_id for reminder_id, _ in keys})
        )
    )
    wanted = set(keys)
    return {(m[0], m[1]): (m[2], m[3], m[4], m[5]) for m in result if (m[0], m[1]) in wanted}


async def _insert_deliveries(session: AsyncSession, jobs: list[Job]) -> None:
    """Record each job's delivery; one already recorded by someone else is left as it is."""
    if not jobs:
        return
    values = [
        {
            "reminder_id": job.row.id,
            "occurrence": job.row.occurrence.key,
            "due_at": job.due_at,
            "status": "skipped" if isinstance(job.decision, Skip) else "pending",
            "reason": str(job.decision.reason) if isinstance(job.decision, Skip) else None,
            "attempts": 0,
        }
        for job in jobs
    ]
    dialect = postgresql if _on_postgresql(session) else sqlite
    insert = dialect.insert(DELIVERIES).on_conflict_do_nothing(
        index_elements=["reminder_id", "occurrence"]
    )
    await session.execute(insert, values)


async def _skip_pending(session: AsyncSession, jobs: list[Job]) -> None:
    """A retried delivery that the policy now skips (e.g. too late) is recorded skipped."""
    if not jobs:
        return
    d = DELIVERIES.c
    statement = (
        update(DELIVERIES)
        .where(d.id == bindparam("b_id"), d.status == "pending")
        .values(status="skipped", reason=bindparam("b_reason"))
    )
    reasons = [str(job.decision.reason) for job in jobs if isinstance(job.decision, Skip)]
    rows = [{"b_id": job.delivery_id, "b_reason": r} for job, r in zip(jobs, reasons, strict=True)]
    await session.execute(statement, rows)


async def _move(session: AsyncSession, owner: str, moves: list[_Move]) -> None:
    """Advance rows to their next occurrence (or end them) and clear the lease."""
    if not moves:
        return
    r = REMINDERS.c
    statement = (
        update(REMINDERS)
        .where(r.id == bindparam("b_id"), r.lease_owner == owner)
        .values(
            next_due_at=bindparam("b_due"),
            occurrence=bindparam("b_key"),
            active=bindparam("b_active"),
            sent_count=r.sent_count + bindparam("b_sent"),
            lease_owner=None,
            lease_until=None,
        )
    )
    await session.execute(
        statement,
        [
            {
                "b_id": m.row_id,
                "b_due": m.occurrence.due_at if m.occurrence else None,
                "b_key": m.occurrence.key if m.occurrence else None,
                "b_active": m.occurrence is not None,
                "b_sent": m.sent,
            }
            for m in moves
        ],
    )


async def _defer(session: AsyncSession, owner: str, jobs: list[Job]) -> None:
    if not jobs:
        return
    r = REMINDERS.c
    statement = (
        update(REMINDERS)
        .where(r.id == bindparam("b_id"), r.lease_owner == owner)
        .values(next_due_at=bindparam("b_due"), lease_owner=None, lease_until=None)
    )
    await session.execute(
        statement,
        [
            {"b_id": job.row.id, "b_due": job.decision.until}
            for job in jobs
            if isinstance(job.decision, Defer)
        ],
    )


async def _release(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(
            update(REMINDERS)
            .where(REMINDERS.c.id.in_(ids))
            .values(lease_owner=None, lease_until=None)
        )


async def _retry(
    session: AsyncSession, owner: str, job: Job, at: dt.datetime, attempts: int
) -> None:
    await session.execute(
        update(DELIVERIES).where(DELIVERIES.c.id == job.delivery_id).values(attempts=attempts)
    )
    r = REMINDERS.c
    await session.execute(
        update(REMINDERS)
        .where(r.id == job.row.id, r.lease_owner == owner)
        .values(next_due_at=at, lease_owner=None, lease_until=None)
    )


async def _finish(
    session: AsyncSession,
    job: Job,
    status: str,
    reason: str | None,
    message_id: int | None,
    now: dt.datetime,
    attempts: int,
) -> None:
    values: dict[str, Any] = {"status": status, "reason": reason, "attempts": attempts}
    if status == "sent":
        values |= {"sent_at": now, "message_id": message_id}
    await session.execute(
        update(DELIVERIES).where(DELIVERIES.c.id == job.delivery_id).values(**values)
    )


async def _block(session: AsyncSession, job: Job, now: dt.datetime, attempts: int) -> None:
    await _finish(session, job, "blocked", "Blocked", None, now, attempts)
    await session.execute(
        update(USERS).where(USERS.c.id == job.row.user_id).values(state="blocked")
    )
    await session.execute(
        update(REMINDERS)
        .where(REMINDERS.c.user_id == job.row.user_id)
        .values(active=False, lease_owner=None, lease_until=None)
    )


def _outgoing(job: Job, chat_id: int) -> Outgoing:
    row = job.row
    decision = job.decision
    return Outgoing(
        delivery_id=job.delivery_id,
        reminder_id=row.id,
        user_id=row.user_id,
        chat_id=chat_id,
        episode_id=row.episode_id,
        kind=row.kind,
        slot=_slot(row),
        local_due=row.occurrence.local,
        late=isinstance(decision, Send) and decision.late,
        sequence=row.sent_count,
        merged=tuple(_outgoing(m, chat_id) for m in job.merged),
    )
