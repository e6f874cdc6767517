"""Update handling benchmark: the bare python-telegram-bot echo bot (the ceiling) and this
bot, one after the other in one run, each a child process polling the project's own Bot API
stand-in (bot/playground/server.py), which runs here with the scripted people.

Cases: one person tapping as soon as each question arrives; 50 people with the default limits
(tapping at once, then with a few seconds' thought) and with the limits raised (the bot's own
ceiling, profiled with py-spy when installed); a storm of 100,000 due reminders while new
people arrive. Figures are printed and written to docs/benchmarks.md.

Usage: .venv/bin/python bench/updates.py [--storm N] [--seconds S] [--only one,raised]
(or `make bench`; only a run of every case is written to docs/benchmarks.md)
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from people import (  # noqa: E402
    QUESTIONS,
    Record,
    begin_again,
    echo_chat,
    new_message,
    onboard,
    triage,
    triages,
)
from procs import Child, area_shares, profile, summarise  # noqa: E402
from report import Results, pct, sliding_max, write_report  # noqa: E402
from storm import FIRST_ID, join, seed  # noqa: E402

from bot.budget import REPLY_MEMORY  # noqa: E402
from bot.playground.server import FakeBotApi  # noqa: E402

TOKEN = "123456:" + "B" * 32
PEOPLE = 50
WARM_SECONDS = 4.0
RAISED = {"RATE_LIMIT_PER_SECOND": "100000", "RATE_LIMIT_PER_CHAT_PER_SECOND": "100000"}
AREAS = {
    "imports retried under httpcore": "importlib._bootstrap",
    "the sending budget and limiter": "bot/budget.py",
    "chat queues (fairness)": "bot/fairness.py",
    "our handlers and use of storage": "/bot/",
    "the triage core": "/triage/",
    "the reminder dispatcher": "/scheduler/",
    "SQLAlchemy": "/sqlalchemy/",
    "aiosqlite and sqlite3": "aiosqlite",
    "httpx, httpcore, h11, anyio": "/http",
    "python-telegram-bot": "/telegram/",
    "asyncio event loop": "asyncio/",
}


QUICK = 0.25
"""A quarter of a second from seeing a question to tapping: the fastest a person reads one."""


def no_wait() -> float:
    return 0.0


def think() -> float:
    """A person reading a question before tapping: 3 to 8 seconds."""
    return random.uniform(3.0, 8.0)


def read() -> float:
    """A quick reader who knows the questions: 1 to 3 seconds."""
    return random.uniform(1.0, 3.0)


async def start_bot(api: FakeBotApi, database: Path, extra: dict[str, str]) -> Child:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.root_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    # As `make run` does: the schema first, in its own process, then the bot.
    migrate = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate",
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(BENCH.parent), **env},
        cwd=database.parent,
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await migrate.wait():
        raise RuntimeError("python -m bot migrate failed")
    return await Child.start(api, ["-m", "bot", "run"], env)


async def warm_up(api: FakeBotApi, user_id: int = 99) -> None:
    """One person onboards before anything is measured: the first onboarding since start loads
    the city list (about 2 s of CPU in a thread), a cost paid once per process."""
    await onboard(api.user(user_id=user_id), Record())
    await asyncio.sleep(WARM_SECONDS)


async def echo_case(results: Results, seconds: float) -> None:
    async with FakeBotApi(token=TOKEN) as api:
        child = await Child.start(api, [str(BENCH / "echo.py"), api.root_url, TOKEN], {})
        await asyncio.sleep(2)
        results.echo_rss = child.memory()[1]
        one = Record()
        await echo_chat(api.user(user_id=1), time.monotonic() + 5, one)
        many, crowd = Record(), [api.user(user_id=100 + n) for n in range(PEOPLE)]
        cpu, started = child.cpu(), time.monotonic()
        until = started + seconds
        await asyncio.gather(*(echo_chat(person, until, many) for person in crowd))
        results.echo = {
            "one_p50": pct(one.steps, 50),
            "rate": many.per_second(started + 1, until),
            "p99": pct(many.steps, 99),
            "cpu_ms": 1000 * (child.cpu() - cpu) / len(many.steps),
        }
        await child.stop()


async def floor_case(results: Results, seconds: float) -> None:
    """50 people tapping at once through bench/floor.py: python-telegram-bot making this bot's
    calls for each step, with nothing behind them (the bot's floor on this machine)."""
    async with FakeBotApi(token=TOKEN) as api:
        child = await Child.start(api, [str(BENCH / "floor.py"), api.root_url, TOKEN], {})
        crowd = [api.user(user_id=100 + n) for n in range(PEOPLE)]
        for person in crowd:
            await person.send("/start")
        await asyncio.gather(*(new_message(person, [QUESTIONS[0]]) for person in crowd))
        record, cpu, started = Record(), child.cpu(), time.monotonic()
        until = started + seconds
        await asyncio.gather(*(triages(person, until, record) for person in crowd))
        results.crowd["floor"] = {
            "rate": record.per_second(started + 1, until),
            "p99": pct(record.steps, 99),
            "cpu_ms": 1000 * (child.cpu() - cpu) / len(record.steps),
        }
        await child.stop()


async def one_person_case(
    results: Results, seconds: float, raised: bool = False, quick: bool = False
) -> None:
    """One person tapping as soon as each question arrives; with `raised`, the sending limits
    are lifted, which shows the bot's own latency apart from the Telegram budget; with `quick`,
    the person takes a quarter of a second for each tap, as fast as anyone reads a button."""
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotApi(token=TOKEN) as api:
            child = await start_bot(api, Path(tmp) / "bot.sqlite3", RAISED if raised else {})
            await asyncio.sleep(3)
            if not raised and not quick:
                results.bot_rss = child.memory()[1]
            await warm_up(api)
            person, record = api.user(user_id=1), Record()
            await onboard(person, record)
            began = time.monotonic()
            await triages(person, began + seconds, record, (lambda: QUICK) if quick else no_wait)
            ended = time.monotonic()
            sends = [e.at for e in api.events(1) if began <= e.at < ended]
            figures = {
                "p50": pct(record.steps, 50),
                "p99": pct(record.steps, 99),
                "tick_p50": pct(record.ticks, 50),
                "start": pct(record.starts, 50),
                "steps": len(record.steps),
                "sends_per_s": len(sends) / (ended - began),
                "held": sum(1 for step in record.steps if step > 0.1) / len(record.steps),
            }
            prefix = "raised_" if raised else "quick_" if quick else ""
            results.one |= {f"{prefix}{key}": value for key, value in figures.items()}
            await child.stop()


async def crowd_case(
    results: Results, name: str, extra: dict[str, str], seconds: float, paced: bool = False
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotApi(token=TOKEN) as api:
            child = await start_bot(api, Path(tmp) / "bot.sqlite3", extra)
            await warm_up(api)
            crowd = [api.user(user_id=100 + n) for n in range(PEOPLE)]
            await asyncio.gather(*(onboard(person, Record()) for person in crowd))
            record, cpu, started = Record(), child.cpu(), time.monotonic()
            until = started + seconds
            pace = think if paced else no_wait
            await asyncio.gather(*(triages(person, until, record, pace) for person in crowd))
            used = child.cpu() - cpu
            results.crowd[name] = {
                "rate": record.per_second(started + 1, until),
                "p50": pct(record.steps, 50),
                "p99": pct(record.steps, 99),
                "cpu_ms": 1000 * used / len(record.steps),
                "core": used / (time.monotonic() - started),
            }
            if name == "raised":
                # Profiled in a window of its own: py-spy stops the process for each sample,
                # which would slow the figures above.
                out = Path(tmp) / "profile.txt"
                spied = asyncio.create_task(profile(child, seconds - 2, out))
                until = time.monotonic() + seconds
                await asyncio.gather(*(begin_again(person) for person in crowd))
                await asyncio.gather(*(triages(person, until, Record()) for person in crowd))
                if (collapsed := await spied) is not None:
                    results.profile = summarise(collapsed)
                    results.areas = area_shares(collapsed, AREAS)
            await child.stop()


async def storm_case(results: Results, size: int, seconds: float) -> None:
    """The storm alone (its drain), then new people arriving while it goes on."""
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bot.sqlite3"
        begun = time.monotonic()
        await asyncio.to_thread(seed, str(database), size, dt.datetime.now(dt.UTC))
        results.storm["seed_s"] = time.monotonic() - begun
        async with FakeBotApi(token=TOKEN) as api:
            join(api, size)
            child = await start_bot(api, database, {})
            await warm_up(api)
            # The drain alone, measured once the warm-up person's replies no longer count as
            # someone active (the budget keeps room for people active in the last 5 s).
            await asyncio.sleep(REPLY_MEMORY - WARM_SECONDS + 1)
            since = time.monotonic()
            await asyncio.sleep(seconds)
            arrived = time.monotonic()
            one, person = Record(), api.user(user_id=1)
            await onboard(person, one)
            await triages(person, time.monotonic() + seconds, one)
            five, group = Record(), [api.user(user_id=10 + n) for n in range(5)]
            await asyncio.gather(*(onboard(each, five) for each in group))
            await asyncio.gather(*(triage(each, five, no_wait) for each in group))
            # The same as people do it: a second or three to read each question.
            reader, reading = Record(), api.user(user_id=2)
            await onboard(reading, reader)
            await triage(reading, reader, read)
            readers, group = Record(), [api.user(user_id=20 + n) for n in range(5)]
            await asyncio.gather(*(onboard(each, readers) for each in group))
            await asyncio.gather(*(triage(each, readers, read) for each in group))
            closed = time.monotonic()
            await child.stop()
            sent = [e.at for chat in range(FIRST_ID, FIRST_ID + size) for e in api.events(chat)]
            chats = (1, 2, 99, *range(10, 15), *range(20, 25))
            replies = [e.at for chat in chats for e in api.events(chat)]
        first = min(sent, default=arrived)
        everything = sent + replies
        results.storm |= {
            "size": size,
            "drain": sum(1 for at in sent if since <= at < arrived) / (arrived - since),
            "shared": sum(1 for at in everything if arrived <= at < closed) / (closed - arrived),
            "max_second": sliding_max(everything),
            "alone_max": sliding_max([at for at in sent if at < arrived]),
            "seconds_over": _seconds_over(everything, first, closed),
            "first_second": sum(1 for at in everything if first <= at < first + 1),
            "start": pct(one.starts, 50),
            "p50": pct(one.steps, 50),
            "p99": pct(one.steps, 99),
            "five_start_max": max(five.starts),
            "five_p50": pct(five.steps, 50),
            "five_p99": pct(five.steps, 99),
            "read_p50": pct(reader.steps, 50),
            "read_p99": pct(reader.steps, 99),
            "read_five_p50": pct(readers.steps, 50),
            "read_five_p99": pct(readers.steps, 99),
            "reminders_sent": len(sent),
        }


def _seconds_over(times: list[float], first: float, last: float, budget: int = 30) -> float:
    """The share of sliding one-second windows (stepped by 10 ms) holding more than `budget`."""
    ordered, over, steps = sorted(times), 0, max(1, int((last - first) * 100))
    for n in range(steps):
        start = first + n / 100
        inside = bisect.bisect_left(ordered, start + 1) - bisect.bisect_left(ordered, start)
        over += inside > budget
    return over / steps


CASES = ("echo", "floor", "one", "one_quick", "one_raised", "default", "paced", "raised", "storm")


async def main(storm: int, seconds: float, only: list[str]) -> None:
    results = Results()
    runs = {
        "echo": lambda: echo_case(results, seconds),
        "floor": lambda: floor_case(results, seconds),
        "one": lambda: one_person_case(results, seconds),
        "one_quick": lambda: one_person_case(results, seconds, quick=True),
        "one_raised": lambda: one_person_case(results, seconds, raised=True),
        "default": lambda: crowd_case(results, "default", {}, seconds),
        "paced": lambda: crowd_case(results, "paced", {}, seconds * 2, paced=True),
        "raised": lambda: crowd_case(results, "raised", RAISED, seconds),
        "storm": lambda: storm_case(results, storm, seconds),
    }
    for name in only:
        await runs[name]()
    if only == list(CASES):
        write_report(results, " ".join(["bench/updates.py", *sys.argv[1:]]))
    else:  # a partial run is printed, never written into the document
        print(results, flush=True)


if __name__ == "__main__":
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--storm", type=int, default=100_000, help="due reminders")
    options.add_argument("--seconds", type=float, default=12.0, help="length of each run")
    options.add_argument(
        "--only", default=",".join(CASES), help=f"cases to run, of {','.join(CASES)}"
    )
    parsed = options.parse_args()
    asyncio.run(main(parsed.storm, parsed.seconds, parsed.only.split(",")))
