"""The webhook listener's limits: bodies too big, too slow or malformed, headers that never
finish, and a secret header with bytes that are not UTF-8. Each gets a plain status, never a
500, and the listener goes on serving."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp import web
from telegram.ext import Application

from bot import webhook
from bot.playground.server import FakeBotApi
from tests.bot.e2e.test_webhook import SECRET, endpoint, start_update

__all__ = ["endpoint"]


async def post_raw(url: str, body: bytes, secret: bytes = SECRET.encode()) -> int:
    """POSTs `body` over a bare socket (so any header bytes can be sent); the status code."""
    host, _, rest = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    reader, writer = await asyncio.open_connection(name, int(port))
    head = (
        f"POST /{rest} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
    ).encode()
    writer.write(head + webhook.SECRET_HEADER.encode() + b": " + secret + b"\r\n\r\n" + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    return int(status_line.split()[1])


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**start_update(5), "update_id": 2**63}).encode(),
        json.dumps({**start_update(6), "update_id": "abc"}).encode(),
        json.dumps(start_update(7)).replace("1790000000", str(2**45)).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe not json",
    ],
    ids=["update-id-2-to-the-63", "update-id-as-text", "date-far-future", "deep-json", "bytes"],
)
async def test_a_malformed_update_is_refused_with_400_not_500(
    endpoint: tuple[str, FakeBotApi], body: bytes
) -> None:
    url, _ = endpoint
    assert await post_raw(url, body) == 400


async def test_a_secret_header_that_is_not_utf8_is_refused_with_401(
    endpoint: tuple[str, FakeBotApi],
) -> None:
    url, _ = endpoint
    body = json.dumps(start_update(8)).encode()
    assert await post_raw(url, body, secret=b"\xff\xfe\xfd") == 401


async def test_a_body_larger_than_any_update_is_refused_with_413(
    endpoint: tuple[str, FakeBotApi],
) -> None:
    url, _ = endpoint
    assert await post_raw(url, b" " * (webhook.MAX_BODY + 1)) == 413


async def test_a_body_that_trickles_in_is_cut_off_with_408(
    endpoint: tuple[str, FakeBotApi], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "BODY_SECONDS", 0.3)
    url, _ = endpoint
    host, _, rest = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    reader, writer = await asyncio.open_connection(name, int(port))
    writer.write(
        f"POST /{rest} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000\r\n"
        f"{webhook.SECRET_HEADER}: {SECRET}\r\n\r\n{{".encode()
    )
    await writer.drain()

    status_line = await asyncio.wait_for(reader.readline(), 5)

    writer.close()
    assert status_line.split()[1] == b"408"


async def test_a_connection_whose_headers_never_finish_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(webhook.LISTENER_LIMITS, "keepalive_timeout", 0.5)
    app = Application.builder().token("123456:" + "A" * 32).build()  # never started
    runner = web.AppRunner(webhook.webhook_app(app, None, SECRET))  # type: ignore[arg-type]
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /telegram HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        await writer.drain()
        closed = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    finally:
        await runner.cleanup()
    assert closed == b""


async def test_the_listener_still_answers_after_hostile_requests(
    endpoint: tuple[str, FakeBotApi],
) -> None:
    url, _ = endpoint
    await post_raw(url, b"[" * 100_000)
    async with aiohttp.ClientSession() as session:
        headers = {webhook.SECRET_HEADER: SECRET}
        async with session.post(url, json=start_update(9), headers=headers) as response:
            assert response.status == 200
