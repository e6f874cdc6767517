"""Pseudonyms for people in log lines: a keyed hash of the Telegram user id, never the id.

The key is one per installation (set by the composition root from a secret setting), so a log
line can be matched with other log lines of the same installation, but not with a Telegram
account by anyone without the key, and not across installations. Until a key is set, each
process uses a random one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

_PURPOSE = b"twitchbot log pseudonyms v1"
_key = secrets.token_bytes(32)


def use_key(secret: str) -> None:
    """Derives this installation's pseudonym key from `secret` (e.g. LOG_KEY or the token)."""
    global _key
    _key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def person(user_id: int) -> str:
    """`p-` and 12 hex digits standing for `user_id` in log lines."""
    digest = hmac.new(_key, str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:12]}"
