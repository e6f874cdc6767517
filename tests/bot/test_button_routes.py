"""The questionnaire's and the check-in's buttons are each claimed by exactly one handler: the
answers by one, the other buttons of the area by the other, so no tap falls through to "that
button is no longer active"."""

from __future__ import annotations

import re

import pytest

from bot.checkin_screens import RERUN_ANSWERS, SCREEN_ANSWERS
from bot.screens.triage import ANSWERS, CHOICES


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("t:sos", False),
        ("t:again", False),
        ("t:812:resume", False),
        ("t:812:restart", False),
        ("t:812:Q6_NERVE:N_WEAK", True),
        ("t:812:Q6_NERVE:N_WEAK:1", True),
        ("t:812:Q6_NERVE:DONE", True),
        ("t:812:REVIEW:DONE", True),
    ],
)
def test_each_questionnaire_button_is_an_answer_or_a_choice_never_both(
    data: str, answer: bool
) -> None:
    assert (bool(re.match(ANSWERS, data)), bool(re.match(CHOICES, data))) == (answer, not answer)


@pytest.mark.parametrize(
    ("data", "rerun"),
    [
        ("c:40:rerun:full", True),
        ("c:40:rerun:none", True),
        ("c:40:rerun", True),
        ("c:40:safety:none", False),
        ("c:40:status:BACK", False),
        ("c:40:habits:caffeine:low", False),
        ("c:40:reruns:full", False),
        ("c:40", False),
    ],
)
def test_each_check_in_button_is_the_rerun_offer_or_a_screen_never_both(
    data: str, rerun: bool
) -> None:
    claimed = (bool(re.match(RERUN_ANSWERS, data)), bool(re.match(SCREEN_ANSWERS, data)))
    assert claimed == (rerun, not rerun)
