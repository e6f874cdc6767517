"""The plan's own questions (spec §3.4): bedtime for N_SLEEP, workout days and time for
N_WARMUP, asked once with the spec's defaults offered as buttons, and the re-plan that follows.

| question      | buttons                                          | next                       |
|---------------|--------------------------------------------------|----------------------------|
| bedtime       | 22:00 · 22:30 · 23:00 · 23:30 · 00:00 · type one | saved, N_SLEEP re-planned  |
| workout days  | Mon..Sun with ticks (Mon/Wed/Fri ticked), Done   | workout time               |
| workout time  | 07:00 · 12:00 · 17:30 · 18:00 · 19:00 · type one | saved, N_WARMUP re-planned |

The ticked days travel in the buttons themselves (`p:days:<bitmask>`), so nothing is stored
until Done; a typed time is awaited through `user.awaiting` (see bot/handlers/settings.py).
Callback data: `p:bed:<HHMM>|type`, `p:days:<mask>`, `p:daysok:<mask>`, `p:wt:<HHMM>|type`.

Also here, because /settings, /resume and these answers all end with it: the sentence saying
when the next reminder comes, in the person's local time.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import deps
from bot.plans import DAY_NAMES, fitted_plan, preferences
from bot.replies import catalogue, keyboard
from bot.times import parse_time
from scheduler.policy import SLEEP, quiet_end
from scheduler.recurrence import next_occurrence, schedule_from_json, schedule_to_json
from storage.episodes import EpisodeRepository
from storage.models import Reminder, User, UserState
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.users import UserRepository
from triage.assess import assess
from triage.flow import TriageState
from triage.followup import FollowUpState, expected_checkins
from triage.questions import InvalidAnswer
from triage.quiet import QuietHours
from triage.schedule import PlannedNudge

log = logging.getLogger(__name__)
AREA = "p"
BEDTIMES = ("22:00", "22:30", "23:00", "23:30", "00:00")
WORKOUT_TIMES = ("07:00", "12:00", "17:30", "18:00", "19:00")
DEFAULT_DAYS = frozenset({0, 2, 4})  # spec §3.4: Mon/Wed/Fri
BEDTIME, WORKOUT_TIME = "bedtime", "workout_time"  # values of `user.awaiting`
REPLANNED = ("N_SLEEP", "N_WARMUP")


def hhmm(at: dt.time) -> str:
    return at.strftime("%H:%M")


# ---- Asking -------------------------------------------------------------------------------


async def ask_missing(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, needs: frozenset[str]
) -> None:
    """After a result: asks for bedtime and workout days once each, when the plan needs them
    and the person has not said yet (their reminders already run on the defaults)."""
    if user.consent_reminders_at is None:
        return
    if "bedtime" in needs and user.bedtime is None:
        await ask_bedtime(context, user)
    if "workout" in needs and (user.workout_days is None or user.workout_time is None):
        await ask_workout_days(context, user)


async def ask_bedtime(context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    cat = catalogue(user)
    rows = [[(t, _data("bed", t.replace(":", ""))) for t in BEDTIMES[:3]]]
    rows.append([(t, _data("bed", t.replace(":", ""))) for t in BEDTIMES[3:]])
    rows.append([(cat.text("preferences.type_time"), _data("bed", "type"))])
    await context.bot.send_message(
        user.chat_id, cat.text("preferences.bedtime_question"), reply_markup=keyboard(rows)
    )


async def ask_workout_days(context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    days = preferences(user).workout_days if user.workout_days else DEFAULT_DAYS
    cat = catalogue(user)
    await context.bot.send_message(
        user.chat_id,
        cat.text("preferences.workout_days_question"),
        reply_markup=_days_markup(cat, _mask(days)),
    )


def _days_markup(cat: Catalogue, mask: int) -> InlineKeyboardMarkup:
    def label(day: int) -> str:
        return ("✅ " if mask & (1 << day) else "") + DAY_NAMES[day]

    buttons = [(label(day), _data("days", mask ^ (1 << day))) for day in range(7)]
    return keyboard(
        [buttons[:4], buttons[4:], [(cat.text("preferences.days_done"), _data("daysok", mask))]]
    )


async def ask_workout_time(context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    cat = catalogue(user)
    rows = [[(t, _data("wt", t.replace(":", ""))) for t in WORKOUT_TIMES[:3]]]
    rows.append([(t, _data("wt", t.replace(":", ""))) for t in WORKOUT_TIMES[3:]])
    rows.append([(cat.text("preferences.type_time"), _data("wt", "type"))])
    await context.bot.send_message(
        user.chat_id, cat.text("preferences.workout_time_question"), reply_markup=keyboard(rows)
    )


def _data(kind: str, value: object) -> str:
    return callbacks.encode(AREA, kind, value)


def _mask(days: frozenset[int]) -> int:
    return sum(1 << day for day in days)


def _days(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


# ---- Answers ------------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a bedtime, workout day or workout time button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    kind, value = parsed.field(0), parsed.field(1)
    user = await _user(context, update.effective_user.id)
    if user is None:
        raise callbacks.BadCallback("no such person")
    if kind == "days":
        await query.answer()
        mask = _checked_mask(value)
        await query.edit_message_reply_markup(reply_markup=_days_markup(catalogue(user), mask))
    elif kind == "daysok":
        await _on_days_done(update, context, user, _checked_mask(value))
    elif kind in ("bed", "wt"):
        await _on_time(update, context, user, kind, value)
    else:
        raise callbacks.BadCallback("unknown preference")


def _checked_mask(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) < 128:
        raise callbacks.BadCallback("bad day mask")
    return int(value)


async def _on_days_done(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, mask: int
) -> None:
    query = update.callback_query
    assert query
    cat = catalogue(user)
    if mask == 0:
        await query.answer(cat.text("preferences.days_none"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    days = ",".join(str(day) for day in sorted(_days(mask)))
    await _store(context, user.id, workout_days=days)
    await ask_workout_time(context, user)


async def _on_time(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, kind: str, value: str
) -> None:
    query = update.callback_query
    assert query
    field = BEDTIME if kind == "bed" else WORKOUT_TIME
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if value == "type":
        await _store(context, user.id, awaiting=field)
        await context.bot.send_message(user.chat_id, catalogue(user).text("preferences.type_now"))
        return
    at = parse_time(f"{value[:2]}:{value[2:]}") if len(value) == 4 else None
    if at is None:
        raise callbacks.BadCallback("bad time")
    await save_time(context, user.id, field, at)


async def on_typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, field: str
) -> None:
    """A typed bedtime or workout time: saved, or refused with an example."""
    message = update.effective_message
    assert message and message.text is not None
    at = parse_time(message.text)
    if at is None:
        await message.reply_text(catalogue(user).text("preferences.bad_time"))
        return
    await save_time(context, user.id, field, at)


async def save_time(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, field: str, at: dt.time
) -> None:
    """Stores a bedtime or workout time, re-plans N_SLEEP / N_WARMUP, and says what changed."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        setattr(user, field, hhmm(at))
        if field == WORKOUT_TIME and user.workout_days is None:
            user.workout_days = ",".join(str(day) for day in sorted(DEFAULT_DAYS))
        user.awaiting = None
        moved = await replan(session, user, now)
        cat = catalogue(user)
        text = (
            _saved_text(cat, user, field, at, moved)
            + "\n"
            + await next_reminder(session, user, now, cat)
        )
    log.info("user %s set %s; %s reminders re-planned", person(user_id), field, len(moved))
    d.wake()
    await context.bot.send_message(user.chat_id, text)


