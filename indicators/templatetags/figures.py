"""Computed figures in templates: numbers, changes and RAG tags, written by `indicators.formatting` and
`indicators.ratings` as everywhere else; never arithmetic."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from indicators import formatting
from indicators.kinds import Rag, Unit
from indicators.ratings import RAG_WORDS, target_text

register = template.Library()


@register.filter
def figure(value: Decimal | None, unit: str = Unit.COUNT) -> str:
    """1,416 / 62.5% / 146 per 100,000, or "No data"."""
    if value is None:
        return formatting.NO_DATA
    return formatting.format_number(value, Unit(unit or Unit.COUNT))


@register.filter
def signed_change(value: Decimal | None, unit: str = Unit.COUNT) -> str:
    """A change in the measure's unit with its sign: +12, −3.5 percentage points, or "No data"."""
    return formatting.signed_change(value, Unit(unit or Unit.COUNT))


@register.filter
def percent_change(value: Decimal | None) -> str:
    """A relative change to one decimal place: +4.2%, −0.5%, or "No data"."""
    return formatting.percent_change(value)


@register.filter
def rag_tag(rag: str | None):
    """A GOV.UK tag in the RAG colour, always with the word, so colour is never the only signal."""
    value = Rag(rag) if rag else Rag.NO_RATING
    return format_html('<strong class="govuk-tag app-rag--{}">{}</strong>', value.value, RAG_WORDS[value])


@register.filter
def target_words(measure, figures) -> str:
    """The measure's target in words for the figures' quarter, as the report prints it."""
    if figures is None:
        return target_text(measure.spec)
    return target_text(measure.spec, figures.quarter, figures.target)
