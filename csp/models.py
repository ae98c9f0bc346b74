"""The partnership and who belongs to it: partnerships, their plan years, agencies, memberships and roles.

Everything else hangs from these: a plan year's priorities and indicators (themes, indicators), and the
quarter's returns (returns). One instance serves many partnerships. An officer belongs to agencies through
memberships, and so to the agencies' partnerships; coordinators, report viewers and partnership
administrators hold a role in each partnership they work for (`PartnershipRole`).

Every model that belongs to a partnership says how to reach it, as `partnership_path` (a lookup path to
the partnership's id), so that querysets and the admin can be scoped to someone's partnerships in one way.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify


def normalised_name(name: str) -> str:
    """A name as it is matched: spaces run together, case ignored ("Kent  police" is "Kent Police")."""
    return " ".join(name.split()).casefold()


class ProtectiveMarking(models.TextChoices):
    """What a report may be marked: nothing, or one of the Government Security Classifications."""

    NONE = "", "None: nothing printed"
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"
    SECRET = "SECRET", "SECRET"
    TOP_SECRET = "TOP SECRET", "TOP SECRET"


class Partnership(models.Model):
    partnership_path = "id"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    vision = models.TextField("vision statement", blank=True)
    protective_marking = models.CharField(
        max_length=60,
        choices=ProtectiveMarking,
        blank=True,
        default=ProtectiveMarking.OFFICIAL,
        help_text="Printed on every page of the quarterly report; none prints nothing.",
    )
    board_name = models.CharField(
        "board's name",
        max_length=120,
        default="Strategic Executive Group",
        help_text="The board the quarterly report goes to, as the partnership names it.",
    )
    board_short_name = models.CharField(
        "board's short name",
        max_length=20,
        default="SEG",
        help_text="How the report, its file names and the forms shorten it, e.g. SEG; blank for none.",
        blank=True,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def board(self) -> str:
        """The board in a few words, for labels: its short name, else its name."""
        return self.board_short_name or self.board_name

    @property
    def board_slug(self) -> str:
        """The board for file names: "seg" for Medway's Strategic Executive Group."""
        return slugify(self.board_short_name or self.board_name)


class PlanYear(models.Model):
    """A partnership's action plan: one financial year (1 April to 31 March), or a strategy over several.

    A plan over several years (a three-year strategy) is one plan with an end year: its priorities,
    indicators and targets run across all of them, and each of its years has its own four quarters and
    their returns under it. Targets may be due after its last year.
    """

    partnership_path = "partnership"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plan_years")
    start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the plan starts: 2026 for 2026-27.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    end_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="For a plan over several financial years: the year its last one starts (2028 for a plan "
        "that runs to 2028-29). Blank for one year.",
    )
    title = models.CharField(max_length=300, help_text="The plan's title as printed.")

    class Meta:
        ordering = ["partnership__name", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "start_year"], name="one_plan_per_partnership_year"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True) | models.Q(end_year__gt=models.F("start_year")),
                name="plan_ends_after_it_starts",
                violation_error_message="A plan's last year must come after its first; blank for one year.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.label}"

    @property
    def last_year(self) -> int:
        """The year the plan's last financial year starts: its start year for a plan of one year."""
        return self.end_year or self.start_year

    @property
    def years(self) -> range:
        """The start years of the plan's financial years, in order."""
        return range(self.start_year, self.last_year + 1)

    @property
    def label(self) -> str:
        """2026-27, or 2005-06 to 2007-08 for a plan over several years."""
        first = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        if self.last_year == self.start_year:
            return first
        return f"{first} to {self.last_year}-{(self.last_year + 1) % 100:02d}"

    def clean(self) -> None:
        if self.start_year is None or not self.partnership_id:
            return
        others = PlanYear.objects.filter(partnership_id=self.partnership_id).exclude(pk=self.pk)
        overlapping = [other for other in others if set(other.years) & set(self.years)]
        if overlapping:
            message = (
                f"{self.partnership} already has a plan for {overlapping[0].label}: a year is in one plan."
            )
            raise ValidationError({"end_year" if self.end_year else "start_year": message})


class Agency(models.Model):
    """A responsible body in one partnership. The plan spells some names two ways; each agency is stored
    once. A body that serves several partnerships (a police force) is an agency in each."""

    partnership_path = "partnership"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. KFRS, VRU, CSU, ICB.")
    other_names = models.TextField(
        blank=True,
        help_text="Other spellings used in plans, one per line, so imports find this agency.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name where space is short (tables, tags, lists): the short name if it has one."""
        return self.short_name or self.name

    def known_names(self) -> set[str]:
        """Every spelling this agency answers to, normalised, for matching names in imported plans."""
        names = {self.name, self.short_name, *self.other_names.splitlines()}
        return {normalised_name(n) for n in names if n.strip()}


class Membership(models.Model):
    """An officer's membership of an agency: what decides which returns they see and edit."""

    partnership_path = "agency__partnership"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency}"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "CSP coordinator"
    VIEWER = "viewer", "Report viewer"
    ADMINISTRATOR = "admin", "Partnership administrator"


class PartnershipRole(models.Model):
    """A role someone holds in one partnership: coordinator, report viewer or administrator (of the plan
    in the admin). Officers hold none: their agencies' memberships make the partnerships theirs."""

    partnership_path = "partnership"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_roles"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=12, choices=Role)

    class Meta:
        ordering = ["partnership__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="one_role_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role_name.lower()} of {self.partnership}"

    @property
    def role_name(self) -> str:
        """The role as the partnership names it: a report viewer reads its board's reports ("SEG member")."""
        if self.role == Role.VIEWER:
            return f"{self.partnership.board} member"
        return self.get_role_display()


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a coordinator or administrator to add an authenticator app.

    Only its SHA-256 is kept (a random code has no need of a slow hash), it expires, and it is spent by the
    enrolment it allows (`csp.two_factor`), so a password alone is never enough to set up two-factor
    sign-in on somebody else's phone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "two-factor set-up code"

    def __str__(self) -> str:
        return f"Two-factor set-up code for {self.user}"

    @staticmethod
    def digest(code: str) -> str:
        """The hash of a code as typed: case, spaces and hyphens do not matter."""
        plain = "".join(code.split()).replace("-", "").upper()
        return hashlib.sha256(plain.encode()).hexdigest()

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(self.code_hash, self.digest(code))
