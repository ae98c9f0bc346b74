"""A protective marking is blank (nothing printed) or a Government Security Classification.

Until now it was free text, printed as OFFICIAL when blank. Existing values are kept where they are a
classification in another spelling ("Official sensitive" is OFFICIAL-SENSITIVE); a blank stays blank, and
now prints nothing. Anything else (a pre-2014 marking such as RESTRICTED, or a typing slip) becomes
OFFICIAL-SENSITIVE: a report marked higher than it need be is an inconvenience, one marked lower than it
should be is a leak, so the migration errs upwards and an administrator can lower it.
"""

import re

from django.db import migrations, models

CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")


def classification(text: str) -> str:
    words = " ".join(re.split(r"[\s_-]+", text.strip().upper()))
    if not words:
        return ""
    for marking in CLASSIFICATIONS:
        if words == " ".join(re.split(r"[\s_-]+", marking)):
            return marking
    return "OFFICIAL-SENSITIVE"


def to_classifications(apps, schema_editor):
    partnership = apps.get_model("csp", "Partnership")
    for each in partnership.objects.using(schema_editor.connection.alias).all():
        marking = classification(each.protective_marking)
        if marking != each.protective_marking:
            each.protective_marking = marking
            each.save(update_fields=["protective_marking"])


class Migration(migrations.Migration):
    dependencies = [("csp", "0004_partnership_roles")]

    operations = [
        migrations.RunPython(to_classifications, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partnership",
            name="protective_marking",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None: nothing printed"),
                    ("OFFICIAL", "OFFICIAL"),
                    ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"),
                    ("SECRET", "SECRET"),
                    ("TOP SECRET", "TOP SECRET"),
                ],
                default="OFFICIAL",
                help_text="Printed on every page of the quarterly report; none prints nothing.",
                max_length=60,
            ),
        ),
    ]
