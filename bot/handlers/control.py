"""The person in control of what the bot sends: /pause, /resume, /stop and /checkin.

| command  | asks                                | then                                           |
|----------|-------------------------------------|------------------------------------------------|
| /pause   | a day · a week · until /resume      | nudges skipped, check-ins held (the dispatcher) |
| /resume  |                                     | active again; held check-ins come at once      |
| /stop    | a confirmation                      | reminder consent withdrawn, every reminder off |
| /checkin |                                     | the check-in's safety question now             |

/stop keeps everything else (answers, episodes, settings); /delete is a separate command.
Callback data: `k:pause:day|week|open`, `k:stop:yes|no`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks, checkin_screens
from bot.catalogue import Catalogue
from bot.deps import deps
from bot.replies import catalogue, keyboard, say
from bot.usecases import checkin
from bot.usecases.onboarding import is_onboarded
from bot.usecases.upcoming import next_reminder
from scheduler.ports import Outgoing
from scheduler.recurrence import occurrence_for_key
from storage.episodes import EpisodeRepository
from storage.models import CheckIn, Delivery, Reminder, User, UserState
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.users import UserRepository
from triage.followup import FollowUpState
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
AREA = "k"
PAUSES = {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7), "open": None}


async def _person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The onboarded sender, or None after telling them to finish /start first."""
    assert update.effective_user and update.effective_message
    async with deps(context).sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
    if user is None or not is_onboarded(user):
        cat = catalogue(user, update.effective_user.language_code)
        await update.effective_message.reply_text(cat.text("control.not_onboarded"))
        return None
    return user


def _local(user: User, when: dt.datetime) -> str:
    zone = zoneinfo.ZoneInfo(user.tz or "UTC")
    return when.astimezone(zone).strftime("%a %d %b at %H:%M")


# ---- /pause and /resume -----------------------------------------------------------------------


async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: for a day, a week, or until /resume."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.nothing_to_pause"))
        return
    rows = [
        [(cat.text(f"control.pause_{key}"), callbacks.encode(AREA, "pause", key))] for key in PAUSES
    ]
    await update.effective_message.reply_text(
        cat.text("control.pause_question"), reply_markup=keyboard(rows)
    )


async def _on_pause_choice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, choice: str
) -> None:
    if choice not in PAUSES:
        raise callbacks.BadCallback("no such pause")
    d = deps(context)
    now = d.clock.now()
    length = PAUSES[choice]
    until = now + length if length is not None else None
    async with d.sessions.begin() as session:
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        stored.state, stored.paused_until = UserState.PAUSED, until
    log.info("user %s paused reminders (%s)", person(user.id), choice)
    cat = catalogue(user)
    if until is None:
        text = say(cat, "control.paused_open", user)
    else:
        text = say(cat, "control.paused_until", user, until=_local(user, until))
    await context.bot.send_message(user.chat_id, text)


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: reminders and check-ins start again; a check-in held by the pause comes now."""
    user = await _person(update, context)
    if user is None:
        return
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        was_paused = stored.state == UserState.PAUSED
        if was_paused:
            stored.state, stored.paused_until = UserState.ACTIVE, None
            await _release_held(session, stored, now)
        cat = catalogue(stored)
        key = "control.resumed" if was_paused else "control.not_paused"
        text = cat.text(key) + "\n" + await next_reminder(session, stored, now, cat)
    log.info("user %s resumed (was paused: %s)", person(user.id), was_paused)
    d.wake()
    assert update.effective_message
    await update.effective_message.reply_text(text)


async def _release_held(session: AsyncSession, user: User, now: dt.datetime) -> None:
    """Check-ins the dispatcher held for the pause (their occurrence already passed)."""
    plans = PlanRepository(session)
    held = [
        row.id
        for row in await plans.placed_checkins(user.id, now)
        if row.occurrence and occurrence_for_key(row.occurrence, row.tz).due_at <= now
    ]
    await plans.due_now(held, now)


# ---- /stop --------------------------------------------------------------------------------------


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: asks to confirm before withdrawing reminder consent (spec §5.2)."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    cat = catalogue(user)
    if user.consent_reminders_at is None:
        await update.effective_message.reply_text(cat.text("control.already_stopped"))
        return
    rows = [
        [(cat.text("control.stop_yes"), callbacks.encode(AREA, "stop", "yes"))],
        [(cat.text("control.stop_no"), callbacks.encode(AREA, "stop", "no"))],
    ]
    await update.effective_message.reply_text(
        cat.text("control.stop_question"), reply_markup=keyboard(rows)
    )


async def _on_stop_choice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, choice: str
) -> None:
    if choice not in ("yes", "no"):
        raise callbacks.BadCallback("no such answer")
    cat = catalogue(user)
    if choice == "no":
        await context.bot.send_message(user.chat_id, cat.text("control.stop_kept"))
        return
    d = deps(context)
    async with d.sessions.begin() as session:
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        stored.consent_reminders_at = None
        stored.state, stored.paused_until = UserState.ACTIVE, None
        stopped = await ReminderRepository(session).deactivate(user.id)
    log.info("user %s withdrew reminder consent; %s reminders stopped", person(user.id), stopped)
    d.wake()
    await context.bot.send_message(user.chat_id, say(cat, "control.stopped", user))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a /pause or /stop button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, choice = parsed.field(0), parsed.field(1)
    async with deps(context).sessions.begin() as session:
        user = await UserRepository(session).get(update.effective_user.id)
    if user is None or not is_onboarded(user) or action not in ("pause", "stop"):
        raise callbacks.BadCallback("not a control button of this person")
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if action == "pause":
        await _on_pause_choice(update, context, user, choice)
    else:
        await _on_stop_choice(update, context, user, choice)


# ---- /checkin ------------------------------------------------------------------------------


async def on_checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: the follow-up check-in now, starting with the safety question."""
    user = await _person(update, context)
    if user is None:
        return
    assert update.effective_message
    d, cat = deps(context), catalogue(user)
    async with d.sessions.begin() as session:
        found = await _checkin_series(session, user)
        open_row = await _open_checkin(session, found[0]) if found else None
    if found is None:
        await update.effective_message.reply_text(say(cat, "control.no_checkin", user))
        return
    if open_row is not None:
        # Already asked and not yet answered: carry on with the same check-in, so asking
        # twice never counts as a silence (F-T4).
        text, markup = checkin_screens.render(cat, open_row)
        await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await _send_new(context, user, cat, *found)


