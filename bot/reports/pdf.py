"""The /report page: a one-page A4 PDF a person can hand to a GP, rendered in memory.

`report_sections` (pure) decides what the page says, from the catalogue's own words for
options, reasons and levels (no new clinical wording, §5.4); `render_report` lays it out with
DejaVu Sans, which matplotlib ships, so any character of the catalogue prints. Long lists keep
their latest entries and say how many were left out, so the page never runs onto a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

from bot.catalogue import Catalogue
from bot.reports.answers import asked, doctor_answers, onset
from bot.reports.history import CheckinPoint, History

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"
CAPS = (8, 6, 4, 2, 1)  # rows per list, tried in turn until the page fits on one sheet
FOOTER_ROOM = 24  # mm kept free at the bottom for the disclaimer
LABEL_WIDTH = 46  # mm
LINE = 4.3  # mm
SIGNS_AT_CHECKIN = "report.signs.checkin_new"
SIGN_QUESTIONS = (
    ("Q1_EMERGENCY", "report.signs.safety"),
    ("Q6_NERVE", "report.signs.nerve"),
    ("Q7_EYE_BODY", "report.signs.eye_body"),
)


Rows = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    title: str
    rows: Rows


def day(moment: dt.datetime | dt.date) -> str:
    return moment.strftime("%d %b %Y")


def _when(moment: dt.datetime, cat: Catalogue, by: str) -> str:
    return f"{day(moment)} ({cat.text(f'report.level.{by}')})"


def report_sections(history: History, cat: Catalogue, cap: int = CAPS[0]) -> tuple[Section, ...]:
    """What the page says, section by section, as (label, value) rows; lists keep their
    latest `cap` entries."""
    return (
        Section(cat.text("report.section.twitch"), _twitch(history, cat, cap)),
        Section(cat.text("report.section.level"), _levels(history, cat, cap)),
        Section(cat.text("report.section.signs"), _signs(history, cat, cap)),
        Section(cat.text("report.section.habits"), _habits(history, cat, cap)),
        Section(cat.text("report.section.medicines"), _medicines(history, cat)),
    )


def _options(cat: Catalogue, picks: Iterable[str]) -> str:
    return "; ".join(cat.text(f"option.{pick}") for pick in picks) or cat.text("report.none")


def _twitch(history: History, cat: Catalogue, cap: int) -> Rows:
    answers = history.answers
    rows = [(cat.text("report.twitch.reported"), day(history.opened))]
    started, given = onset(history)
    if started:
        value = cat.text(
            "report.twitch.onset_value", date=day(started), answer=_options(cat, given)
        )
        days = ((history.closed or history.now).date() - started).days
        rows += [
            (cat.text("report.twitch.onset"), value),
            (
                cat.text("report.twitch.duration"),
                cat.text("report.twitch.duration_value", days=days),
            ),
        ]
    rows.append((cat.text("report.twitch.where"), _options(cat, answers.get("Q2_AREA", ()))))
    rows.append((cat.text("report.twitch.change"), _options(cat, answers.get("Q5_CHANGE", ()))))
    rows.append((cat.text("report.twitch.bother"), _options(cat, answers.get("Q4_BOTHER", ()))))
    statuses = [f"{p.at:%d %b}: {_status(p, cat)}" for p in history.checkins]
    if statuses:
        rows.append((cat.text("report.twitch.checkins"), _latest(statuses, cat, cap)))
    doctor = doctor_answers(history.checkins, cat)
    if doctor:
        rows.append((cat.text("report.twitch.doctor"), _latest(doctor, cat, cap)))
    if history.closed:
        rows.append((cat.text("report.twitch.closed"), day(history.closed)))
    return tuple(rows)


def _status(point: CheckinPoint, cat: Catalogue) -> str:
    if point.status is None:
        return cat.text("history.monitoring")
    return cat.text(f"checkin.status.options.{point.status}")


def _latest(items: Sequence[str], cat: Catalogue, cap: int) -> str:
    shown = list(items[-cap:])
    if len(items) > cap:
        shown.insert(0, cat.text("report.more", count=len(items) - cap))
    return "; ".join(shown)


def _levels(history: History, cat: Catalogue, cap: int) -> Rows:
    rows = []
    for mark in history.levels[-cap:]:
        when = _when(mark.at, cat, mark.by)
        text = cat.text(f"level.{mark.level.value}.name")
        if mark.reasons:
            phrases = "; ".join(cat.text(f"reason.{code}") for code in mark.reasons)
            text += ". " + cat.text("report.level.reasons", reasons=phrases)
        rows.append((when, text))
    return tuple(rows)


def _signs(history: History, cat: Catalogue, cap: int) -> Rows:
    """The latest triage in full (each question: reported, and asked and said no to); an
    earlier one by what was reported then."""
    rows = []
    if len(history.assessments) > 1:
        earlier = history.assessments[-2]
        ticked = [
            pick
            for qid, _ in SIGN_QUESTIONS
            for pick in earlier.answers.get(qid, ())
            if not pick.endswith("_NONE")
        ]
        value = _options(cat, ticked) if ticked else cat.text("report.answer.none_of_the_signs")
        rows.append((_when(earlier.at, cat, "triage"), value))
    if history.assessments:
        latest = history.assessments[-1]
        for qid, key in SIGN_QUESTIONS:
            label = f"{cat.text(key)}, {_when(latest.at, cat, 'triage')}"
            rows.append((label, asked(cat, qid, latest.answers.get(qid, ()))))
            if qid == "Q6_NERVE" and "Q6_WEAK_CHECK" in latest.answers:
                check = _options(cat, latest.answers["Q6_WEAK_CHECK"])
                rows.append((cat.text("report.signs.weak_check"), check))
    for point in history.checkins[-cap:]:
        answer = _checkin_signs(point, cat)
        rows.append((_when(point.at, cat, "checkin"), f"{cat.text(SIGNS_AT_CHECKIN)}: {answer}"))
    return tuple(rows)


def _checkin_signs(point: CheckinPoint, cat: Catalogue) -> str:
    if point.safety_positive:
        return cat.text("report.signs.positive")
    if not point.new_signs:
        return cat.text("report.signs.nothing")
    return _options(cat, point.new_signs)


def _habits(history: History, cat: Catalogue, cap: int) -> Rows:
    answers = history.answers
    lately = answers.get("Q9_TRIGGERS", ())
    rows = [(cat.text("report.habits.caffeine"), _options(cat, answers.get("Q8_CAFFEINE", ())))]
    if "Q8_STRONG" in answers:
        rows.append((cat.text("report.habits.strong"), _options(cat, answers["Q8_STRONG"])))
    rows.append((cat.text("report.habits.lately"), asked(cat, "Q9_TRIGGERS", lately)))
    snapshots = [p for p in history.checkins if p.habits][-cap:]
    rows += [(_when(p.at, cat, "checkin"), _snapshot(p.habits, cat)) for p in snapshots]
    return tuple(rows)


def _snapshot(habits: Mapping[str, str], cat: Catalogue) -> str:
    def word(question: str) -> str:
        option = habits.get(question)
        if option is None:
            return "–"
        return cat.text(f"checkin.habits.{question}.options.{option}")

    return cat.text(
        "report.habits.checkin_value",
        caffeine=word("caffeine"),
        sleep=word("sleep"),
        fluids=word("fluids"),
    )


def _medicines(history: History, cat: Catalogue) -> Rows:
    picks = history.answers.get("Q10_CONTEXT", ())
    label = _when(history.assessments[-1].at, cat, "triage") if history.assessments else ""
    return ((label, asked(cat, "Q10_CONTEXT", picks)),)


# ---- Layout ---------------------------------------------------------------------------------


def render_report(history: History, cat: Catalogue) -> bytes:
    """The page as PDF bytes: the longest lists that still fit on one page."""
    for cap in CAPS:
        pdf = _layout(history, cat, cap)
        if pdf.get_y() <= pdf.h - FOOTER_ROOM:
            break
    _disclaimer(pdf, cat.text("report.disclaimer"))
    return bytes(pdf.output())


def _layout(history: History, cat: Catalogue, cap: int) -> FPDF:
    pdf = _page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(0, 8, cat.text("report.title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8.5)
    prepared = cat.text("report.prepared", date=day(history.now), zone=history.zone.key)
    pdf.multi_cell(0, LINE, prepared, align="L", new_x="LMARGIN", new_y="NEXT")
    for section in report_sections(history, cat, cap):
        _section(pdf, section)
    return pdf


def _page() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)  # one page: lists are shortened instead (CAPS)
    pdf.set_margins(16, 14, 16)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Twitch summary")
    pdf.add_page()
    return pdf


def _section(pdf: FPDF, section: Section) -> None:
    pdf.ln(2.5)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.set_text_color(21, 101, 192)
    pdf.cell(0, 6, section.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)
    pdf.set_text_color(0, 0, 0)
    for label, value in section.rows:
        _row(pdf, label, value)


def _row(pdf: FPDF, label: str, value: str) -> None:
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.multi_cell(LABEL_WIDTH, LINE, label, align="L", new_x="LMARGIN", new_y="NEXT")
    label_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + LABEL_WIDTH + 2, top)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.multi_cell(0, LINE, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), label_bottom) + 0.6)


def _disclaimer(pdf: FPDF, text: str) -> None:
    pdf.set_y(pdf.h - FOOTER_ROOM + 2)
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.multi_cell(0, LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
