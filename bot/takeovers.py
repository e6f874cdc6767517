"""Updates this process took over from a replica that crashed while processing them.

Telegram retries an update its replica never answered; once that replica's claim has run out
(storage/updates.py), the retry is processed here. The crashed replica may have done part of
the work or all of it: saved the answer, perhaps sent the next question, and died before
answering Telegram. A tap that turns out to be already applied is then not the person's
second tap: the handlers that answer a repeated tap with a "moved on" notice and the current
question again stay quiet for it instead, and show that question only if it may never have
been shown.

The webhook notes an update here for as long as it is processed; handlers ask `includes`.
The update is handled in its chat's queue, in another task than the request's, so this is a
registry keyed by update id rather than a context variable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class Takeovers:
    """The ids of the updates being processed that were taken over from a crashed replica."""

    def __init__(self) -> None:
        self._ids: set[int] = set()

    @contextlib.contextmanager
    def noting(self, update_id: int, taken_over: bool) -> Iterator[None]:
        """Notes `update_id` as taken over (when it was) while the block processes it."""
        if not taken_over:
            yield
            return
        self._ids.add(update_id)
        try:
            yield
        finally:
            self._ids.discard(update_id)

    def includes(self, update: object) -> bool:
        """Whether `update` (a PTB Update) is one taken over from a crashed replica."""
        update_id = getattr(update, "update_id", None)
        return isinstance(update_id, int) and update_id in self._ids
