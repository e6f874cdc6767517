"""What Telegram shows before a chat starts: the "/" command menu, the bot's description (the
empty chat's "What can this bot do?") and its short description (the profile line).

python-telegram-bot sets these only from `post_init`, which runs inside `run_polling()` and
`run_webhook()`; the runner starts the Application itself, so it calls `publish_menu` instead.
English is the default for every language; each other catalogue is set for its own code.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.app import COMMANDS
from bot.catalogue import DEFAULT_LANGUAGE, Catalogue, languages

log = logging.getLogger(__name__)


def commands(catalogue: Catalogue) -> list[BotCommand]:
    """Every command of the menu, described in the catalogue's language."""
    return [BotCommand(name, catalogue.text(f"command.{name}")) for name in COMMANDS]


async def publish_menu(bot: Bot) -> None:
    """Sets the command menu, description and short description, per catalogue language.

    A failure is logged and the bot starts anyway: the menu is a convenience, and the next
    start sets it again."""
    try:
        await _publish(bot)
    except TelegramError as error:
        log.warning("command menu not set (%s); the bot runs without it", type(error).__name__)


async def _publish(bot: Bot) -> None:
    for code, catalogue in languages().items():
        language = None if code == DEFAULT_LANGUAGE else code
        await bot.set_my_commands(commands(catalogue), language_code=language)
        await bot.set_my_description(catalogue.text("about.description"), language_code=language)
        await bot.set_my_short_description(
            catalogue.text("about.short_description"), language_code=language
        )
    log.info("command menu and description set for %d language(s)", len(languages()))
