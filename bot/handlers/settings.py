"""/settings: time zone, country, quiet hours, bedtime, workouts, and each nudge on or off at
its time. Every change re-plans the affected reminders at once and the reply says, in local
time, when the next one comes.

| button        | then                                                   | typed text awaited |
|---------------|--------------------------------------------------------|--------------------|
| Time zone     | share a location, pick from a list, or type a name     | "tz"               |
| Country       | pick one, type its name or share a location            | "country"          |
| Quiet hours   | pick a window, or type one ("23:00-07:00")             | "quiet"            |
| Bedtime       | the plan's bedtime question (bot/handlers/preferences) | "bedtime"          |
| Workouts      | the plan's workout questions                           | "workout_time"     |
| Reminders     | each nudge: on/off, and a new time                     | "time:<reminder>"  |

What typed text is for lives in `user.awaiting`, so a restart between the tap and the typing
loses nothing. Callback data: `s:<action>` and `s:<action>:<value>...`.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot import callbacks, cities, places, zones
from bot.catalogue import Catalogue
from bot.countries import needs_country
from bot.deps import deps
from bot.handlers import onboarding, preferences
from bot.plans import DAY_NAMES
from bot.plans import preferences as chosen
from bot.replies import catalogue, keyboard, say
from bot.screens import country
from bot.screens import triage as triage_screen
from bot.screens.preferences import ask_bedtime, ask_workout_days, hhmm, what
from bot.times import parse_time, parse_times
from bot.usecases.onboarding import is_onboarded
from bot.usecases.preferences import BEDTIME, REPLANNED, WORKOUT_TIME
from bot.usecases.upcoming import next_reminder
from scheduler.policy import SLEEP
from scheduler.recurrence import schedule_from_json, schedule_to_json
from storage.models import Reminder, User
from storage.preferences import PlanRepository
from storage.pseudonyms import person
from storage.reminders import ReminderRepository
from storage.users import UserRepository
from triage.quiet import QuietHours
from triage.schedule import CHECKIN

log = logging.getLogger(__name__)
AREA = "s"
TZ, QUIET, RETIME = "tz", "quiet", "time:"
QUIET_PRESETS = (("2200", "0700"), ("2230", "0730"), ("2300", "0800"), ("0000", "0800"))
LONGEST_QUIET = dt.timedelta(hours=16)
MAX_TIMES = 4


async def on_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings: a summary of the person's choices, with a button for each."""
    message = update.effective_message
    assert message and update.effective_user
    user = await _store(context, update.effective_user.id, awaiting=None)
    if user is None or not is_onboarded(user):
        cat = catalogue(user, update.effective_user.language_code)
        await message.reply_text(cat.text("settings.not_onboarded"))
        return
    if needs_country(user.country):
        await country.ask(context, user, then_triage=False, legacy=True)
        return
    await message.reply_text(await _summary(context, user), reply_markup=_menu(user))


async def _summary(context: ContextTypes.DEFAULT_TYPE, user: User) -> str:
    d, cat = deps(context), catalogue(user)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        following = await next_reminder(session, user, now, cat)
    prefs = chosen(user)
    unset = cat.text("settings.not_set")
    workout = (
        cat.text(
            "settings.workout_value",
            days=", ".join(DAY_NAMES[day] for day in sorted(prefs.workout_days)),
            time=hhmm(prefs.workout_time),
        )
        if user.workout_days and user.workout_time
        else unset
    )
    return say(
        cat,
        "settings.summary",
        user,
        tz=user.tz,
        local_time=now.astimezone(zoneinfo.ZoneInfo(user.tz or "UTC")).strftime("%H:%M"),
        country=country.label(cat, user.country),
        quiet=f"{user.quiet_start}–{user.quiet_end}",
        bedtime=user.bedtime or unset,
        workout=workout,
        next=following,
    )


