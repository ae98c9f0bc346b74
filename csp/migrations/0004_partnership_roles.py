"""Roles held in a partnership, in place of the role groups that held across every partnership.

Everyone in a role group gets that role in every partnership there is (until now one instance served one
partnership, so that is what each role meant); the groups then go. Officers need no role: their agency
memberships decide their partnerships.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GROUP_ROLES = {"CSP coordinator": "coordinator", "SEG viewer": "viewer", "Administrator": "admin"}
OFFICER_GROUP = "Partner officer"


def groups_to_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    group = apps.get_model("auth", "Group")
    partnership = apps.get_model("csp", "Partnership")
    role = apps.get_model("csp", "PartnershipRole")
    partnerships = list(partnership.objects.using(db).all())
    for name, role_name in GROUP_ROLES.items():
        for found in group.objects.using(db).filter(name=name):
            role.objects.using(db).bulk_create(
                [
                    role(user_id=user_id, partnership=each, role=role_name)
                    for user_id in found.user_set.values_list("pk", flat=True)
                    for each in partnerships
                ],
                ignore_conflicts=True,
            )
    group.objects.using(db).filter(name__in=[*GROUP_ROLES, OFFICER_GROUP]).delete()


def roles_to_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    group = apps.get_model("auth", "Group")
    role = apps.get_model("csp", "PartnershipRole")
    membership = apps.get_model("csp", "Membership")
    for name, role_name in GROUP_ROLES.items():
        found, _ = group.objects.using(db).get_or_create(name=name)
        found.user_set.add(*role.objects.using(db).filter(role=role_name).values_list("user_id", flat=True))
    officers, _ = group.objects.using(db).get_or_create(name=OFFICER_GROUP)
    officers.user_set.add(*membership.objects.using(db).values_list("user_id", flat=True))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("csp", "0003_agency_membership"),
        ("indicators", "0006_move_to_csp_and_returns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnershipRole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("coordinator", "CSP coordinator"),
                            ("viewer", "Report viewer"),
                            ("admin", "Partnership administrator"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="roles", to="csp.partnership"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnership_roles",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["partnership__name", "role"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "partnership", "role"), name="one_role_of_a_kind")
                ],
            },
        ),
        migrations.RunPython(groups_to_roles, roles_to_groups),
    ]
