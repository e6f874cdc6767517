"""The terminal chat, driven through a real pipe against a real PTB bot on the stand-in."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Iterator
from typing import TextIO

import pytest
from telegram.ext import Application

from bot.playground.server import FakeBotApi
from bot.playground.terminal import chat, render
from bot.playground.users import Button, SentMessage
from tests.bot.playground.test_server import running_echo_bot


class Screen(io.StringIO):
    """The terminal's output; a test can wait until some text has appeared on it."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        self.changed.set()
        return written

    async def shows(self, text: str, timeout: float = 2.0) -> None:
        try:
            async with asyncio.timeout(timeout):
                while text not in self.getvalue():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            raise AssertionError(f"{text!r} never appeared on:\n{self.getvalue()}") from None


class Keyboard:
    """The person at the keyboard: lines written into the pipe the chat reads."""

    def __init__(self, feed: TextIO) -> None:
        self.feed = feed

    def type(self, line: str) -> None:
        self.feed.write(line + "\n")
        self.feed.flush()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    async with running_echo_bot(api) as application:
        yield application


@pytest.fixture
def pipe() -> Iterator[tuple[TextIO, Keyboard]]:
    read_end, write_end = os.pipe()
    with open(read_end, encoding="utf-8") as stdin, open(write_end, "w", encoding="utf-8") as feed:
        yield stdin, Keyboard(feed)


def message(**changes: object) -> SentMessage:
    fields: dict[str, object] = {
        "message_id": 1,
        "chat_id": 7,
        "text": None,
        "caption": None,
        "buttons": [],
        "reply_keyboard": False,
        "edited": False,
        "deleted": False,
        "file": None,
        "filename": None,
        "method": "sendMessage",
        "at": 0.0,
    }
    return SentMessage(**(fields | changes))  # type: ignore[arg-type]


async def test_a_numbered_button_is_printed_and_typing_its_number_taps_it(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
    pipe: tuple[TextIO, Keyboard],
) -> None:
    stdin, keyboard = pipe
    screen = Screen()
    session = asyncio.create_task(chat(api, api.user(user_id=7), stdin=stdin, stdout=screen))
    keyboard.type("/start")
    await screen.shows("[1] Yes  [2] No")
    keyboard.type("2")
    await screen.shows("(edited): You picked pick:no")
    await screen.shows("(picked pick:no)")
    keyboard.type("/quit")
    await asyncio.wait_for(session, 1.0)
    assert app.bot_data["seen"].callback_data == ["pick:no"]


async def test_text_and_a_location_are_sent_and_the_end_of_input_ends_the_chat(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
    pipe: tuple[TextIO, Keyboard],
) -> None:
    stdin, keyboard = pipe
    screen = Screen()
    session = asyncio.create_task(chat(api, api.user(user_id=7), stdin=stdin, stdout=screen))
    keyboard.type("my calf twitches")
    keyboard.type("/loc 52.52 13.4")
    keyboard.feed.close()
    await asyncio.wait_for(session, 2.0)
    assert ": echo: my calf twitches" in screen.getvalue()
    assert ": you are at 52.52 13.4" in screen.getvalue()


async def test_a_number_without_such_a_button_and_a_bad_location_are_explained(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
    pipe: tuple[TextIO, Keyboard],
) -> None:
    stdin, keyboard = pipe
    screen = Screen()
    session = asyncio.create_task(chat(api, api.user(user_id=7), stdin=stdin, stdout=screen))
    keyboard.type("3")
    await screen.shows("(there is no button 3)")
    keyboard.type("/loc north")
    await screen.shows("(usage: /loc LATITUDE LONGITUDE")
    keyboard.type("/quit")
    await asyncio.wait_for(session, 1.0)
    echoed = await api.wait_until(lambda: bool(api.messages(7)), 0.2)
    assert not echoed, "neither line reached the bot as a message"


def test_a_file_is_shown_with_its_name_and_size() -> None:
    shown = render(message(file=b"12345", filename="diary.pdf", caption="Your diary"))
    assert shown == "bot #1: [file: diary.pdf, 5 bytes] Your diary"


def test_html_text_is_shown_without_tags() -> None:
    shown = render(message(text="<b>Drink</b> water &amp; rest", parse_mode="HTML"))
    assert shown == "bot #1: Drink water & rest"


def test_an_edited_message_says_so_and_numbers_every_button_row_by_row() -> None:
    rows = [
        [Button("Done", "r:1:done")],
        [Button("Snooze", "r:1:snooze"), Button("Stop", "r:1:stop")],
    ]
    shown = render(message(text="Hydrate?", edited=True, buttons=rows))
    assert shown == "bot #1 (edited): Hydrate?\n    [1] Done  [2] Snooze  [3] Stop"


async def test_an_older_messages_button_is_tapped_by_its_message_number(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
    pipe: tuple[TextIO, Keyboard],
) -> None:
    stdin, keyboard = pipe
    screen = Screen()
    session = asyncio.create_task(chat(api, api.user(user_id=7), stdin=stdin, stdout=screen))
    keyboard.type("/start")
    await screen.shows("bot #2: Pick one")
    keyboard.type("/start")  # a newer question, as when a nudge arrives mid-questionnaire
    await screen.shows("bot #4: Pick one")
    keyboard.type("2.1")
    await screen.shows("bot #2 (edited): You picked pick:yes")
    keyboard.type("9.1")
    await screen.shows("(there is no button 1 on message #9)")
    keyboard.type("/quit")
    await asyncio.wait_for(session, 1.0)
    assert app.bot_data["seen"].callback_data == ["pick:yes"]


async def test_as_name_brings_in_a_second_person_with_their_own_chat(
    api: FakeBotApi,
    app: Application,  # type: ignore[type-arg]
    pipe: tuple[TextIO, Keyboard],
) -> None:
    stdin, keyboard = pipe
    screen = Screen()
    first = api.user(user_id=7)
    session = asyncio.create_task(chat(api, first, stdin=stdin, stdout=screen, name="Ann"))
    keyboard.type("hello from Ann")
    await screen.shows("echo: hello from Ann")
    keyboard.type("/as Sam")
    await screen.shows("(Sam joins with their own chat")
    keyboard.type("hello from Sam")
    await screen.shows("[Sam] bot #2: echo: hello from Sam")
    assert screen.getvalue().rstrip().endswith("Sam >")
    keyboard.type("/as Ann")
    await screen.shows("(you are Ann now)")
    keyboard.type("/quit")
    await asyncio.wait_for(session, 1.0)
    texts = [update.effective_message.text for update in app.bot_data["seen"].updates]
    senders = [update.effective_user.first_name for update in app.bot_data["seen"].updates]
    assert texts == ["hello from Ann", "hello from Sam"] and senders == ["Alex", "Sam"]
