"""What the replica tests share: bot processes started as `python -m bot ...`, a Telegram that
delivers updates to webhook replicas the way it does behind a load balancer, a stand-in that
stamps every call, and people who fail at once, naming themselves, when the bot loses them."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from asyncio.subprocess import Process
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.catalogue import catalogue_for
from bot.playground.server import FakeBotApi
from bot.playground.users import ScriptedUser, SentMessage
from bot.webhook import SECRET_HEADER
from storage.migrate import upgrade_async
from tests.conftest import _drop_postgres_database
from tests.conftest import _fresh_postgres_database as fresh_postgres_database

TOKEN = "123456:" + "S" * 32
SECRET = "a-long-webhook-secret-789"
ROOT = Path(__file__).resolve().parents[2]
CAT = catalogue_for(None)
APOLOGY = "something went wrong"
LOST = CAT.text("error.not_understood").split(".")[0]  # "I didn't quite get that"
STALE = CAT.text("error.stale_button").split(".")[0]
RETRY_SECONDS = 0.2
PATIENCE = 90.0
"""How long a person waits for the bot's next step: only a guard against a hang, far above
any lease, retry or budget wait."""
CHATLESS = frozenset(
    {"answerCallbackQuery", "getMe", "getUpdates", "setWebhook", "deleteWebhook"}
    | {"getWebhookInfo", "setMyCommands", "getMyCommands", "deleteMyCommands"}
    | {"setMyDescription", "setMyShortDescription", "getFile", "close", "logOut"}
)
"""Calls that name no chat: Telegram does not count them as messages, nor does the bot."""


class StampedBotApi(FakeBotApi):
    """The stand-in, also stamping the arrival of every call (`time.monotonic()`), so sends
    can be counted per sliding second across every process that made them."""

    def __init__(self, *, counted_from: int = 10**12, **kwargs: Any) -> None:
        super().__init__(token=TOKEN, **kwargs)
        self.stamps: list[tuple[float, str]] = []
        self.counted_from = counted_from
        self.reached: set[int] = set()
        self.sends_counted = 0
        """Messages sent to chats from `counted_from` on, and how many of those chats had
        one: kept as they arrive, so waiting on them costs nothing per call."""

    async def __aenter__(self) -> StampedBotApi:
        await self.start()
        return self

    async def _on_api_call(self, request: web.Request) -> web.Response:
        method = self._canonical(request.match_info["tail"].rpartition("/")[2])
        self.stamps.append((time.monotonic(), method))
        return await super()._on_api_call(request)

    def _record(self, chat: Any, sent: SentMessage) -> None:
        if sent.method == "sendMessage" and sent.chat_id >= self.counted_from:
            self.sends_counted += 1
            self.reached.add(sent.chat_id)
        super()._record(chat, sent)

    def changed(self) -> None:
        """Wakes everyone waiting for a change (what Telegram did counts too)."""
        self._notify()

    def sends(self) -> list[float]:
        """When each call that counts against Telegram's budget arrived."""
        return [at for at, method in self.stamps if method not in CHATLESS]