def _saved_text(cat: Catalogue, user: User, field: str, at: dt.time, moved: list[Reminder]) -> str:
    if field == BEDTIME:
        return cat.text("preferences.bedtime_saved", time=hhmm(at))
    days = ", ".join(DAY_NAMES[day] for day in sorted(preferences(user).workout_days))
    return cat.text("preferences.workout_saved", days=days, time=hhmm(at))


async def _store(context: ContextTypes.DEFAULT_TYPE, user_id: int, **values: object) -> None:
    async with deps(context).sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)


async def _user(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> User | None:
    async with deps(context).sessions.begin() as session:
        return await UserRepository(session).get(user_id)


# ---- Re-planning ----------------------------------------------------------------------------


async def replan(session: AsyncSession, user: User, now: dt.datetime) -> list[Reminder]:
    """Gives the person's N_SLEEP / N_WARMUP series the times their preferences now imply.

    The plan is asked again of the pure core (`plan_nudges`, fitted) for the episode it came from,
    from the same first day, so the two weeks end when they did.
    """
    plans = PlanRepository(session)
    rows = [row for row in await plans.series(user.id) if row.kind in REPLANNED]
    moved = []
    for row in rows:
        schedule, slot = schedule_from_json(row.schedule)
        fresh = await _planned(session, row, schedule.start, user)
        match = next((p for p in fresh if p.nudge_id == row.kind and p.slot == slot), None)
        if match is not None:
            await plans.retime(row, schedule_to_json(match.schedule, slot), now)
            moved.append(row)
    return moved


async def _planned(
    session: AsyncSession, row: Reminder, start: dt.date, user: User
) -> tuple[PlannedNudge, ...]:
    episode = await EpisodeRepository(session).get(row.episode_id) if row.episode_id else None
    if episode is None or not episode.answers:
        return ()
    state = TriageState.from_json(episode.answers)
    try:
        outcome = assess(state.answers, start, state.episodes_90d)
    except InvalidAnswer:
        log.warning("episode %s has answers the rules refuse; not re-planned", episode.id)
        return ()
    followup = FollowUpState.from_json(episode.followup) if episode.followup else None
    checkins = expected_checkins(followup) if followup else ()
    return fitted_plan(outcome, state.answers, user, start, checkins)


# ---- When the next reminder comes -------------------------------------------------------------


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


def what(cat: Catalogue, kind: str) -> str:
    if cat.has(f"preferences.kind.{kind}"):
        return cat.text(f"preferences.kind.{kind}")
    return cat.text("preferences.kind.other")


def _next_due(row: Reminder, user: User, now: dt.datetime) -> dt.datetime | None:
    """When the row next goes out: its placed time, or its next occurrence moved past quiet
    hours (N_SLEEP excepted, spec §3.4)."""
    if row.occurrence is not None and row.next_due_at is not None:
        return max(row.next_due_at, now)
    schedule, _ = schedule_from_json(row.schedule)
    found = next_occurrence(schedule, row.tz, now - dt.timedelta(microseconds=1))
    if found is None:
        return None
    quiet = QuietHours.parse(user.quiet_start, user.quiet_end)
    end = None if row.kind == SLEEP else quiet_end(found.due_at, row.tz, quiet)
    return end or found.due_at
