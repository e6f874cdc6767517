"""The async engine and session factory.

On PostgreSQL every connection carries a statement timeout and a lock timeout, so a lock held
elsewhere or a runaway query fails fast (and the person gets an answer) instead of delaying
every reply behind it. A SQLite file and its folder are private to the bot's own account.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./data/twitchbot.sqlite3"
STATEMENT_TIMEOUT = 5.0
LOCK_TIMEOUT = 2.0
CONNECT_TIMEOUT = 10.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str,
    *,
    statement_timeout: float = STATEMENT_TIMEOUT,
    lock_timeout: float = LOCK_TIMEOUT,
    pool_size: int = 5,
    max_overflow: int = 5,
) -> AsyncEngine:
    """An engine for `url`; SQLite gets WAL, foreign keys, a busy timeout, private files and
    one connection (below); PostgreSQL gets statement, lock and connect timeouts (in seconds;
    0 turns one off). On PostgreSQL each process holds at most `pool_size + max_overflow`
    connections: size them so that every replica and worker together stay under the
    server's `max_connections`.

    SQLite writes one transaction at a time whatever the pool, and a second connection that
    finds the file locked sleeps in SQLite's busy handler (1, 2, 5, 10 ms and on) while the
    event loop has work to do. With one connection, transactions wait their turn in the
    event loop instead: 50 people answering at once took 18 to 36 % more steps a second,
    at less CPU a step (docs/benchmarks.md)."""
    if is_sqlite(url):
        database = make_url(url).database
        pooled: dict[str, int] = {}
        if database and database != ":memory:":
            _private_file(Path(database))
            pooled = {"pool_size": 1, "max_overflow": 0}
        engine = create_async_engine(url, connect_args={"timeout": 30}, **pooled)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    server_settings = {
        "statement_timeout": str(int(statement_timeout * 1000)),
        "lock_timeout": str(int(lock_timeout * 1000)),
    }
    connect_args = {"server_settings": server_settings, "timeout": CONNECT_TIMEOUT}
    return create_async_engine(
        url,
        pool_pre_ping=True,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=max_overflow,
    )


def _private_file(database: Path) -> None:
    """Creates the folder 0700 and the file 0600 (with its WAL and journal companions), so no
    other account on the machine can read health answers."""
    folder = database.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    old_mask = os.umask(0o077)
    try:
        # Touching under a strict umask creates the file private from its first byte; the
        # WAL and shared-memory files SQLite adds later inherit the umask too.
        database.touch(exist_ok=True)
    finally:
        os.umask(old_mask)
    database.chmod(0o600)
    for companion in ("-wal", "-shm", "-journal"):
        sibling = database.with_name(database.name + companion)
        if sibling.exists():
            sibling.chmod(0o600)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for `engine`. Each factory has a session class of its own, so that session
    events listened to on it (`sessions.kw["sync_session_class"]`) stay its own."""
    own = type("FactorySession", (Session,), {})
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=own)
