"""What handlers are handed: the session factory, the clock and the wake-up hook.

Stored once in `application.bot_data` by the composition root; handlers fetch it with `deps()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.hints import CountryHints
from scheduler.clock import Clock

KEY = "deps"


@dataclass
class Deps:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    settings: Settings
    wake: Callable[[], None] = field(default=lambda: None)
    hints: CountryHints = field(default_factory=CountryHints)


def deps(context: ContextTypes.DEFAULT_TYPE | Any) -> Deps:
    found = context.application.bot_data[KEY]
    assert isinstance(found, Deps)
    return found
