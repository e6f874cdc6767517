"""The end-to-end rig: the real python-telegram-bot Application over real HTTP against the
project's Bot API stand-in on loopback, a real database file, and a fake clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_application
from bot.config import Settings
from bot.deps import Deps
from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser
from bot.runner import build_dispatcher
from scheduler.clock import FakeClock
from scheduler.dispatcher import TickReport
from storage.db import create_engine, session_factory

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@dataclass
class BotRig:
    """A running bot and its stand-in Telegram. `restart()` replaces the bot process state."""

    api: FakeBotApi
    database_url: str
    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    engine: AsyncEngine | None = None
    app: object | None = None

    @property
    def settings(self) -> Settings:
        return Settings.from_mapping(
            {
                "TELEGRAM_API_URL": self.api.root_url,
                "DATABASE_URL": self.database_url,
                "RATE_LIMIT_PER_CHAT_PER_SECOND": "50",
                "RATE_LIMIT_PER_SECOND": "200",
            }
        )

    @property
    def deps(self) -> Deps:
        assert self.app is not None
        return self.app.bot_data["deps"]  # type: ignore[attr-defined,no-any-return]

    async def start(self) -> None:
        self.engine = create_engine(self.database_url)
        deps = Deps(sessions=session_factory(self.engine), clock=self.clock, settings=self.settings)
        app = build_application(self.api.token, deps)
        await app.initialize()
        await app.start()
        assert app.updater
        await app.updater.start_polling(poll_interval=0, timeout=5)
        self.app = app

    async def stop(self) -> None:
        app = self.app
        if app is None:
            return
        await app.updater.stop()  # type: ignore[attr-defined]
        await app.stop()  # type: ignore[attr-defined]
        await app.shutdown()  # type: ignore[attr-defined]
        self.app = None
        assert self.engine
        await self.engine.dispose()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def tick(self) -> TickReport:
        """Runs the reminder dispatcher once at the fake clock's time."""
        assert self.app is not None
        return await build_dispatcher(self.app.bot, self.deps).tick()  # type: ignore[attr-defined]

    def user(self, user_id: int = 501, **kwargs: object) -> ScriptedUser:
        return self.api.user(user_id=user_id, **kwargs)  # type: ignore[arg-type]
