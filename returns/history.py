"""A return's history as people read it: who changed what, when, from what to what."""

from django.utils.text import capfirst

from csp import audit
from csp.audit import Change, shown
from indicators.kinds import MilestoneStatus
from returns.models import Figure, Return

TRACKED_RETURN_FIELDS = (
    "state",
    "nothing_to_report",
    "commentary",
    "escalation",
    "agency_rating",
    "returned_reason",
)
TRACKED_FIGURE_FIELDS = ("value", "numerator", "denominator", "status")


def _figure_label(record, name: str) -> str:
    return record.measure.name if name == "value" else f"{record.measure.name}: {name}"


def _figure_display(record, name: str) -> str:
    value = getattr(record, name)
    if name == "status" and value:
        return MilestoneStatus(value).label
    return shown(value)


def return_history(ret: Return) -> list[Change]:
    """Every recorded change of the return and its figures, newest first."""
    field_labels = {f.name: f.verbose_name for f in Return._meta.get_fields() if hasattr(f, "verbose_name")}

    def return_display(record, name):
        if name in ("state", "agency_rating"):
            return shown(getattr(record, f"get_{name}_display")())
        return shown(getattr(record, name))

    found = audit.changes(
        ret.history.select_related("history_user"),
        TRACKED_RETURN_FIELDS,
        lambda record, name: capfirst(str(field_labels[name])),
        return_display,
    )
    figure_history = Figure.history.filter(ret_id=ret.pk).select_related("history_user", "measure")
    by_figure: dict[int, list] = {}
    for record in figure_history:
        by_figure.setdefault(record.id, []).append(record)
    for records in by_figure.values():
        found += audit.changes(records, TRACKED_FIGURE_FIELDS, _figure_label, _figure_display)
    return sorted(found, key=lambda c: c.when, reverse=True)