def _menu(user: User) -> InlineKeyboardMarkup:
    cat = catalogue(user)
    rows = [
        [
            (cat.text("settings.button.tz"), _data("tz")),
            (cat.text("settings.button.country"), _data("country")),
        ],
        [
            (cat.text("settings.button.quiet"), _data("quiet")),
            (cat.text("settings.button.bedtime"), _data("bed")),
        ],
        [
            (cat.text("settings.button.workout"), _data("work")),
            (cat.text("settings.button.nudges"), _data("nudges")),
        ],
    ]
    if user.consent_reminders_at is None:
        rows.append([(cat.text("settings.button.reminders_on"), _data("consent"))])
    rows.append(
        [(cat.text(f"sound.button.{'ring' if user.ring_nudges else 'silent'}"), _data("ring"))]
    )
    return keyboard(rows)


def _data(*fields: object) -> str:
    return callbacks.encode(AREA, *fields)


def _back(cat: Catalogue) -> list[tuple[str, str]]:
    """A row with Back to the settings menu, under each settings question."""
    return [(cat.text("back.to_settings"), _data("menu"))]


async def _on_menu(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    """Back to the settings summary; nothing typed is awaited any more."""
    stored = await _store(context, user.id, awaiting=None)
    assert stored is not None
    summary = await _summary(context, stored)
    await context.bot.send_message(user.chat_id, summary, reply_markup=_menu(stored))


# ---- Buttons ------------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on a /settings button."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, values = parsed.field(0), parsed.fields[1:]
    user = await _store(context, update.effective_user.id)
    if user is None or not is_onboarded(user):
        raise callbacks.BadCallback("not a person with settings")
    handler = BUTTONS.get(action)
    if handler is None:
        raise callbacks.BadCallback("unknown settings action")
    if action in ("on", "off", "time"):
        async with deps(context).sessions.begin() as session:
            await _own_series(session, user, values)  # before answering: a refusal answers
    await query.answer()
    await handler(update, context, user, values)


async def _on_tz(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    names = places.zone_choices(user.country)
    if values:
        if values[0].isdigit() and int(values[0]) < len(names):
            zone: str | None = names[callbacks.number(values[0])]
        else:  # one of the places a typed name could mean
            zone = cities.picked(values, user.country)
        if zone is None:
            raise callbacks.BadCallback("no such zone")
        await set_zone(context, user.id, zone)
        return
    await _store(context, user.id, awaiting=TZ)
    cities.warm()
    cat = catalogue(user)
    share = KeyboardButton(cat.text("settings.tz_share"), request_location=True)
    await context.bot.send_message(
        user.chat_id,
        cat.text("settings.tz_question", tz=user.tz),
        reply_markup=ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True),
    )
    rows = [[(name.replace("_", " "), _data("tz", i))] for i, name in enumerate(names)]
    await context.bot.send_message(
        user.chat_id, cat.text("settings.tz_pick"), reply_markup=keyboard([*rows, _back(cat)])
    )


async def _on_country(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    if not values:
        await country.ask(context, user, then_triage=False)
        return
    if not country.valid(values[0]) or values[1:] not in ((), (country.THEN_TRIAGE,)):
        raise callbacks.BadCallback("no such country")
    saved = await country.save(context, user.id, values[0])
    if values[1:]:
        await triage_screen.begin(context.bot, deps(context), saved.chat_id, saved)


async def _on_quiet(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    cat = catalogue(user)
    if len(values) == 2:
        start, end = (parse_time(f"{v[:2]}:{v[2:]}") for v in values)
        if start is None or end is None:
            raise callbacks.BadCallback("bad quiet hours")
        await set_quiet(context, user.id, start, end)
        return
    await _store(context, user.id, awaiting=QUIET)
    rows = [[(f"{a[:2]}:{a[2:]}–{b[:2]}:{b[2:]}", _data("quiet", a, b))] for a, b in QUIET_PRESETS]
    text = cat.text("settings.quiet_question", quiet=f"{user.quiet_start}–{user.quiet_end}")
    await context.bot.send_message(user.chat_id, text, reply_markup=keyboard([*rows, _back(cat)]))


async def _on_bedtime(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    await ask_bedtime(context.bot, user)


async def _on_workout(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    await ask_workout_days(context.bot, user)


async def _on_consent(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    if user.consent_reminders_at is None:
        await _store(context, user.id, consent_reminders_at=deps(context).clock.now())
        log.info("user %s gave reminder consent again", person(user.id))
    await context.bot.send_message(user.chat_id, catalogue(user).text("settings.reminders_on"))


async def _on_ring(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    """Nudges ring, or arrive silently again (check-ins always ring)."""
    stored = await _store(context, user.id, ring_nudges=not user.ring_nudges)
    assert stored is not None
    said = "ring" if stored.ring_nudges else "silent"
    await context.bot.send_message(user.chat_id, catalogue(user).text(f"sound.saved.{said}"))


# ---- Each nudge on or off, at its time -------------------------------------------------------


async def _on_nudges(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    d = deps(context)
    async with d.sessions.begin() as session:
        rows = await PlanRepository(session).series(user.id)
    cat = catalogue(user)
    if not rows:
        await context.bot.send_message(user.chat_id, cat.text("settings.nudges_none"))
        return
    await context.bot.send_message(
        user.chat_id, cat.text("settings.nudges_question"), reply_markup=_nudges_markup(cat, rows)
    )


def _nudges_markup(cat: Catalogue, rows: list[Reminder]) -> InlineKeyboardMarkup:
    buttons = []
    for row in rows:
        schedule, _ = schedule_from_json(row.schedule)
        times = ", ".join(hhmm(t) for t in schedule.times)
        key = "settings.nudge_on" if row.active else "settings.nudge_off"
        label = cat.text(key, what=what(cat, row.kind), times=times)
        toggle = _data("off" if row.active else "on", row.id)
        buttons.append(
            [(label, toggle), (cat.text("settings.nudge_retime"), _data("time", row.id))]
        )
    return keyboard(buttons)


async def _on_switch(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    on = (
        callbacks.decode(update.callback_query.data if update.callback_query else None).field(0)
        == "on"
    )
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        row = await _own_series(session, user, values)
        await PlanRepository(session).switch(row, on, now)
        rows = await PlanRepository(session).series(user.id)
        cat = catalogue(user)
        text = cat.text(
            "settings.nudge_switched_on" if on else "settings.nudge_switched_off",
            what=what(cat, row.kind),
        )
        text += "\n" + await next_reminder(session, user, now, cat)
    log.info("user %s turned reminder %s %s", person(user.id), row.id, "on" if on else "off")
    d.wake()
    query = update.callback_query
    assert query
    await query.edit_message_reply_markup(reply_markup=_nudges_markup(cat, rows))
    await context.bot.send_message(user.chat_id, text)


async def _on_retime(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, values: tuple[str, ...]
) -> None:
    async with deps(context).sessions.begin() as session:
        row = await _own_series(session, user, values)
    if row.kind == SLEEP:
        await ask_bedtime(context.bot, user)
        return
    if row.kind in REPLANNED:
        await ask_workout_days(context.bot, user)
        return
    await _store(context, user.id, awaiting=f"{RETIME}{row.id}")
    schedule, _ = schedule_from_json(row.schedule)
    cat = catalogue(user)
    times = ", ".join(hhmm(t) for t in schedule.times)
    await context.bot.send_message(
        user.chat_id, cat.text("settings.retime_question", what=what(cat, row.kind), times=times)
    )


async def _own_series(session: AsyncSession, user: User, values: tuple[str, ...]) -> Reminder:
    """The caller's own nudge series named by the button, or BadCallback."""
    if not values:
        raise callbacks.BadCallback("expected a reminder")
    row = await session.get(Reminder, callbacks.number(values[0]))
    if row is None or row.user_id != user.id or row.origin_id is not None or row.kind == CHECKIN:
        raise callbacks.BadCallback("not the caller's reminder")
    return row


BUTTONS = {
    "tz": _on_tz,
    "country": _on_country,
    "quiet": _on_quiet,
    "bed": _on_bedtime,
    "work": _on_workout,
    "consent": _on_consent,
    "ring": _on_ring,
    "menu": _on_menu,
    "nudges": _on_nudges,
    "on": _on_switch,
    "off": _on_switch,
    "time": _on_retime,
}


# ---- Typed answers and shared locations ----------------------------------------------------


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> bool:
    """Text the person typed for /settings (a zone, quiet hours, a time); False when the bot
    was not waiting for any."""
    message = update.effective_message
    if user.awaiting is None or message is None or message.text is None:
        return False
    awaiting, text = user.awaiting, message.text
    if awaiting == TZ:
        await _typed_zone(update, context, user, text)
    elif awaiting in (country.AWAITING, country.AWAITING_THEN_TRIAGE):
        await _typed_country(update, context, user, text)
    elif awaiting == QUIET:
        await _typed_quiet(update, context, user, text)
    elif awaiting in (BEDTIME, WORKOUT_TIME):
        await preferences.on_typed(update, context, user, awaiting)
    elif awaiting.startswith(RETIME) and awaiting[len(RETIME) :].isdigit():
        await _typed_times(update, context, user, int(awaiting[len(RETIME) :]), text)
    else:
        await _store(context, user.id, awaiting=None)
        return False
    return True


async def _typed_zone(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, text: str
) -> None:
    found = await cities.lookup(text, user.country)
    message = update.effective_message
    assert message
    if len(found) == 1:
        await set_zone(context, user.id, found[0].zone)
    elif found:
        rows = [[(p.label, _data("tz", *cities.fields(p.zone)))] for p in found]
        await message.reply_text(catalogue(user).text("zones.which"), reply_markup=keyboard(rows))
    else:
        reply = catalogue(user).text("settings.tz_invalid", value=text.strip()[:40])
        await message.reply_text(reply)


async def _typed_country(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, text: str
) -> None:
    code = places.find(text)
    if code is None:
        assert update.effective_message
        reply = catalogue(user).text("country.not_found", value=text.strip()[:40])
        await update.effective_message.reply_text(reply)
        return
    saved = await country.save(context, user.id, code)
    if user.awaiting == country.AWAITING_THEN_TRIAGE:
        await triage_screen.begin(context.bot, deps(context), saved.chat_id, saved)


async def _typed_quiet(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, text: str
) -> None:
    parts = text.replace("–", "-").replace(" to ", "-").split("-")
    start, end = (parse_time(part) for part in parts) if len(parts) == 2 else (None, None)
    if start is None or end is None:
        assert update.effective_message
        await update.effective_message.reply_text(catalogue(user).text("settings.quiet_bad"))
        return
    await set_quiet(context, user.id, start, end)


async def _typed_times(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user: User, reminder_id: int, text: str
) -> None:
    typed = parse_times(text)
    times = sorted(set(typed or ()))
    message = update.effective_message
    assert message
    if not times or len(times) > MAX_TIMES:
        await message.reply_text(catalogue(user).text("settings.retime_bad"))
        return
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        row = await _own_series(session, user, (str(reminder_id),))
        schedule, slot = schedule_from_json(row.schedule)
        fresh = schedule_to_json(replace(schedule, times=tuple(times)), slot)
        await PlanRepository(session).retime(row, fresh, now)
        stored = await UserRepository(session).get(user.id, for_update=True)
        assert stored is not None
        stored.awaiting = None
        cat = catalogue(user)
        reply = cat.text(
            "settings.retimed", what=what(cat, row.kind), times=", ".join(map(hhmm, times))
        )
        reply += "\n" + await next_reminder(session, stored, now, cat)
    log.info("user %s moved reminder %s", person(user.id), reminder_id)
    d.wake()
    await message.reply_text(reply)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: the new time zone when /settings asked for one, otherwise
    onboarding's."""
    message = update.effective_message
    assert message and message.location and update.effective_user
    user = await _store(context, update.effective_user.id)
    if user is not None and user.awaiting in (country.AWAITING, country.AWAITING_THEN_TRIAGE):
        await _located_country(update, context, user)
        return
    if user is None or user.awaiting != TZ:
        await onboarding.on_location(update, context)
        return
    zone = zones.zone_at(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(catalogue(user).text("settings.tz_not_found"))
        return
    await set_zone(context, user.id, zone)


async def _located_country(update: Update, context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    message = update.effective_message
    assert message and message.location
    code = places.country_at(message.location.latitude, message.location.longitude)
    if code is None:
        await message.reply_text(catalogue(user).text("country.at_sea"))
        return
    saved = await country.save(context, user.id, code)
    if user.awaiting == country.AWAITING_THEN_TRIAGE:
        await triage_screen.begin(context.bot, deps(context), saved.chat_id, saved)


# ---- Applying a change ---------------------------------------------------------------------


async def set_zone(context: ContextTypes.DEFAULT_TYPE, user_id: int, zone: str) -> None:
    """The person moved: every reminder keeps its local wall time in the new zone."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        user.tz, user.awaiting = zone, None
        await ReminderRepository(session).change_zone(user_id, zone, now)
        cat = catalogue(user)
        local = now.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")
        text = cat.text("settings.tz_saved", tz=zone, local_time=local)
        text += "\n" + await next_reminder(session, user, now, cat)
    log.info("user %s changed time zone", person(user_id))
    d.wake()
    await context.bot.send_message(user.chat_id, text, reply_markup=ReplyKeyboardRemove())


async def set_quiet(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, start: dt.time, end: dt.time
) -> None:
    """New quiet hours, unless they would swallow every reminder (then the reason is said)."""
    d = deps(context)
    now = d.clock.now()
    async with d.sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=True)
        assert user is not None
        cat = catalogue(user)
        rows = await PlanRepository(session).active(user_id)
        problem = quiet_problem(QuietHours(start, end), _reminder_times(rows))
        if problem is None:
            user.quiet_start, user.quiet_end, user.awaiting = hhmm(start), hhmm(end), None
            text = cat.text("settings.quiet_saved", quiet=f"{hhmm(start)}–{hhmm(end)}")
            text += "\n" + await next_reminder(session, user, now, cat)
        else:
            text = cat.text(problem[0], times=problem[1])
    log.info("user %s quiet hours %s", person(user_id), "refused" if problem else "changed")
    d.wake()
    await context.bot.send_message(user.chat_id, text)


def _reminder_times(rows: list[Reminder]) -> set[dt.time]:
    # N_SLEEP is the spec's one exception to quiet hours (§3.4), so it cannot be swallowed.
    times: set[dt.time] = set()
    for row in rows:
        if row.kind != SLEEP:
            times.update(schedule_from_json(row.schedule)[0].times)
    return times


def quiet_problem(quiet: QuietHours, times: set[dt.time]) -> tuple[str, str] | None:
    """Why a quiet window is refused (catalogue key, the times it would swallow), or None."""
    length = (
        dt.datetime.combine(dt.date(2000, 1, 1), quiet.end)
        - dt.datetime.combine(dt.date(2000, 1, 1), quiet.start)
    ) % dt.timedelta(days=1)
    if length == dt.timedelta(0):
        return "settings.quiet_empty", ""
    if length > LONGEST_QUIET:
        return "settings.quiet_too_long", ""
    if times and all(quiet.contains(t) for t in times):
        return "settings.quiet_swallows", ", ".join(hhmm(t) for t in sorted(times))
    return None


async def _store(context: ContextTypes.DEFAULT_TYPE, user_id: int, **values: object) -> User | None:
    """The person, with `values` written first (one transaction)."""
    async with deps(context).sessions.begin() as session:
        user = await UserRepository(session).get(user_id, for_update=bool(values))
        if user is not None:
            for name, value in values.items():
                setattr(user, name, value)
        return user
