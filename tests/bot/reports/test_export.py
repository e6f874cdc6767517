"""The /export zip: JSON and CSV of every row, times ISO with the person's zone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

from bot.catalogue import catalogue_for
from bot.reports.export import build_export
from bot.reports.labels import glossary

TABLES = {
    "users": [
        {
            "id": 501,
            "tz": "America/New_York",
            "created_at": dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC),
        }
    ],
    "episodes": [
        {
            "id": 1,
            "onset_date": dt.date(2026, 11, 22),
            "reasons": ["R-0"],
            "answers": {"answers": {"Q2_AREA": ["A_EYELID"]}},
        }
    ],
    "deliveries": [],
}


def test_the_zip_holds_json_and_a_csv_per_table_with_rows() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_export(TABLES, ZoneInfo("America/New_York"))))
    assert sorted(archive.namelist()) == ["episodes.csv", "my-data.json", "users.csv"]


def test_times_are_iso_in_the_persons_zone_and_json_columns_stay_structured() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_export(TABLES, ZoneInfo("America/New_York"))))
    body = json.loads(archive.read("my-data.json"))
    assert body["zone"] == "America/New_York"
    assert body["tables"]["users"][0]["created_at"] == "2026-11-25T04:00:00-05:00"
    assert body["tables"]["episodes"][0]["answers"]["answers"]["Q2_AREA"] == ["A_EYELID"]


def test_the_csv_has_a_header_and_json_cells() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_export(TABLES, ZoneInfo("America/New_York"))))
    (row,) = csv.DictReader(io.StringIO(archive.read("episodes.csv").decode()))
    assert row["onset_date"] == "2026-11-22"
    assert json.loads(row["reasons"]) == ["R-0"]


def test_codes_have_readable_words_beside_them_in_json_and_csv() -> None:
    words = glossary(catalogue_for(None))
    tables = {
        "episodes": [
            {
                "id": 1,
                "level": "L1",
                "reasons": ["R-0"],
                "answers": {"answers": {"Q2_AREA": ["A_EYELID"]}},
            }
        ],
        "checkins": [{"id": 7, "answers": {"status": "same", "doctor": "not_yet"}}],
        "reminders": [{"id": 3, "kind": "N_HYDRATE", "active": True}],
    }
    archive = zipfile.ZipFile(io.BytesIO(build_export(tables, ZoneInfo("UTC"), words)))
    body = json.loads(archive.read("my-data.json"))["tables"]
    episode = body["episodes"][0]
    assert episode["level"] == "L1" and episode["level_readable"] == "Routine GP appointment"
    assert episode["reasons_readable"] == ["no warning signs in your answers"]
    assert episode["answers_readable"]["answers"] == {"Where is the twitching?": ["One eyelid"]}
    assert body["checkins"][0]["answers_readable"] == {"status": "Same", "doctor": "Not yet"}
    assert "active_readable" not in body["reminders"][0]
    (row,) = csv.DictReader(io.StringIO(archive.read("reminders.csv").decode()))
    assert (row["kind"], row["kind_readable"]) == ("N_HYDRATE", "Water check")
