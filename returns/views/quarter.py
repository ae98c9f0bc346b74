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
    clash: bool = False
    """Someone else saved it since the page was loaded and the officer changed it too: their version is
    shown beside what was typed, and the next save replaces theirs."""
    locked: bool = False
    """Submitted, or its period closed, since the page was loaded: what was typed is shown, not saved."""

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
        """A section for each item its owner can still change, with forms bound to `data` if given; and,
        for `data`, one for each item it holds answers to that can no longer be changed (`locked`)."""
        found = []
        for item in self.items:
            prefix = f"{item.noun[0]}{item.pk}"
            editable = item.is_editable_by_officer
            if not editable and (data is None or f"{prefix}-version" not in data):
                continue
            if isinstance(item, Return):
                questions = ReturnQuestions.of(item, prefix=prefix)
                section = Section(item, questions.form(data), questions)
            else:
                section = Section(item, UpdateForm(data, initial=UpdateForm.initial_for(item), prefix=prefix))
            section.locked = not editable
            found.append(section)
        return found

    @property
    def url(self) -> str:
        slug = self.period.plan_year.partnership.slug
        return reverse("agency_quarter", args=[slug, self.period.pk, self.agency.pk])


def _clashes(request: HttpRequest, sections: list[Section]) -> list[Section]:
    """The sections someone else saved since the page was loaded (their version is newer than the one
    posted). One the officer left alone (the page's script marks each section typed in) takes the newer
    version; one they changed, or any without the script to say, is a clash: their version is shown, what
    was typed kept, and the form moves to their version so that saving again replaces it knowingly."""
    clashes = []
    for section in sections:
        form, item = section.form, section.item
        posted = form.data.get(form.add_prefix("version"))
        if section.locked or posted == str(item.version):
            continue
        if request.POST.get("_script") == "yes" and request.POST.get(form.add_prefix("_typed")) != "yes":
            section.form = _unbound(section)
            continue
        data = request.POST.copy()
        data[form.add_prefix("version")] = item.version
        section.form = type(form)(data, **_form_kwargs(section))
        section.form.is_valid()
        who = (item.updated_by.get_full_name() or item.updated_by.username) if item.updated_by else "someone"
        section.form.add_error(
            None,
            f"{who} saved this at {timezone.localtime(item.updated_at):%H:%M} while you were editing it. "
            "Their version is shown; what you typed is kept. Save again to replace theirs with yours.",
        )
        section.clash = True
        clashes.append(section)
    return clashes


def _unbound(section: Section):
    if section.questions is not None:
        return section.questions.form()
    return UpdateForm(initial=UpdateForm.initial_for(section.item), prefix=section.form.prefix)


def _save_all(request: HttpRequest, sections: list[Section]) -> str:
    """Save every changed section as a draft, all or none: "" when saved, else why nothing was (a save
    that races another is refused by its version, and told as a clash would be)."""
    try:
        with transaction.atomic():
            for section in sections:
                if not section.form.is_bound or not section.form.has_changed():
                    continue
                content = section.form.content()
                if section.questions is not None:
                    content.stored = section.questions.stored
                save_draft(section.item, request.user, content, version=section.form.cleaned_data["version"])
    except StaleReturn as stale:
        return (
            f"Nothing was saved: {stale.current.title} was saved by someone else at that moment. Save again."
        )
    except WorkflowError as refused:
        return f"Nothing was saved: {refused}"
    return ""


def _form_kwargs(section: Section) -> dict:
    if section.questions is not None:
        return section.questions.form_kwargs
    return {"prefix": section.form.prefix, "initial": UpdateForm.initial_for(section.item)}


@member_view
@require_http_methods(["GET", "POST"])
def agency_quarter(request: HttpRequest, partnership, period_id: int, agency_id: int) -> HttpResponse:
    quarter = AgencyQuarter(request, partnership, period_id, agency_id)
    problem, problem_anchor, restored = "", "", False
    if request.method == "POST":
        sections = quarter.sections(request.POST)
        clashes = _clashes(request, sections)
        locked = [section for section in sections if section.locked]
        valid = [section.form.is_valid() for section in sections if section.form.is_bound]  # one round
        if clashes or locked:
            names = ", ".join(section.item.title for section in [*clashes, *locked])
            problem = f"Nothing was saved: {names} changed since you opened this page."
            problem_anchor = [*clashes, *locked][0].anchor
        elif all(valid):
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
    shown = [section.item for section in sections]
    for section in sections:
        if section.questions is not None:
            figures = section.questions.figures()
            section.measures = section.questions.rows(section.form, figures, today=today)
    context = {
        "quarter": quarter,
        "sections": sections,
        "problem": problem,
        "problem_anchor": problem_anchor,
        "restored": restored,
        "has_errors": bool(problem) or any(section.form.errors for section in sections),
        "done": [i for i in quarter.items if not i.is_editable_by_officer and i not in shown],
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
        unready = [item.title for item in open_items if item.choice in chosen and lacking[item.choice]]
        if unready:  # ticked while ready, changed since
            errors["choice"] = f"{', '.join(unready)} cannot be submitted yet: see what each lacks above."
        elif not ready:
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
        "ready_count": sum(not lacking[item.choice] for item in open_items),
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
