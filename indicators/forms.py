"""The return form: one input per measure the agency supplies, of the right kind for its unit."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import capfirst

from indicators.calculations import format_date, format_number
from indicators.kinds import Aggregation, MilestoneStatus, Rag, Unit
from indicators.models import COMMENTARY_MAX_LENGTH, ESCALATION_MAX_LENGTH, Measure
from indicators.services import ReturnContent

LARGEST_COUNT = 10**9
LARGEST_RATE = Decimal(100_000)


def _number(raw, label: str) -> Decimal | None:
    """Read a number as people type it: spaces and thousands separators are fine, letters are not."""
    if raw in (None, ""):
        return None
    text = str(raw).strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(f"Enter {label} as a number, like 42.", code="invalid") from None
    if not number.is_finite():
        raise forms.ValidationError(f"Enter {label} as a number, like 42.", code="invalid")
    return number


class WholeNumberField(forms.CharField):
    def __init__(self, *, label: str, subject: str = "", maximum: int = LARGEST_COUNT, **kwargs):
        super().__init__(label=label, required=False, **kwargs)
        self.subject = subject or label[0].lower() + label[1:]
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
        label = self.label[0].lower() + self.label[1:]
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
        return [f"m{measure.pk}_numerator", f"m{measure.pk}_denominator"]
    if measure.unit == Unit.MILESTONE:
        return [f"m{measure.pk}_status"]
    return [f"m{measure.pk}_value"]


def measure_hint(measure: Measure) -> str:
    """What an officer needs beside the input: the unit where it is not obvious, the target, the caveats."""
    parts = []
    if measure.unit == Unit.RATE_PER_100K:
        parts.append("Per 100,000 population.")
    if measure.target_value is not None:
        parts.append(f"Target: {format_number(measure.target_value, Unit(measure.unit))}.")
    elif measure.baseline_value is not None:
        parts.append(f"Baseline: {format_number(measure.baseline_value, Unit(measure.unit))}.")
    if measure.due_date:
        parts.append(f"Due by {format_date(measure.due_date)}.")
    if measure.caveats:
        parts.append(measure.caveats)
    return " ".join(parts)


def _fields_for(measure: Measure) -> dict[str, forms.Field]:
    name = measure.name
    hint = measure_hint(measure)
    field: forms.Field
    if measure.aggregation == Aggregation.RATIO:
        return {
            f"m{measure.pk}_numerator": WholeNumberField(
                label="Numerator", subject=f"the numerator for {name}"
            ),
            f"m{measure.pk}_denominator": WholeNumberField(
                label="Denominator", subject=f"the denominator for {name}"
            ),
        }
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
    return {f"m{measure.pk}_value" if measure.unit != Unit.MILESTONE else f"m{measure.pk}_status": field}


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    nothing_to_report = forms.BooleanField(
        label="Nothing to report this quarter",
        required=False,
        help_text="Tick this if there are no figures or updates for this indicator this quarter.",
    )
    commentary = forms.CharField(
        label="Update for the SEG",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Needed before you submit. Plain text, up to {COMMENTARY_MAX_LENGTH:,} characters. "
        "Say what the figures mean, what has been done and what happens next.",
    )
    escalation = forms.CharField(
        label="Points to escalate to the SEG",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the Strategic Executive Group needs to act on. "
        f"Up to {ESCALATION_MAX_LENGTH:,} characters.",
    )
    agency_rating = forms.ChoiceField(
        label="Your rating for this quarter",
        required=False,
        choices=[(c.value, c.label) for c in Rag if c != Rag.NO_RATING],
        widget=forms.RadioSelect,
        help_text="No target decides this indicator's rating, so your agency rates it. "
        "Explain a red or amber rating in the update.",
    )

    def __init__(self, *args, measures: list[Measure], rating_applies: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = measures
        if not rating_applies:
            del self.fields["agency_rating"]
        for measure in measures:
            self.fields.update(_fields_for(measure))
        # Needed to submit but not to save a draft: no "(optional)" beside them.
        for name, field in self.fields.items():
            if name == "commentary" or name.startswith("m"):
                field.needed_to_submit = True

    def _limit(self, name: str, limit: int) -> str:
        text = self.cleaned_data.get(name, "")
        if len(text) > limit:
            label = self.fields[name].label
            self.add_error(name, f"{label} must be {limit:,} characters or fewer: it is {len(text):,}.")
        return text

    def clean_commentary(self) -> str:
        return self._limit("commentary", COMMENTARY_MAX_LENGTH)

    def clean_escalation(self) -> str:
        return self._limit("escalation", ESCALATION_MAX_LENGTH)

    def clean(self):
        data = super().clean()
        if data.get("agency_rating") in (Rag.RED, Rag.AMBER) and not (data.get("commentary") or "").strip():
            self.add_error("commentary", "Explain the red or amber rating in the update for the SEG.")
        for measure in self.measures:
            if measure.aggregation != Aggregation.RATIO:
                continue
            top, bottom = data.get(f"m{measure.pk}_numerator"), data.get(f"m{measure.pk}_denominator")
            name = f"m{measure.pk}_denominator"
            if (top is None) != (bottom is None) and name not in self.errors:
                self.add_error(name, f"Enter both the numerator and the denominator for {measure.name}.")
            elif top is not None and bottom is not None:
                if bottom == 0 and top > 0:
                    self.add_error(
                        name, f"The denominator for {measure.name} cannot be 0 when the numerator is not."
                    )
                elif measure.unit == Unit.PERCENTAGE and top > bottom:
                    self.add_error(
                        name,
                        f"The numerator for {measure.name} cannot be more than its denominator ({bottom:,}).",
                    )
        return data

    def content(self) -> ReturnContent:
        data = self.cleaned_data
        figures = {}
        for measure in self.measures:
            values = {}
            for name in measure_field_names(measure):
                value = data.get(name)
                values[name.rsplit("_", 1)[1]] = None if value == "" else value  # 0 is a figure, "" is not
            figures[measure.pk] = values
        return ReturnContent(
            commentary=data.get("commentary", ""),
            escalation=data.get("escalation", ""),
            agency_rating=data.get("agency_rating", ""),
            nothing_to_report=data.get("nothing_to_report", False),
            figures=figures,
        )


def initial_for(ret, figures) -> dict:
    """The form's starting values from a saved return and its figures."""
    initial = {
        "version": ret.version,
        "nothing_to_report": ret.nothing_to_report,
        "commentary": ret.commentary,
        "escalation": ret.escalation,
        "agency_rating": ret.agency_rating,
    }
    for figure in figures:
        prefix = f"m{figure.measure_id}_"
        initial[prefix + "value"] = _plain(figure.value)
        initial[prefix + "numerator"] = _plain(figure.numerator)
        initial[prefix + "denominator"] = _plain(figure.denominator)
        initial[prefix + "status"] = figure.status
    return initial


def _plain(number: Decimal | None) -> str:
    if number is None:
        return ""
    return format(number.normalize(), "f")
