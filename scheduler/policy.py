"""The delivery policy (DESIGN.md decision 6, spec §3.4 "Global scheduling constraints").

Pure: given one due reminder, its person and `now`, say whether to send it, skip it (and
why) or wait until a later instant. The dispatcher gathers the facts and applies the answer.

- Quiet hours (default 22:30–07:30 local, may cross midnight) move a nudge or a check-in to
  their end; N_SLEEP at the person's chosen time is the spec's one exception.
- A nudge more than its grace late is skipped: no 3 a.m. water reminder after an outage.
  A check-in is always sent, flagged late after 15 minutes.
- At most three nudge messages a local day (the plan is made to fit, `triage.plan_fit`); a
  fourth, which only a moved time can bring, is skipped with reason "cap". A snoozed nudge
  is the person's own request, not a new nudge: it is neither capped nor counted.
- Nudges due for one person at the same moment (a snooze landing on a planned nudge) go out
  as one message, counted once.
- No nudge within 60 minutes of a check-in.
- Paused and blocked people get nothing: nudges are skipped, check-ins wait.
- The day-14 plan question (PLAN_END) is not a nudge: it follows the check-in's policy and
  neither counts towards nor is held by the daily cap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from scheduler.recurrence import resolve_wall
from storage.statuses import UserState
from triage.quiet import QuietHours
from triage.schedule import CHECKIN, CHECKIN_GAP, DAILY_CAP, NOT_NUDGES
from triage.schedule import SLEEP as SLEEP  # re-exported: the settings screens read it here

CHECKIN_LATE = dt.timedelta(minutes=15)
PAUSED_RECHECK = dt.timedelta(hours=1)
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(minutes=15)


class SkipReason(StrEnum):
    PAUSED = "paused"
    BLOCKED = "blocked"
    GRACE = "grace"
    CAP = "cap"


@dataclass(frozen=True)
class Person:
    """What the policy needs to know about the person a reminder is for."""

    tz: str
    state: UserState
    paused_until: dt.datetime | None
    quiet: QuietHours
    nudges_today: int = 0
    checkins_sent: tuple[dt.datetime, ...] = ()
    checkins_due: tuple[dt.datetime, ...] = ()

    def resting(self, now: dt.datetime) -> SkipReason | None:
        """Why this person gets nothing right now, or None when they are active."""
        if self.state == UserState.BLOCKED:
            return SkipReason.BLOCKED
        if self.state == UserState.PAUSED and (
            self.paused_until is None or self.paused_until > now
        ):
            return SkipReason.PAUSED
        return None


@dataclass(frozen=True)
class Send:
    """Send now; `late` for a check-in sent well after its time."""

    late: bool = False


@dataclass(frozen=True)
class Skip:
    """Record the occurrence as skipped and move the series on."""

    reason: SkipReason


@dataclass(frozen=True)
class Defer:
    """Not now: the same occurrence comes due again at `until`."""

    until: dt.datetime


Decision = Send | Skip | Defer


def is_nudge(kind: str) -> bool:
    """Whether a reminder kind is a nudge: capped, digested, skipped when stale."""
    return kind not in NOT_NUDGES


def decide_nudge(
    kind: str,
    due: dt.datetime,
    now: dt.datetime,
    person: Person,
    grace: dt.timedelta,
    snoozed: bool = False,
) -> Decision:
    """What to do with a nudge that was due at `due` (`snoozed`: a copy the person asked for)."""
    if (rest := person.resting(now)) is not None:
        return Skip(rest)
    if now - due > grace:
        return Skip(SkipReason.GRACE)
    if kind != SLEEP and (end := quiet_end(now, person.tz, person.quiet)) is not None:
        return Defer(end)
    if (clear := checkin_clear(now, person)) is not None:
        return Defer(clear)
    if person.nudges_today >= DAILY_CAP and not snoozed:
        return Skip(SkipReason.CAP)
    return Send()


def decide_checkin(due: dt.datetime, now: dt.datetime, person: Person) -> Decision:
    """What to do with a check-in that was due at `due`: it is never skipped."""
    if person.resting(now) is not None:
        return Defer(person.paused_until or now + PAUSED_RECHECK)
    if (end := quiet_end(now, person.tz, person.quiet)) is not None:
        return Defer(end)
    return Send(late=now - due > CHECKIN_LATE)


def quiet_end(now: dt.datetime, tz: str, quiet: QuietHours) -> dt.datetime | None:
    """The UTC instant the quiet period around `now` ends, or None outside quiet hours."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone).replace(tzinfo=None)
    if not quiet.contains(local.time()):
        return None
    day = local.date() if local.time() < quiet.end else local.date() + dt.timedelta(days=1)
    return resolve_wall(dt.datetime.combine(day, quiet.end), zone)


def checkin_clear(now: dt.datetime, person: Person) -> dt.datetime | None:
    """When a nudge may go out without landing within an hour of a check-in, or None if now.

    A check-in sent less than an hour ago, or one due (or overdue, being sent) within the
    next hour, holds nudges until an hour after it.
    """
    holds = [s + CHECKIN_GAP for s in person.checkins_sent if s <= now < s + CHECKIN_GAP]
    holds += [max(due, now) + CHECKIN_GAP for due in person.checkins_due if due < now + CHECKIN_GAP]
    return max(holds) if holds else None


def local_day(now: dt.datetime, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC bounds [start, end) of the person's local day containing `now`."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    midnight = dt.time()
    start = resolve_wall(dt.datetime.combine(today, midnight), zone)
    end = resolve_wall(dt.datetime.combine(today + dt.timedelta(days=1), midnight), zone)
    return start, end


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after a transient failure: 30 s, 1 min, 2 min... at most 15 min."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), LONGEST_RETRY)


def gives_up(kind: str, attempts: int, max_attempts: int) -> bool:
    """Whether transient failures end the occurrence: never for a check-in (always sent)."""
    return kind != CHECKIN and attempts >= max_attempts