def busiest(stamps: list[float], window: float = 1.0) -> int:
    """The most stamps within any `window` seconds."""
    ordered, best, first = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while stamp - ordered[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


class Telegram:
    """Delivers each update the way Telegram does to webhooks behind a load balancer: round
    robin, one update in ten to two replicas at the same moment, and again (to the next
    replica) after any answer but 200, until a 200."""

    def __init__(self, api: StampedBotApi, urls: list[str]) -> None:
        self.api = api
        self.bot_username = api.bot_username
        self.urls = urls
        self.answers: Counter[int | str] = Counter()
        self.in_flight: dict[str, Counter[int]] = {url: Counter() for url in urls}
        self.senders: dict[int, int] = {}
        self.updates: dict[int, dict[str, Any]] = {}
        self.pending: set[asyncio.Task[None]] = set()
        self.accepted: set[int] = set()
        self._open: Counter[int] = Counter()
        self._ids = itertools.count(1)
        self._turn = itertools.count()
        self._client = aiohttp.ClientSession()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)

    def deliver(self, kind: str, payload: dict[str, Any]) -> None:
        update_id = next(self._ids)
        update = {"update_id": update_id, kind: payload}
        self.updates[update_id], self.senders[update_id] = update, int(payload["from"]["id"])
        self._open[self.senders[update_id]] += 1
        copies = 2 if update_id % 10 == 0 else 1
        for _ in range(copies):
            task = asyncio.create_task(self._until_accepted(update, next(self._turn)))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)

    def unanswered(self, user_id: int) -> int:
        """How many of this person's updates no replica has finished yet."""
        return self._open[user_id]

    def cut_off(self, url: str) -> set[int]:
        """The updates posted to `url` and not yet answered: those a kill there cuts off."""
        return {update_id for update_id, n in self.in_flight[url].items() if n > 0}

    async def settled(self, seconds: float = PATIENCE) -> None:
        """Waits until every update delivered so far was answered 200. A replica answers only
        after processing, so every reply the bot will ever send for them has been sent."""
        if self.pending:
            await asyncio.wait(set(self.pending), timeout=seconds)
        assert not self.pending, f"{len(self.pending)} updates never accepted: {self.answers}"

    async def _until_accepted(self, update: dict[str, Any], turn: int) -> None:
        update_id = update["update_id"]
        for attempt in itertools.count(turn):
            url = self.urls[attempt % len(self.urls)]
            self.in_flight[url][update_id] += 1
            try:
                async with self._client.post(
                    url, json=update, headers={SECRET_HEADER: SECRET}
                ) as response:
                    self.answers[response.status] += 1
                    if response.status == 200:
                        self._accept(update_id)
                        return
            except aiohttp.ClientError:
                self.answers["refused"] += 1
            finally:
                self.in_flight[url][update_id] -= 1
            await asyncio.sleep(RETRY_SECONDS)

    def _accept(self, update_id: int) -> None:
        """A 200 comes only after processing: every reply to this update has been sent."""
        if update_id not in self.accepted:
            self.accepted.add(update_id)
            self._open[self.senders[update_id]] -= 1
            self.api.changed()

    async def close(self) -> None:
        await self._client.close()


def sent(person: ScriptedUser, since: int = 0) -> list[SentMessage]:
    """The new messages (not edits) the bot sent this person, from transcript index `since`."""
    return [e for e in person.transcript()[since:] if e.method == "sendMessage"]


async def wait_for(telegram: Telegram, person: ScriptedUser, what: str, found: Any) -> None:
    """Waits until `found()` holds, or fails, naming the person, once every update they sent
    has been processed without it: nothing more can come. An apology fails at once."""
    start = len(person.transcript())

    def apologised() -> bool:
        return any(APOLOGY in (m.text or "") for m in sent(person, start))

    def over() -> bool:
        return bool(found()) or apologised() or telegram.unanswered(person.user_id) == 0

    assert await telegram.api.wait_until(over, PATIENCE), f"{person.user_id}: hung on {what}"
    if not found():
        said = [m.text for m in sent(person, start - 3)]
        raise AssertionError(f"person {person.user_id} waited for {what}; the bot said {said}")


async def wait_for_message(
    telegram: Telegram, person: ScriptedUser, fragments: str | tuple[str, ...], since: int
) -> str:
    """The first new message containing one of `fragments` after transcript index `since`."""
    wanted = (fragments,) if isinstance(fragments, str) else fragments

    def found() -> str | None:
        texts = (m.text or "" for m in sent(person, since))
        return next((t for t in texts if any(f in t for f in wanted)), None)

    await wait_for(telegram, person, repr(wanted), found)
    return found() or ""


async def wait_for_edit(
    telegram: Telegram, person: ScriptedUser, fragment: str, since: int
) -> None:
    """Waits for an edit whose buttons show `fragment` (a ticked option) after `since`."""

    def found() -> bool:
        return any(
            e.edited and fragment in " ".join(e.button_labels())
            for e in person.transcript()[since:]
        )

    await wait_for(telegram, person, f"an edit showing {fragment!r}", found)


async def step(telegram: Telegram, person: ScriptedUser, label: str, expect: str) -> str:
    """Taps `label` and waits for a new message containing `expect`."""
    since = len(person.transcript())
    await person.tap(label)
    return await wait_for_message(telegram, person, expect, since)


