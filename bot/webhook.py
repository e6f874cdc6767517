"""The webhook endpoint: Telegram POSTs each update here.

It checks Telegram's secret-token header, then claims the update id (storage/updates.py) so
that one replica processes it even when Telegram's retry reaches two replicas at once:

| claim  | what happens                                  | answer                        |
|--------|-----------------------------------------------|-------------------------------|
| taken  | process (renewing the lease); mark processed  | 200                           |
| taken over | the retry of a crashed replica's update: as taken, noted (bot/takeovers.py) | 200 |
| taken, transient failure (database) | release the claim | 503: Telegram retries later   |
| busy   | another replica is on it, lease not expired   | 503: Telegram retries later   |
| done   | a retry of a processed update                 | 200                           |
| claim fails (database unreachable) | nothing processed | 503                           |

A replica killed mid-update leaves its claim; once the lease runs out, Telegram's next retry
takes it over, and its handlers know it: a tap the dead replica already applied is not
answered as a person's second tap (no "moved on", no second copy of the question). The
answer comes only after processing, so a crash before it means a retry. A transient
failure is not apologised for: the retry gives the person their answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from sqlalchemy import exc as sa_exc
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.bounds import parse_update
from bot.deps import Deps
from bot.fairness import ChatUpdateProcessor
from bot.metrics import HANDLER_SECONDS, UPDATES, update_kind
from storage.updates import Claim, ProcessedUpdateRepository

log = logging.getLogger(__name__)
# Telegram's updates are a few kilobytes; a slow or endless request is not Telegram.
MAX_BODY = 256 * 1024
BODY_SECONDS = 10.0
LISTENER_LIMITS = {
    "keepalive_timeout": 15.0,  # also closes a connection whose headers never finish
    "max_line_size": 8190,
    "max_field_size": 8190,
    "max_headers": 64,
}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"
RETRY_LATER = "5"
"""Seconds suggested in Retry-After; Telegram retries on any non-2xx answer anyway."""

TRANSIENT = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    OSError,
    asyncio.TimeoutError,
)


RETRYABLE_SQLSTATES = frozenset({"53300", "57P03", "57014", "55P03", "40001", "40P01"})
"""PostgreSQL's "too many connections", "cannot connect now", statement and lock timeouts,
serialization failures and deadlocks: a retry of the whole update may well succeed. Class 08
(connection exceptions) counts too."""


def is_transient(error: BaseException | None) -> bool:
    """Whether a retry of the same update may well succeed: the database was unreachable,
    refused a connection, dropped one or timed out. Other errors are answered by the error
    handler and recorded."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, TRANSIENT):
        return True
    return isinstance(error, sa_exc.DBAPIError) and _retryable_cause(error.orig)


def _retryable_cause(error: BaseException | None) -> bool:
    """Whether the driver's error, or what caused it, is a connection failure or timeout."""
    seen = 0
    while error is not None and seen < 5:
        state = str(getattr(error, "sqlstate", "") or "")
        if isinstance(error, OSError | TimeoutError) or state in RETRYABLE_SQLSTATES:
            return True
        if state.startswith("08"):
            return True
        error, seen = error.__cause__, seen + 1
    return False


def webhook_app(
    app: Application[Any, Any, Any, Any, Any, Any],
    deps: Deps,
    secret: str,
    owner: str | None = None,
) -> web.Application:
    """An aiohttp application serving POST /telegram (the runner adds the health routes)."""
    owner = owner or f"{socket.gethostname()}:{os.getpid()}"
    failures: dict[int, BaseException] = {}

    async def remember_failure(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and context.error is not None:
            failures[update.update_id] = context.error
            if is_transient(context.error):
                raise ApplicationHandlerStop  # no apology: the retry will do the work

    _handle_errors_first(app, remember_failure)

    async def on_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(errors="surrogateescape"), secret.encode()):
            log.warning("refused a webhook call without the right secret token")
            return web.Response(status=401)
        try:
            async with asyncio.timeout(BODY_SECONDS):
                body = await request.read()
        except TimeoutError:
            return web.Response(status=408)
        update = parse_update(body, app.bot)
        if update is None:
            return web.Response(status=400)
        kind = update_kind(update)
        outcome = await _handle(app, deps, owner, update, failures)
        UPDATES.labels(kind=kind, outcome=outcome).inc()
        if outcome in {"processed", "duplicate", "failed"}:
            return web.Response(status=200)
        return web.Response(status=503, headers={"Retry-After": RETRY_LATER})

    server = web.Application(client_max_size=MAX_BODY, handler_args=LISTENER_LIMITS)
    server.router.add_post(PATH, on_update)
    return server


