"""The dispatcher's engine: one long-lived task that ticks, then waits for a wake-up.

There are no per-reminder jobs and no job store (DESIGN.md decisions 1 and 4): after each
tick the loop waits for the earliest of the dispatcher's `next_wakeup()`, `idle`, or a
`wake()` from a commit that wrote a sooner reminder. `next_wakeup()` is on the injected
clock's timeline; `speed` converts it to real time (a playground clock running 60x faster
wakes 60x sooner).

Why a loop and not a self-re-arming scheduler job: a job that re-arms itself from inside
its own run meets its own `max_instances=1` whenever the next run is due at once (a tick
that ends with work already due, or a wake-up during the tick), and the skipped run arms
nothing, so the dispatcher stops for good while the process lives. Here a tick's result,
or its exception, only decides how long the loop waits; nothing but `stop()` ends it, and a
task that ends any other way is started again by `_supervise`.

`wake(due)` after a commit that wrote a reminder due before the next tick the loop is waiting
for ticks at once; one due no sooner changes nothing. `last_tick_at` (real time) and
`tick_age()` tell health checks whether it is still turning: they move as a tick's sends are
recorded and after each batch, not only at its end, so a storm of thousands of due reminders
(sent as fast as the shared budget allows) does not read as a stall.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from scheduler.clock import Clock
from scheduler.dispatcher import Dispatcher, TickReport

log = logging.getLogger(__name__)
IDLE_FLOOR = 0.05


class DispatchDriver:
    """Runs `Dispatcher.tick` whenever there may be work, and at least every `idle`."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        clock: Clock,
        *,
        idle: dt.timedelta = dt.timedelta(seconds=30),
        speed: float = 1.0,
        drain: dt.timedelta = dt.timedelta(seconds=5),
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._dispatcher = dispatcher
        self._clock = clock
        self.idle = idle
        self._speed = speed
        self._drain = drain
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._ticked_mono: float | None = None
        self._armed: dt.datetime | None = None  # the next tick waited for, on the clock
        self.last_tick_at: dt.datetime | None = None
        self.ticks = 0

    async def start(self) -> None:
        """Start the loop; its first tick runs at once."""
        self._stopping = False
        self._wake.set()
        self._task = asyncio.create_task(self._supervise(), name="dispatch-driver")

    async def stop(self) -> None:
        """Stop claiming, let the sends in flight finish (at most `drain`), release leases."""
        self._stopping = True
        self._dispatcher.stop_claiming()
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            _, pending = await asyncio.wait({task}, timeout=self._drain.total_seconds())
            for late in pending:
                late.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await late
        await self._dispatcher.release_leases()

    def wake(self, due: dt.datetime | None = None) -> None:
        """Tick as soon as possible (after the tick in progress, if there is one), unless
        `due` is no sooner than the tick the loop is already waiting for."""
        armed = self._armed
        if due is not None and armed is not None and due >= armed:
            return
        self._wake.set()

    def tick_age(self) -> dt.timedelta | None:
        """Real time since the dispatcher last made progress (sends recorded, a batch or a
        tick completed); None before the first."""
        if self._ticked_mono is None:
            return None
        return dt.timedelta(seconds=time.monotonic() - self._ticked_mono)

    async def _supervise(self) -> None:
        while not self._stopping:
            try:
                await self._loop()
            except Exception as error:  # a loop that ended on its own is started again
                log.error("dispatch loop ended (%s); starting it again", type(error).__name__)
                await asyncio.sleep(min(1.0, self.idle.total_seconds()))

    async def _loop(self) -> None:
        while not self._stopping:
            await self._wait(await self._tick())

    async def _tick(self) -> float:
        """One tick; real seconds until the next one should run."""
        self._armed = None  # during a tick every wake-up counts
        self._wake.clear()
        try:
            report = await self._dispatcher.tick(progress=self._beat)
            delay = await self._delay()
            if delay <= 0 and report == TickReport():
                delay = IDLE_FLOOR  # due work this tick could not take: do not spin
        except Exception as error:
            # The class only: a database error's message carries the statement's parameters.
            log.error(
                "dispatch tick failed (%s); retrying after the idle interval", type(error).__name__
            )
            delay = self.idle.total_seconds()
        self._beat()
        self.ticks += 1
        return delay

    def _beat(self) -> None:
        """Records that the loop turned: as a tick's sends are recorded, after each of its
        batches and at its end, so a worker draining a long backlog is seen as ready."""
        self._ticked_mono = time.monotonic()
        self.last_tick_at = dt.datetime.now(dt.UTC)

    async def _wait(self, delay: float) -> None:
        if delay <= 0 or self._stopping:
            return
        self._armed = self._clock.now() + dt.timedelta(seconds=delay * self._speed)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def _delay(self) -> float:
        """Real seconds until the next wake-up: the clock's gap scaled by speed, at most idle."""
        idle = self.idle.total_seconds()
        due = await self._dispatcher.next_wakeup()
        if due is None:
            return idle
        gap = (due - self._clock.now()).total_seconds() / self._speed
        return min(max(gap, 0.0), idle)
