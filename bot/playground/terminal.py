"""The terminal chat: people talk to the real bot through the fake Bot API from a shell.

Bot messages are printed as they arrive, each with its number and its buttons numbered; the
prompt shows who is typing and the bot's clock. Typed lines become what a person would do in
Telegram:

| typed            | does                                                          |
|------------------|---------------------------------------------------------------|
| text, /commands  | sent to the bot as the current person                         |
| N                | taps button N of the newest message with buttons              |
| M.N              | taps button N of message #M (any message still showing them)  |
| /loc LAT LON     | shares a location                                             |
| /as NAME         | becomes NAME (a new person the first time), with their own chat |
| /quit, Ctrl-C    | ends the chat (the caller turns Ctrl-C into `leave`)          |

Files the bot sends are saved to a folder and their path printed. Input is read on a daemon
thread so a blocked read never holds up the event loop, nor keeps the process alive after the
chat ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import logging
import re
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TextIO

from bot.playground.cast import Cast, save_file
from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser, SentMessage

logger = logging.getLogger(__name__)
_TAG = re.compile(r"<[^>]+>")
_TAP = re.compile(r"^(?:(\d+)[.:])?(\d+)$")
# After stdin ends, keep printing until the bot has been quiet this long (piped scripts).
_DRAIN_QUIET = 0.5
_DRAIN_LIMIT = 10.0


class _Screen:
    """Output lines, with the prompt kept on the last line."""

    def __init__(self, out: TextIO, prompt: Callable[[], str]) -> None:
        self.out, self.prompt, self.prompted = out, prompt, False

    def say(self, text: str) -> None:
        self.out.write(("\n" if self.prompted else "") + text + "\n")
        self.prompted = False
        self.ask()

    def ask(self) -> None:
        # On a terminal "\r" redraws the prompt in place, with the clock as it is now.
        self.out.write(("\r" if self.prompted else "") + self.prompt())
        self.out.flush()
        self.prompted = True


@dataclasses.dataclass
class _Room:
    """One terminal chat: the stand-in, the people, the screen, where files go."""

    api: FakeBotApi
    cast: Cast
    screen: _Screen
    files: Path | None
    tasks: list[asyncio.Task[None]] = dataclasses.field(default_factory=list)

    def listen(self, name: str) -> None:
        """Prints what the bot sends NAME, from now on."""
        person = self.cast.person(name)
        self.tasks.append(asyncio.create_task(_print_messages(self, name, person)))
        self.tasks.append(asyncio.create_task(_print_answers(self, name, person)))

    def who(self, name: str) -> str:
        return f"[{name}] " if len(self.cast.names) > 1 else ""


async def chat(
    api: FakeBotApi,
    user: ScriptedUser,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    name: str = "You",
    now: Callable[[], dt.datetime] | None = None,
    files: Path | None = None,
    leave: asyncio.Event | None = None,
) -> None:
    """Chat as `user` (and whoever `/as` brings in) until /quit, `leave` is set (Ctrl-C) or
    the end of input."""
    cast = Cast(user, name, lambda user_id, who: api.user(user_id=user_id, first_name=who))
    room = _Room(api, cast, _Screen(stdout, partial(_prompt, cast, now)), files)
    lines = _read_lines(stdin)
    room.tasks.append(asyncio.create_task(_end_on(leave or asyncio.Event(), lines)))
    room.listen(name)
    room.screen.ask()
    try:
        while (line := await lines.get()) is not None:
            if not await _act(line.strip(), room):
                return
            room.screen.ask()
        await _drain(api, cast)
    finally:
        for task in room.tasks:
            task.cancel()
        await asyncio.gather(*room.tasks, return_exceptions=True)
        stdout.write("\n")


async def _end_on(leave: asyncio.Event, lines: asyncio.Queue[str | None]) -> None:
    await leave.wait()
    lines.put_nowait(None)


def _prompt(cast: Cast, now: Callable[[], dt.datetime] | None) -> str:
    clock = f" · bot clock {now().astimezone(dt.UTC):%a %d %b %H:%M} UTC" if now else ""
    return f"{cast.name}{clock} > "


async def _act(line: str, room: _Room) -> bool:
    """Do what one typed line asks; False when the person leaves."""
    user = room.cast.current
    if line == "/quit":
        return False
    if tap := _TAP.match(line):
        number = int(tap[1]) if tap[1] else None
        await _tap_number(number, int(tap[2]), room.api, user, room.screen)
    elif line == "/loc" or line.startswith("/loc "):
        await _share_location(line.split()[1:], user, room.screen)
    elif line == "/as" or line.startswith("/as "):
        _become(line.removeprefix("/as").strip(), room)
    elif line:
        await user.send(line)
    return True


def _become(name: str, room: _Room) -> None:
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        room.screen.say("(usage: /as NAME, e.g. /as Sam: a name of letters and digits)")
        return
    if room.cast.switch(name) is not None:
        room.listen(name)
        room.screen.say(f"({name} joins with their own chat; send /start as {name} to begin)")
    else:
        room.screen.say(f"(you are {name} now)")


async def _tap_number(
    message_number: int | None, number: int, api: FakeBotApi, user: ScriptedUser, screen: _Screen
) -> None:
    message = _with_buttons(api, user, message_number)
    buttons = message.flat_buttons() if message else []
    if message is None or not 1 <= number <= len(buttons):
        where = f" on message #{message_number}" if message_number else ""
        screen.say(f"(there is no button {number}{where})")
        return
    await user.tap_button(buttons[number - 1], message=message)


def _with_buttons(api: FakeBotApi, user: ScriptedUser, number: int | None) -> SentMessage | None:
    """Message #number, or the newest one with buttons."""
    for message in reversed(api.messages(user.chat_id)):
        if message.buttons and not message.deleted and number in (None, message.message_id):
            return message
    return None


async def _share_location(args: list[str], user: ScriptedUser, screen: _Screen) -> None:
    try:
        latitude, longitude = (float(arg) for arg in args)
    except ValueError:
        screen.say("(usage: /loc LATITUDE LONGITUDE, e.g. /loc 52.52 13.40)")
        return
    await user.share_location(latitude, longitude)


async def _print_messages(room: _Room, name: str, user: ScriptedUser) -> None:
    while True:
        message = await user.next_message(timeout=None)
        shown = room.who(name) + render(message)
        saved = save_file(room.files, name, message) if room.files is not None else None
        if saved is not None:
            shown += f"\n    (saved to {saved})"
        room.screen.say(shown)


async def _print_answers(room: _Room, name: str, user: ScriptedUser) -> None:
    while True:
        answer = await user.next_callback_answer(timeout=None)
        if answer:
            room.screen.say(f"  {room.who(name)}({answer})")


async def _drain(api: FakeBotApi, cast: Cast) -> None:
    """Let the bot finish answering the last lines of a piped script."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _DRAIN_LIMIT
    while loop.time() < deadline:
        seen = _sizes(cast)
        if not await api.wait_until(partial(_grew, cast, seen), _DRAIN_QUIET):
            break
    # Give the printer tasks their turn to show what arrived last.
    await asyncio.sleep(0)


def _grew(cast: Cast, seen: list[int]) -> bool:
    return _sizes(cast) != seen


def _sizes(cast: Cast) -> list[int]:
    return [len(cast.person(name).transcript()) for name in cast.names]


def render(message: SentMessage) -> str:
    """One bot message as terminal lines: number, body, file, then numbered buttons."""
    head = f"bot #{message.message_id}" + (" (edited)" if message.edited else "") + ":"
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
