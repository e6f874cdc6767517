"""The processes of a scaled deployment, run as `python -m bot ...`: a worker answers its
health routes on HEALTH_PORT, a webhook replica leaves registering the webhook to
`set-webhook`, and JSON logs carry neither the token nor the secret."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from asyncio.subprocess import Process
from collections.abc import Callable
from pathlib import Path
from typing import IO

import aiohttp

from bot.playground.server import FakeBotApi
from storage.migrate import upgrade_async

TOKEN = "123456:" + "R" * 32
SECRET = "a-long-webhook-secret-456"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(api: FakeBotApi, url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.root_url,
        "DATABASE_URL": url,
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": SECRET,
        **extra,
    }


async def run_command(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return int(process.returncode or 0), out.decode()


async def status_of(url: str) -> int | None:
    try:
        async with aiohttp.ClientSession() as client, client.get(url) as response:
            return response.status
    except aiohttp.ClientError:
        return None


async def eventually(check: Callable[[], object], seconds: float = 20) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return True
        await asyncio.sleep(0.2)
    return False


async def start(env: dict[str, str], command: str, out: int | IO[bytes]) -> Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", command, cwd=ROOT, env=env, stdout=out, stderr=out
    )


async def stop(process: Process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 10)
    except TimeoutError:
        process.kill()
        await process.wait()


async def test_a_worker_serves_ready_health_and_metrics_on_its_port_with_json_logs(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    port, log = free_port(), tmp_path / "worker.log"
    async with FakeBotApi(token=TOKEN) as api:
        env = environment(api, url, HEALTH_PORT=str(port), LOG_FORMAT="json")
        with log.open("wb") as out:
            worker = await start(env, "worker", out)
        try:
            root = f"http://127.0.0.1:{port}"
            assert await eventually(lambda: _is(status_of(f"{root}/readyz"), 200))
            assert await status_of(f"{root}/healthz") == 200
            assert await status_of(f"{root}/metrics") == 200
        finally:
            await stop(worker)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert not any(TOKEN in line or SECRET in line for line in lines)


async def _is(status: object, expected: int) -> bool:
    return await status == expected  # type: ignore[misc]


async def test_a_webhook_replica_does_not_register_the_webhook_and_set_webhook_does(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_async(url)
    port = free_port()
    async with FakeBotApi(token=TOKEN) as api:
        env = environment(api, url, WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port))
        replica = await start(env, "webhook", asyncio.subprocess.DEVNULL)
        try:
            root = f"http://127.0.0.1:{port}"
            assert await eventually(lambda: _is(status_of(f"{root}/readyz"), 200))
            assert api.calls("setWebhook") == 0
        finally:
            await stop(replica)
        assert await run_command(env, "set-webhook") == (0, "Webhook registered.\n")
        assert api.calls("setWebhook") == 1
        assert await run_command(env, "delete-webhook") == (0, "Webhook removed.\n")
        assert api.calls("deleteWebhook") == 1
