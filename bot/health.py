"""Health and metrics endpoints, on every process: `/healthz`, `/readyz` and `/metrics`.

- `/healthz`: the process is alive (answers without touching anything).
- `/readyz`: the database answers, its schema is the newest this code knows, and the reminder
  dispatcher (where this process runs one) made progress within twice its idle interval: a
  tick, a batch, or sends recorded (scheduler/driver.py), so draining a storm is not a stall.
  503 with the failing check's name otherwise; never any person's data.
- `/metrics`: Prometheus text (bot/metrics.py), with the gauges read at scrape time.

Webhook replicas serve these beside POST /telegram; workers and polling processes serve them
on HEALTH_PORT when it is set. The routes themselves are bot/health_routes.py, imported only by
a process that serves HTTP, so a polling bot without HEALTH_PORT never loads aiohttp's server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.metrics import DISPATCH_LAG, LEASES_HELD, POOL_IN_USE
from scheduler.clock import Clock
from storage.ops import dispatch_lag, leases_held, schema_is_current

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0


@dataclass(frozen=True)
class Pulse:
    """What the dispatcher driver says about itself: when its last tick completed (real UTC
    time, None before the first) and the longest it waits between ticks."""

    last_tick_at: dt.datetime | None
    idle: dt.timedelta


PulseSource = Callable[[], Pulse]


@dataclass
class Health:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    pulse: PulseSource | None = None
    """None where this process runs no dispatcher."""
    wall: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    async def checks(self) -> dict[str, str]:
        """Each readiness check's verdict: "ok" or what is wrong."""
        found = {"database": "ok", "schema": "ok", "dispatcher": self._dispatcher()}
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                if not await schema_is_current(self.engine):
                    found["schema"] = "not the newest: run `python -m bot migrate`"
        except Exception as error:  # unreachable, refused, timed out: all mean "not ready"
            log.warning("readiness: database check failed: %s", type(error).__name__)
            found["database"] = "unreachable"
            found["schema"] = "unknown"
        return found

    def _dispatcher(self) -> str:
        if self.pulse is None:
            return "not run here"
        pulse = self.pulse()
        if pulse.last_tick_at is None:
            return "no tick yet"
        if self.wall() - pulse.last_tick_at > 2 * pulse.idle:
            return "late"
        return "ok"

    async def refresh_metrics(self) -> None:
        """Reads the scrape-time gauges; a failure leaves the previous values."""
        checked_out = getattr(self.engine.pool, "checkedout", None)
        if callable(checked_out):
            POOL_IN_USE.set(checked_out())
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.sessions() as session:
                now = self.clock.now()
                DISPATCH_LAG.set((await dispatch_lag(session, now)).total_seconds())
                LEASES_HELD.set(await leases_held(session, now))
        except Exception as error:  # metrics must answer even while the database does not
            log.info("metrics: database gauges not read: %s", type(error).__name__)
