"""The terminal chat: a person talks to the real bot through the fake Bot API from a shell.

Bot messages are printed as they arrive, buttons numbered; typed lines become what a person
would do in Telegram. Input is read on a daemon thread so a blocked read never holds up the
event loop, nor keeps the process alive after the chat ends.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import sys
import threading
from functools import partial
from typing import TextIO

from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser, SentMessage

logger = logging.getLogger(__name__)
_TAG = re.compile(r"<[^>]+>")
# After stdin ends, keep printing until the bot has been quiet this long (piped scripts).
_DRAIN_QUIET = 0.5
_DRAIN_LIMIT = 10.0


async def chat(
    api: FakeBotApi,
    user: ScriptedUser,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Chat as `user` until /quit or the end of input."""
    lines = _read_lines(stdin)
    printers = [
        asyncio.create_task(_print_messages(user, stdout)),
        asyncio.create_task(_print_answers(user, stdout)),
    ]
    try:
        while (line := await lines.get()) is not None:
            if not await _act(line.strip(), api, user, stdout):
                return
        await _drain(api, user)
    finally:
        for printer in printers:
            printer.cancel()
        await asyncio.gather(*printers, return_exceptions=True)


async def _act(line: str, api: FakeBotApi, user: ScriptedUser, stdout: TextIO) -> bool:
    """Do what one typed line asks; False when the person leaves."""
    if line == "/quit":
        return False
    if line.isdigit():
        await _tap_number(int(line), api, user, stdout)
    elif line == "/loc" or line.startswith("/loc "):
        await _share_location(line.split()[1:], user, stdout)
    elif line:
        await user.send(line)
    return True


async def _tap_number(number: int, api: FakeBotApi, user: ScriptedUser, stdout: TextIO) -> None:
    message = _newest_with_buttons(api, user)
    buttons = message.flat_buttons() if message else []
    if message is None or not 1 <= number <= len(buttons):
        _write(stdout, f"(there is no button {number})")
        return
    await user.tap_button(buttons[number - 1], message=message)


async def _share_location(args: list[str], user: ScriptedUser, stdout: TextIO) -> None:
    try:
        latitude, longitude = (float(arg) for arg in args)
    except ValueError:
        _write(stdout, "(usage: /loc LATITUDE LONGITUDE, e.g. /loc 52.52 13.40)")
        return
    await user.share_location(latitude, longitude)


def _newest_with_buttons(api: FakeBotApi, user: ScriptedUser) -> SentMessage | None:
    for message in reversed(api.messages(user.chat_id)):
        if message.buttons and not message.deleted:
            return message
    return None


async def _print_messages(user: ScriptedUser, stdout: TextIO) -> None:
    while True:
        _write(stdout, render(await user.next_message(timeout=None)))


async def _print_answers(user: ScriptedUser, stdout: TextIO) -> None:
    while True:
        answer = await user.next_callback_answer(timeout=None)
        if answer:
            _write(stdout, f"  ({answer})")


async def _drain(api: FakeBotApi, user: ScriptedUser) -> None:
    """Let the bot finish answering the last lines of a piped script."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _DRAIN_LIMIT
    while loop.time() < deadline:
        seen = len(user.transcript())
        if not await api.wait_until(partial(_grew, user, seen), _DRAIN_QUIET):
            break
    # Give the printer task its turn to show what arrived last.
    await asyncio.sleep(0)


def _grew(user: ScriptedUser, seen: int) -> bool:
    return len(user.transcript()) > seen


def render(message: SentMessage) -> str:
    """One bot message as terminal lines: body, file, then numbered buttons."""
    head = "bot (edited):" if message.edited else "bot:"
    parts = [head]
    if message.file is not None:
        parts.append(f"[file: {message.filename or 'unnamed'}, {len(message.file)} bytes]")
    body = message.text if message.text is not None else message.caption
    if body:
        parts.append(_plain(body, message.parse_mode))
    lines = [" ".join(parts)]
    labels = message.button_labels()
    if labels:
        lines.append("    " + "  ".join(f"[{n}] {label}" for n, label in enumerate(labels, 1)))
    return "\n".join(lines)


def _plain(text: str, parse_mode: str | None) -> str:
    if parse_mode is not None and parse_mode.upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text


def _write(stdout: TextIO, text: str) -> None:
    stdout.write(text + "\n")
    stdout.flush()


def _read_lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Lines of `stdin` as they are typed, then None at the end of input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in iter(stdin.readline, ""):
                if not _hand_over(loop, queue, line):
                    return
        except (OSError, ValueError):
            # stdin was closed under the reader: that is the end of input too.
            logger.debug("stdin closed while reading")
        _hand_over(loop, queue, None)

    threading.Thread(target=pump, name="playground-stdin", daemon=True).start()
    return queue


def _hand_over(
    loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None], line: str | None
) -> bool:
    """Pass a line to the loop; False once the loop is gone (the chat is over)."""
    try:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    except RuntimeError:
        return False
    return True
