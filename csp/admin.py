"""The admin: the partnership, its people and agencies; and how every admin page is scoped.

A superuser sees everything. A partnership administrator (staff, with the administrator role in some
partnerships) sees, and may add and change, only those partnerships' records: every admin of the project
uses `PartnershipScoped`, which filters the lists, the choices in forms and the objects that open by each
model's `partnership_path`. Deleting is for superusers: plan items carry returns and figures.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from csp import roles
from csp.models import Agency, EnrolmentCode, Membership, Partnership, PartnershipRole, PlanYear
from csp.provisioning import ROLE_NAMES, ProvisioningError, add_user
from csp.resources import AgencyResource
from csp.spreadsheets import SpreadsheetAdmin
from csp.two_factor import CODE_LIFETIME, issue_enrolment_code


def administered(request) -> set[int] | None:
    """The partnerships the user administers; None for a superuser, who administers them all."""
    if request.user.is_superuser:
        return None
    return roles.partnership_ids(request.user, roles.ADMINISTRATOR)


def scoped(queryset, ids: set[int] | None):
    if ids is None:
        return queryset
    return queryset.filter(**{f"{queryset.model.partnership_path}__in": ids})


class PartnershipScoped:
    """For ModelAdmin and inline classes of models with a `partnership_path`."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), administered(request))

    def _limit_choices(self, db_field, request, kwargs):
        related = db_field.related_model
        if hasattr(related, "partnership_path") and "queryset" not in kwargs:
            kwargs["queryset"] = scoped(related._default_manager.all(), administered(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may(self, request, obj=None) -> bool:
        ids = administered(request)
        if ids is None:
            return True
        if not ids:
            return False
        return obj is None or scoped(type(obj)._default_manager.filter(pk=obj.pk), ids).exists()

    def has_module_permission(self, request):
        return request.user.is_superuser or self._may(request)

    def has_view_permission(self, request, obj=None):
        return (
            super().has_view_permission(request, obj)
            if request.user.is_superuser
            else self._may(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._may(request, obj)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) if request.user.is_superuser else self._may(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_list_filter(self, request):
        """Filters by a related record offer only those in the (scoped) list, never another
        partnership's names."""
        return [related_only(self.model, entry) for entry in super().get_list_filter(request)]


def related_only(model, entry):
    if not isinstance(entry, str):
        return entry
    field = None
    for part in entry.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry


class ScopedAdmin(PartnershipScoped, admin.ModelAdmin):
    pass


class ReadOnlyAdmin(ScopedAdmin):
    """For records that change only through the app's own services (or never): look, do not touch."""

    allow_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class PlanYearInline(PartnershipScoped, admin.TabularInline):
    """The partnership's plans, to open; a plan is added on its own page or imported, which makes its
    reporting periods too."""

    model = PlanYear
    extra = 0
    fields = ("start_year", "end_year", "title")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AddPersonForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=[(name, name) for name in ROLE_NAMES])
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        help_text="For an officer: the agency they report for.",
    )
    email = forms.EmailField(required=False, help_text="Where password resets and reminders go.")

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = partnership.agencies.order_by("name")


@admin.register(Partnership)
class PartnershipAdmin(ScopedAdmin):
    list_display = ("name", "slug", "board_short_name", "protective_marking")
    search_fields = ("name", "vision")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PlanYearInline]

    def has_add_permission(self, request, *args):
        return request.user.is_superuser  # a new partnership is the service owner's to set up

    def get_urls(self):
        view = self.admin_site.admin_view(self.add_person)
        return [
            path("<int:object_id>/add-person/", view, name="csp_partnership_add_person"),
            *super().get_urls(),
        ]

    def add_person(self, request, object_id: int):
        """The admin's `add_user`: give someone a role in this partnership, making the account if new."""
        partnership = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, partnership):
            raise PermissionDenied
        form = AddPersonForm(request.POST or None, partnership=partnership)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            agency = data["agency"].name if data["agency"] else ""
            try:
                added = add_user(
                    data["username"], partnership, data["role"], agency=agency, email=data["email"]
                )
            except ProvisioningError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, str(added), messages.SUCCESS)
                return redirect(reverse("admin:csp_partnership_change", args=[partnership.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": partnership,
            "title": f"Add a person to {partnership.name}",
            "form": form,
        }
        return TemplateResponse(request, "admin/csp/partnership/add_person.html", context)


@admin.register(Agency)
class AgencyAdmin(PartnershipScoped, SpreadsheetAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "short_name", "partnership")
    list_filter = ("partnership",)
    search_fields = ("name", "short_name", "other_names")
    ordering = ("partnership", "name")
    list_select_related = ("partnership",)


class MembershipInline(PartnershipScoped, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("agency",)
    verbose_name = "agency membership"


class RoleInline(PartnershipScoped, admin.TabularInline):
    model = PartnershipRole
    extra = 1
    verbose_name = "role in a partnership"


admin.site.unregister(User)


@admin.register(User)
class CspUserAdmin(UserAdmin):
    """People, with their roles in partnerships and their agency memberships. A partnership administrator
    sees the people of their partnerships and may change their roles and memberships there, and no more."""

    inlines = [RoleInline, MembershipInline]
    actions = ["issue_two_factor_code"]
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")
    list_filter = (
        "is_staff",
        "is_active",
        ("partnership_roles__partnership", admin.RelatedOnlyFieldListFilter),
        ("memberships__agency", admin.RelatedOnlyFieldListFilter),
    )
    limited_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "is_active")}),)

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("partnership_roles__partnership")
        ids = administered(request)
        if ids is None:
            return users
        return users.filter(
            Q(partnership_roles__partnership_id__in=ids) | Q(memberships__agency__partnership_id__in=ids)
        ).distinct()

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets  # no passwords, staff or superuser flags, groups or permissions

    def _may(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not administered(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        # A partnership administrator adds people from their partnership's page ("Add a person").
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="roles")
    def roles(self, obj) -> str:
        held = [f"{r.get_role_display()}, {r.partnership.name}" for r in obj.partnership_roles.all()]
        return "; ".join(held)

    @admin.action(description="Issue a two-factor set-up code (removes their authenticator)")
    def issue_two_factor_code(self, request, queryset):
        """Codes are shown on the page this returns, once, and are not kept anywhere in the clear."""
        if not request.user.has_perm("csp.add_enrolmentcode"):
            raise PermissionDenied
        codes = [(user, issue_enrolment_code(user, request.user)) for user in queryset.order_by("username")]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Two-factor set-up codes",
            "codes": codes,
            "days": CODE_LIFETIME.days,
        }
        return TemplateResponse(request, "admin/csp/two_factor_codes.html", context)


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(admin.ModelAdmin):
    """Who was given a set-up code, by whom, and whether it was used: codes are issued from Users. For
    superusers only: a code is no partnership's record."""

    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at")
    exclude = ("code_hash",)
    readonly_fields = ("user", "issued_by", "issued_at", "expires_at", "used_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
