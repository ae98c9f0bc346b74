"""The period's summary for the report, and the items escalated to the SEG that go into it.

The coordinator edits the summary on the escalations page. Two coordinators may edit it at once: a save
made from an older version is refused (`StaleSummary`) rather than overwriting the other's words.
"""

import hashlib

from django import forms
from django.db import transaction

from returns.models import ReportingPeriod, Return

SUMMARY_MAX_LENGTH = ReportingPeriod._meta.get_field("summary").max_length


class StaleSummary(Exception):
    pass


def fingerprint(text: str) -> str:
    """Identifies a version of the summary, so a save made from an older one is refused."""
    return hashlib.sha256(text.encode()).hexdigest()


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="Coordinator's summary",
        help_text="Printed in the quarterly report to the board, as plain text, line breaks kept.",
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    based_on = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def of(cls, period: ReportingPeriod) -> "SummaryForm":
        return cls(initial={"summary": period.summary, "based_on": fingerprint(period.summary)})


def escalation_text(ret: Return) -> str:
    """An escalated item as it goes into the summary: one line, saying where it came from."""
    return f"{ret.indicator.code} ({ret.agency.display_name}): {' '.join(ret.escalation.split())}"


def save_summary(period: ReportingPeriod, text: str, based_on: str) -> ReportingPeriod:
    """Save the period's summary, unless someone changed it since the form was loaded."""
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if fingerprint(current.summary) != based_on:
            raise StaleSummary
        current.summary = text
        current.save(update_fields=["summary"])
    return current


def escalated_items(period: ReportingPeriod) -> list[Return]:
    returns = (
        Return.objects.filter(period=period)
        .received()
        .escalated()
        .select_related("indicator__priority", "agency")
        .order_by("indicator__priority__order", "indicator__order", "agency__name")
    )
    return list(returns)


def post_summary(data, period: ReportingPeriod, items: list[Return]) -> ReportingPeriod | SummaryForm:
    """Save the summary form's `data`, with an item appended if one's "Add to summary" was pressed.

    Returns the saved period, or the form with its errors. The typed text is kept either way: the add
    buttons submit the same form as the textarea, so nothing typed is lost by adding an item.
    """
    form = SummaryForm(data)
    if not form.is_valid():
        return form
    text = form.cleaned_data["summary"]
    add = next((ret for ret in items if str(ret.pk) == data.get("add")), None)
    if add is not None:
        text = f"{text.rstrip()}\n\n{escalation_text(add)}" if text.strip() else escalation_text(add)
    if len(text) > SUMMARY_MAX_LENGTH:
        form.add_error(
            "summary",
            f"Adding that item would make the summary longer than {SUMMARY_MAX_LENGTH} characters: "
            "shorten it first.",
        )
        return form
    try:
        return save_summary(period, text, form.cleaned_data["based_on"])
    except StaleSummary:
        period.refresh_from_db()
        # Keep what this person typed; the next save applies it over the newer version on purpose.
        form = SummaryForm({"summary": text, "based_on": fingerprint(period.summary)})
        form.is_valid()
        form.add_error(
            None,
            "Someone else changed the summary while you were editing it. Your text is kept in the box; "
            f"their version was: “{period.summary}”. Merge the two and save again.",
        )
        return form
