"""The shipped Medway 2026-27 fixture against the source plan kept beside it (fixtures/source/)."""

import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from csp.models import Agency, Partnership, PlanYear
from indicators.models import Indicator, Measure
from themes.models import Deliverable, KeyTheme, Priority

SOURCE = settings.BASE_DIR / "fixtures" / "source" / "medway-csp-action-plan-2026-27.txt"

# Second columns that are a measure ("Number of professionals trained ..."), not a benchmark.
MEASURE_COLUMN = re.compile(r"^(Number|Evidence|Inclusion) of ")


def parse_source() -> tuple[list[str], list[dict]]:
    """The plan's first two lines (title, vision) and one dict per priority section.

    A section is the heading line, its "- " bullets (a leading space marks a nested theme) after
    "Key Themes:" / "Key Deliverables:", and its tab-separated table rows without the header row.
    """
    preamble, sections, bullets = [], [], None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line in ("Key Themes:", "Key Deliverables:"):
            bullets = sections[-1]["themes" if line == "Key Themes:" else "deliverables"]
        elif "\t" in line:
            if not line.startswith("Indicator\t"):
                sections[-1]["rows"].append(line.split("\t"))
        elif line.lstrip().startswith("- "):
            bullets.append((line.strip()[2:].strip(), line.startswith(" ")))
        elif len(preamble) < 2:
            preamble.append(line)
        else:
            sections.append({"heading": line, "themes": [], "deliverables": [], "rows": []})
    return preamble, sections


@pytest.fixture
def sections(medway_plan):
    return dict(zip(medway_plan.priorities.values_list("code", flat=True), parse_source()[1], strict=True))


def test_the_source_copy_parses_into_the_plans_shape():
    preamble, sections = parse_source()

    assert len(preamble) == 2
    assert [len(s["themes"]) for s in sections] == [9, 5, 6, 5]
    assert [len(s["deliverables"]) for s in sections] == [14, 11, 9, 6]
    assert [len(s["rows"]) for s in sections] == [21, 8, 8, 7]
    assert all(len(row) == 3 for s in sections for row in s["rows"])


def test_fixture_holds_the_whole_plan(medway_plan):
    assert Priority.objects.filter(plan_year=medway_plan).count() == 4
    assert KeyTheme.objects.filter(priority__plan_year=medway_plan).count() == 25
    assert list(
        KeyTheme.objects.filter(priority__plan_year=medway_plan, parent__isnull=False).values_list(
            "priority__code", flat=True
        )
    ) == ["DRUGS", "DRUGS"]
    assert Deliverable.objects.filter(priority__plan_year=medway_plan).count() == 40
    assert Indicator.objects.filter(priority__plan_year=medway_plan).count() == 44
    assert Agency.objects.filter(partnership=medway_plan.partnership).count() == 12


def test_partnership_and_plan_year_are_as_printed(medway_plan):
    title, vision = parse_source()[0]

    assert medway_plan.title == title
    assert medway_plan.start_year == 2026
    assert medway_plan.partnership.name == "Medway Community Safety Partnership"
    assert medway_plan.partnership.vision == vision
    assert medway_plan.partnership.protective_marking == "OFFICIAL"


def test_priority_headings_match_the_source_in_order(medway_plan, sections):
    priorities = list(medway_plan.priorities.all())

    assert [p.code for p in priorities] == ["ASB", "VAWG", "DRUGS", "REOFF"]
    assert [p.order for p in priorities] == [1, 2, 3, 4]
    assert [p.heading for p in priorities] == [s["heading"] for s in sections.values()]


def test_themes_match_the_source_item_for_item(medway_plan, sections):
    for priority in medway_plan.priorities.all():
        themes = list(priority.themes.all())
        assert [t.order for t in themes] == list(range(1, len(themes) + 1))
        assert [t.text for t in themes] == [text for text, _ in sections[priority.code]["themes"]]
        top_level = None
        for theme, (_, nested) in zip(themes, sections[priority.code]["themes"], strict=True):
            assert theme.parent_id == (top_level.pk if nested else None), theme.text
            if not nested:
                top_level = theme


