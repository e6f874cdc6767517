"""Scripted Telegram users: the person's side of a chat with the bot, for tests and the terminal.

A `ScriptedUser` turns what a person does (type, share a location, tap a button) into the
updates Telegram would queue for the bot, and reads back what the bot sent as `SentMessage`
events. It talks to the fake Bot API through the `ChatHub` port, so it knows nothing of HTTP.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any, Protocol

from bot.playground.messages import Button, SentMessage

__all__ = ["Button", "ChatHub", "ScriptedUser", "SentMessage"]

JSON = dict[str, Any]

# Telegram gives groups small negative ids and supergroups and channels ids below -10**12.
_SUPERGROUP_BASE = -1_000_000_000_000
CHAT_TYPES = ("private", "group", "supergroup", "channel")


class ChatHub(Protocol):
    """What a scripted user needs from the fake Bot API (implemented by `FakeBotApi`)."""

    bot_username: str

    def deliver(self, kind: str, payload: JSON) -> None: ...

    def new_message_id(self, chat_id: int) -> int: ...

    def events(self, chat_id: int) -> list[SentMessage]: ...

    def messages(self, chat_id: int) -> list[SentMessage]: ...

    def message_json(self, message: SentMessage) -> JSON: ...

    def register_query(self, query_id: str, answers: list[str]) -> None: ...

    def join(self, chat_id: int, chat: JSON) -> None: ...

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool: ...


def chat_id_for(user_id: int, chat_type: str) -> int:
    """The chat a user talks to the bot in: their own id in private, a negative id otherwise."""
    if chat_type not in CHAT_TYPES:
        raise ValueError(f"unknown chat type {chat_type!r}")
    if chat_type == "private":
        return user_id
    if chat_type == "group":
        return -user_id
    return _SUPERGROUP_BASE - user_id


def command_entities(text: str) -> list[JSON]:
    """A bot_command entity for a leading "/word", so PTB's CommandHandler matches it."""
    if not text.startswith("/") or len(text) < 2:
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


