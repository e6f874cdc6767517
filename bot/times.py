"""Wall times as people type them: "18:45", "18.45", "18h45", "6:45pm", "6.45 p.m.", "7am",
"noon", "midnight". Pure: no clock, no zone."""

from __future__ import annotations

import datetime as dt
import re

_CLOCK = r"(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?"
_ONE = re.compile(rf"^\s*(?:{_CLOCK}|(noon|midday|midnight))\s*$", re.IGNORECASE)
_MANY = re.compile(rf"(?<![\d:.])(?:{_CLOCK}|(noon|midday|midnight))(?![\d:.]*\d)", re.IGNORECASE)
_WORDS = {"noon": dt.time(12), "midday": dt.time(12), "midnight": dt.time(0)}
_BETWEEN = re.compile(r"^[\s,;&+/]*(?:and)?[\s,;&+/]*$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """One typed wall time; None for "25:99", "7" alone, or "tomorrow-ish"."""
    found = _ONE.match(text)
    return _time(found) if found else None


def parse_times(text: str) -> list[dt.time] | None:
    """Several typed times ("8am, 1pm and 18:30"), in the order typed; None when anything
    else is in the text, or any of them is not a time."""
    times: list[dt.time] = []
    end = 0
    for found in _MANY.finditer(text):
        at = _time(found)
        if at is None or not _BETWEEN.match(text[end : found.start()]):
            return None
        times.append(at)
        end = found.end()
    if not times or not _BETWEEN.match(text[end:]):
        return None
    return times


def _time(found: re.Match[str]) -> dt.time | None:
    hour_text, minute_text, half, word = found.groups()
    if word:
        return _WORDS[word.lower()]
    hour, minute = int(hour_text), int(minute_text or 0)
    if half is None:
        # A bare "7" is too vague to set a reminder by; "07:00" or "7am" is not.
        return dt.time(hour, minute) if minute_text and hour < 24 and minute < 60 else None
    if not 1 <= hour <= 12 or minute >= 60:
        return None
    hour = hour % 12 + (12 if half.lower() == "p" else 0)
    return dt.time(hour, minute)
