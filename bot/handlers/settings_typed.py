"""What a person types or shares for /settings: a place for the time zone, a country, quiet
hours, or new times for one nudge series. bot/routing.py sends each here by what
`user.awaiting` says; the changes are bot/usecases/settings.py.
"""

from __future__ import annotations

from telegram import Update

from bot import cities, places, zones
from bot.awaiting import Awaiting
from bot.deps import BotContext
from bot.replies import catalogue, keyboard
from bot.screens import country
from bot.screens import settings as screen
from bot.screens import triage as triage_screen
from bot.times import parse_time, parse_times
from bot.usecases import settings as usecases
from storage.models import User

MAX_TIMES = 4


async def on_zone(
    update: Update, context: BotContext, user: User, text: str, _: int | None
) -> None:
    """A typed place for the time zone: one match is saved, several are offered."""
    found = await cities.lookup(text, user.country)
    message = update.effective_message
    assert message
    if len(found) == 1:
        await screen.set_zone(context.bot, context.deps, user.id, found[0].zone)
    elif found:
        rows = [[(p.label, screen.data("tz", *cities.fields(p.zone)))] for p in found]
        await message.reply_text(catalogue(user).text("zones.which"), reply_markup=keyboard(rows))
    else:
        reply = catalogue(user).text("settings.tz_invalid", value=text.strip()[:40])
        await message.reply_text(reply)


async def on_country(
    update: Update, context: BotContext, user: User, text: str, _: int | None
) -> None:
    """A typed country name (in English, its own language, or a code)."""
    assert update.effective_message
    code = await country.typed(update.effective_message, user, text)
    if code is not None:
        await _save_country(context, user, code)


async def on_quiet(
    update: Update, context: BotContext, user: User, text: str, _: int | None
) -> None:
    """Typed quiet hours ("23:00-07:00", "23:00 to 07:00")."""
    parts = text.replace("–", "-").replace(" to ", "-").split("-")
    start, end = (parse_time(part) for part in parts) if len(parts) == 2 else (None, None)
    if start is None or end is None:
        assert update.effective_message
        await update.effective_message.reply_text(catalogue(user).text("settings.quiet_bad"))
        return
    await screen.set_quiet(context.bot, context.deps, user.id, start, end)


async def on_times(
    update: Update, context: BotContext, user: User, text: str, series: int | None
) -> None:
    """New times for one nudge series, up to four."""
    times = sorted(set(parse_times(text) or ()))
    message, d = update.effective_message, context.deps
    assert message and series is not None
    if not times or len(times) > MAX_TIMES:
        await message.reply_text(catalogue(user).text("settings.retime_bad"))
        return
    reply = await usecases.retime(d.sessions, d.clock.now(), user, series, times)
    d.wake()
    await message.reply_text(reply)


async def on_location(update: Update, context: BotContext, user: User) -> None:
    """A shared location while /settings waits for a country or a time zone."""
    message = update.effective_message
    assert message and message.location
    at = (message.location.latitude, message.location.longitude)
    if user.awaiting != Awaiting.TZ:
        code = places.country_at(*at)
        if code is None:
            await message.reply_text(catalogue(user).text("country.at_sea"))
            return
        await _save_country(context, user, code)
        return
    zone = zones.zone_at(*at)
    if zone is None:
        await message.reply_text(catalogue(user).text("settings.tz_not_found"))
        return
    await screen.set_zone(context.bot, context.deps, user.id, zone)


async def _save_country(context: BotContext, user: User, code: str) -> None:
    then_triage = user.awaiting == Awaiting.COUNTRY_THEN_TRIAGE
    saved = await country.save(context, user.id, code, then_triage=then_triage)
    if then_triage:
        await triage_screen.begin(context.bot, context.deps, saved.chat_id, saved)