class ScriptedUser:
    """One person in one chat with the bot; obtain it from `FakeBotApi.user(...)`."""

    def __init__(
        self,
        hub: ChatHub,
        *,
        user_id: int,
        first_name: str,
        chat_type: str = "private",
        language_code: str = "en",
    ) -> None:
        self.user_id = user_id
        self.chat_id = chat_id_for(user_id, chat_type)
        self.chat_type = chat_type
        self.first_name = first_name
        self.language_code = language_code
        self.callback_answers: list[str] = []
        self._hub = hub
        self._cursor = 0
        self._answer_cursor = 0
        self._queries = itertools.count(1)
        self._actions: list[tuple[float, str]] = []
        self._last_sent: int | None = None
        hub.join(self.chat_id, self.chat_json())

    def user_json(self) -> JSON:
        """The Telegram `User` object for this person."""
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def chat_json(self) -> JSON:
        """The Telegram `Chat` object for this chat."""
        if self.chat_type == "private":
            return {"id": self.chat_id, "type": "private", "first_name": self.first_name}
        return {"id": self.chat_id, "type": self.chat_type, "title": f"{self.first_name}'s chat"}

    async def send(self, text: str) -> None:
        """Type a text message; a leading "/command" is marked as a bot command."""
        fields: JSON = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        self._post(fields, f"sends {text!r}")

    async def send_photo(self, caption: str | None = None) -> None:
        """Send a photo, with a caption typed under it when given."""
        photo = [{"file_id": "photo-1", "file_unique_id": "photo-1", "width": 90, "height": 90}]
        fields: JSON = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        self._post(fields, f"sends a photo captioned {caption!r}")

    async def edit_last_sent(self, text: str) -> None:
        """Edit the text of the last message this person sent (an `edited_message` update)."""
        if self._last_sent is None:
            raise AssertionError("this person has sent nothing to edit")
        fields: JSON = {"text": text, "edit_date": int(time.time())}
        self._post(fields, f"edits their message to {text!r}", message_id=self._last_sent)

    async def send_sticker(self, emoji: str = "👍") -> None:
        """Send a sticker: something that is not text."""
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "sticker-1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        self._post({"sticker": sticker}, f"sends a {emoji} sticker")

    async def share_location(self, latitude: float, longitude: float) -> None:
        """Share a location pin, as the paperclip menu or a location request button does."""
        location = {"latitude": latitude, "longitude": longitude}
        self._post({"location": location}, f"shares location {latitude}, {longitude}")

    async def tap(self, label: str, *, message: SentMessage | None = None) -> None:
        """Tap the button labelled `label` (exact, else the only one containing it)."""
        for candidate in self._tap_candidates(message):
            button = _find_button(candidate, label)
            if button is not None:
                await self.tap_button(button, message=candidate)
                return
        raise AssertionError(
            f"no button {label!r} to tap; chat so far:\n{self.format_transcript()}"
        )

    async def tap_button(self, button: Button, *, message: SentMessage) -> None:
        """Tap one given button of `message`: a callback query, or the text of a reply button."""
        if message.reply_keyboard:
            await self.send(button.text)
        elif button.callback_data is not None:
            await self.tap_data(button.callback_data, message=message)
        else:
            raise AssertionError(f"button {button.text!r} opens a URL; the bot is not told")

    async def tap_data(self, callback_data: str, *, message: SentMessage | None = None) -> None:
        """Send a callback query with any data, e.g. forged or from an old keyboard."""
        target = message or self._newest(inline=True) or self.last
        if target is None:
            raise AssertionError("the bot has sent nothing in this chat to tap on")
        query_id = f"{self.user_id}-{next(self._queries)}"
        self._hub.register_query(query_id, self.callback_answers)
        query = {
            "id": query_id,
            "from": self.user_json(),
            "message": self._hub.message_json(target),
            "chat_instance": str(self.chat_id),
            "data": callback_data,
        }
        self._record(f"taps {callback_data!r} on message {target.message_id}")
        self._hub.deliver("callback_query", query)

    async def next_message(self, timeout: float | None = 5.0) -> SentMessage:
        """The next message the bot sends or edits here since the last call (None: no limit)."""
        cursor = self._cursor
        arrived = await self._hub.wait_until(lambda: len(self.transcript()) > cursor, timeout)
        if not arrived:
            raise AssertionError(
                f"the bot sent nothing within {timeout}s; chat so far:\n{self.format_transcript()}"
            )
        self._cursor += 1
        return self.transcript()[cursor]

    async def next_callback_answer(self, timeout: float | None = 5.0) -> str:
        """The next answerCallbackQuery text for this person's taps (empty when silent)."""
        cursor = self._answer_cursor
        if not await self._hub.wait_until(lambda: len(self.callback_answers) > cursor, timeout):
            raise AssertionError(f"no tap was answered within {timeout}s")
        self._answer_cursor += 1
        return self.callback_answers[cursor]

    async def expect_quiet(self, seconds: float = 0.3) -> None:
        """Assert the bot sends or edits nothing more (nothing unread, nothing new) for a while."""
        cursor = self._cursor
        if await self._hub.wait_until(lambda: len(self.transcript()) > cursor, seconds):
            raise AssertionError(f"the bot was not quiet; chat so far:\n{self.format_transcript()}")

    def transcript(self) -> list[SentMessage]:
        """Every send and edit the bot made in this chat, in order, as the person saw them."""
        return self._hub.events(self.chat_id)

    @property
    def last(self) -> SentMessage | None:
        """The bot's newest send or edit in this chat."""
        events = self.transcript()
        return events[-1] if events else None

    def format_transcript(self) -> str:
        """Both sides of the chat as readable lines, for assertion messages."""
        lines = [(event.at, _describe(event)) for event in self.transcript()]
        lines += [(at, f"  user {text}") for at, text in self._actions]
        return "\n".join(text for _, text in sorted(lines, key=lambda line: line[0])) or "(empty)"

    def _post(self, fields: JSON, action: str, *, message_id: int | None = None) -> None:
        edit = message_id is not None
        if message_id is None:
            message_id = self._last_sent = self._hub.new_message_id(self.chat_id)
        payload: JSON = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat_json(),
            **fields,
        }
        kind = "channel_post" if self.chat_type == "channel" else "message"
        if edit:
            kind = f"edited_{kind}"
        if kind.endswith("message"):
            payload["from"] = self.user_json()
        else:
            payload["sender_chat"] = self.chat_json()
        self._record(action)
        self._hub.deliver(kind, payload)

    def _record(self, action: str) -> None:
        self._actions.append((time.monotonic(), action))

    def _newest(self, *, inline: bool) -> SentMessage | None:
        for message in reversed(self._hub.messages(self.chat_id)):
            if message.buttons and not message.deleted and message.reply_keyboard != inline:
                return message
        return None

    def _tap_candidates(self, message: SentMessage | None) -> list[SentMessage]:
        if message is not None:
            return [message]
        found = [m for m in (self._newest(inline=True), self._reply_keyboard()) if m is not None]
        return sorted(found, key=lambda m: m.message_id, reverse=True)

    def _reply_keyboard(self) -> SentMessage | None:
        """The reply keyboard on screen: the newest one, unless a later message removed it."""
        for message in reversed(self._hub.messages(self.chat_id)):
            if message.removes_keyboard:
                return None
            if message.reply_keyboard and message.buttons:
                return message
        return None


def _find_button(message: SentMessage, label: str) -> Button | None:
    buttons = message.flat_buttons()
    exact = [b for b in buttons if b.text == label]
    matches = exact or [b for b in buttons if label in b.text]
    if len(matches) > 1:
        labels = [b.text for b in matches]
        raise AssertionError(f"{label!r} matches several buttons: {labels}")
    return matches[0] if matches else None


def _describe(event: SentMessage) -> str:
    verb = "edited" if event.edited else "sent"
    body = event.text if event.text is not None else event.caption
    labels = f" {event.button_labels()}" if event.buttons else ""
    return f"  bot {verb} #{event.message_id}: {body!r}{labels}"
