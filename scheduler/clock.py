"""The clock port and its two implementations.

Time is injected (DESIGN.md decision 5): one clock is built in the composition root, and the
core takes `now` as an argument. `ScaledClock` lets the playground and acceptance tests live
through a fortnight of nudges in minutes; `FakeClock` is moved by hand in tests.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class ScaledClock:
    """Runs `speed` times faster than real time, starting from the real time at creation."""

    def __init__(self, speed: float, start: dt.datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._origin = start or dt.datetime.now(dt.UTC)
        self._mono = time.monotonic()

    def now(self) -> dt.datetime:
        elapsed = (time.monotonic() - self._mono) * self.speed
        return self._origin + dt.timedelta(seconds=elapsed)


class FakeClock:
    """A clock that only moves when told to. For tests."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta

    def set(self, when: dt.datetime) -> None:
        self._now = when.astimezone(dt.UTC)
