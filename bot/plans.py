"""After a triage: which nudges and check-ins to schedule, and how to say so in plain words.

The choice is the pure core's (`plan_nudges`, `start_followup`); this module stores it as
reminder rows in the caller's transaction and words the summary from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.replies import doctor_words
from storage.models import Delivery, Episode, Reminder, User
from storage.reminders import ReminderRepository
from storage.statuses import DeliveryStatus
from triage.followup import expected_checkins, start_followup
from triage.levels import NUDGE_LEVELS, Level
from triage.nudges import PLAN_DAYS, Preferences, plan_nudges
from triage.outcome import Outcome
from triage.plan_fit import fit_plan
from triage.quiet import QuietHours
from triage.schedule import CHECKIN, PLAN_END, PlannedNudge

# What a plan line may give as its reason, by nudge: only the options the person ticked are
# named ("because you've been exercising hard", never "sweating" to someone who only trained).
BECAUSE: Mapping[str, tuple[str, ...]] = {"N_HYDRATE_PLUS": ("TR_SWEAT", "TR_EXERCISE")}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


NAMED_SKIPS = 3
"""The most days a plan line names that a series leaves out; more are counted."""


def preferences(user: User) -> Preferences:
    """The person's bedtime and workout choices, or the spec's defaults."""
    defaults = Preferences()
    return Preferences(
        bedtime=_time(user.bedtime) or defaults.bedtime,
        workout_days=(
            frozenset(int(day) for day in user.workout_days.split(","))
            if user.workout_days
            else defaults.workout_days
        ),
        workout_time=_time(user.workout_time) or defaults.workout_time,
    )


def fitted_plan(
    outcome: Outcome,
    answers: Mapping[str, frozenset[str]],
    user: User,
    start: dt.date,
    checkins: tuple[dt.datetime, ...],
) -> tuple[PlannedNudge, ...]:
    """The plan the answers earn, fitted to the person's quiet hours, the daily cap, the
    expected check-ins and the day-14 question (all local)."""
    planned = plan_nudges(outcome, answers, preferences(user), start, True)
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    plan_end = dt.datetime.combine(start + dt.timedelta(days=PLAN_DAYS - 1), PLAN_END_AT)
    return fit_plan(planned, quiet, (*checkins, plan_end))


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


async def schedule_after_triage(
    session: AsyncSession,
    user: User,
    episode: Episode,
    outcome: Outcome,
    answers: Mapping[str, frozenset[str]],
    now: dt.datetime,
) -> tuple[tuple[PlannedNudge, ...], dt.datetime | None]:
    """Stores the nudge plan and the first check-in; returns them for the summary.

    Nothing without reminder consent. L3/L4: no nudges, and every nudge already running is
    paused at once (spec §0.2.6); the check-in still comes.
    """
    if user.consent_reminders_at is None or user.tz is None:
        return (), None
    local = now.astimezone(zoneinfo.ZoneInfo(user.tz)).replace(tzinfo=None)
    reminders = ReminderRepository(session)
    await reminders.deactivate(user.id)  # a new episode replaces the old plan
    planned: tuple[PlannedNudge, ...] = ()
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    followup = start_followup(outcome, local, quiet)
    if outcome.level in NUDGE_LEVELS:
        checkins = expected_checkins(followup)
        planned = fitted_plan(outcome, answers, user, local.date(), checkins)
        await reminders.add_nudges(user.id, episode.id, user.tz, planned, now)
        await _ask_at_plan_end(reminders, user, episode, planned, local.date(), now)
    episode.followup = followup
    if followup.next_checkin is not None:
        await reminders.add_checkin(user.id, episode.id, user.tz, followup.next_checkin, now)
    return planned, followup.next_checkin


def describe_plan(
    cat: Catalogue,
    planned: tuple[PlannedNudge, ...],
    checkin: dt.datetime | None,
    ticked: frozenset[str] = frozenset(),
    country: str | None = None,
) -> str | None:
    """ "A water check at 10:00 and 15:00, for two weeks" ... and when the first check-in is;
    a line's reason names only options in `ticked`; the person's doctor in `country`'s word."""
    lines = [cat.text("triage_ui.next_plan")]
    doctor = doctor_words(cat, country)
    for nudge_id, items in _by_nudge(planned).items():
        times = sorted({t for item in items for t in item.schedule.times})
        days = [d for item in items for d in _days(item)]
        line = cat.text(
            f"plan.{nudge_id}",
            times=_join([t.strftime("%H:%M") for t in times]),
            days=_join(days),
            **doctor,
        )
        lines.append("• " + line + _because(cat, nudge_id, ticked) + _skips(cat, items))
    if checkin is not None:
        when = checkin.strftime("%a %d %b at %H:%M")
        lines.append("• " + cat.text("plan.checkin", when=when))
    return "\n".join(lines) if len(lines) > 1 else None


