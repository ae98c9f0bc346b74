"""The quarterly SEG report as plain data: everything the page, the PDF and the exports print.

`build_quarterly_report(period, today=...)` reads the period, its plan and its returns in a fixed number of
queries, whatever the size of the plan, and returns frozen dataclasses of strings, numbers and dates.
Templates only print them. The figures and ratings come from `returns.figures.rate_quarter` (as the plan
page's do), the words for targets and ratings from `indicators.ratings`, so the page, the PDF, the exports
and the plan page agree. No clock inside: the caller passes `today`, which decides lateness and the
generation date.
"""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date

from indicators.formatting import format_date
from indicators.kinds import Rag, TargetKind
from indicators.ratings import RAG_WORDS
from reporting.actions import NO_UPDATE, quarter_actions
from reporting.contents import (  # noqa: F401 (re-exported: what the report is made of)
    RENDER_VERSION,
    AgencyReturns,
    Escalation,
    IndicatorRow,
    OutstandingReturn,
    PrioritySection,
    QuarterlyReport,
    RagCounts,
    Theme,
    Update,
)
from reporting.definitions import CALCULATIONS, Definition, target_kind_text
from reporting.measure_rows import MeasureRow, measure_row
from returns.figures import QuarterRatings, benchmark_in_force, rate_quarter
from returns.models import PeriodState, ReportingPeriod, Return, ReturnState
from themes.plan import load_plan


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
            "why",
            "recovery",
            "back_on_track_by",
        )
        .order_by("agency__name", "pk")
    )
    indicators = [i for p in priorities for i in p.indicators.all()]
    rated = rate_quarter(
        indicators, quarter, partnership_id=partnership.pk, returns=returns, today=today, period=period
    )
    actions = quarter_actions(period, priorities)
    before = _previous_ratings(period, indicators, today)

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
            previous = before.get(indicator.pk, "") if before is not None else ""
            row = replace(row, previous_rag=previous, priority=priority.heading)
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
        board_name=partnership.board_name,
        board_short_name=partnership.board,
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
        has_previous_quarter=before is not None,
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
                why=ret.why.strip(),
                recovery=ret.recovery.strip(),
                back_on_track_by=format_date(ret.back_on_track_by) if ret.back_on_track_by else "",
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


def _previous_ratings(period: ReportingPeriod, indicators, today: date) -> dict[int, str] | None:
    """Each indicator's rating the quarter before (by indicator id), where the plan has a period for it
    that was opened (None where it has not): as that quarter stood, against the targets in force for it.
    One query, and two more where there is such a period."""
    before = (
        ReportingPeriod.objects.filter(
            plan_year_id=period.plan_year_id,
            year=period.quarter.previous().year,
            number=period.quarter.previous().number,
        )
        .exclude(state=PeriodState.NOT_OPEN)
        .first()
    )
    if before is None:
        return None
    returns = Return.objects.filter(period=before).only("indicator_id", "agency_id", "state", "agency_rating")
    rated = rate_quarter(
        indicators,
        before.quarter,
        partnership_id=period.plan_year.partnership_id,
        returns=returns,
        today=today,
        period=before,
    )
    return {pk: rating.rag.value for pk, rating in rated.indicators.items()}


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
