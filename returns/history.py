"""A return's or an update's history as people read it: who changed what, when, from what to what."""

from django.utils.text import capfirst

from csp import audit
from csp.audit import Change, shown
from indicators.kinds import MilestoneStatus
from returns.models import DeliverableUpdate, Figure, Return, Submission

TRACKED_RETURN_FIELDS = (
    "state",
    "nothing_to_report",
    "commentary",
    "escalation",
    "agency_rating",
    "why",
    "recovery",
    "back_on_track_by",
    "returned_reason",
)
TRACKED_UPDATE_FIELDS = (
    "state",
    "status",
    "progress",
    "next_steps",
    "why",
    "recovery",
    "back_on_track_by",
    "completed_on",
    "returned_reason",
)
TRACKED = {Return: TRACKED_RETURN_FIELDS, DeliverableUpdate: TRACKED_UPDATE_FIELDS}
TRACKED_FIGURE_FIELDS = ("value", "numerator", "denominator", "status")


def _figure_label(record, name: str) -> str:
    return record.measure.name if name == "value" else f"{record.measure.name}: {name}"


def _figure_display(record, name: str) -> str:
    value = getattr(record, name)
    if name == "status" and value:
        return MilestoneStatus(value).label
    return shown(value)


def history_of(item: Submission) -> list[Change]:
    """Every recorded change of a return (with its figures) or an update, newest first."""
    model = type(item)
    field_labels = {f.name: f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")}

    def display(record, name):
        if model._meta.get_field(name).choices:
            return shown(getattr(record, f"get_{name}_display")())
        return shown(getattr(record, name))

    found = audit.changes(
        item.history.select_related("history_user"),
        TRACKED[model],
        lambda record, name: capfirst(str(field_labels[name])),
        display,
    )
    if isinstance(item, Return):
        by_figure: dict[int, list] = {}
        for record in Figure.history.filter(ret_id=item.pk).select_related("history_user", "measure"):
            by_figure.setdefault(record.id, []).append(record)
        for records in by_figure.values():
            found += audit.changes(records, TRACKED_FIGURE_FIELDS, _figure_label, _figure_display)
    return sorted(found, key=lambda c: c.when, reverse=True)
