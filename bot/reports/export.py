"""The /export file: every row about the person, as one JSON file and one CSV per table, in a
zip built in memory.

Times are ISO 8601 in the person's zone with its offset (2026-11-25T09:00:00+00:00), and the
zone's name is written beside them; JSON columns stay structured in the JSON file and are
written as JSON text in the CSV cells.
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
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({key: _cell(value, zone) for key, value in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return plain(value, zone)


def build_export(tables: Mapping[str, Sequence[Mapping[str, Any]]], zone: ZoneInfo) -> bytes:
    """The zip: `my-data.json` and `<table>.csv` for each table with rows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, as_json(tables, zone))
        for name, rows in tables.items():
            if rows:
                archive.writestr(f"{name}.csv", as_csv(rows, zone))
    return buffer.getvalue()
