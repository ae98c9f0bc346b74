from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from csp.admin import ReadOnlyAdmin, ScopedAdmin
from csp.models import PlanYear
from returns import periods
from returns.models import PeriodState, ReportingPeriod, Return
from themes import admin as themes_admin


class PlanYearForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("start_year", self.instance.start_year), data.get("end_year")
        if start is not None and self.instance.pk:
            refusal = periods.span_refusal(self.instance, range(start, (end or start) + 1))
            if refusal:
                self.add_error("end_year", refusal)
        return data


@admin.register(PlanYear)
class PlanYearAdmin(themes_admin.PlanYearAdmin):
    """Plan years, registered here rather than in themes: adding one, here or by importing a workbook,
    makes its reporting periods (`returns.periods.ensure_periods`), which are this app's. Its first year
    is fixed once it exists; its span may change while no period it would drop has been opened."""

    form = PlanYearForm

    def import_plan(self, book, **options):
        return periods.import_plan(book, **options)

    def get_readonly_fields(self, request, obj=None):
        return ("start_year",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            periods.ensure_periods(obj)


class PeriodForm(forms.ModelForm):
    """A period's state changes only as the coordinator's page changes it (`periods.state_change_refusal`)."""

    def clean_state(self):
        state = self.cleaned_data["state"]
        current = self.instance.state if self.instance.pk else PeriodState.NOT_OPEN
        if state != current:
            refusal = periods.state_change_refusal(current, state)
            if refusal:
                raise forms.ValidationError(refusal)
        return state


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdmin):
    """Periods are made with their plan; opening one here creates its returns as the coordinator's page
    does, by `periods.change_period_state`."""

    form = PeriodForm
    list_display = ("__str__", "plan_year", "year", "number", "deadline", "state")
    list_filter = ("plan_year", "state")
    search_fields = ("plan_year__title",)
    ordering = ("-year", "number")
    list_select_related = ("plan_year__partnership",)

    def save_model(self, request, obj, form, change):
        wanted = obj.state
        with transaction.atomic():
            obj.state = form.initial.get("state", PeriodState.NOT_OPEN) if change else PeriodState.NOT_OPEN
            super().save_model(request, obj, form, change)
            if wanted != obj.state:
                obj.state = periods.change_period_state(obj, request.user, wanted).state


class SubmissionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """For looking things up; the workflow itself happens in the app, where every change is checked."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a POST here with view permission alone (REVERT_DISABLED only
        # hides the button), which would undo a return or update past every workflow check.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Return)
class ReturnAdmin(SubmissionAdmin):
    list_display = ("indicator", "agency", "period", "state", "updated_at")
    list_filter = ("period", "state", "agency")
    search_fields = ("indicator__code", "indicator__text", "commentary", "escalation")
    list_select_related = ("indicator", "agency", "period__plan_year")
