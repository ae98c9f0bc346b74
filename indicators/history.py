"""A return's history as people read it: who changed what, when, from what to what."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.text import capfirst

from indicators.kinds import MilestoneStatus
from indicators.models import Figure, Return

TRACKED_RETURN_FIELDS = (
    "state",
    "nothing_to_report",
    "commentary",
    "escalation",
    "agency_rating",
    "returned_reason",
)
TRACKED_FIGURE_FIELDS = ("value", "numerator", "denominator", "status")


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    old: str
    new: str
    reason: str = ""


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def _shown(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


def _figure_label(record, name: str) -> str:
    return record.measure.name if name == "value" else f"{record.measure.name}: {name}"


def _figure_display(record, name: str) -> str:
    value = getattr(record, name)
    if name == "status" and value:
        return MilestoneStatus(value).label
    return _shown(value)


def _diffs(records, fields, label_for, display) -> list[Change]:
    changes = []
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    for older, newer in zip([None, *ordered], ordered, strict=False):
        for name in fields:
            old = getattr(older, name) if older else None
            new = getattr(newer, name)
            if older is None and new in (None, "", False):
                continue
            if old != new:
                changes.append(
                    Change(
                        when=newer.history_date,
                        who=_who(newer),
                        what=label_for(newer, name),
                        old=display(older, name) if older else "(blank)",
                        new=display(newer, name),
                        reason=newer.history_change_reason or "",
                    )
                )
    return changes


def return_history(ret: Return) -> list[Change]:
    """Every recorded change of the return and its figures, newest first."""
    field_labels = {f.name: f.verbose_name for f in Return._meta.get_fields() if hasattr(f, "verbose_name")}

    def return_display(record, name):
        if name in ("state", "agency_rating"):
            return _shown(getattr(record, f"get_{name}_display")())
        return _shown(getattr(record, name))

    changes = _diffs(
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
        changes += _diffs(
            records,
            TRACKED_FIGURE_FIELDS,
            _figure_label,
            _figure_display,
        )
    return sorted(changes, key=lambda c: c.when, reverse=True)
