"""The inputs a measure's figure takes on a form, of the right kind for its unit: a whole number for a
count, a percentage up to 100, a numerator and a denominator for a ratio, a status for a milestone.

Numbers are read as people type them ("1,416" is fine, "1,2,3" and letters are not) within the limits of
`indicators.values`; every message names the measure.
"""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst

from csp.numbers import NotANumber, typed_number
from indicators.kinds import Aggregation, MilestoneStatus, Polarity, TargetKind, Unit
from indicators.models import Measure
from indicators.ratings import target_text
from indicators.values import LARGEST_COUNT, LARGEST_RATE, largest_benchmark


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Incidents" -> "incidents", but "VAWG offences" and "ASB
    incidents" keep their capitals (a first word of two or more capitals is an acronym)."""
    first = label.split(" ", 1)[0]
    if sum(ch.isupper() for ch in first) > 1:
        return label
    return label[:1].lower() + label[1:]


def _number(raw, label: str) -> Decimal | None:
    """Read a number as people type it (`csp.numbers.typed_number`): "1,416" is fine, letters are not."""
    try:
        return typed_number("" if raw is None else str(raw))
    except NotANumber as refused:
        why = f": {refused.why}" if refused.why else ""
        raise forms.ValidationError(f"Enter {label} as a number, like 42{why}.", code="invalid") from None


class WholeNumberField(forms.CharField):
    def __init__(self, *, label: str, subject: str = "", maximum: Decimal = LARGEST_COUNT, **kwargs):
        super().__init__(label=label, required=False, **kwargs)
        self.subject = subject or in_sentence(label)
        self.maximum = maximum
        self.widget.attrs.update(
            {"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}
        )

    def clean(self, value):
        label = self.subject
        number = _number(value, label)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise forms.ValidationError(f"Enter {label} as a whole number, like 42.", code="whole")
        if number < 0:
            raise forms.ValidationError(f"{capfirst(label)} cannot be negative.", code="negative")
        if number > self.maximum:
            raise forms.ValidationError(
                f"{capfirst(label)} must be {self.maximum:,} or fewer: check the figure.", code="too_big"
            )
        return number.quantize(Decimal(1))


class BoundedDecimalField(forms.CharField):
    def __init__(self, *, label: str, maximum: Decimal, suffix: str, **kwargs):
        super().__init__(label=label, required=False, **kwargs)
        self.maximum = maximum
        self.suffix = suffix
        self.widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-5"}
        )

    def clean(self, value):
        label = in_sentence(self.label)
        number = _number(str(value or "").removesuffix(self.suffix.strip()), label)
        if number is None:
            return None
        if number < 0:
            raise forms.ValidationError(f"{capfirst(label)} cannot be negative.", code="negative")
        if number > self.maximum:
            raise forms.ValidationError(
                f"{capfirst(label)} must be {self.maximum:,}{self.suffix} or less.", code="too_big"
            )
        if number.as_tuple().exponent < -2:
            raise forms.ValidationError(f"Enter {label} with no more than 2 decimal places.", code="places")
        return number


def measure_field_names(measure: Measure) -> list[str]:
    if measure.aggregation == Aggregation.RATIO:
        names = [f"m{measure.pk}_numerator", f"m{measure.pk}_denominator"]
    elif measure.unit == Unit.MILESTONE:
        names = [f"m{measure.pk}_status"]
    else:
        names = [f"m{measure.pk}_value"]
    if measure.target_kind == TargetKind.BENCHMARK_GROUP:
        names.append(f"m{measure.pk}_benchmark")
    return names


def is_optional(name: str) -> bool:
    """The benchmark group's figure may come later than the agency's own: a return is submitted without it."""
    return name.endswith("_benchmark")


def measure_hint(measure: Measure) -> str:
    """What an officer needs beside the input: which way is better, in words; the unit where it is not
    obvious; the target as the plan states it (`indicators.ratings.target_text`, as the report prints it);
    the caveats."""
    parts = [POLARITY_WORDS[measure.polarity]]
    if measure.unit == Unit.RATE_PER_100K:
        parts.append("Per 100,000 population.")
    if measure.target_kind not in TargetKind.comparison_only():
        parts.append(f"Target: {target_text(measure.spec)}.")
    if measure.caveats:
        parts.append(measure.caveats)
    return " ".join(parts)


POLARITY_WORDS = {
    Polarity.HIGHER_IS_BETTER: "Higher is better.",
    Polarity.LOWER_IS_BETTER: "Lower is better.",
    Polarity.NEUTRAL: "Neither higher nor lower is better in itself: reported to watch.",
}


def ratio_labels(measure: Measure) -> tuple[str, str]:
    """What a ratio's two parts count, as the form labels them."""
    return (
        measure.numerator_label or f"The number counted for {measure.name}",
        measure.denominator_label or f"The total it is out of, for {measure.name}",
    )


def fields_for(measure: Measure) -> dict[str, forms.Field]:
    name = measure.name
    hint = measure_hint(measure)
    field: forms.Field
    if measure.aggregation == Aggregation.RATIO:
        top, bottom = ratio_labels(measure)
        return {
            f"m{measure.pk}_numerator": WholeNumberField(label=top),
            f"m{measure.pk}_denominator": WholeNumberField(label=bottom),
        } | _benchmark_field(measure)
    if measure.unit == Unit.MILESTONE:
        field = forms.ChoiceField(
            label=name, required=False, choices=MilestoneStatus.choices, widget=forms.RadioSelect
        )
    elif measure.unit == Unit.PERCENTAGE:
        field = BoundedDecimalField(label=name, maximum=Decimal(100), suffix="%")
    elif measure.unit == Unit.RATE_PER_100K:
        field = BoundedDecimalField(label=name, maximum=LARGEST_RATE, suffix="")
    else:
        field = WholeNumberField(label=name)
    field.help_text = hint
    fields = {f"m{measure.pk}_value" if measure.unit != Unit.MILESTONE else f"m{measure.pk}_status": field}
    return fields | _benchmark_field(measure)


def _benchmark_field(measure: Measure) -> dict[str, forms.Field]:
    """For a measure compared with a benchmark group, the group's figure for the same quarter."""
    if measure.target_kind != TargetKind.BENCHMARK_GROUP:
        return {}
    field = BoundedDecimalField(
        label=f"The {measure.benchmark_group} for {measure.name}",
        maximum=largest_benchmark(measure.unit),
        suffix="%" if measure.unit == Unit.PERCENTAGE else "",
        help_text="The benchmark group's figure for the same quarter, in the same unit, if it is out: the "
        "rating waits for it. You can submit without it.",
    )
    return {f"m{measure.pk}_benchmark": field}
