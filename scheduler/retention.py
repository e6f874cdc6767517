"""The daily retention job: a small typed facade over APScheduler's `CronTrigger`.

It only decides *when* (every day at 03:30 UTC, a quiet hour in Europe); *what* runs is the
coroutine it is handed (erasing people inactive past the retention period). Nothing is kept
in a job store: a missed run (the process was down at 03:30) is simply the next day's work,
because the erasure is idempotent and looks at the whole table each time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

log = logging.getLogger(__name__)

JOB_ID = "retention"
DAILY_AT = dt.time(3, 30)


class RetentionJob:
    """Runs `job()` once a day at `at` (UTC) between `start()` and `stop()`."""

    def __init__(self, job: Callable[[], Awaitable[object]], *, at: dt.time = DAILY_AT) -> None:
        self._job = job
        self._trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=dt.UTC)
        self._scheduler: AsyncIOScheduler | None = None

    def next_run(self, after: dt.datetime) -> dt.datetime:
        """When the job runs next after `after` (aware)."""
        found: dt.datetime | None = self._trigger.get_next_fire_time(None, after)
        assert found is not None  # a daily cron trigger always has a next time
        return found.astimezone(dt.UTC)

    async def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._scheduler.add_job(
            self.run_once, self._trigger, id=JOB_ID, coalesce=True, max_instances=1
        )
        self._scheduler.start()

    async def stop(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    async def run_once(self) -> None:
        """One run; a failure is logged (by class only) and tomorrow's run tries again."""
        try:
            result = await self._job()
        except Exception as error:  # the scheduler must keep running for tomorrow
            log.error("retention run failed: %s", type(error).__name__)
            return
        log.info("retention run finished: %s", result)
