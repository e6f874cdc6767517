"""Start-up, as an operator sees it: `python -m bot run` as a subprocess against a tiny Bot API
that refuses, and against databases that are not there. One line, an exit status, and no
secret anywhere in the output, whatever the log level."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.engine import make_url

from storage.migrate import upgrade_async
from tests.conftest import (
    NO_POSTGRES,
    POSTGRES_URL,
    _drop_postgres_database,
    _fresh_postgres_database,
)

TOKEN = "7654321:AAHsecretTOKENvalue_abcdefghijklmnop"
PASSWORD = "pa55wordNeverPrinted"
ROOT = Path(__file__).resolve().parents[2]
ME = {"id": 7654321, "is_bot": True, "first_name": "Twitch", "username": "twitch_bot"}


@pytest.fixture
async def bot_api() -> AsyncIterator[tuple[str, dict[str, tuple[int, object]]]]:
    """A Bot API that answers each method as the test's table says (default: 401)."""
    answers: dict[str, tuple[int, object]] = {}

    async def on_call(request: web.Request) -> web.Response:
        method = request.match_info["tail"].rpartition("/")[2]
        status, body = answers.get(method, answers.get("*", (401, "Unauthorized")))
        if isinstance(body, str):
            body = {"ok": False, "error_code": status, "description": body}
        return web.json_response(body, status=status)

    server = web.Application()
    server.router.add_route("*", "/{tail:.*}", on_call)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", answers
    finally:
        await runner.cleanup()


async def run_bot(env: Mapping[str, str], cwd: Path, timeout: float = 60) -> tuple[int, str]:
    """`python -m bot run` with `env`; its exit status and everything it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "LOG_LEVEL": "DEBUG", **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


def assert_no_secret(output: str) -> None:
    assert TOKEN not in output
    assert TOKEN.partition(":")[2] not in output
    assert PASSWORD not in output


@pytest.fixture
async def database_with_password(tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database; on PostgreSQL its URL carries a password (the server trusts
    loopback, so any password connects)."""
    if not POSTGRES_URL:
        yield "sqlite+aiosqlite:///./b.db"
        return
    url, name = await _fresh_postgres_database()
    await upgrade_async(url)
    try:
        yield make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    finally:
        await _drop_postgres_database(name)


@pytest.mark.parametrize(
    ("status", "description", "says"),
    [
        (401, "Unauthorized", "401 Unauthorized"),
        (404, "Not Found", "404 Not Found"),
    ],
    ids=["revoked-token", "wrong-api-url"],
)
async def test_a_refused_start_up_check_exits_2_with_one_line_and_no_token(
    bot_api: tuple[str, dict[str, tuple[int, object]]],
    database_with_password: str,
    tmp_path: Path,
    status: int,
    description: str,
    says: str,
) -> None:
    url, answers = bot_api
    answers["*"] = (status, description)
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "DATABASE_URL": database_with_password,
    }

    code, output = await run_bot(env, tmp_path)

    assert code == 2, output
    assert_no_secret(output)
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Cannot run:")]
    assert len(errors) == 1 and says in errors[0], output
    assert f"Bot API {url}" in output
    if POSTGRES_URL:
        assert ":***@" in output


async def test_an_unreachable_database_stops_start_up_before_telegram_is_asked(
    bot_api: tuple[str, dict[str, tuple[int, object]]], tmp_path: Path
) -> None:
    url, answers = bot_api
    answers["getMe"] = (200, {"ok": True, "result": ME})
    database = f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:9/twitch"
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": url, "DATABASE_URL": database}

    code, output = await run_bot(env, tmp_path)

    assert code == 1, output
    assert_no_secret(output)
    assert "Cannot run: the database postgresql+asyncpg://bot:***@127.0.0.1:9/twitch" in output
    assert "cannot be reached" in output


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
async def test_a_database_without_the_newest_schema_stops_start_up(
    bot_api: tuple[str, dict[str, tuple[int, object]]], tmp_path: Path
) -> None:
    url, answers = bot_api
    answers["getMe"] = (200, {"ok": True, "result": ME})
    database, name = await _fresh_postgres_database()  # created, never migrated
    try:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": url, "DATABASE_URL": database}
        code, output = await run_bot(env, tmp_path)
    finally:
        await _drop_postgres_database(name)

    assert code == 1, output
    assert "has schema none" in output and "python -m bot migrate" in output


async def test_a_token_revoked_while_polling_ends_the_process_with_status_2(
    bot_api: tuple[str, dict[str, tuple[int, object]]], tmp_path: Path
) -> None:
    url, answers = bot_api
    answers["getMe"] = (200, {"ok": True, "result": ME})
    answers["deleteWebhook"] = (200, {"ok": True, "result": True})
    answers["getUpdates"] = (401, "Unauthorized")
    database = "sqlite+aiosqlite:///./b.db"
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": url, "DATABASE_URL": database}

    code, output = await run_bot(env, tmp_path)

    assert code == 2, output
    assert_no_secret(output)
    assert "polling again in" in output
    assert output.count("Cannot run:") == 1 and "revoked" in output


async def test_a_failed_migration_is_one_line_without_the_password(tmp_path: Path) -> None:
    database = f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:9/twitch"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate",
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": database},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()

    assert process.returncode == 1, output
    assert_no_secret(output)
    assert "Cannot run: migrating postgresql+asyncpg://bot:***@127.0.0.1:9/twitch failed" in output
