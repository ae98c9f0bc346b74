"""The coordinator's pages for a plan year: starting a new one from an existing one, with its four periods;
and choosing who writes the updates on actions the plan names no lead for."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from csp.htmx import redirect_to, render_page
from csp.models import PlanYear
from csp.roles import coordinator_view
from returns.owners import OwnersForm, assign_owners, unowned_indicators
from returns.periods import start_plan_year
from themes.models import Deliverable
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


@coordinator_view
@require_http_methods(["GET", "POST"])
def owners(request: HttpRequest, partnership, plan_year_id: int) -> HttpResponse:
    plan_year = get_object_or_404(PlanYear, pk=plan_year_id, partnership=partnership)
    form = OwnersForm(plan_year, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = assign_owners(form.chosen(), request.user)
        if changed:
            names = ", ".join(d.label for d in changed)
            messages.success(request, f"Owners saved: {names}.")
        else:
            messages.success(request, "No owner was changed.")
        return redirect_to(request, reverse("owners", args=[partnership.slug, plan_year.pk]))
    context = {
        "plan_year": plan_year,
        "form": form,
        "led": Deliverable.objects.filter(priority__plan_year=plan_year, lead_agency__isnull=False).count(),
        "indicators": unowned_indicators(plan_year)
        .select_related("priority")
        .order_by("priority__order", "order"),
    }
    return render_page(request, "returns/owners.html", "form", context)
