"""The words of a nudge message: rotating variants, and a digest that says each nudge once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.catalogue import catalogue_for
from bot.notifier import nudge_message, nudge_text
from scheduler.ports import Outgoing

CAT = catalogue_for("en")
WHEN = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def outgoing(kind: str, *, sequence: int = 0, slot: str | None = None, merged=()) -> Outgoing:  # type: ignore[no-untyped-def]
    return Outgoing(1, 1, 7, 7, None, kind, slot, WHEN, False, sequence, tuple(merged))


def test_a_nudge_rotates_through_its_variants_in_order() -> None:
    texts = [nudge_text(CAT, outgoing("N_HYDRATE", sequence=n)) for n in range(4)]
    assert texts[0].startswith("Water check 💧")
    assert len(set(texts[:3])) == 3 and texts[3] == texts[0]


def test_a_slot_has_its_own_words() -> None:
    cap = nudge_text(CAT, outgoing("N_CAFF_TRIM", slot="cap"))
    cutoff = nudge_text(CAT, outgoing("N_CAFF_TRIM", slot="cutoff"))
    assert cap != cutoff and "last" in cutoff


def test_a_digest_says_each_nudge_once_with_the_three_buttons() -> None:
    digest = outgoing(
        "N_HYDRATE",
        merged=[outgoing("N_HYDRATE", sequence=1), outgoing("N_EYE_BREAK")],
    )
    text, markup = nudge_message(CAT, digest)
    assert text.count("• ") == 2
    assert "💧" in text and "👀" in text
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert labels == ["Done ✔", "Snooze 1 h", "Stop these reminders"]


def test_a_nudge_names_the_persons_doctor_in_their_countrys_words() -> None:
    def talk(country: str, sequence: int) -> str:
        item = Outgoing(1, 1, 7, 7, None, "N_MED_TALK", None, WHEN, False, sequence)
        return nudge_text(CAT, replace(item, country=country))

    for sequence in range(2):
        assert "GP" in talk("GB", sequence)
        assert "GP" not in talk("US", sequence) and "doctor" in talk("US", sequence)
