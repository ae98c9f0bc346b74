"""The quarter's work: reporting periods, returns and deliverable updates, the figures in returns, and the
reminders sent. One module per concept; every model is importable from `returns.models`."""

from returns.models.figures import DECIMAL_PLACES, MAX_DIGITS, Figure
from returns.models.periods import PeriodState, ReportingPeriod, periods_up_to
from returns.models.reminders import NotificationPreference, ReminderKind, ReminderSent
from returns.models.submissions import (
    BLANK,
    COMMENTARY_MAX_LENGTH,
    COORDINATOR,
    ESCALATION_MAX_LENGTH,
    STATUS_DEFINITIONS,
    STATUS_RAG,
    DeliverableUpdate,
    DeliveryStatus,
    Return,
    ReturnState,
    Submission,
)

SUBMISSIONS = (Return, DeliverableUpdate)
"""Every kind of item an owner submits in a quarter: what the workflow, reminders and the dashboard count."""

__all__ = [
    "SUBMISSIONS",
    "BLANK",
    "COMMENTARY_MAX_LENGTH",
    "COORDINATOR",
    "DECIMAL_PLACES",
    "ESCALATION_MAX_LENGTH",
    "MAX_DIGITS",
    "STATUS_DEFINITIONS",
    "STATUS_RAG",
    "DeliverableUpdate",
    "DeliveryStatus",
    "Figure",
    "NotificationPreference",
    "PeriodState",
    "ReminderKind",
    "ReminderSent",
    "ReportingPeriod",
    "Return",
    "ReturnState",
    "Submission",
    "periods_up_to",
]
