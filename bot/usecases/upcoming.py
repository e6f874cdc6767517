"""When the next reminder comes, in the person's local time: the sentence /settings, /resume
and every re-plan end with."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.screens.preferences import what
from scheduler.policy import SLEEP, quiet_end
from scheduler.recurrence import next_occurrence
from storage.models import Reminder, User, UserState
from storage.preferences import PlanRepository
from triage.quiet import QuietHours


async def next_reminder(session: AsyncSession, user: User, now: dt.datetime, cat: Catalogue) -> str:
    """ "Next reminder: a water check on Wed 25 Nov at 15:00." in the person's local time."""
    if user.consent_reminders_at is None:
        return cat.text("preferences.reminders_off")
    if user.state == UserState.PAUSED and (user.paused_until is None or user.paused_until > now):
        return cat.text("preferences.paused")
    found = [
        (when, row.kind)
        for row in await PlanRepository(session).active(user.id)
        if (when := _next_due(row, user, now)) is not None
    ]
    if not found:
        return cat.text("preferences.next_none")
    when, kind = min(found)
    local = when.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
    return cat.text(
        "preferences.next", what=what(cat, kind), when=local.strftime("%a %d %b at %H:%M")
    )


def _next_due(row: Reminder, user: User, now: dt.datetime) -> dt.datetime | None:
    """When the row next goes out: its placed time, or its next occurrence moved past quiet
    hours (N_SLEEP excepted, spec §3.4)."""
    if row.occurrence is not None and row.next_due_at is not None:
        return max(row.next_due_at, now)
    schedule = row.schedule.schedule
    found = next_occurrence(schedule, row.tz, now - dt.timedelta(microseconds=1))
    if found is None:
        return None
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    end = None if row.kind == SLEEP else quiet_end(found.due_at, row.tz, quiet)
    return end or found.due_at
