"""Who writes each action's quarterly update: the lead agency the plan names, else the agency the coordinator
assigns, else the coordinators themselves. Assigning an owner here hands over the updates still being
written in open quarters at once, so the new owner finds them on their list; what anyone typed in them is
kept. (An owner changed in the admin or the plan workbook is handed over when the coordinator brings the
quarter up to date, `returns.periods.bring_up_to_date`.)
"""

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from csp.models import Agency, PlanYear
from indicators.models import Indicator
from returns.models import PeriodState
from returns.periods import bring_up_to_date
from returns.workflow import coordinator_only
from themes.models import Deliverable


def unowned_deliverables(plan_year: PlanYear):
    return Deliverable.objects.filter(
        priority__plan_year=plan_year, lead_agency__isnull=True, owner__isnull=True
    )


def unowned_indicators(plan_year: PlanYear):
    return Indicator.objects.filter(priority__plan_year=plan_year, responsible_agencies__isnull=True)


class OwnersForm(forms.Form):
    """An owner to choose for each action the plan names no lead for."""

    def __init__(self, plan_year: PlanYear, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(partnership_id=plan_year.partnership_id).order_by("name")
        self.deliverables = list(
            Deliverable.objects.filter(priority__plan_year=plan_year, lead_agency__isnull=True)
            .select_related("priority")
            .order_by("priority__order", "order")
        )
        for deliverable in self.deliverables:
            field = forms.ModelChoiceField(
                queryset=agencies,
                required=False,
                initial=deliverable.owner_id,
                label=f"{deliverable.label}: {deliverable.text}",
                empty_label="No owner: the CSP coordinator writes its updates",
            )
            field.needed_to_submit = True  # a choice is always made: "no owner" is one
            self.fields[f"owner_{deliverable.pk}"] = field

    def groups(self) -> list[tuple[str, list]]:
        """(priority heading, its actions' fields) in the plan's order, for the page."""
        grouped: dict[str, list] = {}
        for deliverable in self.deliverables:
            grouped.setdefault(deliverable.priority.heading, []).append(self[f"owner_{deliverable.pk}"])
        return list(grouped.items())

    def chosen(self) -> dict[Deliverable, Agency | None]:
        return {d: self.cleaned_data[f"owner_{d.pk}"] for d in self.deliverables}


def assign_owners(owners: dict[Deliverable, Agency | None], user) -> list[Deliverable]:
    """Give each deliverable its chosen owner, and hand its updates still being written in open quarters to
    the new owner. Returns the deliverables that changed."""
    changed = [d for d, agency in owners.items() if d.owner_id != (agency.pk if agency else None)]
    if not changed:
        return []
    plan_year = changed[0].priority.plan_year
    coordinator_only(user, plan_year.partnership_id)
    with transaction.atomic():
        for deliverable in changed:
            deliverable.owner = owners[deliverable]
            deliverable.save(update_fields=["owner"])
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=changed,
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Owner"]}}],
        )
        for period in plan_year.periods.filter(state=PeriodState.OPEN):
            bring_up_to_date(period, user)
    return changed
