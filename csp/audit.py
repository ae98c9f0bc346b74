"""An audit trail as people read it: who changed what, when, from what to what, and why.

django-simple-history keeps a record of every save; `changes` turns a model's records into one line per
changed field. The returns (and their figures) use it for their history pages.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    old: str
    new: str
    reason: str = ""


def history_reason(instance, reason: str) -> str:
    """`reason` cut to fit the change-reason column of `instance`'s history (django-simple-history's is 100
    characters), the cut marked with an ellipsis. A reason typed by a person is kept whole on the record
    itself (a return's `returned_reason`), and its history row copies that field, so nothing is lost."""
    limit = type(instance).history.model._meta.get_field("history_change_reason").max_length
    return reason if len(reason) <= limit else reason[: limit - 1].rstrip() + "…"


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def shown(value) -> str:
    """A value as a person reads it: (blank), Yes, No, 1,416."""
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


def changes(
    records: Iterable,
    fields: Iterable[str],
    label_for: Callable[[object, str], str],
    display: Callable[[object, str], str],
) -> list[Change]:
    """One `Change` per field that differs between consecutive records (oldest first), and per field set
    in the first record. `label_for(record, field)` names a field; `display(record, field)` shows a value.
    """
    found = []
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    for older, newer in zip([None, *ordered], ordered, strict=False):
        for name in fields:
            old = getattr(older, name) if older else None
            new = getattr(newer, name)
            if older is None and new in (None, "", False):
                continue
            if old != new:
                found.append(
                    Change(
                        when=newer.history_date,
                        who=_who(newer),
                        what=label_for(newer, name),
                        old=display(older, name) if older else "(blank)",
                        new=display(newer, name),
                        reason=newer.history_change_reason or "",
                    )
                )
    return found
