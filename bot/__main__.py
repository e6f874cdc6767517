"""The command line, and the composition root: the only place concrete pieces are wired.

python -m bot run          poll Telegram (TELEGRAM_API_URL) with TELEGRAM_BOT_TOKEN
python -m bot playground   no token, no internet: a local Bot API and a terminal chat
python -m bot migrate      bring the database to the newest schema
python -m bot webhook      serve Telegram's webhook calls (replicas behind a proxy)
python -m bot worker       send reminders only
python -m bot set-webhook  register WEBHOOK_URL with Telegram, once per deployment
python -m bot delete-webhook
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings
from bot.deploy import delete_webhook, set_webhook
from bot.logsetup import configure_logging
from bot.runner import Mode, make_clock, serve
from storage.migrate import upgrade


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m bot",
        description="A Telegram bot for people bothered by muscle twitches.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)",
        description="Poll the Bot API at TELEGRAM_API_URL and send reminders. "
        "Upgrades a SQLite database first.",
    )
    play = commands.add_parser(
        "playground",
        help="chat with the bot in this terminal, offline",
        description="Start a local stand-in for the Telegram Bot API on 127.0.0.1, run the "
        "real bot against it, and chat with it here: type messages, pick buttons by number, "
        "/loc LAT LON shares a location, /quit ends.",
    )
    play.add_argument(
        "--speed", type=float, default=None, help="run the bot's clock N times faster"
    )
    play.add_argument(
        "--database",
        default="sqlite+aiosqlite:///./data/playground.sqlite3",
        help="database URL for the playground (default: %(default)s)",
    )
    commands.add_parser(
        "webhook",
        help="receive updates by webhook (needs WEBHOOK_URL and WEBHOOK_SECRET)",
        description="Serve POST /telegram on WEBHOOK_HOST:WEBHOOK_PORT (checking Telegram's "
        "secret-token header) with /healthz, /readyz and /metrics; send reminders too when "
        "RUN_DISPATCHER=true. Register the URL once with `set-webhook`.",
    )
    commands.add_parser(
        "set-webhook",
        help="register WEBHOOK_URL and WEBHOOK_SECRET with Telegram",
        description="Tell Telegram to deliver updates to WEBHOOK_URL; run once per deployment.",
    )
    remove = commands.add_parser(
        "delete-webhook",
        help="unregister the webhook",
        description="Tell Telegram to stop calling the webhook (updates then wait for polling).",
    )
    remove.add_argument(
        "--drop-pending-updates", action="store_true", help="also discard waiting updates"
    )
    commands.add_parser(
        "worker",
        help="send reminders and check-ins only",
        description="Run the reminder dispatcher alone, for deployments that separate it "
        "from update handling. Several workers may share one PostgreSQL database.",
    )
    commands.add_parser(
        "migrate",
        help="upgrade the database to the newest schema",
        description="Run the Alembic migrations against DATABASE_URL.",
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        configure_logging(settings.log_level, [], settings.log_format)
        upgrade(settings.database_url)
        print("Database is up to date.")
        return 0
    if args.command == "playground":
        from bot.playground.session import run_playground

        return asyncio.run(run_playground(settings, args.database, args.speed))
    if settings.telegram_bot_token is None:
        print(
            "Configuration error: TELEGRAM_BOT_TOKEN is missing (get one from @BotFather; "
            "or try `python -m bot playground`, which needs none)",
            file=sys.stderr,
        )
        return 2
    webhooked = args.command in {"webhook", "set-webhook"}
    if webhooked and not (settings.webhook_url and settings.webhook_secret):
        print(
            "Configuration error: WEBHOOK_URL and WEBHOOK_SECRET are both needed for webhook",
            file=sys.stderr,
        )
        return 2
    secrets = [settings.telegram_bot_token, settings.webhook_secret or ""]
    configure_logging(settings.log_level, secrets, settings.log_format)
    if args.command in {"set-webhook", "delete-webhook"}:
        return asyncio.run(_webhook_registration(settings, args))
    mode = Mode.POLLING if args.command == "run" else Mode(args.command)
    asyncio.run(serve(settings, settings.telegram_bot_token, make_clock(settings), mode=mode))
    return 0


async def _webhook_registration(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "set-webhook":
        await set_webhook(settings)
        print("Webhook registered.")
    else:
        await delete_webhook(settings, drop_pending_updates=args.drop_pending_updates)
        print("Webhook removed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
