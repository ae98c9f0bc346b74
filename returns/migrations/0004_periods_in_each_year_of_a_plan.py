"""A period names its financial year, so that a plan over several years has four periods in each.

Every existing period is in its plan's start year (plans were one year each), and so is every historical
record of one: the year is filled in from the plan before it becomes required.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def year_of_the_plan(apps, schema_editor):
    db = schema_editor.connection.alias
    plan_year = apps.get_model("csp", "PlanYear")
    start = Subquery(plan_year.objects.filter(pk=OuterRef("plan_year_id")).values("start_year")[:1])
    for name in ("ReportingPeriod", "HistoricalReportingPeriod"):
        apps.get_model("returns", name).objects.using(db).filter(year__isnull=True).update(year=start)


class Migration(migrations.Migration):
    dependencies = [
        ("csp", "0006_plans_over_several_years"),
        ("returns", "0003_figure_benchmark"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingperiod",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="financial year"),
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="financial year"),
        ),
        migrations.RunPython(year_of_the_plan, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportingperiod",
            name="year",
            field=models.PositiveSmallIntegerField(
                help_text="The year its financial year starts: 2026 for 2026-27.", verbose_name="financial year"
            ),
        ),
        migrations.AlterField(
            model_name="historicalreportingperiod",
            name="year",
            field=models.PositiveSmallIntegerField(
                help_text="The year its financial year starts: 2026 for 2026-27.", verbose_name="financial year"
            ),
        ),
        migrations.RemoveConstraint(model_name="reportingperiod", name="one_period_per_quarter"),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.UniqueConstraint(fields=("plan_year", "year", "number"), name="one_period_per_quarter"),
        ),
        migrations.AlterModelOptions(
            name="reportingperiod", options={"ordering": ["plan_year", "year", "number"]}
        ),
    ]
