"""An agency's quarter in one sitting: every return and action update it owes a partnership on one page
(each with its panels and checks, as on its own page), saved together; then a check-your-answers page that
says which are ready, and one submit, with a declaration, of those ticked. Submitting some and leaving the
rest still works."""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from csp import kept
from csp.models import Agency, Membership
from csp.roles import member_view
from returns.forms import UpdateForm
from returns.models import DeliverableUpdate, ReportingPeriod, Return, Submission
from returns.views.return_page import ReturnQuestions
from returns.workflow import StaleReturn, WorkflowError, missing_to_submit, save_draft, submit


@dataclass
class Section:
    """One return or update on the page: the item, its form (bound to what was posted, or as saved) and,
    for a return, its questions."""

    item: Submission
    form: object
    questions: ReturnQuestions | None = None
    measures: list | None = None
    """A return's rows for its template (`ReturnQuestions.rows`)."""

    @property
    def anchor(self) -> str:
        return f"item-{self.item.choice}"


class AgencyQuarter:
    """What an agency owes in a period: its returns, then its updates, in the plan's order."""

    def __init__(self, request: HttpRequest, partnership, period_id: int, agency_id: int):
        periods = ReportingPeriod.objects.select_related("plan_year__partnership")
        self.period = get_object_or_404(periods, pk=period_id, plan_year__partnership=partnership)
        self.agency = get_object_or_404(Agency, pk=agency_id, partnership=partnership)
        if not Membership.objects.filter(user=request.user, agency=self.agency).exists():
            raise Http404("You do not report for this agency.")
        self.returns = list(
            Return.objects.filter(period=self.period, agency=self.agency)
            .select_related("indicator__priority", "agency")
            .order_by("indicator__priority__order", "indicator__order")
        )
        self.updates = list(
            DeliverableUpdate.objects.filter(period=self.period, agency=self.agency)
            .select_related("deliverable__priority", "agency")
            .order_by("deliverable__priority__order", "deliverable__order")
        )
        for item in self.items:
            item.period = self.period

    @property
    def items(self) -> list[Submission]:
        return [*self.returns, *self.updates]

    def sections(self, data=None) -> list[Section]:
        """A section for each item its owner can still change, with forms bound to `data` if given."""
        found = []
        for ret in self.returns:
            if ret.is_editable_by_officer:
                questions = ReturnQuestions.of(ret, prefix=f"r{ret.pk}")
                found.append(Section(ret, questions.form(data), questions))
        for update in self.updates:
            if update.is_editable_by_officer:
                form = UpdateForm(data, initial=UpdateForm.initial_for(update), prefix=f"u{update.pk}")
                found.append(Section(update, form))
        return found

    @property
    def url(self) -> str:
        slug = self.period.plan_year.partnership.slug
        return reverse("agency_quarter", args=[slug, self.period.pk, self.agency.pk])


def _save_all(request: HttpRequest, sections: list[Section]) -> str:
    """Save every changed section as a draft, all or none: "" when saved, else why nothing was. A clash
    with someone else's save is put on that section, its form now at their version, what was typed kept
    (saving again keeps the officer's)."""
    try:
        with transaction.atomic():
            for section in sections:
                if not section.form.has_changed():
                    continue
                content = section.form.content()
                if section.questions is not None:
                    content.stored = section.questions.stored
                save_draft(section.item, request.user, content, version=section.form.cleaned_data["version"])
    except StaleReturn as stale:
        for section in sections:
            if section.item.choice == stale.current.choice:
                data = request.POST.copy()
                data[section.form.add_prefix("version")] = stale.current.version
                section.form = type(section.form)(data, **_form_kwargs(section))
                section.form.is_valid()
                section.form.add_error(None, str(stale))
        return f"Nothing was saved: {stale.current.title} was saved by someone else while you were editing."
    except WorkflowError as refused:
        return f"Nothing was saved: {refused}"
    return ""


def _form_kwargs(section: Section) -> dict:
    if section.questions is not None:
        return section.questions.form_kwargs
    return {"prefix": section.form.prefix}


@member_view
@require_http_methods(["GET", "POST"])
def agency_quarter(request: HttpRequest, partnership, period_id: int, agency_id: int) -> HttpResponse:
    quarter = AgencyQuarter(request, partnership, period_id, agency_id)
    problem, restored = "", False
    if request.method == "POST":
        sections = quarter.sections(request.POST)
        valid = [section.form.is_valid() for section in sections]  # every form checked, in one round
        if all(valid):
            problem = _save_all(request, sections)
            if not problem:
                if request.POST.get("action") == "check":
                    return redirect(quarter.url + "check/")
                messages.success(request, f"Saved at {timezone.localtime():%H:%M}.")
                return redirect(quarter.url)
    elif (typed := kept.take(request)) is not None:  # typed before the session ran out
        sections, restored = quarter.sections(typed), True
        for section in sections:
            section.form.is_valid()
    else:
        sections = quarter.sections()
    today = timezone.localdate()
    for section in sections:
        if section.questions is not None:
            figures = section.questions.figures()
            section.measures = section.questions.rows(section.form, figures, today=today)
    context = {
        "quarter": quarter,
        "sections": sections,
        "problem": problem,
        "restored": restored,
        "has_errors": bool(problem) or any(section.form.errors for section in sections),
        "done": [item for item in quarter.items if not item.is_editable_by_officer],
    }
    return render(request, "returns/agency_quarter.html", context)


@member_view
@require_http_methods(["GET", "POST"])
def check_quarter(request: HttpRequest, partnership, period_id: int, agency_id: int) -> HttpResponse:
    """Check your answers: each item still open, ready or what it lacks; submit those ticked."""
    quarter = AgencyQuarter(request, partnership, period_id, agency_id)
    open_items = [item for item in quarter.items if item.is_editable_by_officer]
    lacking = {item.choice: missing_to_submit(item) for item in open_items}
    errors: dict[str, str] = {}
    chosen = set(request.POST.getlist("items")) if request.method == "POST" else None
    if request.method == "POST":
        ready = [item for item in open_items if item.choice in chosen and not lacking[item.choice]]
        if not ready:
            errors["choice"] = "Select the returns and updates to submit."
        if request.POST.get("declaration") != "yes":
            errors["declaration"] = "Confirm the declaration to submit."
        if not errors:
            return _submit_chosen(request, quarter, ready)
    context = {
        "quarter": quarter,
        "open_items": [(item, lacking[item.choice]) for item in open_items],
        "done": [item for item in quarter.items if not item.is_editable_by_officer],
        "chosen": chosen,
        "errors": errors,
        "first_box": next((f"choose-{i.choice}" for i in open_items if not lacking[i.choice]), "items"),
    }
    return render(request, "returns/check_quarter.html", context)


def _submit_chosen(request: HttpRequest, quarter: AgencyQuarter, ready: list[Submission]) -> HttpResponse:
    """Submit each at the version the officer checked; one that changed since, or lacks something now,
    is left as it is and named."""
    submitted, refused = [], []
    for item in ready:
        version = request.POST.get(f"version-{item.choice}", "")
        try:
            submit(item, request.user, version=int(version) if version.isdigit() else -1)
        except WorkflowError as why:
            refused.append(f"{item.title}: {why}")
        else:
            submitted.append(item.title)
    if submitted:
        messages.success(
            request, f"{len(submitted)} submitted to the CSP coordinator: {', '.join(submitted)}."
        )
    if refused:
        messages.error(request, "Not submitted, as each changed since you checked it: " + " ".join(refused))
        return redirect(quarter.url + "check/")
    return redirect("home")
