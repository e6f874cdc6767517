"""Telegram's sending budget shared by every process, in Redis (`REDIS_URL`).

Telegram allows about 30 messages a second per bot, whichever process sends them. Each grant
is logged in one sorted set scored by Redis's own clock (so processes on different machines
agree), and one Lua script checks and logs atomically: never more than `per_second` grants in
any sliding second across all processes. Two lanes (DESIGN.md "Running modes"):

- REPLY, an answer to something a person just did, may use the whole budget. A reply that
  has to wait marks replies as short of budget for two seconds: its own wait (at most one)
  and a second's grace for a busy process to come back for its slot.
- BROADCAST, reminders and check-ins, uses what replies leave: nothing while replies are
  short of budget anywhere, and never the last `reserve` slots of a second.
"""

from __future__ import annotations

import asyncio
import uuid

from redis.asyncio import Redis

from bot.budget import Lane
from bot.metrics import SENDS

WINDOW_US = 1_000_000


# KEYS: the grant log, the waiting replies. ARGV: limit, reserve, lane, id, window (µs).
# Returns {1, now} when granted, else {0, microseconds worth waiting}.
ACQUIRE = """
local log, waiting = KEYS[1], KEYS[2]
local limit, reserve = tonumber(ARGV[1]), tonumber(ARGV[2])
local lane, id, window = ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now)
local cap = limit
if lane ~= 'reply' then
  cap = limit - reserve
  if redis.call('ZCARD', waiting) > 0 then cap = 0 end
end
if redis.call('ZCARD', log) < cap then
  redis.call('ZADD', log, now, id)
  redis.call('PEXPIRE', log, math.ceil(window / 1000) + 1000)
  return {1, now}
end
if lane == 'reply' then
  redis.call('ZADD', waiting, now + 2 * window, id)
  redis.call('PEXPIRE', waiting, math.ceil(2 * window / 1000) + 1000)
end
local wait = 1000
local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
if oldest[2] then wait = math.max(tonumber(oldest[2]) + window - now, 1000) end
return {0, wait}
"""


class RedisBudget:
    """At most `per_second` sends in any sliding second across every process sharing `redis`
    and `prefix`; replies first."""

    def __init__(
        self,
        redis: Redis,
        per_second: int = 30,
        *,
        reserve: int | None = None,
        prefix: str = "twitchbot:budget",
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        self._redis = redis
        self._limit = per_second
        self._reserve = max(1, per_second // 10) if reserve is None else reserve
        self._keys = [f"{prefix}:log", f"{prefix}:waiting"]
        self._script = redis.register_script(ACQUIRE)

    async def acquire(self, lane: Lane) -> None:
        """Waits until one message may be sent in `lane`."""
        ticket = uuid.uuid4().hex
        waited = False
        while True:
            granted, value = await self._script(
                keys=self._keys,
                args=[self._limit, self._reserve, str(lane), ticket, WINDOW_US],
            )
            if int(granted):
                SENDS.labels(lane=str(lane), result="waited" if waited else "granted").inc()
                return
            waited = True
            await asyncio.sleep(int(value) / 1_000_000)


def redis_budget(url: str, per_second: float, reserve: int) -> RedisBudget:
    """The shared budget at `url` for `per_second` messages a second (whole messages), with
    `reserve` places of each second kept for replies, as the in-memory budget keeps them."""
    return RedisBudget(Redis.from_url(url), max(1, int(per_second)), reserve=reserve)
