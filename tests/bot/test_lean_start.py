"""A polling bot carries only what it uses: with the schema already current (as after
`python -m bot migrate`, which `make run` does first) its start-up and readiness checks read the
schema version without Alembic, and without HEALTH_PORT it never loads aiohttp's server. Each
case runs in a fresh interpreter, so modules other tests imported do not count."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.migrate import head_revision, upgrade

ROOT = Path(__file__).resolve().parents[2]

CHECKS = """
import asyncio, sys
from bot import runner
from bot.startup import require_database
from storage.db import create_engine
from storage.ops import schema_is_current

async def main():
    engine = create_engine(sys.argv[1])
    await require_database(engine, sys.argv[1])
    current = await schema_is_current(engine)
    await engine.dispose()
    return current

current = asyncio.run(main())
print(current, sorted(m for m in ("alembic", "aiohttp.web") if m in sys.modules))
"""


def _run_checks(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_current_schema_is_checked_without_loading_alembic_or_the_web_server(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade(url)
    assert _run_checks(url) == "True []"


def test_a_database_behind_the_newest_schema_is_refused_by_name(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade(url)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, url], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert f"has schema 0001, not {head_revision()}" in done.stderr
