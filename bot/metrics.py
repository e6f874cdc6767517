"""Prometheus metrics: what an operator watches, never who or what was said.

Labels are closed sets (update kinds, outcomes, lanes, results), so no label carries a user
id or text. Values read at scrape time (dispatcher lag, leases held, pool in use) are gauges
refreshed by `bot.health` just before it renders the page.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter(
    "twitchbot_updates_total",
    "Updates received by the webhook, by kind and outcome.",
    ["kind", "outcome"],
)
HANDLER_SECONDS = Histogram(
    "twitchbot_update_handling_seconds",
    "Time from claiming an update to having processed it.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SENDS = Counter(
    "twitchbot_sends_total",
    "Messages given a slot of the Telegram budget, by lane and result.",
    ["lane", "result"],
)
RATE_LIMITED = Counter("twitchbot_telegram_429_total", "Telegram answers of 429 Too Many Requests.")
DISPATCH_LAG = Gauge(
    "twitchbot_dispatch_lag_seconds", "Now minus the oldest due, unsent reminder (0 if none)."
)
LEASES_HELD = Gauge(
    "twitchbot_leases_held", "Live claims: updates and reminders being processed right now."
)
POOL_IN_USE = Gauge(
    "twitchbot_db_connections_in_use", "Database connections checked out of this process's pool."
)


def update_kind(update: object) -> str:
    """The kind of an update (`message`, `callback_query`, ...), from a closed set."""
    return next((kind for kind in sorted(KINDS) if getattr(update, kind, None)), "other")


KINDS = frozenset(
    {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "chat_member",
        "inline_query",
        "channel_post",
        "edited_channel_post",
        "message_reaction",
    }
)
