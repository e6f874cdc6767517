"""The ceiling for bench/updates.py: the bare python-telegram-bot echo bot, defaults only.

Usage: python bench/echo.py BOT_API_URL TOKEN   (polls until SIGINT or SIGTERM)
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message and update.message.text
    await update.message.reply_text(update.message.text)


def main(api_url: str, token: str) -> None:
    app = ApplicationBuilder().token(token).base_url(f"{api_url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
