"""What the quarterly report prints, as frozen dataclasses of strings, numbers, dates and tuples: made by
`reporting.builder.build_quarterly_report`, printed by the templates and the exports. What can be worked
out from the data alone (the exceptions, the changes since last quarter) is a property here, so the page,
the PDF and the exports cannot work it out twice.
"""

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date

from indicators.formatting import format_date
from indicators.kinds import Rag
from indicators.ratings import RAG_WORDS
from reporting.actions import Action, StatusCount, status_counts
from reporting.definitions import Definition
from reporting.measure_rows import MeasureRow

RENDER_VERSION = "3"
"""Part of every fingerprint: raise it when a template change must invalidate the PDFs already made."""


@dataclass(frozen=True)
class RagCounts:
    red: int = 0
    amber: int = 0
    green: int = 0
    not_rated: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.not_rated


@dataclass(frozen=True)
class Update:
    """One agency's return for an indicator, as received (submitted or approved)."""

    agency: str
    state: str
    state_label: str
    commentary: str
    escalation: str
    nothing_to_report: bool
    agency_rating: str
    why: str = ""
    """For a red or amber result: why, what is being done, and when it should be back on track."""
    recovery: str = ""
    back_on_track_by: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.why or self.recovery or self.back_on_track_by)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    anchor: str
    reference: str
    """The number the plan prints beside it ("2.4"), or ""."""
    text: str
    measure_text: str
    benchmark: str
    responsible: str
    rag: str
    rag_words: str
    rag_from: str
    measures: tuple[MeasureRow, ...]
    updates: tuple[Update, ...]
    not_received_from: tuple[str, ...]
    previous_rag: str = ""
    """Its rating the quarter before, where the plan year reported one; "" otherwise."""
    priority: str = ""

    @property
    def short_text(self) -> str:
        """The indicator in a few words, for the summary's at-a-glance lists."""
        words = self.text.split()
        return " ".join(words[:9]) + ("…" if len(words) > 9 else "")

    @property
    def is_exception(self) -> bool:
        """Red or amber, however rated: named with its explanation in the report's exceptions."""
        return self.rag in (Rag.RED, Rag.AMBER)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it is rated as it is: its red and amber measures' reasons, by name."""
        bad = (Rag.RED, Rag.AMBER)
        return tuple(f"{m.name}: {m.rag_reason}" for m in self.measures if m.rag in bad and m.rag_reason)

    @property
    def changed(self) -> bool:
        return bool(self.previous_rag) and self.previous_rag != self.rag

    @property
    def previous_rag_words(self) -> str:
        return RAG_WORDS[Rag(self.previous_rag)] if self.previous_rag else ""


@dataclass(frozen=True)
class Theme:
    text: str
    reference: str = ""
    children: tuple["Theme", ...] = ()


@dataclass(frozen=True)
class PrioritySection:
    code: str
    anchor: str
    reference: str
    heading: str
    led_by: str
    themes: tuple[Theme, ...]
    actions: tuple[Action, ...]
    indicators: tuple[IndicatorRow, ...]
    rag_counts: RagCounts

    @property
    def action_counts(self) -> tuple[StatusCount, ...]:
        return status_counts(self.actions)

    @property
    def action_summary(self) -> str:
        """E.g. "1 off track, 2 at risk, 10 on track": the statuses its actions stand at, worst first."""
        return ", ".join(f"{item.count} {item.label.lower()}" for item in self.action_counts if item.count)


@dataclass(frozen=True)
class AgencyReturns:
    agency: str
    expected: int
    received: int
    approved: int
    outstanding: int
    late: int


@dataclass(frozen=True)
class OutstandingReturn:
    """A return or action update the report still waits for."""

    title: str
    """The indicator's code or the action's label."""
    text: str
    anchor: str
    agency: str
    state_label: str
    late: bool


@dataclass(frozen=True)
class Escalation:
    indicator_code: str
    anchor: str
    priority: str
    agency: str
    text: str


@dataclass(frozen=True)
class QuarterlyReport:
    period_id: int
    period_code: str
    partnership: str
    board_name: str
    """The board the report goes to, as the partnership names it ("Strategic Executive Group")."""
    board_short_name: str
    """Its short name ("SEG"), else its name: for labels."""
    plan_title: str
    plan_year: str
    plan_progress: str
    """For a plan over several years, which of them the quarter is in ("year 2 of 3"); else ""."""
    quarter_in_words: str
    quarter_short: str
    marking: str
    """A Government Security Classification, or "" for none: then nothing is printed."""
    deadline: str
    period_state: str
    summary: str
    priorities: tuple[PrioritySection, ...]
    agencies: tuple[AgencyReturns, ...]
    rag_counts: RagCounts
    escalations: tuple[Escalation, ...]
    outstanding: tuple[OutstandingReturn, ...]
    returns_expected: int
    """Returns and action updates, here and in the two fields below."""
    returns_received: int
    returns_approved: int
    benchmarks: tuple[Definition, ...]
    calculations: tuple[Definition, ...]
    has_previous_quarter: bool
    """Whether the plan reported the quarter before, which the changes since last quarter compare with."""
    generated_on: date = field(compare=False)

    @property
    def is_draft(self) -> bool:
        """DRAFT until every return the plan expects has been approved."""
        return self.returns_approved < self.returns_expected

    @property
    def late(self) -> tuple[OutstandingReturn, ...]:
        return tuple(item for item in self.outstanding if item.late)

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(action for section in self.priorities for action in section.actions)

    @property
    def action_counts(self) -> tuple[StatusCount, ...]:
        return status_counts(self.actions)

    @property
    def actions_needing_attention(self) -> tuple[Action, ...]:
        """At risk or off track: named on the summary page."""
        return tuple(action for action in self.actions if action.needs_attention)

    @property
    def status_changes(self) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.changed)

    @property
    def indicators(self) -> tuple[IndicatorRow, ...]:
        return tuple(row for section in self.priorities for row in section.indicators)

    @property
    def exceptions(self) -> tuple[IndicatorRow, ...]:
        """Every red indicator, then every amber, in plan order within each."""
        rows = [row for row in self.indicators if row.is_exception]
        return tuple(sorted(rows, key=lambda row: row.rag != Rag.RED))

    @property
    def rating_changes(self) -> tuple[IndicatorRow, ...]:
        return tuple(row for row in self.indicators if row.changed)

    @property
    def other_escalations(self) -> tuple[Escalation, ...]:
        """Escalations on indicators that are not red or amber (those are printed beside their exception)."""
        shown = {row.code for row in self.exceptions}
        return tuple(item for item in self.escalations if item.indicator_code not in shown)

    @property
    def generated_in_words(self) -> str:
        return format_date(self.generated_on)

    @property
    def fingerprint(self) -> str:
        """A digest of everything the report prints except the day it was generated.

        Two builds with the same fingerprint print the same figures, returns and text, so a PDF made from
        one serves for the other. Everything in the report is frozen dataclasses of str, int, bool,
        Decimal and tuples, whose repr is stable.
        """
        content = tuple((f.name, getattr(self, f.name)) for f in fields(self) if f.name != "generated_on")
        return hashlib.sha256(repr((RENDER_VERSION, content)).encode()).hexdigest()
