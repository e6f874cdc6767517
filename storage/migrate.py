"""Running Alembic migrations from code (`python -m bot migrate`, tests, start-up).

Alembic (about 11 MB) is imported only when a migration runs: the newest revision is read from
the migration files and a database's own from its `alembic_version` table, so the start-up
check, the readiness check and a SQLite database already at the newest schema never load it.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision\b[^=]*=\s*['\"]?(\w+)", re.MULTILINE)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema. Blocking: call from a thread."""
    if _sqlite_is_current(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), "head")


async def upgrade_async(url: str) -> None:
    """`upgrade`, off the event loop (env.py runs its own loop)."""
    await asyncio.to_thread(upgrade, url)


@functools.cache
def head_revision() -> str | None:
    """The newest revision id, read from the migration files' `revision` lines."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, revision in _REVISION.findall(path.read_text(encoding="utf-8")):
            (replaced if down else revisions).add(revision)
    heads = revisions - replaced
    return heads.pop() if len(heads) == 1 else None


async def stamped_revisions(connection: AsyncConnection) -> set[str]:
    """The revisions a database is stamped with (none before its first migration)."""
    return await connection.run_sync(_stamped)


def _stamped(connection: Connection) -> set[str]:
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


def _sqlite_is_current(url: str) -> bool:
    """Whether `url` is a SQLite file already stamped with the newest revision."""
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not path or not Path(path).exists():
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == head_revision()
