"""Telegram's sending budget shared by every process, in Redis (`REDIS_URL`).

Telegram allows about 30 messages a second per bot, whichever process sends them. Each send
is logged in one sorted set scored by Redis's own clock (so processes on different machines
agree), and one Lua script checks and logs atomically. As in bot/budget.py, a send holds its
place from its grant until a window after it completed (Telegram counts it on arrival, some
instant between the two): it is logged at `HOLD_US` ahead while in flight, and re-scored at
its completion. So no sliding second at Telegram holds more than `per_second` sends from all
processes together; a process killed mid-send leaves its places for `HOLD_US` at most.
Two lanes (DESIGN.md "Running modes"):

- REPLY, an answer to something a person just did, may use the whole budget. A reply that
  has to wait marks replies as short of budget for two seconds: its own wait (at most one)
  and a second's grace for a busy process to come back for its slot.
- BROADCAST, reminders and check-ins, uses what replies leave: nothing while replies are
  short of budget anywhere, never the last `reserve` slots of a second, nor as many more as
  replies were granted in the last `REPLY_MEMORY` seconds, at most half the rest (people
  active now find room for their next replies at once).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.budget import REPLY_MEMORY, Lane
from bot.metrics import SENDS

log = logging.getLogger(__name__)
WINDOW_US = 1_000_000
HOLD_US = 10_000_000
"""How long a send still in flight is assumed to take at most (a crashed sender's place)."""
POLL_US = 20_000
"""How soon to ask again when sends in flight alone fill the budget."""


# KEYS: the send log, the waiting replies, the replies granted. ARGV: limit, reserve, lane, id,
# window, hold, poll (µs), memory (windows).
# Returns {1, now} when granted, else {0, microseconds worth waiting}.
ACQUIRE = """
local log, waiting, replies = KEYS[1], KEYS[2], KEYS[3]
local limit, reserve = tonumber(ARGV[1]), tonumber(ARGV[2])
local lane, id, window, hold = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local memory = tonumber(ARGV[8])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now)
redis.call('ZREMRANGEBYSCORE', replies, '-inf', now - memory * window)
local cap = limit
if lane ~= 'reply' then
  cap = limit - reserve
  cap = cap - math.min(redis.call('ZCARD', replies), math.floor(cap / 2))
  if redis.call('ZCARD', waiting) > 0 then cap = 0 end
end
if redis.call('ZCARD', log) < cap then
  redis.call('ZADD', log, now + hold, id)
  redis.call('PEXPIRE', log, math.ceil((window + hold) / 1000) + 1000)
  if lane == 'reply' then
    redis.call('ZADD', replies, now, id)
    redis.call('PEXPIRE', replies, math.ceil(memory * window / 1000) + 1000)
  end
  return {1, now}
end
if lane == 'reply' then
  redis.call('ZADD', waiting, now + 2 * window, id)
  redis.call('PEXPIRE', waiting, math.ceil(2 * window / 1000) + 1000)
end
local wait = 1000
local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
if oldest[2] then
  local at = tonumber(oldest[2])
  if at > now then wait = tonumber(ARGV[7]) else wait = math.max(at + window - now, 1000) end
end
return {0, wait}
"""

# KEYS: the send log. ARGV: the send's id. It has completed: its place is held from now for one
# more window (unless the log expired meanwhile).
COMPLETE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return now
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
        self._keys = [f"{prefix}:log", f"{prefix}:waiting", f"{prefix}:replies"]
        self._script = redis.register_script(ACQUIRE)
        self._complete = redis.register_script(COMPLETE)

    @asynccontextmanager
    async def sending(self, lane: Lane) -> AsyncIterator[None]:
        """Waits until one message may be sent in `lane`; the block sends it."""
        ticket = await self._acquire(lane)
        try:
            yield
        finally:
            try:
                await self._complete(keys=self._keys[:1], args=[ticket])
            except RedisError as error:  # the place then lapses after HOLD_US on its own
                log.warning("could not mark a send completed: %s", type(error).__name__)

    async def acquire(self, lane: Lane) -> None:
        """A place for a send that completes at once (the place is held for a window)."""
        async with self.sending(lane):
            pass

    async def _acquire(self, lane: Lane) -> str:
        ticket = uuid.uuid4().hex
        waited = False
        while True:
            granted, value = await self._script(
                keys=self._keys,
                args=[
                    *(self._limit, self._reserve, str(lane), ticket),
                    *(WINDOW_US, HOLD_US, POLL_US, REPLY_MEMORY),
                ],
            )
            if int(granted):
                SENDS.labels(lane=str(lane), result="waited" if waited else "granted").inc()
                return ticket
            waited = True
            await asyncio.sleep(int(value) / 1_000_000)


def redis_budget(url: str, per_second: float, reserve: int) -> RedisBudget:
    """The shared budget at `url` for `per_second` messages a second (whole messages), with
    `reserve` places of each second kept for replies, as the in-memory budget keeps them."""
    return RedisBudget(Redis.from_url(url), max(1, int(per_second)), reserve=reserve)
