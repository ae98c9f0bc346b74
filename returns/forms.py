"""The return form: one input per measure the agency supplies (`indicators.fields`), the update, the
escalation and, where no target decides, the agency's own rating; and the deliverable update form."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst

from csp.forms import GovUKDateField, HintedRadioSelect, answer
from csp.models import Partnership
from csp.spreadsheets import plain_number
from indicators.calculations import Observation
from indicators.fields import fields_for, in_sentence, is_optional, measure_field_names, ratio_labels
from indicators.kinds import Aggregation, Rag, Unit
from indicators.models import Measure
from returns.models import COMMENTARY_MAX_LENGTH, ESCALATION_MAX_LENGTH, STATUS_DEFINITIONS, DeliveryStatus
from returns.models.submissions import UPDATE_MAX_LENGTH
from returns.workflow import ReturnContent, UpdateContent


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
        help_text="No target decides this indicator's rating, so your agency rates it.",
    )
    why = answer(
        UPDATE_MAX_LENGTH,
        "Why is it red or amber?",
        "Only for a red or amber result, whether the target or your agency rated it.",
    )
    recovery = answer(
        UPDATE_MAX_LENGTH, "What is being done to bring it back on track?", "Only for a red or amber result."
    )
    back_on_track_by = GovUKDateField(
        label="When is it expected to be back on track?",
        required=False,
        help_text="Only for a red or amber result. For example, 31 3 2027.",
    )

    def __init__(
        self,
        *args,
        measures: list[Measure],
        rating_applies: bool,
        partnership: Partnership | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.measures = measures
        if partnership is not None:  # the board as the partnership names it
            self.fields["commentary"].label = f"Update for the {partnership.board}"
            self.fields["escalation"].label = f"Points to escalate to the {partnership.board}"
            self.fields["escalation"].help_text = self.fields["escalation"].help_text.replace(
                "Strategic Executive Group", partnership.board_name
            )
        if not rating_applies:
            del self.fields["agency_rating"]
        for measure in measures:
            self.fields.update(fields_for(measure))
        # Needed to submit but not to save a draft: no "(optional)" beside them.
        for name, field in self.fields.items():
            if name in ("commentary", *RED_AMBER_FIELDS) or (name.startswith("m") and not is_optional(name)):
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
        for measure in self.measures:
            if measure.aggregation == Aggregation.RATIO:
                self._check_ratio(measure, data)
        return data

    def _check_ratio(self, measure: Measure, data: dict) -> None:
        """Both parts or neither, a bottom of 0 only under a top of 0, no more than all of a percentage: each
        message on the part that is wrong, and none about a part whose own value was refused already."""
        top_name, bottom_name = f"m{measure.pk}_numerator", f"m{measure.pk}_denominator"
        if top_name in self.errors or bottom_name in self.errors:
            return
        top, bottom = data.get(top_name), data.get(bottom_name)
        top_label, bottom_label = (in_sentence(label) for label in ratio_labels(measure))
        if top is None and bottom is not None:
            self.add_error(top_name, f"Enter {top_label} as well as {bottom_label}, or neither.")
        elif bottom is None and top is not None:
            self.add_error(bottom_name, f"Enter {bottom_label} as well as {top_label}, or neither.")
        elif top is not None and bottom == 0 and top > 0:
            self.add_error(bottom_name, f"{capfirst(bottom_label)} cannot be 0 when {top_label} is {top:,}.")
        elif top is not None and measure.unit == Unit.PERCENTAGE and top > bottom:
            self.add_error(
                top_name, f"{capfirst(top_label)} ({top:,}) cannot be more than {bottom_label} ({bottom:,})."
            )

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
            why=data.get("why", ""),
            recovery=data.get("recovery", ""),
            back_on_track_by=data.get("back_on_track_by"),
            figures=figures,
        )

    def typed(self) -> dict[int, Observation]:
        """The figures as typed (those that are valid), by measure id, for rating them before a save."""
        return self.content().observations()

    def add_submission_problems(self, ret, *, today) -> None:
        """For a submit: what the answers typed lack, by the model's own rule, with the result rated from
        the figures typed; added to the form's errors in the same round as the form's own (none twice)."""
        content = self.content()
        candidate, rating = content.result(ret, today=today)
        for name, problem in candidate.missing_for_submission(content.observations(), rating).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, problem)


RED_AMBER_FIELDS = ("why", "recovery", "back_on_track_by")
"""Asked for a red or amber result (however rated): needed to submit one, not otherwise."""


def initial_for(ret, figures) -> dict:
    """The form's starting values from a saved return and its figures."""
    initial = {
        "version": ret.version,
        "nothing_to_report": ret.nothing_to_report,
        "commentary": ret.commentary,
        "escalation": ret.escalation,
        "agency_rating": ret.agency_rating,
        "why": ret.why,
        "recovery": ret.recovery,
        "back_on_track_by": ret.back_on_track_by,
    }
    for figure in figures:
        prefix = f"m{figure.measure_id}_"
        initial[prefix + "value"] = _plain_or_blank(figure.value)
        initial[prefix + "numerator"] = _plain_or_blank(figure.numerator)
        initial[prefix + "denominator"] = _plain_or_blank(figure.denominator)
        initial[prefix + "status"] = figure.status
        initial[prefix + "benchmark"] = _plain_or_blank(figure.benchmark)
    return initial


def _plain_or_blank(number: Decimal | None) -> str:
    return "" if number is None else plain_number(number)


class UpdateForm(forms.Form):
    """An owner's quarterly update on a deliverable. What must be filled in to submit depends on the
    status (`DeliverableUpdate.missing_for_submission`); here, only what each answer may hold."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="How does the action stand?",
        required=False,
        choices=DeliveryStatus.choices,
        widget=HintedRadioSelect(hints=STATUS_DEFINITIONS),
    )
    progress = answer(
        UPDATE_MAX_LENGTH,
        "What was done this quarter",
        f"Plain text, up to {UPDATE_MAX_LENGTH:,} characters.",
        rows=5,
    )
    next_steps = answer(
        UPDATE_MAX_LENGTH, "What happens next", "Not needed once the action is completed.", rows=4
    )
    why = answer(
        UPDATE_MAX_LENGTH, "Why it is at risk or off track", "Only for an action at risk or off track."
    )
    recovery = answer(
        UPDATE_MAX_LENGTH,
        "What is being done to bring it back on track",
        "Only for an action at risk or off track.",
    )
    back_on_track_by = GovUKDateField(
        label="Date expected back on track",
        required=False,
        help_text="Only for an action at risk or off track. For example, 31 3 2027.",
    )
    completed_on = GovUKDateField(
        label="Date completed",
        required=False,
        help_text="Only for a completed action. For example, 15 9 2026.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.needed_to_submit = True  # no "(optional)": the status decides what is needed

    def content(self) -> UpdateContent:
        data = self.cleaned_data
        return UpdateContent(**{name: data[name] for name in UpdateContent.__dataclass_fields__})

    @classmethod
    def initial_for(cls, update) -> dict:
        names = ["version", *UpdateContent.__dataclass_fields__]
        return {name: getattr(update, name) for name in names}
