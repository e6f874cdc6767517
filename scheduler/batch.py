"""Deciding a claimed batch: which rows become jobs (to send, skip or defer), which only move
on, and which nudges ride in a person's digest (spec §3.4).

Pure: it takes the people, the deliveries already recorded and `now`, and touches nothing
else; `scheduler.dispatcher` records and sends what it decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from scheduler.jobs import Job, Move, Row, advance, anchor
from scheduler.policy import (
    Decision,
    Person,
    Send,
    Skip,
    SkipReason,
    decide_checkin,
    decide_nudge,
    is_nudge,
    quiet_end,
)
from storage.statuses import DeliveryStatus
from triage.schedule import CHECKIN


def decide_batch(
    rows: list[Row],
    people: dict[int, Person],
    existing: dict[tuple[int, str], tuple[int, DeliveryStatus, int, dt.datetime]],
    now: dt.datetime,
    grace: dt.timedelta,
) -> tuple[list[Job], list[Move]]:
    """Jobs to carry out, and moves for rows with nothing to send now.

    Nothing to send: an occurrence already settled (advance it), or a row just placed
    at an occurrence still to come. Each nudge message is counted in `people`.
    """
    jobs: list[Job] = []
    moves: list[Move] = []
    digests: dict[int, Job] = {}
    for row in sorted(rows, key=lambda r: (r.user_id, r.kind != CHECKIN, r.next_due_at)):
        found = existing.get((row.id, row.occurrence.key))
        if found is not None and found[1] != DeliveryStatus.PENDING:
            moves.append(advance(row, 0))
            continue
        if row.unplaced and row.occurrence.due_at > now:
            moves.append(Move(row.id, row.occurrence, 0))
            continue
        due = found[3] if found else anchor(row)
        job = Job(row, _policy(row, due, people[row.user_id], now, grace), due)
        if found:
            job.delivery_id, job.attempts = found[0], found[2]
        if _merge_into(digests, job, people):
            continue
        jobs.append(job)
    return jobs, moves


def _policy(
    row: Row, due: dt.datetime, person: Person, now: dt.datetime, grace: dt.timedelta
) -> Decision:
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
    snoozed = row.origin_id is not None
    return decide_nudge(row.kind, min(due, start), now, person, grace, snoozed)


def _merge_into(digests: dict[int, Job], job: Job, people: dict[int, Person]) -> bool:
    """Count a nudge message; merge it into the person's message going out in this batch."""
    user = job.row.user_id
    if user in digests and job.decision == Skip(SkipReason.CAP):
        # Capped only by the message counted in this same batch: due with it, so it rides
        # in it (spec §3.4: extra nudges are merged into a digest, not dropped).
        job.decision = Send()
    if not isinstance(job.decision, Send) or not is_nudge(job.row.kind):
        return False
    if user in digests:
        digests[user].merged.append(job)
        return True
    digests[user] = job
    if job.row.origin_id is None:  # a snooze is not a new nudge for the cap
        person = people[user]
        people[user] = replace(person, nudges_today=person.nudges_today + 1)
    return False
