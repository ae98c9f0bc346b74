"""Agencies and memberships move to csp; periods, returns, figures and reminders to returns.

The new apps' first migrations (csp 0003, returns 0001) declare the models; this one renames the tables
to the new apps' names, points the indicators' own links at the moved agency model, forgets the old
models, and moves their content types (so admin history and permissions follow them). No row is copied
or changed: each table keeps its rows, ids and constraints under its new name.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "csp": ("agency", "membership"),
    "returns": (
        "reportingperiod",
        "historicalreportingperiod",
        "return",
        "historicalreturn",
        "figure",
        "historicalfigure",
        "remindersent",
        "notificationpreference",
    ),
}


def _move_content_types(apps, schema_editor, *, forwards: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    types = content_type.objects.using(schema_editor.connection.alias)
    for app, models_ in MOVED.items():
        old, new = ("indicators", app) if forwards else (app, "indicators")
        for model in models_:
            if types.filter(app_label=old, model=model).exists():
                # One made for the new place in between (by a migrate of only some apps) is a duplicate.
                types.filter(app_label=new, model=model).delete()
                types.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("csp", "0003_agency_membership"),
        ("indicators", "0005_period_history"),
        ("reporting", "0002_periods_in_returns"),
        ("returns", "0001_initial"),
        ("themes", "0002_deliverable_lead_agency_in_csp"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"{app}_{model}")
                for app, models_ in MOVED.items()
                for model in models_
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="measure",
                    name="supplier",
                    field=models.ForeignKey(
                        help_text="The agency that supplies the figure.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="measures",
                        to="csp.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicator",
                    name="responsible_agencies",
                    field=models.ManyToManyField(related_name="indicators", to="csp.agency"),
                ),
                *(
                    migrations.DeleteModel(name=name)
                    for name in (
                        "HistoricalFigure",
                        "HistoricalReportingPeriod",
                        "HistoricalReturn",
                        "Figure",
                        "NotificationPreference",
                        "ReminderSent",
                        "Return",
                        "Membership",
                        "ReportingPeriod",
                        "Agency",
                    )
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
