"""Updates are parsed strictly and shapes a private bot never gets are dropped."""

from __future__ import annotations

import json

import pytest
from telegram import Bot, Update

from bot.bounds import MAX_NUMBER, parse_update
from bot.guard import refusal

BOT = Bot("123456:" + "A" * 32)
PERSON = {"id": 601, "is_bot": False, "first_name": "Sam"}
CHAT = {"id": 601, "type": "private", "first_name": "Sam"}


def message(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {"message_id": 5, "date": 1_790_000_000, "chat": CHAT, "from": PERSON}
    body["text"] = "hello"
    return {"update_id": 10, "message": {**body, **changes}}


def test_a_well_formed_message_parses_from_bytes() -> None:
    update = parse_update(json.dumps(message()).encode(), BOT)
    assert update is not None and update.message and update.message.text == "hello"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param({**message(), "update_id": 2**63}, id="update-id-of-2-63"),
        pytest.param({**message(), "update_id": "abc"}, id="update-id-as-text"),
        pytest.param({**message(), "update_id": -1}, id="negative-update-id"),
        pytest.param({**message(), "update_id": True}, id="update-id-as-boolean"),
        pytest.param(message(date=2**40), id="date-past-2106"),
        pytest.param(message(date=-5), id="date-before-1970"),
        pytest.param(message(message_id="7"), id="message-id-as-text"),
        pytest.param(message(chat={**CHAT, "id": MAX_NUMBER + 1}), id="chat-id-past-53-bits"),
        pytest.param(message(text="x" * 20_000), id="text-far-past-telegram-limit"),
        pytest.param([message()], id="a-list-not-an-update"),
    ],
)
def test_an_update_outside_telegram_ranges_is_refused(raw: object) -> None:
    assert parse_update(json.dumps(raw).encode(), BOT) is None


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe\x00garbage", b"{" * 50, b"[" * 200_000, b'{"update_id": NaN}', b""],
    ids=["not-utf8", "truncated", "very-deep", "nan", "empty"],
)
def test_bytes_that_are_not_an_update_are_refused_without_raising(body: bytes) -> None:
    assert parse_update(body, BOT) is None


def test_deep_nesting_inside_a_valid_update_is_refused() -> None:
    deep: object = "x"
    for _ in range(40):
        deep = {"a": deep}
    assert parse_update(message(reply_markup=deep), BOT) is None


def update(data: dict[str, object]) -> Update:
    parsed = parse_update(data, BOT)
    assert parsed is not None
    return parsed


def test_a_message_from_the_chats_own_person_passes() -> None:
    assert refusal(update(message())) is None


def test_a_sender_other_than_the_private_chats_person_is_refused() -> None:
    forged = message(**{"from": {**PERSON, "id": 777}})
    assert refusal(update(forged)) == "a sender other than the chat's person"


@pytest.mark.parametrize(
    "data",
    [
        {"update_id": 1, "inline_query": {"id": "q", "from": PERSON, "query": "", "offset": ""}},
        {
            "update_id": 2,
            "channel_post": {"message_id": 1, "date": 1, "chat": {"id": -100, "type": "channel"}},
        },
        {
            "update_id": 3,
            "callback_query": {
                "id": "c",
                "from": PERSON,
                "chat_instance": "1",
                "inline_message_id": "abc",
                "data": "o:age:adult",
            },
        },
        message(**{"from": {**PERSON, "is_bot": True}}),
    ],
    ids=["inline-query", "channel-post", "tap-on-an-inline-message", "sent-by-a-bot"],
)
def test_shapes_a_private_bot_never_gets_are_refused(data: dict[str, object]) -> None:
    assert refusal(update(data)) is not None
