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
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, ExtBot

from bot.app import REPLY_RESERVE, build_application
from bot.budget import Budget
from bot.config import Settings
from bot.deps import Deps
from bot.health import Health, Pulse, PulseSource
from bot.heap import freeze_startup
from bot.menu import publish_menu
from bot.notifier import TelegramNotifier
from bot.polling import Poller
from bot.redaction import describe
from bot.startup import require_database
from bot.usecases import checkin
from bot.wakeup import Wakeup
from scheduler.clock import Clock, ScaledClock, SystemClock
from scheduler.dispatcher import Dispatcher
from scheduler.driver import DispatchDriver
from scheduler.retention import RetentionJob
from storage.db import create_engine, is_sqlite, session_factory
from storage.migrate import upgrade_async
from storage.ops import run_retention

if TYPE_CHECKING:
    from aiohttp import web

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
    engine = create_engine(
        settings.database_url,
        statement_timeout=settings.db_statement_timeout,
        lock_timeout=settings.db_lock_timeout,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    deps = Deps(sessions=session_factory(engine), clock=clock, settings=settings)
    app = build_application(token, deps, shared_budget(settings))
    driver = DispatchDriver(build_dispatcher(app.bot, deps), clock, speed=settings.clock_speed)
    dispatching = mode != Mode.WEBHOOK or settings.run_dispatcher
    if dispatching:
        deps.wake = Wakeup(deps.sessions, driver.wake)
    health = Health(engine, deps.sessions, clock, pulse_of(driver) if dispatching else None)
    retention = RetentionJob(
        lambda: run_retention(deps.sessions, clock.now(), settings.retention_days)
    )
    try:
        await require_database(engine, settings.database_url)
        async with app:
            await app.start()
            if mode != Mode.WORKER:  # a worker only sends reminders
                await publish_menu(app.bot)
            async with _receiving(app, deps, mode, health, stop):
                if dispatching:
                    await driver.start()
                await retention.start()
                log.info("bot started in %s mode; %s", mode, describe(settings))
                freeze_startup()
                await stop.wait()
                await retention.stop()
                if dispatching:
                    await driver.stop()
            await app.stop()
    finally:
        await engine.dispose()
    log.info("bot stopped")


def shared_budget(settings: Settings) -> Budget | None:
    """The Telegram budget every process shares, in Redis when `REDIS_URL` is set (DESIGN.md:
    one budget for all); None keeps the in-memory one of a single process."""
    if settings.redis_url is None:
        return None
    from bot.budget_redis import redis_budget

    return redis_budget(settings.redis_url, settings.rate_global, REPLY_RESERVE)


def pulse_of(driver: DispatchDriver) -> PulseSource:
    return lambda: Pulse(driver.last_tick_at, driver.idle)


@asynccontextmanager
async def _receiving(
    app: Application[Any, Any, Any, Any, Any, Any],
    deps: Deps,
    mode: Mode,
    health: Health,
    stop: asyncio.Event,
) -> AsyncIterator[None]:
    """Receives updates the way `mode` says, and serves the health routes, for as long as
    the block runs. Webhook replicas do not register the webhook: `python -m bot set-webhook`
    does, once per deployment."""
    settings = deps.settings
    runner: web.AppRunner | None = None
    if mode == Mode.WEBHOOK:
        runner = await _serve_webhook(app, deps, health)
    elif settings.health_port is not None:
        from bot.health_routes import serve_health  # aiohttp's server, only where it serves

        runner = await serve_health(health, settings.health_host, settings.health_port)
    try:
        if mode == Mode.POLLING:
            async with Poller(app, on_revoked=stop.set).polling():
                yield
        else:
            yield
    finally:
        if runner is not None:
            await runner.cleanup()


async def _serve_webhook(
    app: Application[Any, Any, Any, Any, Any, Any], deps: Deps, health: Health
) -> web.AppRunner:
    """POST /telegram and the health routes on the webhook port; returns the aiohttp runner."""
    from aiohttp import web

    from bot.health_routes import add_routes
    from bot.webhook import webhook_app

    settings = deps.settings
    assert settings.webhook_secret
    server = webhook_app(app, deps, settings.webhook_secret)
    add_routes(server, health)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    return runner


def build_dispatcher(bot: ExtBot[Any], deps: Deps) -> Dispatcher:
    """The reminder dispatcher, sending through Telegram with the check-in module's words."""
    prepare = functools.partial(checkin.prepare_checkin, deps.sessions, deps.clock)
    notifier = TelegramNotifier(bot, deps.sessions, deps.clock, prepare_checkin=prepare)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    lease = dt.timedelta(seconds=deps.settings.dispatch_lease_seconds)
    settings = deps.settings
    return Dispatcher(
        deps.sessions,
        deps.clock,
        notifier,
        owner=owner,
        lease=lease,
        send_rate=settings.rate_global,
        speed=settings.clock_speed,
    )


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    return stop
