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

from bot import startup
from bot.config import ConfigError, Settings
from bot.deploy import delete_webhook, set_webhook
from bot.logsetup import configure_logging
from bot.runner import Mode, make_clock, serve
from storage import pseudonyms


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
        "real bot against it, and chat with it here: type messages, pick buttons by number "
        "(M.N: button N of message #M), /loc LAT LON shares a location, /as NAME chats as "
        "someone else, /quit or Ctrl-C ends. Files the bot sends are saved under "
        "data/playground-files.",
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
    startup.scrub_uncaught(settings.secrets)
    if args.command == "migrate":
        configure_logging(settings.log_level, settings.secrets, settings.log_format)
        return startup.migrate(settings)
    if args.command == "playground":
        from bot.playground.session import run_playground

        try:
            return asyncio.run(run_playground(settings, args.database, args.speed))
        except KeyboardInterrupt:  # a second Ctrl-C while the bot was stopping
            print("\nStopped.")
            return 130
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
    configure_logging(settings.log_level, settings.secrets, settings.log_format)
    pseudonyms.use_key(settings.log_key or settings.telegram_bot_token)
    if args.command in {"set-webhook", "delete-webhook"}:
        asyncio.run(_webhook_registration(settings, args))  # a failure's traceback is scrubbed
        return 0
    mode = Mode.POLLING if args.command == "run" else Mode(args.command)
    serving = serve(settings, settings.telegram_bot_token, make_clock(settings), mode=mode)
    return startup.run(serving, settings)


async def _webhook_registration(settings: Settings, args: argparse.Namespace) -> None:
    if args.command == "set-webhook":
        await set_webhook(settings)
        print("Webhook registered.")
    else:
        await delete_webhook(settings, drop_pending_updates=args.drop_pending_updates)
        print("Webhook removed.")


if __name__ == "__main__":
    sys.exit(main())
