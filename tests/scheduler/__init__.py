"""Shared pieces of the scheduler tests: a scripted fake notifier (people come from
tests.factories)."""

from __future__ import annotations

from collections.abc import Callable

from scheduler.ports import Outgoing, SendResult, Sent
from tests.factories import add_person as add_person  # re-exported for older imports

Script = Callable[[Outgoing], SendResult]


class FakeNotifier:
    """Records every outgoing message; answers with `script` (default: sent)."""

    def __init__(self, script: Script | None = None) -> None:
        self.sent: list[Outgoing] = []
        self.script = script
        self._next_id = 1000

    async def send(self, outgoing: Outgoing) -> SendResult:
        self.sent.append(outgoing)
        if self.script is not None:
            return self.script(outgoing)
        self._next_id += 1
        return Sent(message_id=self._next_id)

    def kinds(self) -> list[str]:
        return [o.kind for o in self.sent]