async def _checkin_series(session: AsyncSession, user: User) -> tuple[int, Reminder] | None:
    """The person's open episode with a running follow-up, and its check-in reminder."""
    episode = await EpisodeRepository(session).latest(user.id)
    if episode is None or episode.closed_at is not None or not episode.followup:
        return None
    if FollowUpState.from_json(episode.followup).closed:
        return None
    rows = await ReminderRepository(session).for_user(user.id)
    series = [r for r in rows if r.kind == CHECKIN and r.active and r.episode_id == episode.id]
    return (episode.id, series[-1]) if series else None


async def _open_checkin(session: AsyncSession, episode_id: int) -> CheckIn | None:
    query = select(CheckIn).where(CheckIn.episode_id == episode_id, CheckIn.status == "open")
    return (await session.scalars(query.order_by(CheckIn.id.desc()).limit(1))).first()


async def _send_new(
    context: ContextTypes.DEFAULT_TYPE, user: User, cat: Catalogue, episode_id: int, row: Reminder
) -> None:
    """Records an on-demand delivery of the check-in series, then sends its first screen.

    Its occurrence key is not a wall time, so it never collides with a scheduled one; the
    answers then move the series on exactly as a scheduled check-in's would.
    """
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        delivery = Delivery(
            reminder_id=row.id,
            occurrence=f"asked-{now:%Y%m%dT%H%M%S}",
            due_at=now,
            status="pending",
            attempts=1,
        )
        session.add(delivery)
        await session.flush()
    local_due = now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC"))
    outgoing = Outgoing(
        delivery.id, row.id, user.id, user.chat_id, episode_id, CHECKIN, None, local_due, False, 0
    )
    prepared = await checkin.prepare_checkin(d.sessions, d.clock, outgoing)
    if prepared is None or prepared.markup is None:
        await context.bot.send_message(user.chat_id, say(cat, "control.no_checkin", user))
        return
    sent = await context.bot.send_message(user.chat_id, prepared.text, reply_markup=prepared.markup)
    async with d.sessions.begin() as session:
        stored = await session.get_one(Delivery, delivery.id)
        stored.status, stored.sent_at, stored.message_id = "sent", now, sent.message_id
    log.info("user %s asked for a check-in (delivery %s)", person(user.id), delivery.id)
