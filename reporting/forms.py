from django import forms

from indicators.models import ReportingPeriod


class SummaryForm(forms.ModelForm):
    """The coordinator's summary for the period, printed in the report as plain text."""

    class Meta:
        model = ReportingPeriod
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "summary": "Plain text, printed as you type it: blank lines separate paragraphs. "
            "Up to 6,000 characters."
        }


class IssueForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
