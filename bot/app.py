"""Building the python-telegram-bot `Application`: the handler table and its limits.

| group | handler                         | what                                        |
|-------|---------------------------------|---------------------------------------------|
| -2    | update kinds a private bot never gets, forged senders | drop quietly       |
| -1    | any update from a non-private chat | refuse politely, store nothing, stop      |
| 0     | danger words in text, captions, edits; `x:` | the safety net, before anything else |
| 0     | /start /help /privacy           | onboarding and information                  |
| 0     | /triage, `t:` buttons           | the questionnaire                           |
| 0     | `r:` `c:` buttons               | nudge answers, check-in screens             |
| 0     | /settings /pause /resume /stop /checkin, `s:` `p:` `k:` | the person in control |
| 0     | /history /report /export /delete, `d:` | the person's data                    |
| 0     | `o:` buttons, location          | onboarding steps                            |
| 0     | text                            | danger words first, then by where one stands |
| 0     | other commands, other buttons   | point to /help; answer stale buttons gently |
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import guard, routing
from bot.budget import Budget, MemoryBudget
from bot.catalogue import catalogue_for
from bot.deps import CONTEXT_TYPES, KEY, BotContext, Deps
from bot.fairness import ChatUpdateProcessor
from bot.handlers import (
    checkin,
    checkin_now,
    checkin_rerun,
    common,
    control,
    data,
    erasure,
    onboarding,
    plan_end,
    preferences,
    reminders,
    result_details,
    safety,
    settings,
    settings_nudges,
    triage,
    triage_answers,
)
from bot.queries import TolerantRequest
from bot.ratelimit import ChatRateLimiter
from bot.replies import say
from bot.transport import AiohttpRequest

COMMANDS = (
    "start",
    "triage",
    "checkin",
    "settings",
    "pause",
    "resume",
    "stop",
    "history",
    "report",
    "export",
    "delete",
    "help",
    "privacy",
)


REPLY_RESERVE = 1
"""Places of each second's budget a reminder may never take: a reply finds one free at once."""
WORKERS = 16
"""Updates handled at once (of different chats); more wait their turn."""
BACKLOG = 1000
"""Updates waiting in the process at most; beyond it polling pauses and Telegram keeps them."""


def build_application(
    token: str, deps: Deps, budget: Budget | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, wired to its dependencies; not started. `budget` defaults to one in memory."""
    settings = deps.settings
    budget = budget or MemoryBudget(int(settings.rate_global), REPLY_RESERVE)
    processor = ChatUpdateProcessor(workers=WORKERS, backlog=BACKLOG)
    app = (
        ApplicationBuilder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .request(TolerantRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=2))
        .rate_limiter(ChatRateLimiter(budget, settings.rate_per_chat))
        .concurrent_updates(processor)
        .update_queue(asyncio.Queue(maxsize=BACKLOG))
        .build()
    )
    # The application awaits work it spawned when it stops, before the bot shuts down.
    processor.spawn = app.create_task
    processor.on_flood = functools.partial(_slow_down, app)
    app.bot_data[KEY] = deps
    add_handlers(app)
    return app


FEATURES = (
    onboarding,
    common,
    triage,
    triage_answers,
    result_details,
    reminders,
    checkin,
    checkin_rerun,
    settings_nudges,
    settings,
    preferences,
    control,
    checkin_now,
)
"""Feature modules whose commands and buttons are registered, in this order, after the
safety net and before the catch-all handlers; plan-end answers and the data commands follow."""


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, guard.on_any_update), group=-2)
    app.add_handler(TypeHandler(Update, _private_only), group=-1)
    for handler in safety.handlers():  # first: danger words outrank every other handler
        app.add_handler(handler)
    for feature in (*FEATURES, plan_end, data, erasure):
        for handler in feature.handlers():
            app.add_handler(handler)
    app.add_handler(MessageHandler(filters.LOCATION, routing.on_location))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, routing.on_text))
    app.add_handler(MessageHandler(filters.COMMAND, common.on_unknown_command))
    app.add_handler(MessageHandler(~filters.TEXT & ~filters.LOCATION, common.on_not_text))
    app.add_handler(CallbackQueryHandler(routing.on_bad_callback))
    app.add_error_handler(common.on_error)


async def _private_only(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        await common.on_not_private(update, context)


async def _slow_down(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """One short word to a person whose updates come faster than the bot answers them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    cat = catalogue_for(user.language_code if user else None)
    await app.bot.send_message(chat.id, say(cat, "error.slow_down", None))
