"""The /report page: one A4 page, rendered from a simulated fortnight and checked as an image."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image
from pypdf import PdfReader

from bot.catalogue import catalogue_for
from bot.reports.history import CheckinPoint
from bot.reports.pdf import render_report
from tests.bot.reports import at, fortnight

CAT = catalogue_for(None)


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(reader.pages[0].extract_text().split())


def test_the_fortnight_report_is_one_page_with_every_section() -> None:
    pages, text = text_of(render_report(fortnight(), CAT))
    assert pages == 1
    for section in ("twitch", "level", "signs", "habits", "medicines"):
        assert CAT.text(f"report.section.{section}") in text
    assert "general information, not a diagnosis" in text


def test_the_report_carries_the_answers_with_their_dates() -> None:
    _, text = text_of(render_report(fortnight(), CAT))
    assert "around 22 Nov 2026 (3 to 13 days ago)" in text
    assert "One eyelid; Face (cheek, mouth, jaw)" in text
    assert "07 Dec 2026 (triage) Routine GP appointment" in text
    assert CAT.text("reason.stiffness_or_cramps") in text
    assert "caffeine 3–4; sleep 5–6 h; drank enough: No" in text
    assert "Europe/London" in text


def test_a_long_follow_up_still_fits_on_one_page_and_says_what_was_left_out() -> None:
    history = fortnight()
    many = tuple(
        CheckinPoint(
            at(day).astimezone(history.zone),
            "same",
            False,
            ("N_STIFF",),
            None,
            {"caffeine": "c0", "sleep": "7_9", "fluids": "yes"},
            None,
        )
        for day in range(1, 41)
    )
    pages, text = text_of(render_report(dataclasses.replace(history, checkins=many), CAT))
    assert pages == 1
    assert "…and" in text and "more" in text
    assert "general information, not a diagnosis" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
def test_the_rendered_page_has_ink_in_the_top_and_the_footer_and_a_clean_right_margin(
    tmp_path: Path,
) -> None:
    (tmp_path / "report.pdf").write_bytes(render_report(fortnight(), CAT))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-singlefile", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    page = image.imread(tmp_path / "page.png")[:, :, :3]
    ink = page.min(axis=2) < 0.5
    height, width = ink.shape
    assert height > width  # portrait A4
    assert ink[: height // 10].any() and ink[-height // 8 :].any()
    assert not ink[:, int(width * 0.95) :].any()  # nothing runs past the right margin
    assert ink.mean() < 0.1
