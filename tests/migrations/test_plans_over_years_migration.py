"""A database made on an earlier layout (the seed_demo snapshot) migrates to today's with every row still
valid: each period in its plan's one financial year, each protective marking a classification, each
measure's target of its kind."""

from django.db.migrations.executor import MigrationExecutor

from csp.models import Partnership, ProtectiveMarking
from indicators.models import Measure
from returns.models import ReportingPeriod
from tests.migrations import snapshot
from tests.migrations.test_forward_migration import BEFORE, SNAPSHOT, empty_database, migrate  # noqa: F401


def test_a_seed_demo_database_migrates_to_plans_over_years_with_every_row_valid(empty_database):  # noqa: F811
    migrate(empty_database, BEFORE)
    snapshot.restore(empty_database, snapshot.load(SNAPSHOT))

    executor = MigrationExecutor(empty_database)
    executor.migrate(executor.loader.graph.leaf_nodes())

    periods = list(ReportingPeriod.objects.select_related("plan_year"))
    assert len(periods) == 4
    assert {(p.year, p.plan_year.start_year) for p in periods} == {(2026, 2026)}
    assert [p.quarter.code for p in sorted(periods, key=lambda p: p.number)] == [
        f"2026-27-Q{n}" for n in range(1, 5)
    ]
    assert {p.protective_marking for p in Partnership.objects.all()} <= set(ProtectiveMarking.values)
    measures = list(Measure.objects.select_related("indicator__priority__plan_year", "supplier"))
    assert len(measures) == 71
    for measure in measures:
        measure.full_clean()
    with empty_database.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM returns_historicalreportingperiod WHERE year IS NULL")
        assert cursor.fetchone() == (0,)
