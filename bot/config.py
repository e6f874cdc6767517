"""Configuration: the only module that reads the environment.

`Settings.from_mapping` takes a plain mapping, so tests pass a dict. A missing or malformed
value raises `ConfigError` with one plain line naming the variable; the command line prints
that line and exits with status 2.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.db import DEFAULT_SQLITE_URL, LOCK_TIMEOUT, STATEMENT_TIMEOUT

ENV_FILE = Path(".env")
TOKEN_SHAPE = "digits, a colon, then at least 30 letters, digits, '_' or '-'"

ENV_NAMES = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_api_url": "TELEGRAM_API_URL",
    "database_url": "DATABASE_URL",
    "log_level": "LOG_LEVEL",
    "clock_speed": "CLOCK_SPEED",
    "rate_global": "RATE_LIMIT_PER_SECOND",
    "rate_per_chat": "RATE_LIMIT_PER_CHAT_PER_SECOND",
    "retention_days": "RETENTION_DAYS",
    "dispatch_lease_seconds": "DISPATCH_LEASE_SECONDS",
    "webhook_url": "WEBHOOK_URL",
    "webhook_secret": "WEBHOOK_SECRET",
    "webhook_host": "WEBHOOK_HOST",
    "webhook_port": "WEBHOOK_PORT",
    "db_statement_timeout": "DB_STATEMENT_TIMEOUT_SECONDS",
    "db_lock_timeout": "DB_LOCK_TIMEOUT_SECONDS",
    "log_key": "LOG_KEY",
    "update_lease_seconds": "UPDATE_LEASE_SECONDS",
    "redis_url": "REDIS_URL",
    "run_dispatcher": "RUN_DISPATCHER",
    "health_host": "HEALTH_HOST",
    "health_port": "HEALTH_PORT",
    "database_pool_size": "DATABASE_POOL_SIZE",
    "database_max_overflow": "DATABASE_MAX_OVERFLOW",
    "log_format": "LOG_FORMAT",
}


class ConfigError(Exception):
    """A configuration value is missing or malformed. The message is one plain line."""


class Settings(BaseModel):
    """Every setting the bot reads, with its default."""

    model_config = {"frozen": True}

    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = Field(default=DEFAULT_SQLITE_URL, repr=False)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    clock_speed: float = Field(default=1.0, gt=0, le=100_000)
    rate_global: float = Field(default=30.0, ge=2)  # one place is kept for replies
    rate_per_chat: float = Field(default=1.0, gt=0)
    retention_days: int = Field(default=180, ge=1)
    # How long a claimed reminder stays another replica's; after a crash it is retried then.
    dispatch_lease_seconds: float = Field(default=300, gt=0)
    webhook_url: str | None = None
    webhook_secret: str | None = Field(default=None, repr=False)
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # PostgreSQL only: a statement or a lock wait longer than this fails instead of stalling
    # every reply behind it (0 turns the limit off).
    db_statement_timeout: float = Field(default=STATEMENT_TIMEOUT, ge=0, le=3600)
    db_lock_timeout: float = Field(default=LOCK_TIMEOUT, ge=0, le=3600)
    # The key of the pseudonyms that stand for people in log lines; derived from the bot
    # token when unset, so each installation links log lines to nobody outside it.
    log_key: str | None = Field(default=None, repr=False)
    # How long a claimed update stays one replica's; after a crash the retry takes it then.
    update_lease_seconds: float = Field(default=60, gt=0)
    redis_url: str | None = Field(default=None, repr=False)
    # Webhook replicas send reminders only when asked; polling and workers always do.
    run_dispatcher: bool = False
    health_host: str = "0.0.0.0"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    database_pool_size: int = Field(default=5, ge=1, le=1000)
    database_max_overflow: int = Field(default=5, ge=0, le=1000)
    log_format: Literal["text", "json"] = "text"

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    @field_validator("health_port", mode="before")
    @classmethod
    def _optional_port(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("must be a public https:// URL ending in /telegram")
        return value or None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not (16 <= len(value) <= 256 and all(ch.isalnum() or ch in "_-" for ch in value)):
            raise ValueError("must be 16 to 256 letters, digits, '_' or '-'")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        head, sep, tail = value.partition(":")
        if not (sep and head.isdigit() and len(tail) >= 30):
            raise ValueError(f"does not look like a bot token ({TOKEN_SHAPE})")
        if not all(ch.isalnum() or ch in "_-" for ch in tail):
            raise ValueError(f"does not look like a bot token ({TOKEN_SHAPE})")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "is not a database URL (e.g. sqlite+aiosqlite:///./data/bot.sqlite3)"
            ) from None
        if url.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
            raise ValueError("must use sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def update_lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.update_lease_seconds)

    @property
    def bot_base_url(self) -> str:
        """What python-telegram-bot appends the token to: `{TELEGRAM_API_URL}/bot`."""
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.telegram_api_url}/file/bot"

    @property
    def secrets(self) -> list[str]:
        """Every value no log line, error or traceback may carry."""
        password = make_url(self.database_url).password
        redis_password = urlsplit(self.redis_url).password if self.redis_url else None
        candidates = [
            self.telegram_bot_token,
            self.webhook_secret,
            self.log_key,
            password,
            redis_password,
        ]
        return [str(secret) for secret in candidates if secret]

    @classmethod
    def from_mapping(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from environment-style names; raises ConfigError naming the variable."""
        values = {field: environ[name] for field, name in ENV_NAMES.items() if name in environ}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = ENV_NAMES.get(str(error["loc"][0]), str(error["loc"][0]))
            message = str(error["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"{name} {message}") from None

    @classmethod
    def from_environment(cls) -> Settings:
        """Settings from `.env` (when present) overlaid by the real environment."""
        return cls.from_mapping({**read_env_file(ENV_FILE), **os.environ})


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an optional `.env` file; comments and blank lines ignored."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("'\"")
    return values