def test_deliverables_match_the_source_item_for_item(medway_plan, sections):
    for priority in medway_plan.priorities.all():
        deliverables = list(priority.deliverables.all())
        assert [d.order for d in deliverables] == list(range(1, len(deliverables) + 1))
        assert [d.text for d in deliverables] == [text for text, _ in sections[priority.code]["deliverables"]]


def test_indicator_rows_match_the_source_item_for_item(medway_plan, sections):
    for priority in medway_plan.priorities.all():
        indicators = list(priority.indicators.all())
        rows = sections[priority.code]["rows"]
        assert [i.code for i in indicators] == [f"{priority.code}-{n:02d}" for n in range(1, len(rows) + 1)]
        assert [i.order for i in indicators] == list(range(1, len(rows) + 1))
        for indicator, (text, second, responsible) in zip(indicators, rows, strict=True):
            assert indicator.text == text
            if MEASURE_COLUMN.match(second):
                assert (indicator.measure_text, indicator.benchmark_text) == (second, "")
            else:
                assert (indicator.measure_text, indicator.benchmark_text) == ("", second)
            assert indicator.responsible_as_printed == responsible


def test_only_the_five_prevent_action_rows_have_a_measure_column(medway_plan):
    with_measure = Indicator.objects.filter(priority__plan_year=medway_plan).exclude(measure_text="")

    assert list(with_measure.values_list("code", flat=True)) == [f"ASB-{n}" for n in range(17, 22)]


def test_deliverable_lead_agencies_and_themes_delivered(medway_plan):
    leads = {
        (d.priority.code, d.order): d.lead_agency.name
        for d in Deliverable.objects.filter(priority__plan_year=medway_plan, lead_agency__isnull=False)
    }
    delivered = {
        d.order: d.delivers_theme.text
        for d in Deliverable.objects.filter(priority__plan_year=medway_plan, delivers_theme__isnull=False)
    }

    assert leads == {
        ("DRUGS", 8): "Kent Police",
        ("REOFF", 1): "Interventions Alliance",
        ("REOFF", 2): "The Probation Service",
        ("REOFF", 6): "Medway Council",  # "Youth Offending Team": Medway Council's Youth Justice Service
    }
    assert sorted(delivered) == [1, 2, 3, 4, 5, 6, 7]
    for order, theme_text in delivered.items():
        deliverable = Deliverable.objects.get(
            priority__plan_year=medway_plan, priority__code="DRUGS", order=order
        )
        number = re.search(r"delivering priority (\d)", deliverable.text).group(1)
        assert theme_text.endswith(f"(priority {number}).")


def names_on_row(agency: Agency, printed: str) -> bool:
    return any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", printed, re.IGNORECASE) for name in agency.known_names()
    )


def test_every_indicator_is_linked_to_exactly_the_agencies_named_on_its_row(medway_plan):
    agencies = list(Agency.objects.filter(partnership=medway_plan.partnership))
    several = {"ASB-01": 2, "ASB-02": 3, "ASB-10": 2, "ASB-11": 2, "DRUGS-04": 2}

    for indicator in Indicator.objects.filter(priority__plan_year=medway_plan).prefetch_related(
        "responsible_agencies"
    ):
        linked = set(indicator.responsible_agencies.all())
        named = {a for a in agencies if names_on_row(a, indicator.responsible_as_printed)}
        assert linked, indicator.code
        assert linked == named, indicator.code
        assert len(linked) == several.get(indicator.code, 1), indicator.code


def test_each_agency_is_stored_once_whatever_the_spelling(medway_plan):
    agencies = Agency.objects.filter(partnership=medway_plan.partnership)
    spellings = Counter(name for agency in agencies for name in agency.known_names())

    assert [s for s, n in spellings.items() if n > 1] == []
    probation = Agency.objects.get(name="The Probation Service")
    assert {"probation service", "medway probation"} <= probation.known_names()
    drugs = Agency.objects.get(name="Medway Combating Drugs Partnership")
    assert "medway combatting drugs partnership" in drugs.known_names()
    assert Agency.objects.get(short_name="CSU").known_names() >= {"medway csu"}


