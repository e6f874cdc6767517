"""`python -m bot playground`: the stand-in Bot API, the real bot, and a terminal chat.

No token and no internet: the bot polls a local Bot API on 127.0.0.1, using the same
handlers, database and scheduler as production. Logs go to a file so the chat stays readable;
files the bot sends are saved to a folder; the prompt shows the bot's clock, which runs
`--speed` times faster than real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.logsetup import protect
from bot.playground.server import FakeBotApi
from bot.playground.terminal import chat
from bot.runner import make_clock, serve

LOG_FILE = Path("data/playground.log")
FILES = Path("data/playground-files")
PLAYGROUND_USER = 1001


def _log_to_file(level: str, token: str) -> None:
    LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=level,
        filename=LOG_FILE,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    protect([token])


async def run_playground(
    settings: Settings,
    database_url: str,
    speed: float | None,
    *,
    files: Path = FILES,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    leave = _leave_on_ctrl_c()
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
    clock = make_clock(local)
    stdout.write(_banner(api.root_url, local.clock_speed, files))
    stop = asyncio.Event()
    bot = asyncio.create_task(serve(local, api.token, clock, stop))
    try:
        user = api.user(user_id=PLAYGROUND_USER, first_name="You")
        await chat(api, user, stdin=stdin, stdout=stdout, now=clock.now, files=files, leave=leave)
    finally:
        stdout.write("Stopping the bot…\n")
        stdout.flush()
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(bot, timeout=15)
        await api.stop()
    return 0


def _banner(root_url: str, speed: float, files: Path) -> str:
    pace = f", the bot's clock {speed:g}x real time" if speed != 1 else ""
    return (
        f"Playground: a local Telegram on {root_url}{pace}.\n"
        f"The bot's log is in {LOG_FILE.resolve()}; files it sends are saved in "
        f"{files.resolve()}.\n"
        "Type messages; N taps button N of the newest message, M.N button N of message #M; "
        "/loc LAT LON shares a location; /as NAME chats as someone else; /quit or Ctrl-C ends.\n"
        "Send /start to begin.\n\n"
    )


def _leave_on_ctrl_c() -> asyncio.Event:
    """Set by Ctrl-C (SIGINT), so the chat ends and the bot stops in order, no traceback."""
    leave = asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, leave.set)
    return leave
