"""The floor for bench/updates.py: a bare python-telegram-bot bot that makes the Bot API calls
this bot makes for each step of the questionnaire, and nothing else. No database, no budget,
no rules: the questionnaire of bench/people.py is held in memory, in the order the script
answers it, with the real questions' texts and buttons.

Per tap, as bot/handlers/triage_answers.py does: a tick answers the callback and edits the
question with the new tick; an answer (or Done) answers the callback, edits the question into
the record of its answer, then sends the next question; "See my result" answers, edits the
review and sends the result. Its transport is the bot's own (bot/transport.py). It shows what
python-telegram-bot itself costs for a step (three to five calls, one or two updates) next to
the echo bot's one call per update.

Usage: python bench/floor.py BOT_API_URL TOKEN   (polls until SIGINT or SIGTERM)
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from people import ANSWERS, CAT, REVIEW, SEE_RESULT  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.transport import AiohttpRequest  # noqa: E402
from triage.questions import QUESTIONS, Kind  # noqa: E402

DONE, RESULT = "DONE", "RESULT"
ORDER = [question_id for question_id, _ in ANSWERS]
# Each chat's place in the questionnaire and its ticks: what the database holds for this bot.
PLACE: dict[int, tuple[int, frozenset[str]]] = {}


def question(n: int, ticked: frozenset[str]) -> tuple[str, InlineKeyboardMarkup]:
    asked = QUESTIONS[ORDER[n]]
    text = "\n\n".join(
        [
            CAT.text("triage_ui.progress", n=n + 1, total=len(ORDER)),
            CAT.text(f"question.{asked.id}.text"),
        ]
    )
    rows = []
    for option in asked.options:
        label = CAT.text(f"option.{option.id}")
        if option.id in ticked:
            label = CAT.text("triage_ui.ticked", label=label)
        rows.append([InlineKeyboardButton(label, callback_data=f"t:1:{asked.id}:{option.id}:1")])
    if asked.kind == Kind.MULTI:
        rows.append([InlineKeyboardButton(CAT.text("triage_ui.done"), callback_data=DONE)])
    rows.append([InlineKeyboardButton(CAT.text("triage_ui.emergency_button"), callback_data="s")])
    return text, InlineKeyboardMarkup(rows)


def record(n: int, ticked: frozenset[str]) -> str:
    asked = QUESTIONS[ORDER[n]]
    labels = ", ".join(CAT.text(f"option.{o}") for o in asked.option_ids if o in ticked)
    text = CAT.text(f"question.{asked.id}.text")
    return CAT.text("triage_ui.answered", question=text, answers=labels)


async def begin(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat and update.message
    PLACE[update.effective_chat.id] = (0, frozenset())
    text, markup = question(0, frozenset())
    await update.message.reply_text(text, reply_markup=markup)


async def tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query and query.data and chat and query.message
    n, ticked = PLACE.get(chat.id, (0, frozenset()))
    if query.data == RESULT:
        PLACE[chat.id] = (0, frozenset())
        await asyncio.gather(query.answer(), query.edit_message_text(REVIEW))
        await chat.send_message("Result: look after it yourself and keep an eye on it.")
        return
    asked = QUESTIONS[ORDER[n]]
    if query.data != DONE:
        ticked = ticked ^ {query.data.split(":")[3]}
        if asked.kind == Kind.MULTI:  # a tick: the question edited in place
            PLACE[chat.id] = (n, ticked)
            text, markup = question(n, ticked)
            await asyncio.gather(query.answer(), query.edit_message_text(text, reply_markup=markup))
            return
    await asyncio.gather(query.answer(), query.edit_message_text(record(n, ticked)))
    if n + 1 < len(ORDER):
        PLACE[chat.id] = (n + 1, frozenset())
        text, markup = question(n + 1, frozenset())
    else:
        PLACE[chat.id] = (n + 1, frozenset())
        text = REVIEW
        see = InlineKeyboardButton(SEE_RESULT, callback_data=RESULT)
        markup = InlineKeyboardMarkup([[see]])
    await chat.send_message(text, reply_markup=markup)


def main(api_url: str, token: str) -> None:
    # The bot's own transport (bot/transport.py), so the floor differs from the bot only in
    # what the bot does between its calls.
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=2))
        .build()
    )
    app.add_handler(CommandHandler(["start", "triage"], begin))
    app.add_handler(CallbackQueryHandler(tap))
    app.run_polling(poll_interval=0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
