"""The HTTP side of bot/health.py: `/healthz`, `/readyz` and `/metrics` on an aiohttp server.

Imported only where a process serves HTTP (webhook replicas, and workers or polling bots with
HEALTH_PORT set): aiohttp's server is about 10 MB a polling bot need not carry.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.health import Health


def add_routes(server: web.Application, health: Health) -> None:
    """Adds /healthz, /readyz and /metrics to `server`."""

    async def on_alive(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def on_ready(_: web.Request) -> web.Response:
        found = await health.checks()
        ready = all(verdict in {"ok", "not run here"} for verdict in found.values())
        return web.json_response({"ready": ready, "checks": found}, status=200 if ready else 503)

    async def on_metrics(_: web.Request) -> web.Response:
        await health.refresh_metrics()
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    server.router.add_get("/healthz", on_alive)
    server.router.add_get("/readyz", on_ready)
    server.router.add_get("/metrics", on_metrics)


async def serve_health(health: Health, host: str, port: int) -> web.AppRunner:
    """A small server with only the health routes (workers, polling); cleanup() stops it."""
    server = web.Application()
    add_routes(server, health)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
