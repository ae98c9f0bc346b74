"""Numbers as people type them: the digits 0-9, thousands separators only between thousands."""

from decimal import Decimal

import pytest

from csp.numbers import NotANumber, typed_number, whole_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("42", Decimal(42)),
        (" 1,416 ", Decimal(1416)),
        ("1,234,567", Decimal(1234567)),
        ("1 416", Decimal(1416)),
        ("1416", Decimal(1416)),
        ("62.5", Decimal("62.5")),
        ("1,416.25", Decimal("1416.25")),
        (".5", Decimal("0.5")),
        ("0", Decimal(0)),
        ("-3", Decimal(-3)),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_people_type_are_read(typed, number):
    assert typed_number(typed) == number


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("١٢", "the digits 0 to 9"),
        ("１２", "the digits 0 to 9"),
        ("²", "the digits 0 to 9"),
        ("1,2,3", "commas go between thousands"),
        ("12,34", "commas go between thousands"),
        ("1,4160", "commas go between thousands"),
        (",416", "commas go between thousands"),
        ("1,416 000", "commas go between thousands"),
        ("1 2 3", "commas go between thousands"),
        ("twelve", ""),
        ("1.2.3", ""),
        ("NaN", ""),
        ("Infinity", ""),
        ("1e5", ""),
        ("+5", ""),
        ("--5", ""),
        ("-", ""),
        (".", ""),
    ],
)
def test_anything_else_is_not_a_number_and_says_why(typed, why):
    with pytest.raises(NotANumber) as refused:
        typed_number(typed)

    assert (why in refused.value.why) if why else refused.value.why == ""


@pytest.mark.parametrize(
    ("typed", "number"), [("7", 7), (" 2026 ", 2026), ("²", None), ("١", None), ("-1", None)]
)
def test_a_whole_number_in_a_url_is_ascii_digits(typed, number):
    assert whole_number(typed) == number
