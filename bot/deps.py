"""What handlers are handed: the session factory, the clock and the wake-up hook, on a typed
python-telegram-bot context.

Stored once in `application.bot_data` by the composition root; a handler reads it as
`context.deps` (the Application is built with `ContextTypes(context=BotContext)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.hints import CountryHints
from bot.takeovers import Takeovers
from scheduler.clock import Clock

KEY = "deps"


@dataclass
class Deps:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    settings: Settings
    wake: Callable[[], None] = field(default=lambda: None)
    hints: CountryHints = field(default_factory=CountryHints)
    takeovers: Takeovers = field(default_factory=Takeovers)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context for one update, with the bot's dependencies typed."""

    @property
    def deps(self) -> Deps:
        found = self.application.bot_data[KEY]
        assert isinstance(found, Deps)
        return found


CONTEXT_TYPES = ContextTypes(context=BotContext)
