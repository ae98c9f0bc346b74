from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.quarters import Quarter

quarters = st.builds(Quarter, year=st.integers(1990, 2100), number=st.integers(1, 4))


@pytest.mark.parametrize(
    ("quarter", "words"),
    [
        (Quarter(2026, 1), "Quarter 1, 2026-27: April to June 2026"),
        (Quarter(2026, 2), "Quarter 2, 2026-27: July to September 2026"),
        (Quarter(2026, 3), "Quarter 3, 2026-27: October to December 2026"),
        (Quarter(2026, 4), "Quarter 4, 2026-27: January to March 2027"),
        (Quarter(2099, 4), "Quarter 4, 2099-00: January to March 2100"),
    ],
)
def test_label_in_words_names_the_months_and_their_calendar_year(quarter, words):
    assert quarter.label_in_words == words


@pytest.mark.parametrize(
    ("quarter", "code", "short", "year_label"),
    [
        (Quarter(2026, 2), "2026-27-Q2", "Q2 2026-27", "2026-27"),
        (Quarter(2025, 4), "2025-26-Q4", "Q4 2025-26", "2025-26"),
        (Quarter(2009, 1), "2009-10-Q1", "Q1 2009-10", "2009-10"),
        (Quarter(1999, 3), "1999-00-Q3", "Q3 1999-00", "1999-00"),
    ],
)
def test_code_and_short_labels(quarter, code, short, year_label):
    assert quarter.code == code
    assert str(quarter) == code
    assert quarter.short_label == short
    assert quarter.financial_year_label == year_label


@pytest.mark.parametrize("code", ["2026-27-Q1", "2026-27-Q4", "1999-00-Q2", "2099-00-Q4"])
def test_from_code_reads_back_what_code_writes(code):
    assert Quarter.from_code(code).code == code


def test_from_code_forgives_lower_case_and_surrounding_spaces():
    assert Quarter.from_code(" 2026-27-q3 ") == Quarter(2026, 3)


@given(quarters)
def test_code_round_trips_for_any_quarter(quarter):
    assert Quarter.from_code(quarter.code) == quarter


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2026-28-Q2", "the financial year starting in 2026 is 2026-27, not 2026-28"),
        ("2026-26-Q2", "the financial year starting in 2026 is 2026-27"),
        ("2026-27-Q5", "the quarter must be Q1, Q2, Q3 or Q4"),
        ("2026-27-Q0", "the quarter must be Q1, Q2, Q3 or Q4"),
        ("2026/27-Q2", "write it like 2026-27-Q2"),
        ("2026-27 Q2", "write it like 2026-27-Q2"),
        ("Q2 2026-27", "write it like 2026-27-Q2"),
        ("2026-2027-Q2", "write it like 2026-27-Q2"),
        ("", "write it like 2026-27-Q2"),
        ("２０２６-27-Q2", "write it like 2026-27-Q2"),
    ],
)
def test_from_code_rejects_bad_codes_in_plain_english(code, message):
    with pytest.raises(ValueError, match=message):
        Quarter.from_code(code)


@pytest.mark.parametrize(
    ("year", "number"), [(2026, 0), (2026, 5), (2026, -1), (0, 1), (9999, 1), (True, 1), (2026, 2.0)]
)
def test_quarter_rejects_impossible_values(year, number):
    with pytest.raises(ValueError, match="A quarter's"):
        Quarter(year, number)


@pytest.mark.parametrize(
    ("quarter", "end"),
    [
        (Quarter(2026, 1), date(2026, 6, 30)),
        (Quarter(2026, 2), date(2026, 9, 30)),
        (Quarter(2026, 3), date(2026, 12, 31)),
        (Quarter(2026, 4), date(2027, 3, 31)),
    ],
)
def test_end_dates(quarter, end):
    assert quarter.end_date == end


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 4, 1), Quarter(2026, 1)),
        (date(2026, 3, 31), Quarter(2025, 4)),
        (date(2026, 6, 30), Quarter(2026, 1)),
        (date(2026, 7, 1), Quarter(2026, 2)),
        (date(2026, 9, 30), Quarter(2026, 2)),
        (date(2026, 10, 1), Quarter(2026, 3)),
        (date(2026, 12, 31), Quarter(2026, 3)),
        (date(2027, 1, 1), Quarter(2026, 4)),
        (date(2028, 2, 29), Quarter(2027, 4)),
    ],
)
def test_containing_puts_boundary_dates_in_the_right_quarter(day, quarter):
    assert Quarter.containing(day) == quarter


@given(quarters)
def test_a_quarter_contains_its_last_day_and_the_next_starts_the_day_after(quarter):
    assert Quarter.containing(quarter.end_date) == quarter
    assert Quarter.containing(quarter.end_date + timedelta(days=1)) == quarter.shifted(1)


@pytest.mark.parametrize(
    ("quarter", "previous", "following"),
    [
        (Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 2)),
        (Quarter(2026, 4), Quarter(2026, 3), Quarter(2027, 1)),
        (Quarter(2026, 2), Quarter(2026, 1), Quarter(2026, 3)),
    ],
)
def test_previous_and_next_cross_the_year_boundary(quarter, previous, following):
    assert quarter.previous() == previous
    assert quarter.shifted(1) == following


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, Quarter(2026, 2)),
        (-1, Quarter(2026, 1)),
        (-2, Quarter(2025, 4)),
        (-4, Quarter(2025, 2)),
        (-9, Quarter(2024, 1)),
        (3, Quarter(2027, 1)),
        (6, Quarter(2027, 4)),
        (7, Quarter(2028, 1)),
    ],
)
def test_shifted(n, expected):
    assert Quarter(2026, 2).shifted(n) == expected


@given(quarters, st.integers(-40, 40))
def test_shifting_there_and_back_is_a_no_op(quarter, n):
    assert quarter.shifted(n).shifted(-n) == quarter


def test_same_quarter_last_year():
    assert Quarter(2026, 1).same_quarter_last_year() == Quarter(2025, 1)
    assert Quarter(2026, 4).same_quarter_last_year() == Quarter(2025, 4)


def test_quarters_order_chronologically():
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 1)]) == [
        Quarter(2025, 1),
        Quarter(2025, 4),
        Quarter(2026, 1),
    ]


def test_quarters_of_year():
    assert Quarter.quarters_of_year(2026) == (
        Quarter(2026, 1),
        Quarter(2026, 2),
        Quarter(2026, 3),
        Quarter(2026, 4),
    )


def test_last_n_runs_oldest_first_across_the_year_boundary():
    assert Quarter(2026, 1).last_n(4) == [
        Quarter(2025, 2),
        Quarter(2025, 3),
        Quarter(2025, 4),
        Quarter(2026, 1),
    ]
    assert Quarter(2026, 1).last_n(1) == [Quarter(2026, 1)]


def test_last_n_needs_at_least_one_quarter():
    with pytest.raises(ValueError, match="at least one quarter"):
        Quarter(2026, 1).last_n(0)


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (Quarter(2026, 1), [Quarter(2026, 1)]),
        (Quarter(2026, 3), [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]),
        (Quarter(2026, 4), [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)]),
    ],
)
def test_quarters_to_date_start_at_q1_of_the_same_financial_year(quarter, expected):
    assert quarter.quarters_to_date() == expected
