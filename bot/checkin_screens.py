"""The check-in's screens in Telegram (spec §4.2): the text and buttons of each, ticks
included, and the callback data their buttons carry. The words come from the catalogue
(`checkin.*`, `checkin_ui.*`, `option.*`); which screen comes next is the core's
(`triage.checkin_flow`).

Callback data: `c:<checkin>:<screen>:<option>`, `c:<checkin>:habits:<question>:<option>`,
`c:<checkin>:<screen>:BACK` (the screen before, on every screen after the first), and
`c:<checkin>:rerun:full|partial|none`. An answer already given is shown ticked. `RERUN_ANSWERS`
tells the re-run offer's data from the screens' (`SCREEN_ANSWERS`).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import callbacks
from bot.catalogue import Catalogue
from bot.replies import keyboard
from storage.models import CheckIn
from triage.checkin_flow import CHOICES, EMERGENCY_SIGNS
from triage.followup import HABITS, RED_FLAG_SIGNS

AREA = "c"
NONE = "none"
DONE = "DONE"
SKIP = "skip"
Rows = list[list[tuple[str, str]]]
RERUN = "rerun"
BACK = "BACK"
RERUN_ANSWERS = rf"^c:[^:]*:{RERUN}(:|$)"
SCREEN_ANSWERS = rf"^c:(?![^:]*:{RERUN}(:|$))"


def safety_markup(
    cat: Catalogue, checkin_id: int, *, said_no: bool = False
) -> InlineKeyboardMarkup:
    """The emergency list, one sign a row, under "No, none of these" (ticked once said): the
    none-option pinned at the top, as on every list of the questionnaire (spec §2 UI notes)."""
    none = _ticked(cat, cat.text("checkin.safety.none"), said_no)
    rows = [[(none, data(checkin_id, "safety", NONE))]]
    rows += [
        [(cat.text(f"option.{sign}"), data(checkin_id, "safety", sign))] for sign in EMERGENCY_SIGNS
    ]
    return keyboard(rows)


def render(cat: Catalogue, row: CheckIn) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of the row's current screen, ticks included."""
    if row.step == "safety":
        said_no = row.answers.get("safety") is False
        return cat.text("checkin.safety.question"), safety_markup(cat, row.id, said_no=said_no)
    if row.step == "new_signs":
        text, rows = _new_signs(cat, row)
    elif row.step == "habits":
        text, rows = _habits(cat, row)
    else:
        text, rows = _choice(cat, row)
    return text, keyboard([*rows, [(cat.text("back.button"), data(row.id, row.step, BACK))]])


def _choice(cat: Catalogue, row: CheckIn) -> tuple[str, Rows]:
    chosen = row.answers.get(row.step)
    rows = [
        [
            (
                _ticked(cat, cat.text(f"checkin.{row.step}.options.{choice}"), choice == chosen),
                data(row.id, row.step, choice),
            )
        ]
        for choice in CHOICES[row.step]
    ]
    return cat.text(f"checkin.{row.step}.question"), rows


def _new_signs(cat: Catalogue, row: CheckIn) -> tuple[str, Rows]:
    ticked = set(row.selection)
    nothing = not ticked and row.answers.get("new_signs") == []
    none = _ticked(cat, cat.text("checkin.new_signs.none"), nothing)
    rows = [[(none, data(row.id, "new_signs", NONE))]]
    for sign in RED_FLAG_SIGNS:
        label = _ticked(cat, cat.text(f"option.{sign}"), sign in ticked)
        rows.append([(label, data(row.id, "new_signs", sign))])
    rows.append([(cat.text("triage_ui.done"), data(row.id, "new_signs", DONE))])
    return cat.text("checkin.new_signs.question"), rows


def _habits(cat: Catalogue, row: CheckIn) -> tuple[str, Rows]:
    chosen = row.answers.get("habits", {})
    lines = [cat.text("checkin.habits.intro")]
    rows: Rows = []
    for question, options in HABITS.items():
        lines.append(
            cat.text(f"checkin_ui.habits_{question}", label=_habit_question(cat, question))
        )
        rows.append(
            [_habit_button(cat, row.id, question, o, chosen.get(question)) for o in options]
        )
    rows.append([(cat.text("checkin.habits.skip"), data(row.id, "habits", SKIP))])
    return "\n".join(lines), rows


def _habit_question(cat: Catalogue, question: str) -> str:
    return cat.text(f"checkin.habits.{question}.question")


def _habit_button(
    cat: Catalogue, checkin_id: int, question: str, option: str, chosen: str | None
) -> tuple[str, str]:
    label = cat.text(f"checkin.habits.{question}.options.{option}")
    label = _ticked(cat, cat.text(f"checkin_ui.habits_{question}", label=label), option == chosen)
    return label, data(checkin_id, "habits", question, option)


def _ticked(cat: Catalogue, label: str, ticked: bool) -> str:
    return cat.text("triage_ui.ticked", label=label) if ticked else label


def data(checkin_id: int, *fields: str) -> str:
    return callbacks.encode(AREA, checkin_id, *fields)
