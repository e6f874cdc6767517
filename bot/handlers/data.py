"""A person's own data as files: /history (a chart), /report (a one-page PDF for a GP) and
/export (a zip of JSON and CSV). Erasing it all (/delete) is bot/handlers/erasure.py.

| trigger            | does                                                          |
|--------------------|---------------------------------------------------------------|
| /history           | chart of the latest episode, or says why there is none yet    |
| /report            | the PDF, or says there is no episode                          |
| /export            | every row about the person, zipped, or "nothing to export"    |

Drawing and PDF layout are CPU work, so they run in a worker thread, not on the event loop.
Their libraries (matplotlib, fpdf: about 75 MB) are imported on the first /history or
/report, not at start.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.deps import BotContext
from bot.replies import say
from bot.reports.export import build_export
from bot.reports.history import History, zone_of
from bot.reports.labels import glossary
from bot.screens.data import summary, words
from bot.usecases import data as usecases
from storage.models import User


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """This module's handlers, to be registered before the catch-all ones."""
    return [
        CommandHandler("history", on_history),
        CommandHandler("report", on_report),
        CommandHandler("export", on_export),
    ]


async def _history(context: BotContext, user_id: int) -> tuple[User | None, History | None]:
    d = context.deps
    return await usecases.history(d.sessions, d.clock.now(), user_id)


async def on_history(update: Update, context: BotContext) -> None:
    """/history: the latest episode as a chart, with a short summary."""
    assert update.effective_user and update.effective_message
    user, history = await _history(context, update.effective_user.id)
    cat = words(update, user)
    if history is None:
        await update.effective_message.reply_text(say(cat, "history.no_episode", user))
        return
    if not history.chartable:
        text = say(cat, "history.too_few", user, count=len(history.statuses))
        await update.effective_message.reply_text(text)
        return
    from bot.reports.chart import render_chart

    picture = await asyncio.to_thread(render_chart, history, cat)
    chart = InputFile(picture, filename="twitch-chart.png")
    await update.effective_message.reply_photo(chart, caption=summary(history, cat))
    usecases.sent(update.effective_user.id, "got a history chart")


async def on_report(update: Update, context: BotContext) -> None:
    """/report: a one-page PDF to hand to a doctor."""
    assert update.effective_user and update.effective_message
    user, history = await _history(context, update.effective_user.id)
    cat = words(update, user)
    if history is None:
        await update.effective_message.reply_text(say(cat, "report.no_episode", user))
        return
    from bot.reports.pdf import render_report

    page = await asyncio.to_thread(render_report, history, cat)
    name = f"{cat.text('report.filename')}-{history.now:%Y-%m-%d}.pdf"
    await update.effective_message.reply_document(
        InputFile(page, filename=name), caption=say(cat, "report.caption", user)
    )
    usecases.sent(update.effective_user.id, "got a report")


async def on_export(update: Update, context: BotContext) -> None:
    """/export: every row about the person, as JSON and CSV in one zip."""
    assert update.effective_user and update.effective_message
    d = context.deps
    user, tables = await usecases.everything(d.sessions, update.effective_user.id)
    cat = words(update, user)
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
