"""Health data never reaches the logs: not the answers, not their labels, not what people type."""

from __future__ import annotations

import logging

import pytest

from bot.catalogue import catalogue_for
from bot.logsetup import protect
from tests.bot.e2e.harness import BotRig
from tests.bot.e2e.steps import onboard
from tests.bot.e2e.test_triage import CALM, walk

CAT = catalogue_for(None)
TYPED = "my left eyelid has been jumping since Tuesday and I feel low"


async def test_a_whole_triage_logs_ids_but_no_answers_labels_or_free_text(
    rig: BotRig, caplog: pytest.LogCaptureFixture
) -> None:
    protect([rig.api.token])
    with caplog.at_level(logging.DEBUG):
        person = rig.user()
        await onboard(person)
        await person.send(TYPED)
        await person.next_message()
        await walk(person, {**CALM, "Q10_CONTEXT": ["M_ANTIDEP"]})
    logged = caplog.text
    assert "triage session" in logged  # ids are logged
    chosen = [option for picks in CALM.values() for option in picks] + ["M_ANTIDEP"]
    leaks = [option for option in chosen if option in logged]
    leaks += [
        CAT.text(f"option.{option}") for option in chosen if CAT.text(f"option.{option}") in logged
    ]
    assert leaks == []
    assert TYPED not in logged and "eyelid" not in logged
    assert rig.api.token not in logged