async def onboard(telegram: Telegram, person: ScriptedUser, *, started: bool = False) -> None:
    """/start through consent, age, country and zone, up to the first triage question
    (`started`: /start was sent and the consent question is on screen)."""
    if not started:
        since = len(person.transcript())
        await person.send("/start")
        await wait_for_message(telegram, person, "store and use your answers", since)
    for label, expect in [
        ("I agree", "reminders and check-ins?"),
        ("Yes, remind me", "18 or over?"),
        ("I'm 18 or over", "Which country"),
        ("United Kingdom", "Or pick one:"),
        ("Europe/London", "1/10"),
    ]:
        await step(telegram, person, label, expect)


async def start_process(env: dict[str, str], command: str, log: Path) -> Process:
    """`python -m bot <command>` with its output appended to `log`."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", command, cwd=ROOT, env=env, stdout=out, stderr=out
        )


def bot_env(api: FakeBotApi, database: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.root_url,
        "DATABASE_URL": database,
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_HOST": "127.0.0.1",
        "UPDATE_LEASE_SECONDS": "10",
        "RATE_LIMIT_PER_SECOND": "1000",
        "RATE_LIMIT_PER_CHAT_PER_SECOND": "50",
        "DATABASE_POOL_SIZE": "5",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


async def ready(port: int, seconds: float = 60, path: str = "/readyz") -> bool:
    """Waits up to `seconds` for the process serving `port` to answer `path` with 200."""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            try:
                async with client.get(f"http://127.0.0.1:{port}{path}") as response:
                    if response.status == 200:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    return False


async def stop_all(processes: list[Process]) -> None:
    """SIGTERM to every process still running, then waits for each (SIGKILL after 15 s)."""
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


@asynccontextmanager
async def migrated_postgres() -> AsyncIterator[str]:
    """A fresh PostgreSQL database at the newest schema, dropped afterwards."""
    url, name = await fresh_postgres_database()
    await upgrade_async(url)
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@dataclass(frozen=True)
class Repeat:
    """A message a person got twice: when each copy arrived."""

    user_id: int
    text: str
    first: float
    again: float


def notices(person: ScriptedUser) -> int:
    """How often the bot told this person a button was stale or it did not understand."""
    return sum(STALE in (m.text or "") or LOST in (m.text or "") for m in sent(person))


def repeats(person: ScriptedUser, allowed: tuple[str, ...] = (STALE, LOST)) -> list[Repeat]:
    """Messages sent to `person` more than once (but the `allowed` notices)."""
    seen: dict[str, float] = {}
    found = []
    for message in sent(person):
        text = message.text or ""
        if any(notice in text for notice in allowed):
            continue
        if text in seen:
            found.append(Repeat(person.user_id, text[:60], seen[text], message.at))
        seen.setdefault(text, message.at)
    return found


def cut_off_of(telegram: Telegram, cut_off: set[int], user_id: int) -> list[tuple[int, str]]:
    """The updates of `user_id` a kill cut off: each one's id and what the person did."""
    mine = [telegram.updates[u] for u in sorted(cut_off) if telegram.senders[u] == user_id]
    return [
        (u["update_id"], (u.get("callback_query") or {}).get("data") or u["message"]["text"])
        for u in mine
    ]


def cut_off_story(telegram: Telegram, cut_off: set[int], user_id: int) -> str:
    done = cut_off_of(telegram, cut_off, user_id)
    return f"person {user_id}: updates cut off by the kill: {done or 'none'}"


def check_everyone_served(
    telegram: Telegram, cut_off: set[int], outcomes: list[tuple[ScriptedUser, object]]
) -> None:
    """Fails naming each person the bot lost, with the updates a kill cut off for them."""
    lost = [(p, o) for p, o in outcomes if isinstance(o, BaseException)]
    report = "\n".join(f"{o}; {cut_off_story(telegram, cut_off, p.user_id)}" for p, o in lost)
    apologised = [p.user_id for p, _ in outcomes if any(APOLOGY in (m.text or "") for m in sent(p))]
    assert not apologised, f"the bot apologised to {apologised}:\n{report}"
    assert not lost, report
