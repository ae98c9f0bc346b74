from django import forms


class IssueForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
