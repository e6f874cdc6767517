"""What a person sees of the bot's messages in the playground and the tests: buttons, and a
message as it stands after each send, edit or delete."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Button:
    """A keyboard button: inline ones carry callback data (or a URL), reply ones only text."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclasses.dataclass(frozen=True)
class SentMessage:
    """A message as the person sees it at one moment: sent, edited or deleted by the bot.

    `method` is the Bot API call that produced this state; `at` is `time.monotonic()` then.
    """

    message_id: int
    chat_id: int
    text: str | None
    caption: str | None
    buttons: list[list[Button]]
    reply_keyboard: bool
    edited: bool
    deleted: bool
    file: bytes | None
    filename: str | None
    method: str
    at: float
    parse_mode: str | None = None
    removes_keyboard: bool = False
    silent: bool = False  # sent with disable_notification: no sound on the phone

    def button_labels(self) -> list[str]:
        """The button texts, row by row, flattened."""
        return [button.text for row in self.buttons for button in row]

    def flat_buttons(self) -> list[Button]:
        """The buttons, row by row, flattened: the order the terminal numbers them in."""
        return [button for row in self.buttons for button in row]
