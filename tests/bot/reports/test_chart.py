"""The /history chart, rendered from a simulated fortnight and checked as an image."""

from __future__ import annotations

import io

import numpy as np
from matplotlib import image

from bot.catalogue import catalogue_for
from bot.reports.chart import COLOURS, LEVEL_COLOUR, LINE_COLOUR, render_chart
from bot.reports.history import CheckinPoint
from tests.bot.reports import at, fortnight

CAT = catalogue_for(None)


def pixels(png: bytes) -> np.ndarray:
    return image.imread(io.BytesIO(png), format="png")[:, :, :3]


def share_of(picture: np.ndarray, colour: str) -> float:
    """The share of the picture's pixels painted (almost) exactly `colour`."""
    target = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    close = np.abs(picture - target).max(axis=2) < 0.03
    return float(close.mean())


def test_the_fortnight_chart_is_a_png_with_every_series_drawn() -> None:
    picture = pixels(render_chart(fortnight(), CAT))
    assert picture.shape[:2] == (880, 1100)
    for colour in (LINE_COLOUR, LEVEL_COLOUR, *COLOURS.values()):
        assert share_of(picture, colour) > 0.001, colour


def test_most_of_the_chart_is_background_not_ink() -> None:
    picture = pixels(render_chart(fortnight(), CAT))
    assert share_of(picture, "#ffffff") > 0.6


def test_a_day_with_every_nudge_done_has_no_grey_in_its_bar() -> None:
    busy = pixels(render_chart(fortnight(), CAT))
    history = fortnight()
    quiet = type(history)(**{**history.__dict__, "nudges": ()})
    assert share_of(pixels(render_chart(quiet, CAT)), COLOURS["unanswered"]) < share_of(
        busy, COLOURS["unanswered"]
    )


def test_an_emergency_sign_at_a_check_in_is_marked() -> None:
    history = fortnight()
    alarm = CheckinPoint(at(13).astimezone(history.zone), "worse", True, (), None, {}, None)
    flagged = type(history)(**{**history.__dict__, "checkins": (*history.checkins, alarm)})
    before = share_of(pixels(render_chart(history, CAT)), LEVEL_COLOUR)
    assert share_of(pixels(render_chart(flagged, CAT)), LEVEL_COLOUR) > before
