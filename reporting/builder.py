"""The quarterly SEG report as plain data: everything the page, the PDF and the exports print.

`build_quarterly_report(period, today=...)` reads the period, its plan and its returns in a fixed number of
queries, whatever the size of the plan, and returns frozen dataclasses of strings, numbers and dates.
Templates only print them. The figures and ratings come from `returns.figures.rate_quarter` (as the plan
page's do), the words for targets and ratings from `indicators.ratings`, so the page, the PDF, the exports
and the plan page agree. No clock inside: the caller passes `today`, which decides lateness and the
generation date.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import date

from indicators.formatting import format_date
from indicators.kinds import Rag, TargetKind
from indicators.ratings import RAG_WORDS
from reporting.actions import NO_UPDATE, Action, StatusCount, quarter_actions, status_counts
from reporting.definitions import CALCULATIONS, Definition, target_kind_text
from reporting.measure_rows import MeasureRow, measure_row
from returns.figures import QuarterRatings, benchmark_in_force, rate_quarter
from returns.models import ReportingPeriod, Return, ReturnState
from themes.plan import load_plan

RENDER_VERSION = "2"
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


def build_quarterly_report(period: ReportingPeriod, *, today: date) -> QuarterlyReport:
    """Everything the quarterly report for `period` prints, as plain data, in a fixed number of queries."""
    period = ReportingPeriod.objects.select_related("plan_year__partnership").get(pk=period.pk)
    plan_year = period.plan_year
    partnership = plan_year.partnership
    quarter = period.quarter
    priorities = list(load_plan(plan_year))
    returns = list(
        Return.objects.filter(period=period)
        .select_related("agency")
        .only(
            "indicator_id",
            "agency__name",
            "agency__short_name",
            "state",
            "commentary",
            "escalation",
            "nothing_to_report",
            "agency_rating",
        )
        .order_by("agency__name", "pk")
    )
    indicators = [i for p in priorities for i in p.indicators.all()]
    rated = rate_quarter(
        indicators, quarter, partnership_id=partnership.pk, returns=returns, today=today, period=period
    )
    actions = quarter_actions(period, priorities)

    by_indicator: dict[int, dict[int, Return]] = defaultdict(dict)
    for ret in returns:
        by_indicator[ret.indicator_id][ret.agency_id] = ret
    is_late = period.is_past_deadline(today)
    expected: dict[tuple, str] = {}
    """(indicator id, agency id) or (action's anchor,) -> owner's name: everything the report waits for."""
    states: dict[tuple, str] = {}
    outstanding: list[OutstandingReturn] = []
    escalations: list[Escalation] = []
    sections = []
    for priority in priorities:
        rows = []
        for indicator in priority.indicators.all():
            row, pairs = _indicator_row(indicator, by_indicator[indicator.pk], rated, period)
            rows.append(row)
            for (agency_id, agency_name), ret in pairs:
                expected[(indicator.pk, agency_id)] = agency_name
                states[(indicator.pk, agency_id)] = ret.state if ret else ReturnState.NOT_STARTED
                if ret is None or not ret.is_received:
                    state = ret.get_state_display() if ret else ReturnState.NOT_STARTED.label
                    outstanding.append(
                        OutstandingReturn(
                            indicator.code, indicator.text, row.anchor, agency_name, state, is_late
                        )
                    )
                elif ret.is_escalated:
                    escalations.append(
                        Escalation(
                            indicator.code, row.anchor, priority.heading, agency_name, ret.escalation.strip()
                        )
                    )
        for action in actions[priority.pk]:
            if action.carried:
                continue  # completed in an earlier quarter: it owes nothing more
            expected[(action.anchor,)] = action.owner
            states[(action.anchor,)] = action.update_state or ReturnState.NOT_STARTED
            if action.status == NO_UPDATE:
                state = action.update_state_label or ReturnState.NOT_STARTED.label
                outstanding.append(
                    OutstandingReturn(action.label, action.text, action.anchor, action.owner, state, is_late)
                )
        sections.append(
            PrioritySection(
                code=priority.code,
                anchor=f"priority-{priority.code.lower()}",
                reference=priority.reference,
                heading=priority.heading,
                led_by=priority.led_by,
                themes=tuple(
                    Theme(t.text, t.reference, tuple(Theme(c.text, c.reference) for c in t.children.all()))
                    for t in priority.top_themes
                ),
                actions=actions[priority.pk],
                indicators=tuple(rows),
                rag_counts=_count(row.rag for row in rows),
            )
        )

    received = {pair for pair, state in states.items() if state in ReturnState.received()}
    approved = {pair for pair, state in states.items() if state == ReturnState.APPROVED}
    return QuarterlyReport(
        period_id=period.pk,
        period_code=period.code,
        partnership=partnership.name,
        plan_title=plan_year.title,
        plan_year=plan_year.label,
        plan_progress=_plan_progress(plan_year, quarter),
        quarter_in_words=quarter.label_in_words,
        quarter_short=quarter.short_label,
        marking=partnership.protective_marking,
        deadline=format_date(period.deadline),
        period_state=period.get_state_display(),
        summary=period.summary.strip(),
        priorities=tuple(sections),
        agencies=_per_agency(expected, received, approved, is_late),
        rag_counts=_count(row.rag for section in sections for row in section.indicators),
        escalations=tuple(escalations),
        outstanding=tuple(outstanding),
        returns_expected=len(expected),
        returns_received=len(received),
        returns_approved=len(approved),
        benchmarks=_benchmarks(priorities),
        calculations=CALCULATIONS,
        generated_on=today,
    )


def _indicator_row(indicator, returns: dict[int, Return], rated: QuarterRatings, period: ReportingPeriod):
    """The indicator's row, and its ((agency id, name), return or None) pairs for every agency expected to
    return. `returns` are the period's returns for this indicator, by agency id."""
    quarter = period.quarter
    responsible = {a.pk: a.name for a in indicator.responsible_agencies.all()}
    # A return from an agency the plan no longer names still counts: it was asked for.
    for agency_id, ret in returns.items():
        responsible.setdefault(agency_id, ret.owner_name)
    pairs = sorted(
        (((agency_id, name), returns.get(agency_id)) for agency_id, name in responsible.items()),
        key=lambda pair: pair[0][1],
    )
    received = {agency_id: ret for (agency_id, _), ret in pairs if ret is not None and ret.is_received}
    measure_rows = tuple(
        measure_row(
            measure,
            rated.observations.get(measure.code, {}),
            rated.measures[measure.pk],
            quarter,
            returns.get(measure.supplier_id),
            rated.specs[measure.pk],
        )
        for measure in indicator.measures.all()
    )
    rating = rated.indicators[indicator.pk]
    code_anchor = f"indicator-{indicator.code.lower()}"
    row = IndicatorRow(
        code=indicator.code,
        anchor=code_anchor,
        reference=indicator.reference,
        text=indicator.text,
        measure_text=indicator.measure_text,
        benchmark=_benchmark(indicator, measure_rows, period),
        responsible=indicator.responsible_as_printed,
        rag=rating.rag.value,
        rag_words=rating.words,
        rag_from=rating.basis,
        measures=measure_rows,
        updates=tuple(
            Update(
                agency=name,
                state=ret.state,
                state_label=ret.get_state_display(),
                commentary=ret.commentary.strip(),
                escalation=ret.escalation.strip(),
                nothing_to_report=ret.nothing_to_report,
                agency_rating=RAG_WORDS[Rag(ret.agency_rating)] if ret.agency_rating else "",
            )
            for (agency_id, name), ret in pairs
            if agency_id in received
        ),
        not_received_from=tuple(
            f"{name} ({ret.get_state_display().lower() if ret else 'not started'})"
            for (agency_id, name), ret in pairs
            if agency_id not in received
        ),
    )
    return row, pairs


def _benchmark(indicator, measure_rows: tuple[MeasureRow, ...], period: ReportingPeriod) -> str:
    """What the indicator's heading prints as its benchmark or target: the targets its rows are rated
    against, where any measure has one, so that heading and rows cannot disagree; else the plan's wording
    as it stood for the quarter."""
    targets = [row.target_as_set for row in measure_rows if row.target_as_set]
    if targets:
        return "; ".join(dict.fromkeys(targets))
    return benchmark_in_force(period, indicator) or indicator.get_benchmark_kind_display()


def _plan_progress(plan_year, quarter) -> str:
    years = list(plan_year.years)
    if len(years) == 1 or quarter.year not in years:
        return ""
    return f"year {years.index(quarter.year) + 1} of {len(years)}"


def _count(ratings) -> RagCounts:
    counts = Counter(ratings)
    return RagCounts(
        red=counts[Rag.RED.value],
        amber=counts[Rag.AMBER.value],
        green=counts[Rag.GREEN.value],
        not_rated=counts[Rag.NO_RATING.value],
    )


def _per_agency(expected, received, approved, is_late) -> tuple[AgencyReturns, ...]:
    tally: dict[str, Counter] = defaultdict(Counter)
    for pair, name in expected.items():
        counts = tally[name]
        counts["expected"] += 1
        counts["received"] += pair in received
        counts["approved"] += pair in approved
    return tuple(
        AgencyReturns(
            agency=name,
            expected=c["expected"],
            received=c["received"],
            approved=c["approved"],
            outstanding=c["expected"] - c["received"],
            late=(c["expected"] - c["received"]) if is_late else 0,
        )
        for name, c in sorted(tally.items())
    )


def _benchmarks(priorities) -> tuple[Definition, ...]:
    """Every kind of benchmark the plan uses, what it means, and the plan's wording for it."""
    printed: dict[str, list[str]] = defaultdict(list)
    for priority in priorities:
        for indicator in priority.indicators.all():
            text = indicator.benchmark_text.strip()
            if text and text not in printed[indicator.benchmark_kind]:
                printed[indicator.benchmark_kind].append(text)
            for measure in indicator.measures.all():
                printed.setdefault(measure.target_kind, [])
    return tuple(
        Definition(kind.label, target_kind_text(kind), tuple(printed[kind]))
        for kind in TargetKind
        if kind.value in printed
    )
