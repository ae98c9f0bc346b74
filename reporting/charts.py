"""Small trend charts drawn on the server as inline SVG, so the page and the PDF show the same picture.

No JavaScript and no images to fetch: the SVG goes straight into the HTML that the browser shows and that
WeasyPrint prints. Every text in it (the measure's name, the figures) is escaped here; the result is
marked safe for the template. Drawing uses presentation attributes rather than CSS classes so that the
chart looks the same whichever stylesheet is loaded.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from indicators.formatting import format_number

WIDTH, HEIGHT, PAD = 120, 54, 3
LABEL = 13
"""Labels' size in the chart's units: 8 pt where the print stylesheet draws the chart 26 mm wide."""
TOP, BOTTOM = 17, 39
"""The plot's band: the latest value is labelled above it, the target below."""
LINE = "#1d70b8"
LAST = "#0b0c0c"
TARGET = "#505a5f"
NO_FIGURES = "No figures yet"


class Point(Protocol):
    quarter: str
    value: Decimal | None
    text: str


def trend_chart(
    name: str, points: Sequence[Point], target: Decimal | None = None, *, unit_suffix: str = ""
) -> SafeString:
    """A sparkline of `points` (oldest first) with a dashed target line, the latest value labelled above
    its dot and the target below its line, and a text alternative."""
    values = [p.value for p in points]
    present = [v for v in values if v is not None]
    if not present:
        return format_html('<span class="app-chart-none">{}</span>', NO_FIGURES)
    description = _describe(name, points, target, unit_suffix)
    low, high = min(present), max(present)
    if target is not None:
        low, high = min(low, target), max(high, target)
    if low == high:
        low, high = low - 1, high + 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def x(index: int) -> str:
        return f"{PAD + index * step:.1f}"

    def y(value: Decimal) -> str:
        share = float((value - low) / (high - low))
        return f"{BOTTOM - share * (BOTTOM - TOP):.1f}"

    parts = []
    if target is not None:
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(target)}" y2="{y(target)}" stroke="{TARGET}" '
            f'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    # A missing quarter breaks the line rather than being drawn as a zero.
    run: list[str] = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{x(index)},{y(value)}")
            continue
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" stroke-width="1.5" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        elif run:
            cx, cy = run[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="1.5" fill="{LINE}"/>')
        run = []
    if values[-1] is not None:
        parts.append(f'<circle cx="{x(len(values) - 1)}" cy="{y(values[-1])}" r="2.5" fill="{LAST}"/>')
    # The latest quarter's figure above its dot (the quarter is the report's, in the table beside it).
    latest = points[-1]
    latest_text = latest.text if latest.value is not None else "No figure"
    parts.append(_label(WIDTH - 1, LABEL, latest_text, LAST, anchor="end", bold=True))
    if target is not None:
        parts.append(_label(1, HEIGHT - 3, f"Target {format_number(target)}{unit_suffix}", TARGET))
    # Everything above is numbers formatted here, and labels escaped by _label; the description is
    # escaped once.
    return mark_safe(  # noqa: S308
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(description)}">'
        f"<title>{escape(description)}</title>{''.join(parts)}</svg>"
    )


def _label(x: float, y: float, text: str, colour: str, *, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{x}" y="{y}" font-size="{LABEL}" font-family="Report Sans, Arial, sans-serif" '
        f'fill="{colour}" text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _describe(name: str, points: Sequence[Point], target: Decimal | None, unit_suffix: str) -> str:
    figures = "; ".join(f"{p.quarter}: {p.text}" for p in points)
    text = f"{name}, last {len(points)} quarters: {figures}"
    if target is not None:
        text += f". Target line at {format_number(target)}{unit_suffix}"
    return text + "."
