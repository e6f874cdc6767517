"""Hypothesis strategies for hostile updates: every update kind, odd and huge text, control
and zero-width characters, forged and oversized button data, and other people's ids.

An update is drawn as plain values and made into raw JSON (what Telegram, or someone pretending
to be Telegram, would send) for the attacker's chat, so taps land on real messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from bot.app import COMMANDS
from bot.callbacks import AREAS

JSON = dict[str, Any]
ATTACKERS = (701, 702)
VICTIM = 800
HUGE = 2**64

ids = st.one_of(
    st.sampled_from([*ATTACKERS, VICTIM, 0, 1, 2**31, 2**53, 2**63]),
    st.integers(-HUGE, HUGE),
)
dates = st.one_of(st.just(1_790_000_000), st.integers(-(2**40), 2**40))
odd_characters = st.characters(
    categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co", "So"], exclude_characters="\x00"
)
danger_disguised = st.sampled_from(
    [
        "I want to k\u200bill myself",
        "I can\u2060t breathe",
        "ｍｙ ａｒｍ ｉｓ ｗｅａｋ",
        "sui\u00adcide",
    ]
)
texts = st.one_of(
    st.text(max_size=60),
    st.text(odd_characters, max_size=60),
    st.sampled_from([f"/{name}" for name in COMMANDS]).map(lambda c: c + " extra"),
    st.sampled_from(["/delete", "/export", "/stop", "/pause", "/start", "/triage", "/settings"]),
    st.integers(4000, 4096).map(lambda n: "a\u200b" * (n // 2)),
    st.text(min_size=1, max_size=8).map(lambda t: (t * 600)[:4096]),
    danger_disguised,
)
fields = st.one_of(
    st.integers(-HUGE, HUGE).map(str),
    st.sampled_from([str(VICTIM), "erase", "keep", "done", "stop", "snooze", "yes", "tz", "on"]),
    st.text(max_size=12),
)
button_data = st.one_of(
    st.builds(
        lambda area, parts: ":".join([area, *parts]),
        st.sampled_from([*sorted(AREAS), "x", "", "tt"]),
        st.lists(fields, max_size=6),
    ),
    st.sampled_from([f"d:erase:{VICTIM}", f"d:keep:{VICTIM}", "k:stop:yes", "s:tz:0"]),
    st.text(max_size=120),
    st.none(),
)


def person(user_id: int, **extra: Any) -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": "Fuzz", "language_code": "en", **extra}


def private_chat(chat_id: int) -> JSON:
    return {"id": chat_id, "type": "private", "first_name": "Fuzz"}


KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "group",
    "location",
    "sticker",
    "inline_query",
    "channel_post",
    "unknown",
    "bare",
)


@dataclass(frozen=True)
class Hostile:
    """One hostile update, drawn; `raw` makes its JSON (without the update_id) for an
    attacker, tapping on `shown` (a message the bot sent the attacker) when there is one."""

    kind: str
    sender: int  # one of ATTACKERS stands for the attacker sending it
    into_victims_chat: bool
    text: str
    data: str | None
    date: int
    entities: bool

    def raw(self, attacker: int, shown: JSON | None) -> JSON:
        who = attacker if self.sender in ATTACKERS else self.sender
        chat = private_chat(VICTIM if self.into_victims_chat else attacker)
        body: JSON = {"message_id": 7, "date": self.date, "chat": chat, "from": person(who)}
        kind, text = self.kind, self.text
        if kind in ("message", "edited_message", "group"):
            body["text"] = text
            if self.entities and text.startswith("/"):
                length = len(text.split(" ")[0])
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            if kind == "group":
                body["chat"] = {"id": -100 - attacker, "type": "group", "title": "g"}
            return {"edited_message" if kind == "edited_message" else "message": body}
        if kind == "location":
            return {"message": {**body, "location": {"latitude": 91.5, "longitude": -400.0}}}
        if kind == "sticker":
            return {"message": {**body, "sticker": STICKER}}
        if kind == "callback_query":
            query: JSON = {"id": "", "from": person(who), "chat_instance": "1"}
            if self.data is not None:
                query["data"] = self.data
            if shown is not None:
                query["message"] = shown
            return {"callback_query": query}
        if kind == "my_chat_member":
            return {"my_chat_member": membership(chat, who, self.date)}
        if kind == "inline_query":
            return {"inline_query": {"id": "q", "from": person(who), "query": text, "offset": ""}}
        if kind == "channel_post":
            return {"channel_post": {**body, "chat": {"id": -5, "type": "channel"}, "text": text}}
        if kind == "unknown":
            return {"business_message": body, "something_new": {"x": text}}
        return {}


STICKER = {
    "file_id": "f",
    "file_unique_id": "u",
    "type": "regular",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
}


def membership(chat: JSON, who: int, date: int) -> JSON:
    bot = person(1, is_bot=True)
    return {
        "chat": chat,
        "from": person(who),
        "date": date,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
    }


hostile_updates = st.builds(
    Hostile,
    kind=st.sampled_from(KINDS),
    # Telegram sets the sender; nobody can send as the victim, but anyone can name them.
    sender=st.one_of(st.sampled_from(ATTACKERS), ids.filter(lambda i: i != VICTIM)),
    into_victims_chat=st.booleans(),
    text=texts,
    data=button_data,
    date=dates,
    entities=st.booleans(),
)
