"""The "/" command menu and the bot's descriptions are set when the bot starts, in polling and
in webhook mode, so a person sees every command before typing one."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from pathlib import Path

import pytest
from telegram import Bot

from bot.app import COMMANDS
from bot.config import Settings
from bot.playground.server import FakeBotApi
from bot.runner import Mode, serve
from scheduler.clock import FakeClock
from tests.bot.e2e.harness import START


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _menu_after_start(api: FakeBotApi, env: Mapping[str, str], mode: Mode) -> Bot:
    """Starts the bot as `python -m bot` would, until the menu is set; returns a client."""
    settings = Settings.from_mapping({"TELEGRAM_API_URL": api.root_url, **env})
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, api.token, FakeClock(START), stop, mode))
    try:
        assert await api.wait_until(lambda: api.calls("setMyShortDescription") > 0, 10)
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)
    return Bot(api.token, base_url=api.base_url)


@pytest.mark.parametrize("mode", [Mode.POLLING, Mode.WEBHOOK], ids=["polling", "webhook"])
async def test_every_command_is_in_the_menu_after_start(tmp_path: Path, mode: Mode) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"}
    if mode == Mode.WEBHOOK:
        env |= {
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": "a-long-webhook-secret-123",
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(_free_port()),
        }
    async with FakeBotApi() as api, await _menu_after_start(api, env, mode) as client:
        menu = await client.get_my_commands()
        description = await client.get_my_description()
        short = await client.get_my_short_description()
    assert [command.command for command in menu] == list(COMMANDS)
    assert all(command.description for command in menu)
    assert "not for emergencies" in description.description
    assert "Not medical advice" in short.short_description
