"""The dispatcher's engine: one APScheduler job that ticks and re-arms itself.

A small typed facade over `AsyncIOScheduler` (as PTB's JobQueue is). There are no
per-reminder jobs and no job store (DESIGN.md decisions 1 and 4): after each tick the job
re-arms for the earliest of the dispatcher's `next_wakeup()` and `idle`, so memory and
start-up time do not grow with the number of reminders. `next_wakeup()` is on the injected
clock's timeline; `speed` converts it to real time (a playground clock running 60x faster
wakes 60x sooner). `wake(due)` after a commit that wrote a reminder due before the armed
tick ticks at once; one due no sooner changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.clock import Clock
from scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)

JOB_ID = "dispatch"


class DispatchDriver:
    """Runs `Dispatcher.tick` whenever there may be work, and at least every `idle`."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        clock: Clock,
        *,
        idle: dt.timedelta = dt.timedelta(seconds=30),
        speed: float = 1.0,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._dispatcher = dispatcher
        self._clock = clock
        self._idle = idle
        self._speed = speed
        self._scheduler: AsyncIOScheduler | None = None
        self._running = False
        self._woken = False
        self._armed: dt.datetime | None = None  # the armed tick, on the clock's timeline
        self._done = asyncio.Event()
        self._done.set()

    async def start(self) -> None:
        """Start the scheduler and arm the first tick for now."""
        self._scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._scheduler.start()
        self._arm(0.0)

    async def stop(self) -> None:
        """Stop arming ticks and let a tick in progress finish."""
        scheduler, self._scheduler = self._scheduler, None
        await self._done.wait()
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    def wake(self, due: dt.datetime | None = None) -> None:
        """Tick as soon as possible (after the tick in progress, if there is one), unless
        `due` is no sooner than the tick already armed."""
        armed = self._armed
        if due is not None and not self._running and armed is not None and due >= armed:
            return
        self._woken = True
        if not self._running:
            self._arm(0.0)

    async def _run(self) -> None:
        self._running, self._woken = True, False
        self._done.clear()
        try:
            await self._dispatcher.tick()
            delay = await self._delay()
        except Exception as error:
            # The class only: a database error's message carries the statement's parameters.
            log.error(
                "dispatch tick failed (%s); retrying after the idle interval", type(error).__name__
            )
            delay = self._idle.total_seconds()
        finally:
            self._running = False
            self._done.set()
        self._arm(0.0 if self._woken else delay)

    async def _delay(self) -> float:
        """Real seconds until the next wake-up: the clock's gap scaled by speed, at most idle."""
        idle = self._idle.total_seconds()
        due = await self._dispatcher.next_wakeup()
        if due is None:
            return idle
        gap = (due - self._clock.now()).total_seconds() / self._speed
        return min(max(gap, 0.0), idle)

    def _arm(self, delay: float) -> None:
        if self._scheduler is None:
            return
        run_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
        self._armed = self._clock.now() + dt.timedelta(seconds=delay * self._speed)
        self._scheduler.add_job(
            self._run,
            "date",
            run_date=run_at,
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
