"""The people of a playground chat, and the files the bot sends them.

`/as NAME` switches to NAME (a new Telegram user the first time); each person has their own
chat with the bot. Every file the bot sends (the chart, the report, the export) is written to
a folder, named after the person and the message, so it can be opened from the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bot.playground.users import ScriptedUser, SentMessage

FIRST_USER_ID = 1001
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

NewPerson = Callable[[int, str], ScriptedUser]


class Cast:
    """Everyone in the chat, and who is typing now."""

    def __init__(self, first: ScriptedUser, name: str, new_person: NewPerson | None = None):
        self._people: dict[str, ScriptedUser] = {name: first}
        self._new_person = new_person
        self.name = name

    @property
    def current(self) -> ScriptedUser:
        return self._people[self.name]

    @property
    def names(self) -> list[str]:
        return list(self._people)

    def person(self, name: str) -> ScriptedUser:
        return self._people[name]

    def switch(self, name: str) -> ScriptedUser | None:
        """Makes NAME the one typing; returns them when they are new, else None."""
        self.name = name
        if name in self._people:
            return None
        if self._new_person is None:
            raise ValueError("this chat has one person only")
        user_id = FIRST_USER_ID + len(self._people)
        while any(p.user_id == user_id for p in self._people.values()):
            user_id += 1
        self._people[name] = self._new_person(user_id, name)
        return self._people[name]


def save_file(folder: Path, person: str, message: SentMessage) -> Path | None:
    """Writes a message's file under `folder`; returns where, or None without a file."""
    if message.file is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    given = message.filename or "file"
    if message.method == "sendPhoto" and not given.endswith((".png", ".jpg", ".jpeg")):
        given = "photo.png"  # Telegram keeps no name for a photo
    name = _UNSAFE.sub("-", f"{person}-{message.message_id}-{given}")
    path = (folder / name).resolve()
    path.write_bytes(message.file)
    return path
