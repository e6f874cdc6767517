"""The /export file: every row about the person, as one JSON file and one CSV per table, in a
zip built in memory.

Times are ISO 8601 in the person's zone with its offset (2026-11-25T09:00:00+00:00), and the
zone's name is written beside them; JSON columns stay structured in the JSON file and are
written as JSON text in the CSV cells. Beside every column that holds codes (A_EYELID, R-0,
L1, N_HYDRATE...) a `<column>_readable` one says the same in words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

JSON_NAME = "my-data.json"
READABLE = "_readable"
Words = Mapping[str, str]


def readable(value: Any, words: Words, key: str | None = None) -> Any:
    """`value` with each code replaced by its words; a check-in answer is looked up with its
    question ("status:same")."""
    if isinstance(value, str):
        return words.get(f"{key}:{value}") or words.get(value, value)
    if isinstance(value, list):
        return [readable(item, words, key) for item in value]
    if isinstance(value, dict):
        return {words.get(k, k): readable(v, words, k) for k, v in value.items()}
    return value


def with_words(row: Mapping[str, Any], words: Words) -> dict[str, Any]:
    """The row, with a readable twin after each column whose value holds codes."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        out[key] = value
        said = readable(value, words, key)
        if said != value:
            out[key + READABLE] = said
    return out


def labelled(
    tables: Mapping[str, Sequence[Mapping[str, Any]]], words: Words
) -> dict[str, list[dict[str, Any]]]:
    return {name: [with_words(row, words) for row in rows] for name, rows in tables.items()}


def plain(value: Any, zone: ZoneInfo) -> Any:
    """A stored value as JSON-ready data; aware times move to the person's zone."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_json(tables: Mapping[str, Sequence[Mapping[str, Any]]], zone: ZoneInfo) -> str:
    body = {
        "zone": zone.key,
        "tables": {
            name: [{key: plain(value, zone) for key, value in row.items()} for row in rows]
            for name, rows in tables.items()
        },
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def as_csv(rows: Sequence[Mapping[str, Any]], zone: ZoneInfo) -> str:
    out = io.StringIO()
    if rows:
        columns = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows({key: _cell(value, zone) for key, value in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return plain(value, zone)


def build_export(
    tables: Mapping[str, Sequence[Mapping[str, Any]]], zone: ZoneInfo, words: Words | None = None
) -> bytes:
    """The zip: `my-data.json` and `<table>.csv` for each table with rows, codes explained by
    `words` (see `bot.reports.labels`)."""
    tables = labelled(tables, words or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, as_json(tables, zone))
        for name, rows in tables.items():
            if rows:
                archive.writestr(f"{name}.csv", as_csv(rows, zone))
    return buffer.getvalue()