def _skips(cat: Catalogue, items: list[PlannedNudge]) -> str:
    """ " (not on Fri 27 Nov)" for the days a full plan leaves a series out; past
    `NAMED_SKIPS` days, how many ("not on 6 of its days"), not a list of dates."""
    notes = []
    timed = len(items) > 1
    for item in items:
        skip = sorted(item.schedule.skip)
        if not skip:
            continue
        at = _join([t.strftime("%H:%M") for t in item.schedule.times])
        if len(skip) > NAMED_SKIPS:
            key = "plan.skips_count_at" if timed else "plan.skips_count"
            notes.append(cat.text(key, count=len(skip), at=at))
            continue
        days = _join([d.strftime("%a %d %b") for d in skip])
        notes.append(cat.text("plan.skips_at" if timed else "plan.skips", days=days, at=at))
    return f" ({'; '.join(notes)})" if notes else ""


def _because(cat: Catalogue, nudge_id: str, ticked: frozenset[str]) -> str:
    named = [cat.text(f"plan_because.{o}") for o in BECAUSE.get(nudge_id, ()) if o in ticked]
    return cat.text("plan_because.clause", reasons=_join(named)) if named else ""


def _by_nudge(planned: tuple[PlannedNudge, ...]) -> dict[str, list[PlannedNudge]]:
    grouped: dict[str, list[PlannedNudge]] = {}
    for item in planned:
        grouped.setdefault(item.nudge_id, []).append(item)
    return grouped


def _days(item: PlannedNudge) -> list[str]:
    if item.schedule.dates:
        return [day.strftime("%a %d %b") for day in sorted(item.schedule.dates)]
    if item.schedule.weekdays is not None:
        return [DAY_NAMES[day] for day in sorted(item.schedule.weekdays)]
    return []


def _join(items: list[str]) -> str:
    unique = list(dict.fromkeys(items))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


async def pause_nudges(session: AsyncSession, user_id: int) -> int:
    """Stops every nudge of the person at once (L3/L4); check-ins go on."""
    reminders = ReminderRepository(session)
    kinds = {row.kind for row in await reminders.for_user(user_id) if row.kind != CHECKIN}
    return await reminders.deactivate(user_id, kinds=kinds) if kinds else 0


# -- The plan's first and last messages (spec §3.4) -----------------------------------------

PLAN_END_AT = dt.time(10, 0)


async def _ask_at_plan_end(
    reminders: ReminderRepository,
    user: User,
    episode: Episode,
    planned: tuple[PlannedNudge, ...],
    today: dt.date,
    now: dt.datetime,
) -> None:
    """The day-14 question "keep a lighter weekly version?", at 10:00 local on the last day."""
    if not planned or user.tz is None:
        return
    last_day = today + dt.timedelta(days=PLAN_DAYS - 1)  # as triage.nudges counts it
    at_local = dt.datetime.combine(last_day, PLAN_END_AT)
    await reminders.add_one_off(user.id, episode.id, PLAN_END, user.tz, at_local, now)


async def opens_l2_plan(
    session: AsyncSession, episode_id: int | None, delivery_ids: tuple[int, ...]
) -> bool:
    """Whether this nudge message is the first of an L2 plan (spec §3.4: it repeats "book a
    doctor"): the episode is at L2 and no earlier nudge delivery of it is sent or going out."""
    if episode_id is None:
        return False
    episode = await session.get(Episode, episode_id)
    if episode is None or episode.level != Level.L2:
        return False
    first = await session.scalar(
        select(Delivery.id)
        .join(Reminder, Delivery.reminder_id == Reminder.id)
        .where(
            Reminder.episode_id == episode_id,
            Reminder.kind.not_in((CHECKIN, PLAN_END)),
            Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.SENT)),
        )
        .order_by(Delivery.id)
        .limit(1)
    )
    return first in delivery_ids