async def _handle(
    app: Application[Any, Any, Any, Any, Any, Any],
    deps: Deps,
    owner: str,
    update: Update,
    failures: dict[int, BaseException],
) -> str:
    """Claims, processes and records `update`; returns the outcome label."""
    update_id = update.update_id
    lease = deps.settings.update_lease
    try:
        async with deps.sessions.begin() as session:
            claim = await ProcessedUpdateRepository(session).claim(
                update_id, owner, deps.clock.now(), lease
            )
    except Exception as error:  # the claim itself could not be made: nothing was processed
        log.warning("could not claim update %s: %s", update_id, type(error).__name__)
        return "unclaimed"
    if claim == Claim.DONE:
        log.info("update %s was already processed", update_id)
        return "duplicate"
    if claim == Claim.BUSY:
        log.info("update %s is being processed elsewhere", update_id)
        return "busy"
    if claim == Claim.TAKEN_OVER:
        log.info("update %s taken over from a replica that stopped renewing its claim", update_id)
    started = time.perf_counter()
    try:
        with deps.takeovers.noting(update_id, claim == Claim.TAKEN_OVER):
            async with _renewing(deps, update_id, owner):
                await _in_turn(app, update)
    finally:
        failure = failures.pop(update_id, None)
    HANDLER_SECONDS.observe(time.perf_counter() - started)
    if is_transient(failure):
        log.warning("update %s failed transiently; Telegram will retry it", update_id)
        await _settle(deps, update_id, owner, processed=False)
        return "retry"
    await _settle(deps, update_id, owner, processed=True)
    return "failed" if failure is not None else "processed"


def _handle_errors_first(app: Application[Any, Any, Any, Any, Any, Any], callback: Any) -> None:
    """Puts `callback` before the bot's own error handlers, so that it can stop them."""
    others = dict(app.error_handlers)
    app.error_handlers.clear()
    app.add_error_handler(callback)
    app.error_handlers.update(others)


RENEWALS_PER_LEASE = 3


@contextlib.asynccontextmanager
async def _renewing(deps: Deps, update_id: int, owner: str) -> AsyncIterator[None]:
    """Keeps the claim on `update_id` while it is processed, however slowly: only a replica
    that stopped renewing (a crashed one) has its update taken over by the retry."""
    task = asyncio.create_task(_renew(deps, update_id, owner))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _renew(deps: Deps, update_id: int, owner: str) -> None:
    lease = deps.settings.update_lease
    every = lease.total_seconds() / deps.settings.clock_speed / RENEWALS_PER_LEASE
    while True:
        await asyncio.sleep(every)
        try:
            async with deps.sessions.begin() as session:
                repository = ProcessedUpdateRepository(session)
                await repository.renew(update_id, owner, deps.clock.now(), lease)
        except Exception as error:  # the next renewal tries again
            log.warning(
                "could not renew the claim on update %s: %s", update_id, type(error).__name__
            )


async def _in_turn(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """Handles `update` in its chat's turn (`bot.fairness`), as polling does: a person's burst
    waits in that person's own queue, or is dropped with one "slow down", and never holds up
    anyone else's update. A dropped update counts as processed: Telegram need not retry it."""
    processor = app.update_processor
    if isinstance(processor, ChatUpdateProcessor):
        await processor.process_in_turn(update, app.process_update(update))
    else:
        await app.process_update(update)


async def _settle(deps: Deps, update_id: int, owner: str, *, processed: bool) -> None:
    """Marks the claim processed, or releases it for the retry. If the database is still
    unreachable the claim stays until its lease runs out, and the retry takes it then."""
    try:
        async with deps.sessions.begin() as session:
            repository = ProcessedUpdateRepository(session)
            if processed:
                await repository.finish(update_id, owner, deps.clock.now())
            else:
                await repository.release(update_id, owner)
    except Exception as error:
        log.warning("could not settle update %s: %s", update_id, type(error).__name__)
