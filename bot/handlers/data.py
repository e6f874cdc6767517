"""A person's own data: /history (a chart), /report (a one-page PDF for a GP), /export (a zip
of JSON and CSV) and /delete (erase everything, after a confirming tap).

| trigger            | does                                                          |
|--------------------|---------------------------------------------------------------|
| /history           | chart of the latest episode, or says why there is none yet    |
| /report            | the PDF, or says there is no episode                          |
| /export            | every row about the person, zipped, or "nothing to export"    |
| /delete            | asks to confirm (`d:erase:<user>` / `d:keep:<user>`)           |
| `d:` button        | erases every row and reminder in one transaction, or keeps    |

Drawing and PDF layout are CPU work, so they run in a worker thread, not on the event loop.
Their libraries (matplotlib, fpdf: about 75 MB) are imported on the first /history or
/report, not at start.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.catalogue import Catalogue
from bot.deps import BotContext
from bot.replies import catalogue, keyboard, say
from bot.reports.export import build_export
from bot.reports.history import History, zone_of
from bot.reports.labels import glossary
from bot.usecases import data as usecases
from storage.models import User

log = logging.getLogger(__name__)
AREA = "d"
ERASE, KEEP = "erase", "keep"
MIN_CHECKINS = 2


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's handlers, to be registered before the catch-all ones."""
    return [
        CommandHandler("history", on_history),
        CommandHandler("report", on_report),
        CommandHandler("export", on_export),
        CommandHandler("delete", on_delete),
        CallbackQueryHandler(on_button, pattern=rf"^{AREA}:"),
    ]


async def _history(context: BotContext, user_id: int) -> tuple[User | None, History | None]:
    d = context.deps
    return await usecases.history(d.sessions, d.clock.now(), user_id)


def _words(update: Update, user: User | None) -> Catalogue:
    return catalogue(user, update.effective_user.language_code if update.effective_user else None)


async def on_history(update: Update, context: BotContext) -> None:
    """/history: the latest episode as a chart, with a short summary."""
    assert update.effective_user and update.effective_message
    user, history = await _history(context, update.effective_user.id)
    cat = _words(update, user)
    if history is None:
        await update.effective_message.reply_text(say(cat, "history.no_episode", user))
        return
    if len(history.statuses) < MIN_CHECKINS:
        text = say(cat, "history.too_few", user, count=len(history.statuses))
        await update.effective_message.reply_text(text)
        return
    from bot.reports.chart import render_chart

    picture = await asyncio.to_thread(render_chart, history, cat)
    chart = InputFile(picture, filename="twitch-chart.png")
    await update.effective_message.reply_photo(chart, caption=summary(history, cat))
    usecases.sent(update.effective_user.id, "got a history chart")


def summary(history: History, cat: Catalogue) -> str:
    """The text beside the chart: check-ins, the level now and the nudge tally."""
    latest = history.statuses[-1]
    nudges = history.nudges
    return cat.text(
        "history.summary",
        opened=history.opened.strftime("%d %b"),
        count=len(history.statuses),
        date=latest.at.strftime("%d %b"),
        status=cat.text(f"checkin.status.options.{latest.status}"),
        level=cat.text(f"level.{history.level.value}.name"),
        sent=sum(day.sent for day in nudges),
        done=sum(day.done for day in nudges),
        snoozed=sum(day.snoozed for day in nudges),
        stopped=sum(day.stopped for day in nudges),
        unanswered=sum(day.unanswered for day in nudges),
    )


async def on_report(update: Update, context: BotContext) -> None:
    """/report: a one-page PDF to hand to a GP."""
    assert update.effective_user and update.effective_message
    user, history = await _history(context, update.effective_user.id)
    cat = _words(update, user)
    if history is None:
        await update.effective_message.reply_text(say(cat, "report.no_episode", user))
        return
    from bot.reports.pdf import render_report

    page = await asyncio.to_thread(render_report, history, cat)
    name = f"{cat.text('report.filename')}-{history.now:%Y-%m-%d}.pdf"
    await update.effective_message.reply_document(
        InputFile(page, filename=name), caption=cat.text("report.caption")
    )
    usecases.sent(update.effective_user.id, "got a report")


async def on_export(update: Update, context: BotContext) -> None:
    """/export: every row about the person, as JSON and CSV in one zip."""
    assert update.effective_user and update.effective_message
    d = context.deps
    user, tables = await usecases.everything(d.sessions, update.effective_user.id)
    cat = _words(update, user)
    if user is None:
        await update.effective_message.reply_text(say(cat, "data.nothing_to_export", None))
        return
    zone = zone_of(user)
    archive = await asyncio.to_thread(build_export, tables, zone, glossary(cat))
    name = f"my-data-{d.clock.now().astimezone(zone):%Y-%m-%d}.zip"
    caption = cat.text("data.export_caption", zone=zone.key)
    await update.effective_message.reply_document(
        InputFile(archive, filename=name), caption=caption
    )
    usecases.sent(user.id, "exported their data")


async def on_delete(update: Update, context: BotContext) -> None:
    """/delete: asks to confirm before erasing anything."""
    assert update.effective_user and update.effective_message
    user_id = update.effective_user.id
    user = await usecases.user_of(context.deps.sessions, user_id)
    cat = _words(update, user)
    if user is None:
        await update.effective_message.reply_text(say(cat, "data.nothing_to_delete", None))
        return
    buttons = keyboard(
        [
            [(cat.text("data.delete_yes"), callbacks.encode(AREA, ERASE, user_id))],
            [(cat.text("data.delete_no"), callbacks.encode(AREA, KEEP, user_id))],
        ]
    )
    await update.effective_message.reply_text(
        say(cat, "data.delete_ask", user), reply_markup=buttons
    )


async def on_button(update: Update, context: BotContext) -> None:
    """A tap on "Yes, erase everything" or "No, keep my data"."""
    query = update.callback_query
    assert query and update.effective_user
    parsed = callbacks.decode(query.data)
    action, owner = parsed.field(0), parsed.int_field(1, maximum=callbacks.MAX_USER_ID)
    cat = catalogue(None, update.effective_user.language_code)
    if owner != update.effective_user.id or action not in (ERASE, KEEP):
        await query.answer(cat.text("error.stale_button_alert"))
        return
    await query.answer()
    if action == KEEP:
        await query.edit_message_text(cat.text("data.kept"))
        return
    erased = await _erase(context, owner)
    await query.edit_message_text(cat.text("data.deleted" if erased else "data.already_gone"))


async def _erase(context: BotContext, user_id: int) -> int:
    d = context.deps
    erased = await usecases.erase(d.sessions, user_id)
    d.wake()  # the dispatcher forgets the erased reminders at once
    return erased
