"""The whole playground, as `python -m bot playground --speed 600` runs it: two people chat,
the prompt's bot clock runs ten minutes a second, and the chart, report and export the bot
sends are saved as files."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import queue
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.playground.session import PLAYGROUND_USER, run_playground
from storage.db import create_engine, session_factory
from storage.migrate import upgrade_async
from tests import factories
from tests.bot.playground.test_terminal import Screen
from tests.bot.reports import checkins, episode, triages

CLOCK = re.compile(r"bot clock \w{3} (\d{2} \w{3} \d{2}:\d{2}) UTC")


class Typing:
    """Standard input a test types into, line by line; closing it ends the input."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self) -> str:
        return self.lines.get()

    def type(self, line: str) -> None:
        self.lines.put(line + "\n")


async def seed_a_fortnight(url: str) -> None:
    """The playground's first person, two weeks into a twitch with answered check-ins."""
    await upgrade_async(url)
    engine = create_engine(url)
    now = dt.datetime.now(dt.UTC)
    async with session_factory(engine).begin() as session:
        session.add(factories.consented_user(PLAYGROUND_USER, now, tz="Europe/London"))
        await session.flush()
        story = episode()
        story.id, story.user_id = None, PLAYGROUND_USER  # type: ignore[assignment]
        session.add(story)
        await session.flush()
        for row in triages():
            row.user_id, row.episode_id, row.step = PLAYGROUND_USER, story.id, "done"
            row.created_at = row.updated_at
            session.add(row)
        for answered in checkins():
            answered.episode_id, answered.step = story.id, "done"
            session.add(answered)
    await engine.dispose()


def clock_readings(screen: Screen) -> list[dt.datetime]:
    """Every bot clock the prompt showed, in order (a year is needed to parse; any will do)."""
    return [
        dt.datetime.strptime(f"2026 {at}", "%Y %d %b %H:%M").replace(tzinfo=dt.UTC)
        for at in CLOCK.findall(screen.getvalue())
    ]


async def test_two_people_a_fast_clock_and_the_files_saved_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'playground.sqlite3'}"
    await seed_a_fortnight(url)
    typing, screen, files = Typing(), Screen(), tmp_path / "files"
    run = asyncio.create_task(
        run_playground(Settings(), url, 600, files=files, stdin=typing, stdout=screen)  # type: ignore[arg-type]
    )
    await screen.shows("Send /start to begin.", timeout=10)
    for command, name in (("/history", "png"), ("/report", "pdf"), ("/export", "zip")):
        typing.type(command)
        await screen.shows(f".{name})", timeout=15)
    typing.type("/as Sam")
    await screen.shows("(Sam joins with their own chat")
    typing.type("/start")
    await screen.shows("store and use your answers", timeout=10)
    assert re.search(r"\[Sam\] bot #\d+: ", screen.getvalue())
    await asyncio.sleep(1.5)  # 15 minutes of bot time
    typing.type("/as You")
    await screen.shows("(you are You now)")
    typing.type("/quit")
    assert await asyncio.wait_for(run, 20) == 0
    readings = clock_readings(screen)
    assert readings[-1] - readings[0] >= dt.timedelta(minutes=10)
    saved = sorted(path.name for path in files.iterdir())
    assert sorted(name.rsplit(".", 1)[1] for name in saved) == ["pdf", "png", "zip"]
    assert all(name.startswith("You-") for name in saved)
    assert all((files / name).stat().st_size > 1000 for name in saved)
    assert str(files.resolve()) in screen.getvalue()


def test_ctrl_c_ends_the_playground_cleanly(tmp_path: Path) -> None:
    """Ctrl-C at the prompt stops the bot and exits without a traceback."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    database = f"sqlite+aiosqlite:///{tmp_path / 'play.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "playground", "--database", database],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Send /start to begin." in line:
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "Stopping the bot" in out
