"""Running the bot: polling until asked to stop, with the dispatcher beside it."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from enum import StrEnum
from typing import Any

from aiohttp import web
from telegram.ext import Application, ExtBot

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.handlers import checkin
from bot.notifier import TelegramNotifier
from bot.wakeup import Wakeup
from bot.webhook import webhook_app
from scheduler.clock import Clock, ScaledClock, SystemClock
from scheduler.dispatcher import Dispatcher
from scheduler.driver import DispatchDriver
from scheduler.retention import RetentionJob
from storage.db import create_engine, is_sqlite, session_factory
from storage.migrate import upgrade_async
from storage.retention import purge

log = logging.getLogger(__name__)


def make_clock(settings: Settings) -> Clock:
    return SystemClock() if settings.clock_speed == 1 else ScaledClock(settings.clock_speed)


class Mode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"
    WORKER = "worker"


async def serve(
    settings: Settings,
    token: str,
    clock: Clock,
    stop: asyncio.Event | None = None,
    mode: Mode = Mode.POLLING,
) -> None:
    """Runs until `stop` is set (or SIGINT/SIGTERM): updates by polling or webhook, and the
    reminder dispatcher; a worker runs the dispatcher alone."""
    stop = stop or _stop_on_signals()
    if is_sqlite(settings.database_url):
        await upgrade_async(settings.database_url)
    engine = create_engine(settings.database_url)
    deps = Deps(sessions=session_factory(engine), clock=clock, settings=settings)
    app = build_application(token, deps)
    driver = DispatchDriver(build_dispatcher(app.bot, deps), clock, speed=settings.clock_speed)
    deps.wake = Wakeup(deps.sessions, driver.wake)
    retention = RetentionJob(lambda: purge(deps.sessions, clock.now(), settings.retention_days))
    try:
        async with app:
            await app.start()
            async with _receiving(app, deps, mode):
                await driver.start()
                await retention.start()
                log.info("bot started in %s mode against %s", mode, settings.telegram_api_url)
                await stop.wait()
                await retention.stop()
                await driver.stop()
            await app.stop()
    finally:
        await engine.dispose()
    log.info("bot stopped")


@asynccontextmanager
async def _receiving(
    app: Application[Any, Any, Any, Any, Any, Any], deps: Deps, mode: Mode
) -> AsyncIterator[None]:
    """Receives updates the way `mode` says, for as long as the block runs."""
    if mode == Mode.POLLING:
        assert app.updater
        await app.updater.start_polling(drop_pending_updates=False)
        try:
            yield
        finally:
            await app.updater.stop()
    elif mode == Mode.WEBHOOK:
        settings = deps.settings
        assert settings.webhook_url and settings.webhook_secret
        runner = web.AppRunner(webhook_app(app, deps, settings.webhook_secret))
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret)
        try:
            yield
        finally:
            await runner.cleanup()
    else:
        yield


def build_dispatcher(bot: ExtBot[Any], deps: Deps) -> Dispatcher:
    """The reminder dispatcher, sending through Telegram with the check-in module's words."""
    prepare = functools.partial(checkin.prepare_checkin, deps.sessions, deps.clock)
    notifier = TelegramNotifier(bot, deps.sessions, deps.clock, prepare_checkin=prepare)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    lease = dt.timedelta(seconds=deps.settings.dispatch_lease_seconds)
    return Dispatcher(deps.sessions, deps.clock, notifier, owner=owner, lease=lease)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    return stop
