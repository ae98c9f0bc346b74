"""The trend chart: a gap is a gap, the target is a dashed line, and every text in it is escaped."""

from decimal import Decimal

from reporting.charts import NO_FIGURES, trend_chart
from reporting.measure_rows import TrendPoint


def points(*values):
    return [
        TrendPoint(f"Q{n}", None if v is None else Decimal(v), "Not received" if v is None else str(v))
        for n, v in enumerate(values, start=1)
    ]


def test_a_missing_quarter_breaks_the_line_instead_of_dropping_to_zero():
    svg = trend_chart("Incidents", points(10, 12, None, 14, 15, 13, None, 11))

    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 2  # the single point after the last gap, and the latest-quarter dot


def test_the_target_is_a_dashed_line_and_is_described():
    svg = trend_chart("Completion rate", points(50, 55, 60, 62, 58, 61, 64, 66), Decimal(63), unit_suffix="%")

    assert 'stroke-dasharray="3 2"' in svg
    assert "Target line at 63%" in svg


def test_the_text_alternative_lists_every_quarter():
    svg = trend_chart("Incidents", points(10, None, 12, 13, 14, 15, 16, 17))

    assert 'role="img"' in svg
    assert "<title>Incidents, last 8 quarters: Q1: 10; Q2: Not received; Q3: 12;" in svg


def test_names_are_escaped():
    svg = trend_chart('<script>alert("x")</script>', points(*range(8)))

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_no_figures_at_all_says_so_rather_than_drawing_nothing():
    assert (
        trend_chart("Incidents", points(*[None] * 8)) == f'<span class="app-chart-none">{NO_FIGURES}</span>'
    )


def test_a_flat_series_is_drawn_mid_height():
    svg = trend_chart("Schemes", points(*[5] * 8))

    assert 'points="3.0,28.0 ' in svg


def test_the_latest_value_and_the_target_are_labelled_on_the_chart():
    svg = trend_chart("Completion rate", points(50, 55, 60, 62, 58, 61, 64, 66), Decimal(63), unit_suffix="%")

    assert 'text-anchor="end" font-weight="700">66</text>' in svg
    assert ">Target 63%</text>" in svg


def test_a_missing_latest_quarter_is_labelled_as_missing():
    svg = trend_chart("Incidents", points(10, 12, 14, None))

    assert ">No figure</text>" in svg and "Target" not in svg.split("</title>")[1]
