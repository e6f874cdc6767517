"""The webhook endpoint: Telegram POSTs each update here.

It checks Telegram's secret-token header, skips an update id it has already processed,
processes the update fully, records the id, and only then answers 200. A crash before the
answer makes Telegram send the update again; the recorded id makes a retry after a
successful answer harmless. No state lives in the process, so replicas scale behind a load
balancer.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from telegram.ext import Application

from bot.bounds import parse_update
from bot.deps import Deps
from storage.updates import ProcessedUpdateRepository

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


def webhook_app(
    app: Application[Any, Any, Any, Any, Any, Any], deps: Deps, secret: str
) -> web.Application:
    """An aiohttp application serving POST /telegram and GET /health."""

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
        if await _already_processed(deps, update.update_id):
            log.info("update %s was already processed", update.update_id)
            return web.Response(status=200)
        await app.process_update(update)
        await _remember(deps, update.update_id)
        return web.Response(status=200)

    async def on_health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    server = web.Application(client_max_size=MAX_BODY, handler_args=LISTENER_LIMITS)
    server.router.add_post(PATH, on_update)
    server.router.add_get("/health", on_health)
    return server


async def _already_processed(deps: Deps, update_id: int) -> bool:
    async with deps.sessions() as session:
        return await ProcessedUpdateRepository(session).seen(update_id)


async def _remember(deps: Deps, update_id: int) -> None:
    try:
        async with deps.sessions.begin() as session:
            repository = ProcessedUpdateRepository(session)
            await repository.remember(update_id, deps.clock.now())
            await repository.prune(deps.clock.now())
    except IntegrityError:
        # Two replicas processed the same retried update at once; one record is enough.
        log.info("update %s was recorded by another replica", update_id)
