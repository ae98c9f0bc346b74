"""django-import-export's building blocks for rows that name things, not database ids; agencies in and out.

An import applies whole or not at all (`AllOrNothingResource`). Rows name their partnership by slug and
agencies by any of their names, looked up within that partnership only: two partnerships may both have a
"Medway Council".
"""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from import_export import fields, resources, widgets
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from csp import roles
from csp.models import Agency, Partnership, normalised_name
from csp.spreadsheets import cell_text, undo_spreadsheet_safe

logger = logging.getLogger(__name__)


def find_agency(name: str, partnership_slug: str) -> Agency:
    wanted = normalised_name(name)
    for agency in Agency.objects.filter(partnership__slug=partnership_slug):
        if wanted in agency.known_names():
            return agency
    raise ValueError(f"No agency called {name!r} in partnership {partnership_slug!r}.")


class PartnershipWidget(ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Partnership, field="slug")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Partnership.DoesNotExist:
            raise ValueError(f"No partnership with the slug {value!r}.") from None


class AgencyWidget(ForeignKeyWidget):
    """An agency by any of its names, within the row's partnership."""

    def __init__(self) -> None:
        super().__init__(Agency, field="name")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        return find_agency(str(value), (row.get("partnership") or "").strip())


class AgenciesWidget(ManyToManyWidget):
    """Agencies separated by semicolons; an unknown name is an error, never silently dropped."""

    def __init__(self) -> None:
        super().__init__(Agency, separator=";", field="name")

    def clean(self, value, row=None, **kwargs):
        names = [n.strip() for n in str(value or "").split(self.separator) if n.strip()]
        if not names:
            raise ValueError("Name at least one responsible agency.")
        slug = (row.get("partnership") or "").strip()
        ids = [find_agency(name, slug).pk for name in names]
        return Agency.objects.filter(pk__in=ids)


class DateWidget(widgets.Widget):
    """A date as a real date in XLSX, YYYY-MM-DD in CSV; blank for none. (import-export's own writes
    text in a format of its choosing, which a spreadsheet may read as a month first.)"""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


def administered_slugs(user) -> set[str] | None:
    """The partnerships a person importing in the admin may write to; None for any (a superuser, or a
    command, which has no user)."""
    if user is None or user.is_superuser:
        return None
    ids = roles.partnership_ids(user, roles.ADMINISTRATOR)
    return set(Partnership.objects.filter(pk__in=ids).values_list("slug", flat=True))


class AllOrNothingResource(resources.ModelResource):
    """An import applies whole or not at all: a row with a validation error rolls every row back. A
    partnership administrator's rows must each name a partnership they administer.

    What an export wrote comes back as it was: a blank cell is "" whichever format it came in (openpyxl
    gives None, which a text column cannot hold), and text the export escaped against formulae ("'=2+5")
    loses its apostrophe again. A row the database itself refuses is reported in plain English, never
    with the database's own message, which quotes the row as stored.
    """

    allowed_partnerships: set[str] | None = None

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        self.allowed_partnerships = administered_slugs(kwargs.get("user"))
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if value is None:
                row[column] = ""
            elif isinstance(value, str):
                row[column] = undo_spreadsheet_safe(value)
        if self.allowed_partnerships is not None:
            slug = cell_text(row.get("partnership"))
            if slug not in self.allowed_partnerships:
                mine = ", ".join(sorted(self.allowed_partnerships)) or "none"
                raise ValidationError(
                    {
                        "partnership": f"You may import only for the partnerships you administer ({mine}), "
                        f"not {slug or 'a blank partnership'}."
                    }
                )
        super().before_import_row(row, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        for error in result.errors:
            if isinstance(error.error, DatabaseError):
                logger.warning("An import row was refused by the database: %s", error.error)
                error.error = ValueError(
                    "The database refused this row (perhaps it names something twice, or leaves out "
                    "something required): check it against the other rows. Nothing was imported."
                )
        return result


class AgencyResource(AllOrNothingResource):
    partnership = fields.Field(attribute="partnership", column_name="partnership", widget=PartnershipWidget())

    class Meta:
        model = Agency
        fields = ("partnership", "name", "short_name", "other_names")
        import_id_fields = ("partnership", "name")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
