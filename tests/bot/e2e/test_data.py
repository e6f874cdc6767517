"""A person's own data through the real Application: /history, /report, /export and /delete."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

from matplotlib import image
from pypdf import PdfReader
from sqlalchemy import select

from bot.catalogue import catalogue_for
from bot.playground.users import ScriptedUser
from storage.models import Base, Episode, User
from tests.bot.e2e.checkin_setup import Seeded, seed_followup
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard, read_until
from tests.bot.e2e.test_checkins import latest_answer
from tests.bot.e2e.test_triage import CALM, walk
from tests.bot.reports import DAY0, checkins, deliveries, episode, triages

CAT = catalogue_for(None)


async def seed_fortnight(rig: BotRig, person: ScriptedUser) -> Seeded:
    """A person with two weeks of check-ins and nudges behind them (tests/bot/reports)."""
    rig.clock.set(DAY0)
    seeded = await seed_followup(rig, person)
    sessions, answered, sent = triages(), checkins(), deliveries()
    for triage in sessions:
        triage.user_id, triage.episode_id = person.user_id, seeded.episode_id
        triage.step, triage.created_at = "done", triage.updated_at
    for row in answered:
        row.episode_id, row.step = seeded.episode_id, "done"
    for delivery in sent:
        delivery.reminder_id = seeded.nudge_reminder_id
    story = episode()
    async with rig.deps.sessions.begin() as session:
        session.add_all([*sessions, *answered, *sent])
        stored = await session.get_one(Episode, seeded.episode_id)
        stored.level, stored.reasons = story.level, story.reasons
        stored.answers, stored.onset_date = story.answers, story.onset_date
    rig.clock.set(DAY0 + dt.timedelta(days=14))
    return seeded


async def rows_about(rig: BotRig, user_id: int) -> list[str]:
    """Every row, in every table of the schema, with a column naming the person: walks the
    metadata, so a new table is checked too."""
    found = []
    async with rig.deps.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                found += [
                    f"{table.name}.{key}"
                    for key, value in row.items()
                    if _names(key, value, user_id)
                ]
    return found


def _names(key: str, value: object, user_id: int) -> bool:
    return value == user_id and key in ("id", "user_id", "chat_id")


async def test_history_and_report_for_someone_with_no_episode_say_so(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/history")
    assert "no twitch check to show yet" in (await person.next_message()).text
    await person.send("/report")
    assert "no twitch check to summarise yet" in (await person.next_message()).text


async def test_export_and_delete_with_no_data_say_there_is_nothing(rig: BotRig) -> None:
    person = rig.user()
    await person.send("/export")
    assert (await person.next_message()).text == CAT.text("data.nothing_to_export")
    await person.send("/delete")
    assert (await person.next_message()).text == CAT.text("data.nothing_to_delete")


async def test_history_with_fewer_than_two_check_ins_explains_instead_of_drawing(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await walk(person, CALM)
    await person.send("/history")
    reply = await person.next_message()
    assert reply.file is None
    assert "at least two check-in answers" in reply.text and "so far I have 0" in reply.text


async def test_history_sends_a_chart_of_the_fortnight_with_a_summary(rig: BotRig) -> None:
    person = rig.user()
    await seed_fortnight(rig, person)
    await person.send("/history")
    sent = await person.next_message()
    picture = image.imread(io.BytesIO(sent.file or b""), format="png")
    assert sent.method == "sendPhoto"
    assert picture.shape[0] > 600 and picture.shape[1] > 900
    assert "Check-ins answered: 5" in sent.caption
    assert "Routine GP appointment" in sent.caption
    assert "snoozed" in sent.caption


async def test_report_is_a_one_page_pdf_with_the_answers_and_the_disclaimer(rig: BotRig) -> None:
    person = rig.user()
    await seed_fortnight(rig, person)
    await person.send("/report")
    sent = await person.next_message()
    reader = PdfReader(io.BytesIO(sent.file or b""))
    text = " ".join(reader.pages[0].extract_text().split())
    assert sent.method == "sendDocument" and sent.filename.endswith(".pdf")
    assert len(reader.pages) == 1
    assert "general information, not a diagnosis" in text
    assert CAT.text("option.A_EYELID") in text and "Europe/London" in text
    assert "07 Dec 2026 (triage)" in text and "Routine GP appointment" in text


async def test_history_report_and_export_name_the_level_in_the_persons_countrys_words(
    rig: BotRig,
) -> None:
    person = rig.user()
    await seed_fortnight(rig, person)
    async with rig.deps.sessions.begin() as session:
        (await session.get_one(User, person.user_id)).country = "US"  # no GPs there
    await person.send("/history")
    caption = (await person.next_message()).caption or ""
    await person.send("/report")
    page = PdfReader(io.BytesIO((await person.next_message()).file or b""))
    text = " ".join(page.pages[0].extract_text().split())
    await person.send("/export")
    archive = zipfile.ZipFile(io.BytesIO((await person.next_message()).file or b""))
    exported = json.loads(archive.read("my-data.json"))["tables"]["episodes"][0]
    for shown in (caption, text, exported["level_readable"]):
        assert "Routine doctor appointment" in shown and "GP" not in shown


async def test_export_zips_json_and_csv_with_the_persons_rows_in_their_zone(rig: BotRig) -> None:
    person = rig.user()
    await seed_fortnight(rig, person)
    await person.send("/export")
    sent = await person.next_message()
    archive = zipfile.ZipFile(io.BytesIO(sent.file or b""))
    body = json.loads(archive.read("my-data.json"))
    checkin_rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert sent.filename.endswith(".zip") and "Europe/London" in sent.caption
    assert body["zone"] == "Europe/London"
    assert [row["id"] for row in body["tables"]["users"]] == [person.user_id]
    assert len(body["tables"]["deliveries"]) == 42 + 0
    assert [row["status"] for row in checkin_rows] == ["answered"] * 5
    assert body["tables"]["users"][0]["created_at"] == "2026-11-25T09:00:00+00:00"
    assert json.loads(checkin_rows[3]["answers"])["new_signs"] == ["N_STIFF"]


async def test_delete_after_confirmation_erases_every_row_and_start_begins_afresh(
    rig: BotRig,
) -> None:
    person = rig.user()
    await onboard(person)
    await walk(person, CALM)
    await rig.tick()
    await person.send("/delete")
    ask = await read_until(person, "Erase everything?")
    assert "can't be undone" in ask
    await person.tap(CAT.text("data.delete_yes"))
    confirmed = await person.next_message()
    assert confirmed.edited and confirmed.text == CAT.text("data.deleted")
    assert await rows_about(rig, person.user_id) == []
    await person.send("/start")
    await read_until(person, "store and use your answers")


async def test_delete_then_no_keeps_everything(rig: BotRig) -> None:
    person = rig.user()
    await onboard(person)
    await person.send("/delete")
    await read_until(person, "Erase everything?")
    await person.tap(CAT.text("data.delete_no"))
    assert (await person.next_message()).text == CAT.text("data.kept")
    async with rig.deps.sessions() as session:
        assert await session.get(User, person.user_id) is not None


async def test_someone_elses_erase_button_is_refused_and_erases_nothing(rig: BotRig) -> None:
    person, other = rig.user(), rig.user(user_id=777)
    await onboard(person)
    await other.send("/start")
    await other.next_message()
    await person.tap_data(f"d:erase:{other.user_id}")
    assert await latest_answer(person) == CAT.text("error.stale_button_alert")
    async with rig.deps.sessions() as session:
        assert await session.get(User, other.user_id) is not None
