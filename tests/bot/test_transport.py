"""The Bot API transport on aiohttp behaves as python-telegram-bot's own: form fields and files
arrive as Telegram reads them, a slow answer is TimedOut and a refused connection NetworkError.
Against a small aiohttp server on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.transport import AiohttpRequest

Seen = list[dict[str, object]]


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Seen]]:
    seen: Seen = []

    async def on_call(request: web.Request) -> web.Response:
        if request.match_info["method"] == "slow":
            await asyncio.sleep(2)
        form = await request.post()
        fields: dict[str, object] = {}
        for name, value in form.items():
            if isinstance(value, web.FileField):
                fields[name] = (value.filename, value.content_type, value.file.read())
            else:
                fields[name] = value
        seen.append(fields)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{method}", on_call)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


def _data(**values: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


async def test_fields_arrive_as_a_form_with_json_encoded_values(server: tuple[str, Seen]) -> None:
    url, seen = server
    async with AiohttpRequest() as request:
        code, payload = await request.do_request(
            f"{url}/sendMessage", "POST", _data(chat_id=7, text="Hi", reply_markup={"a": 1})
        )
    assert (code, payload) == (200, b'{"ok": true, "result": true}')
    assert seen == [{"chat_id": "7", "text": "Hi", "reply_markup": '{"a": 1}'}]


async def test_a_file_arrives_as_a_multipart_part_with_its_name_and_type(
    server: tuple[str, Seen],
) -> None:
    url, seen = server
    document = InputFile(b"%PDF-1.4 report", filename="report.pdf")
    async with AiohttpRequest() as request:
        await request.do_request(f"{url}/sendDocument", "POST", _data(chat_id=7, document=document))
    (fields,) = seen
    assert fields["chat_id"] == "7"
    part = next(value for value in fields.values() if isinstance(value, tuple))
    assert part == ("report.pdf", "application/pdf", b"%PDF-1.4 report")


async def test_an_answer_slower_than_the_read_timeout_is_timed_out(
    server: tuple[str, Seen],
) -> None:
    url, _ = server
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/slow", "POST", _data(chat_id=7))


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST", _data(a=1))
    assert not isinstance(raised.value, TimedOut)


async def test_a_proxy_named_in_the_environment_carries_the_requests(
    server: tuple[str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server stands in for the proxy: a request for another host arrives at it.
    url, seen = server
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with AiohttpRequest() as request:
        code, _ = await request.do_request(
            "http://api.telegram.invalid/sendMessage", "POST", _data(chat_id=7, text="Hi")
        )
    assert code == 200
    assert seen == [{"chat_id": "7", "text": "Hi"}]


async def test_hosts_in_no_proxy_are_reached_directly_while_others_go_through_the_proxy(
    server: tuple[str, Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = server
    with socket.socket() as free:  # a proxy that is not there: what goes to it fails
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AiohttpRequest() as request:
        for _ in range(2):  # the second request of each host takes the same way as the first
            code, _ = await request.do_request(f"{url}/getMe", "POST", _data(a=1))
            assert code == 200
            with pytest.raises(NetworkError):
                await request.do_request("http://api.telegram.invalid/getMe", "POST", _data(a=1))
    assert seen == [{"a": "1"}, {"a": "1"}]
