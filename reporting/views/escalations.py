"""The escalations page: what officers asked to raise with the partnership's board this quarter, and the
period's summary for the report, which the coordinator writes from them (`reporting.summary`)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from csp.htmx import render_page
from csp.roles import coordinator_view
from reporting.summary import SummaryForm, escalated_items, escalation_text, post_summary
from returns.periods import period_or_current


@coordinator_view
@require_http_methods(["GET", "POST"])
def escalations(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    items = escalated_items(period)
    saved = False
    form = SummaryForm.of(period)
    if request.method == "POST":
        outcome = post_summary(request.POST, period, items)
        if isinstance(outcome, SummaryForm):
            form = outcome
        elif not request.htmx:
            messages.success(request, "Summary saved.")
            return redirect("escalations", partnership=partnership.slug, period_id=period.pk)
        else:
            period, saved, form = outcome, True, SummaryForm.of(outcome)
    in_summary = {ret.pk for ret in items if escalation_text(ret) in period.summary}
    context = {"period": period, "items": items, "form": form, "saved": saved, "in_summary": in_summary}
    return render_page(request, "reporting/escalations.html", "escalations", context)
