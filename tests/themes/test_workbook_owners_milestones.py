"""The plan workbook carries each deliverable's owner and due date, and its milestones in a sheet of their
own: out and back unchanged, bad rows reported in one round, and a workbook made before these columns
existed imports without touching them."""

import csv
import datetime
import io

import pytest

from csp.models import Agency, PlanYear
from csp.upload_guard import check_bytes
from tests.themes.test_import_one_round import without_column
from tests.themes.test_workbook_errors import counts, run, small_plan
from tests.themes.test_workbook_roundtrip import import_bytes, wipe_plans
from themes import workbook, workbook_export
from themes.models import Deliverable, Milestone
from themes.plan_import import import_plan


def actions(slug: str = "medway") -> list[tuple]:
    """Each deliverable's owner, due date and milestones, by the names people use."""
    plan_year = PlanYear.objects.get(partnership__slug=slug)
    return [
        (
            d.priority.code,
            d.order,
            d.owner.name if d.owner else None,
            d.due_date,
            tuple((m.order, m.text, m.due_date) for m in d.milestones.order_by("order")),
        )
        for d in Deliverable.objects.filter(priority__plan_year=plan_year)
        .select_related("priority", "owner")
        .order_by("priority__order", "order")
    ]


@pytest.fixture
def medway_actions(medway_plan):
    """Medway's plan with owners chosen for two actions the plan gives no lead, due dates and milestones."""
    leadless = Deliverable.objects.filter(priority__plan_year=medway_plan, lead_agency__isnull=True)
    first, second = leadless.order_by("priority__order", "order")[:2]
    council = Agency.objects.get(partnership=medway_plan.partnership, name="Medway Council")
    police = Agency.objects.get(partnership=medway_plan.partnership, name="Kent Police")
    first.owner, first.due_date = council, datetime.date(2027, 3, 31)
    first.save()
    second.owner = police
    second.save()
    Milestone.objects.create(
        deliverable=first, order=1, text="Sites surveyed", due_date=datetime.date(2026, 9, 30)
    )
    Milestone.objects.create(deliverable=first, order=2, text="=Cameras installed", due_date=None)
    Milestone.objects.create(
        deliverable=second, order=1, text="Pilot agreed", due_date=datetime.date(2026, 12, 1)
    )
    return medway_plan


def test_owners_due_dates_and_milestones_survive_export_and_import_into_an_empty_database(medway_actions):
    before = actions()
    exported = workbook_export.plan_rows(medway_actions)
    assert len(exported[workbook.MILESTONES.title]) == 3
    wipe_plans()

    report = import_bytes(workbook_export.write_xlsx(exported))

    assert report.applied, [str(e) for e in report.errors]
    assert len([c for c in report.created if c.sheet == "Milestones"]) == 3
    assert actions() == before
    assert workbook_export.plan_rows(PlanYear.objects.get(pk=report.plan_year_id)) == exported


def test_they_survive_a_zip_of_csv_files_too(medway_actions):
    before = actions()
    data = workbook_export.write_csv_zip(workbook_export.plan_rows(medway_actions))
    wipe_plans()

    report = import_bytes(data, "medway.zip")

    assert report.applied, [str(e) for e in report.errors]
    assert actions() == before


def test_reimporting_changes_nothing_and_a_correction_updates_in_place(medway_actions):
    rows = workbook_export.plan_rows(medway_actions)
    assert not import_bytes(workbook_export.write_xlsx(rows)).changes_anything
    ids = sorted(Milestone.objects.values_list("pk", flat=True))
    deliverables = rows[workbook.DELIVERABLES.title]
    owned = next(row for row in deliverables if row[6] == "Kent Police")
    owned[6], owned[7] = "KFRS", datetime.date(2027, 1, 31)
    milestones = rows[workbook.MILESTONES.title]
    milestones[0][3] = "Sites surveyed and costed"
    dropped = milestones.pop(1)

    report = import_bytes(workbook_export.write_xlsx(rows))

    assert report.applied, [str(e) for e in report.errors]
    updated = {str(c) for c in report.updated}
    assert f"{owned[0]} deliverable {owned[1]}: owner, due_date" in updated
    assert f"{milestones[0][0]} deliverable {milestones[0][1]} milestone 1: text" in updated
    assert [item for sheet, item in report.left_alone if sheet == "Milestones"] == [
        f"{dropped[0]} deliverable {dropped[1]} milestone 2: =Cameras installed"
    ]
    assert sorted(Milestone.objects.values_list("pk", flat=True)) == ids  # nothing deleted
    changed = Deliverable.objects.select_related("owner").get(priority__code=owned[0], order=owned[1])
    assert (changed.owner.short_name, changed.due_date) == ("KFRS", datetime.date(2027, 1, 31))


