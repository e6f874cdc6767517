"""People appear in log lines as a keyed pseudonym, stable within an installation only."""

from __future__ import annotations

from storage import pseudonyms


def test_a_pseudonym_is_stable_for_one_key_and_differs_across_keys() -> None:
    pseudonyms.use_key("installation-one")
    first, again = pseudonyms.person(734911), pseudonyms.person(734911)
    pseudonyms.use_key("installation-two")
    other = pseudonyms.person(734911)

    assert first == again != other
    assert "734911" not in first and first.startswith("p-") and len(first) == 14


def test_two_people_get_different_pseudonyms() -> None:
    pseudonyms.use_key("installation-one")
    assert pseudonyms.person(1) != pseudonyms.person(2)
