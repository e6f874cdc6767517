"""Everything stored about one person: finding it (for /export) and erasing it (/delete and the
retention job).

No table is listed by hand. The schema's foreign keys are walked from `users`: a table is
about a person when one of its foreign keys points at `users`, or at a row of a table that is
itself about the person (episodes, reminders, deliveries, check-ins, and whatever is added
later). A new table with such a key is covered without touching this module. Never commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import as_stored
from storage.models import Base, User
from storage.pseudonyms import person

log = logging.getLogger(__name__)
PEOPLE: Table = User.__table__  # type: ignore[assignment]
CHUNK = 500  # keys per DELETE, well under SQLite's bound-parameter limit


def person_tables(metadata: Any = Base.metadata) -> tuple[Table, ...]:
    """The tables that hold rows about a person, parents before children."""
    found: list[Table] = []
    for table in metadata.sorted_tables:
        if table is PEOPLE or any(_parent(fk) in found for fk in table.foreign_keys):
            found.append(table)
    return tuple(found)


def _parent(fk: Any) -> Table:
    return fk.column.table  # type: ignore[no-any-return]


def _about(table: Table, user_id: int, tables: tuple[Table, ...]) -> ColumnElement[bool]:
    """Rows of `table` about the person: the person's row, or rows whose keys reach it."""
    if table is PEOPLE:
        return PEOPLE.c.id == user_id
    reaches = [
        fk.parent.in_(_keys(fk.column, user_id, tables))
        for fk in table.foreign_keys
        # A self-reference (a snooze copy's origin) adds no reach: the copy carries the same
        # owner keys as the series it repeats.
        if _parent(fk) in tables and _parent(fk) is not table
    ]
    return or_(false(), *reaches)


def _keys(column: Any, user_id: int, tables: tuple[Table, ...]) -> Select[Any]:
    table = column.table
    return select(column).where(_about(table, user_id, tables))


async def collect(session: AsyncSession, user_id: int) -> dict[str, list[Mapping[str, Any]]]:
    """Every row about the person, by table name, each table ordered by its primary key."""
    tables = person_tables()
    found: dict[str, list[Mapping[str, Any]]] = {}
    for table in tables:
        query = select(*map(as_stored, table.columns)).where(_about(table, user_id, tables))
        query = query.order_by(*table.primary_key.columns)
        found[table.name] = [dict(row._mapping) for row in await session.execute(query)]
    return found


async def erase_person(session: AsyncSession, user_id: int) -> int:
    """Deletes every row about the person, children first; returns how many rows went.

    (Counted from the rows found: a cascade may remove a row before its own DELETE does.)

    The rows are found before anything is deleted: a delete that sets a key to NULL (a
    check-in's delivery) must not hide a row from the search. Runs in the caller's
    transaction, so either everything goes or nothing does.
    """
    tables = person_tables()
    found = {table: await _primary_keys(session, table, user_id, tables) for table in tables}
    for table in reversed(tables):
        (key,) = table.primary_key.columns
        for start in range(0, len(found[table]), CHUNK):
            chunk = found[table][start : start + CHUNK]
            await session.execute(delete(table).where(key.in_(chunk)))
    erased = sum(len(keys) for keys in found.values())
    log.info("erased user %s: %s rows", person(user_id), erased)
    return erased


async def _primary_keys(
    session: AsyncSession, table: Table, user_id: int, tables: tuple[Table, ...]
) -> list[Any]:
    (key,) = table.primary_key.columns
    return list((await session.scalars(select(key).where(_about(table, user_id, tables)))).all())