def snapshot(plan: PlanYear) -> dict:
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (Partnership, PlanYear, Priority, KeyTheme, Deliverable, Agency, Indicator, Measure)
        },
        "themes": list(KeyTheme.objects.values_list("pk", "parent_id", "text")),
        "deliverables": list(
            Deliverable.objects.values_list("pk", "lead_agency_id", "delivers_theme_id", "text")
        ),
        "indicators": list(Indicator.objects.values_list("pk", "code", "text", "benchmark_text")),
        "links": sorted(
            Indicator.responsible_agencies.through.objects.values_list("indicator_id", "agency_id")
        ),
        "measures": list(Measure.objects.values_list("pk", "code", "target_value", "supplier_id")),
        "agencies": sorted(Agency.objects.values_list("name", flat=True)),
    }


def test_loading_the_fixture_twice_changes_nothing(medway_plan):
    before = snapshot(medway_plan)

    call_command("loaddata", "medway-2026-27", verbosity=0)

    assert snapshot(medway_plan) == before
    assert len(before["agencies"]) == len(set(before["agencies"])) == 12


def test_every_plan_object_passes_model_validation(medway_plan):
    objects = [
        medway_plan.partnership,
        medway_plan,
        *Agency.objects.all(),
        *Priority.objects.all(),
        *KeyTheme.objects.all(),
        *Deliverable.objects.all(),
        *Indicator.objects.all(),
        *Measure.objects.all(),
    ]

    for obj in objects:
        obj.full_clean()


def test_every_measure_is_supplied_by_one_of_its_indicators_responsible_agencies(medway_plan):
    measures = Measure.objects.filter(indicator__priority__plan_year=medway_plan).select_related("indicator")

    assert measures.exists()
    for measure in measures.prefetch_related("indicator__responsible_agencies"):
        assert measure.supplier in measure.indicator.responsible_agencies.all(), measure.code
        assert measure.code.startswith(f"{measure.indicator.code}-"), measure.code


def test_measure_codes_and_orders_run_in_sequence(medway_plan):
    for indicator in Indicator.objects.filter(priority__plan_year=medway_plan).prefetch_related("measures"):
        measures = list(indicator.measures.all())
        assert [m.order for m in measures] == list(range(1, len(measures) + 1))
        assert [m.code for m in measures] == [f"{indicator.code}-{chr(64 + m.order)}" for m in measures]


@pytest.mark.parametrize(
    ("code", "target_kind", "target_value", "baseline_value", "due_date"),
    [
        ("DRUGS-05-A", "number", 1416, None, None),
        ("DRUGS-06-A", "number", 95, None, None),
        ("DRUGS-07-A", "percentage", 63, None, None),
        ("REOFF-01-A", "reduction", None, 146, None),
        ("REOFF-02-A", "number", 30, None, None),
        ("VAWG-08-A", "milestone", None, None, "2026-10-31"),
        ("ASB-16-A", "milestone", None, None, "2028-03-31"),
    ],
)
def test_printed_targets_are_carried_into_measures(
    medway_plan, code, target_kind, target_value, baseline_value, due_date
):
    measure = Measure.objects.get(code=code, indicator__priority__plan_year=medway_plan)

    assert measure.target_kind == target_kind
    assert measure.target_value == target_value
    assert measure.baseline_value == baseline_value
    assert (measure.due_date.isoformat() if measure.due_date else None) == due_date


def test_dfm_prescribing_has_one_measure_per_medicine(medway_plan):
    measures = Measure.objects.filter(indicator__code="DRUGS-04", indicator__priority__plan_year=medway_plan)

    assert len(measures) == 4
    assert {(m.unit, m.polarity, m.target_kind, m.supplier.short_name) for m in measures} == {
        ("rate_per_100k", "lower", "direction", "ICB")
    }
