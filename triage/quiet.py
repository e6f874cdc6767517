"""Quiet hours: the local period in which nothing but N_SLEEP may arrive (spec §3.4).

One type for the core and the dispatcher alike: the plan is fitted around the same window
the dispatcher holds reminders back in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_START = dt.time(22, 30)
DEFAULT_END = dt.time(7, 30)


@dataclass(frozen=True)
class QuietHours:
    """A local quiet period; `start` after `end` means it crosses midnight."""

    start: dt.time = DEFAULT_START
    end: dt.time = DEFAULT_END

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> QuietHours:
        return cls(
            dt.time.fromisoformat(start) if start else DEFAULT_START,
            dt.time.fromisoformat(end) if end else DEFAULT_END,
        )

    def contains(self, at: dt.time) -> bool:
        if self.start <= self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end
