"""Formatting computed figures for templates: numbers, changes and RAG tags, never arithmetic.

Every number goes through `indicators.calculations.format_number`, so pages, the PDF and exports write
figures the same way; a missing figure reads "No data", never 0.
"""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from indicators.calculations import format_number, rounded
from indicators.kinds import Rag, Unit

register = template.Library()

NO_DATA = "No data"
MINUS = "\N{MINUS SIGN}"

RAG_WORDS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red", Rag.NO_RATING: "Not rated"}


@register.filter
def figure(value: Decimal | None, unit: str = Unit.COUNT) -> str:
    """1,416 / 62.5% / 146 per 100,000, or "No data"."""
    if value is None:
        return NO_DATA
    return format_number(value, Unit(unit or Unit.COUNT))


@register.filter
def signed_change(value: Decimal | None, unit: str = Unit.COUNT) -> str:
    """A change in the measure's unit with its sign: +12, −3.5 percentage points, or "No data"."""
    if value is None:
        return NO_DATA
    unit = Unit(unit or Unit.COUNT)
    sign = "+" if value > 0 else MINUS if value < 0 else ""
    if unit == Unit.PERCENTAGE:
        return f"{sign}{format_number(abs(value))} percentage points"
    return f"{sign}{format_number(abs(value), unit)}"


@register.filter
def percent_change(value: Decimal | None) -> str:
    """A relative change to one decimal place: +4.2%, −0.5%, or "No data"."""
    if value is None:
        return NO_DATA
    shown = rounded(value, 1)
    sign = "+" if shown > 0 else MINUS if shown < 0 else ""
    return f"{sign}{format_number(abs(shown), Unit.PERCENTAGE)}"


@register.filter
def rag_tag(rag: str | None):
    """A GOV.UK tag in the RAG colour, always with the word, so colour is never the only signal."""
    value = Rag(rag) if rag else Rag.NO_RATING
    return format_html('<strong class="govuk-tag app-rag--{}">{}</strong>', value.value, RAG_WORDS[value])
