"""Button data has one strict parser: known areas, short, and numbers that fit their column."""

from __future__ import annotations

import pytest

from bot.callbacks import MAX_ROW_ID, BadCallback, decode, encode


def test_what_encode_writes_decode_reads_back() -> None:
    parsed = decode(encode("t", 812, "Q6_NERVE", "N_WEAK"))
    assert (parsed.area, parsed.int_field(0), parsed.field(2)) == ("t", 812, "N_WEAK")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "z:1:done",
        "r:" + "1" * 70,
        "r:12:done\n",
        "r:12:dóne",
        "r::done",
        "r:" + ":".join("a" * 9),
        "r:12:do ne",
    ],
    ids=[
        "none",
        "empty",
        "unknown-area",
        "longer-than-64-bytes",
        "trailing-newline",
        "non-ascii",
        "empty-field",
        "too-many-fields",
        "space",
    ],
)
def test_data_that_is_not_ours_is_refused(data: str | None) -> None:
    with pytest.raises(BadCallback):
        decode(data)


@pytest.mark.parametrize(
    "field",
    ["9223372036854775808", str(MAX_ROW_ID + 1), "-5", "007", "1e3", "12a"],
    ids=["2-to-the-63", "past-a-row-id", "negative", "leading-zeros", "exponent", "letters"],
)
def test_a_number_field_out_of_range_or_oddly_written_is_refused(field: str) -> None:
    with pytest.raises(BadCallback):
        decode(f"r:{field}:done").int_field(0)


def test_a_telegram_user_id_may_be_larger_than_a_row_id() -> None:
    assert decode("d:erase:8123456789").int_field(1, maximum=2**53 - 1) == 8123456789


def test_encode_refuses_an_area_the_parser_would_refuse() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        encode("z", 1)
