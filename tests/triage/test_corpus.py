"""The safety net measured on the labelled corpus (spec §2.1 item 8)."""

from __future__ import annotations

from collections import Counter

from tests.triage.corpus import NOTHING, load, score
from triage.keywords import scan

SAMPLES = load()
SPEC_LANGUAGES = {"en", "es", "pt", "ru", "uk", "de", "fr", "it", "tr", "hi", "id"}


def test_the_corpus_is_as_large_as_the_spec_asks() -> None:
    counts = Counter(sample.label for sample in SAMPLES)
    assert sum(n for label, n in counts.items() if label != NOTHING) >= 400
    assert counts[NOTHING] >= 400


def test_every_spec_language_has_emergency_and_crisis_messages() -> None:
    for label in ("emergency", "crisis"):
        languages = {s.language for s in SAMPLES if s.label == label}
        assert languages >= SPEC_LANGUAGES, label


def test_emergency_and_crisis_recall_are_at_least_98_percent() -> None:
    result = score(SAMPLES, scan)
    assert result.recall["emergency"] >= 0.98, [s.text for s in result.missed]
    assert result.recall["crisis"] >= 0.98, [s.text for s in result.missed]


def test_no_more_than_5_percent_of_harmless_messages_raise_an_alarm() -> None:
    result = score(SAMPLES, scan)
    assert result.false_alarm_rate <= 0.05, [s.text for s in result.false_alarms]
