"""A plan may run over several financial years: an end year, blank (as every existing plan) for one."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("csp", "0005_protective_marking_classifications")]

    operations = [
        migrations.AlterField(
            model_name="planyear",
            name="start_year",
            field=models.PositiveSmallIntegerField(
                help_text="The calendar year in which the plan starts: 2026 for 2026-27.",
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
            ),
        ),
        migrations.AddField(
            model_name="planyear",
            name="end_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="For a plan over several financial years: the year its last one starts (2028 for a "
                "plan that runs to 2028-29). Blank for one year.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="planyear",
            constraint=models.CheckConstraint(
                condition=models.Q(end_year__isnull=True) | models.Q(end_year__gt=models.F("start_year")),
                name="plan_ends_after_it_starts",
                violation_error_message="A plan's last year must come after its first; blank for one year.",
            ),
        ),
    ]
