"""`python -m bot playground`: the stand-in Bot API, the real bot, and a terminal chat.

No token and no internet: the bot polls a local Bot API on 127.0.0.1, using the same
handlers, database and scheduler as production. Logs go to a file so the chat stays readable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from bot.config import Settings
from bot.logsetup import protect
from bot.playground.server import FakeBotApi
from bot.playground.terminal import chat
from bot.runner import make_clock, serve

LOG_FILE = Path("data/playground.log")
PLAYGROUND_USER = 1001


def _log_to_file(level: str, token: str) -> None:
    LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=level,
        filename=LOG_FILE,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    protect([token])


async def run_playground(settings: Settings, database_url: str, speed: float | None) -> int:
    api = FakeBotApi()
    await api.start()
    local = settings.model_copy(
        update={
            "telegram_api_url": api.root_url,
            "database_url": database_url,
            "clock_speed": speed or settings.clock_speed,
            "rate_per_chat": 10.0,
        }
    )
    _log_to_file(local.log_level, api.token)
    print(f"Playground: a local Telegram on {api.root_url}; the bot's log is in {LOG_FILE}.")
    print("Type messages, pick buttons by number, /loc LAT LON to share a location, /quit ends.")
    print("Send /start to begin.\n")
    stop = asyncio.Event()
    bot = asyncio.create_task(serve(local, api.token, make_clock(local), stop))
    try:
        await chat(api, api.user(user_id=PLAYGROUND_USER, first_name="You"))
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(bot, timeout=15)
        await api.stop()
    return 0