def test_a_workbook_made_before_owners_and_milestones_imports_and_leaves_them_as_they_are(medway_actions):
    before = actions()
    files = workbook_export.csv_files(workbook_export.plan_rows(medway_actions))
    del files[workbook.MILESTONES.filename]
    table = list(csv.reader(io.StringIO(files[workbook.DELIVERABLES.filename].decode())))
    out = io.StringIO()
    csv.writer(out).writerows(row[:-2] for row in table)  # owner and due_date are the last two
    files[workbook.DELIVERABLES.filename] = out.getvalue().encode()
    assert table[0][-2:] == ["owner", "due_date"]

    report = import_plan(workbook.read_csv_files(files))

    assert report.applied, [str(e) for e in report.errors]
    assert not report.changes_anything
    assert actions() == before


SMALL_MILESTONES = [
    {"priority": "SEA", "deliverable": 1, "order": 1, "text": "Boats bought", "due_date": "2026-09-30"},
    {"priority": "SEA", "deliverable": 1, "order": 2, "text": "Crews trained", "due_date": "31/12/2026"},
]


def with_milestones(milestones=SMALL_MILESTONES, **edits) -> dict:
    rows = small_plan(**edits)
    rows[workbook.MILESTONES.title] = [
        [row.get(name) for name in workbook.MILESTONES.column_names] for row in milestones
    ]
    return rows


def test_the_small_plan_takes_an_owner_a_due_date_and_milestones(db):
    rows = with_milestones(Deliverables={(0, "owner"): "The Council", (0, "due_date"): "2027-03-31"})

    report = run(rows)

    assert report.applied, [str(e) for e in report.errors]
    deliverable = Deliverable.objects.get()
    assert (deliverable.owner.name, deliverable.due_date) == ("Atlantis Council", datetime.date(2027, 3, 31))
    assert list(deliverable.milestones.values_list("order", "text", "due_date")) == [
        (1, "Boats bought", datetime.date(2026, 9, 30)),
        (2, "Crews trained", datetime.date(2026, 12, 31)),
    ]


def test_every_bad_owner_date_and_milestone_is_reported_in_one_round_and_nothing_is_written(db):
    milestones = [
        *SMALL_MILESTONES,
        {"priority": "SEA", "deliverable": 2, "order": 1, "text": "Nowhere to hang it"},
        {"priority": "SEA", "deliverable": 1, "order": 1, "text": "Boats bought again"},
        {"priority": "SEA", "deliverable": 1, "order": 3, "text": "", "due_date": "soon"},
        {"priority": "SEA", "deliverable": 1, "order": 4, "text": "x" * 501},
    ]
    rows = with_milestones(
        milestones, Deliverables={(0, "owner"): "Atlantis Fire", (0, "due_date"): "next spring"}
    )

    report = run(rows)

    assert [str(problem) for problem in report.errors] == [
        "Sheet \"Deliverables\", row 2: the due_date must be a date like 2026-10-31, not 'next spring'.",
        'Sheet "Deliverables", row 2: no agency called "Atlantis Fire": add it to the Agencies sheet, or use '
        "a name there.",
        'Sheet "Milestones", row 4: no deliverable 2 of SEA in the Deliverables sheet.',
        'Sheet "Milestones", row 5: milestone 1 of SEA deliverable 1 is already used on row 2.',
        'Sheet "Milestones", row 6: the text is missing.',
        "Sheet \"Milestones\", row 6: the due_date must be a date like 2026-10-31, not 'soon'.",
        'Sheet "Milestones", row 7: text: Ensure this value has at most 500 characters (it has 501).',
    ]
    assert set(counts().values()) == {0}
    assert not Milestone.objects.exists()


def test_a_milestones_sheet_without_its_key_column_is_reported_once(db):
    files = without_column(with_milestones(), workbook.MILESTONES, "deliverable")

    report = import_plan(workbook.read_csv_files(files))

    assert [str(problem) for problem in report.errors] == [
        'Sheet "Milestones", row 1: the header row is missing the column deliverable (priority, deliverable, '
        "order, text, due_date): nothing is imported until it is there, and every row is checked without it."
    ]


def test_the_template_and_readme_describe_the_new_columns():
    data = workbook_export.write_xlsx(workbook_export.blank_rows())
    book = workbook.read(check_bytes(data, "plan-template.xlsx"))

    assert book.rows[workbook.MILESTONES.title] == [] and not book.problems
    assert workbook.DELIVERABLES.column_names[-2:] == ("owner", "due_date")
