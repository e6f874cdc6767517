"""Deploy-time commands: registering the webhook with Telegram once, not from every replica.

`python -m bot set-webhook` tells Telegram to POST updates to WEBHOOK_URL with
WEBHOOK_SECRET in its secret-token header; `python -m bot delete-webhook` goes back to
nothing registered (for polling, or before retiring the deployment).
"""

from __future__ import annotations

from telegram import Bot

from bot.config import Settings

MAX_CONNECTIONS = 40
"""Telegram's default: parallel webhook calls it makes at most."""


def _bot(settings: Settings) -> Bot:
    assert settings.telegram_bot_token
    return Bot(
        settings.telegram_bot_token,
        base_url=settings.bot_base_url,
        base_file_url=settings.bot_file_url,
    )


async def set_webhook(settings: Settings) -> None:
    """Registers WEBHOOK_URL and WEBHOOK_SECRET with Telegram."""
    assert settings.webhook_url and settings.webhook_secret
    async with _bot(settings) as bot:
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            max_connections=MAX_CONNECTIONS,
        )


async def delete_webhook(settings: Settings, *, drop_pending_updates: bool = False) -> None:
    """Unregisters the webhook; pending updates are kept unless asked otherwise."""
    async with _bot(settings) as bot:
        await bot.delete_webhook(drop_pending_updates=drop_pending_updates)
