"""The coordinator's page for starting a new plan year from an existing one, with its four periods."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from csp.htmx import redirect_to, render_page
from csp.models import PlanYear
from csp.roles import coordinator_view
from returns.periods import start_plan_year
from themes.new_year import NewYearError


class NewPlanYearForm(forms.Form):
    previous = forms.ModelChoiceField(
        queryset=PlanYear.objects.none(), label="Copy the plan of", empty_label=None
    )
    start_year = forms.IntegerField(
        label="Year the new plan starts",
        min_value=2000,
        max_value=2100,
        help_text="The calendar year of its 1 April: 2027 for 2027-28.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = partnership.plan_years.order_by("-start_year")


@coordinator_view
@require_http_methods(["GET", "POST"])
def new_plan_year(request: HttpRequest, partnership) -> HttpResponse:
    if request.method == "POST":
        form = NewPlanYearForm(request.POST, partnership=partnership)
        if form.is_valid():
            previous = form.cleaned_data["previous"]
            try:
                new = start_plan_year(previous, form.cleaned_data["start_year"], request.user)
            except NewYearError as refused:
                form.add_error("start_year", str(refused))
            else:
                messages.success(
                    request,
                    f"The {new.label} plan is ready to edit: a copy of {previous.label}, "
                    "with its four periods not yet open.",
                )
                url = reverse("plan_year", kwargs={"partnership": partnership.slug, "plan_year_id": new.pk})
                return redirect_to(request, url)
    else:
        latest = partnership.plan_years.order_by("-start_year").first()
        initial = {"previous": latest, "start_year": latest.last_year + 1} if latest else None
        form = NewPlanYearForm(initial=initial, partnership=partnership)
    return render_page(request, "returns/new_plan_year.html", "form", {"form": form})
